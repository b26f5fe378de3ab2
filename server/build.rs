//! Link settings of the release binary that cut its resident memory. Measured with the
//! load benchmark (README, Benchmark): most of an idle server's RSS is the binary's own
//! pages, and the kernel maps code 64 KiB around each page a start touches.
//!
//! - `hot.order`: the functions a start, a tools/list and the benchmark's calls run
//!   (listed by `tests/bench/hot-order.sh`), placed together by the linker, so those
//!   pages are few and next to each other instead of spread over all 14 MB of code.
//! - `-z pack-relative-relocs` (DT_RELR): the relocation table the loader reads at
//!   each start is a few KiB instead of 600.
//!
//! Both only where the result is known: a native release build for x86-64 Linux with
//! the toolchain's own linker (rust-lld) and a glibc that reads DT_RELR (2.36+).
//! `BACKLOG_MCP_PLAIN_LINK=1` turns them off.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=hot.order");
    println!("cargo:rerun-if-env-changed=BACKLOG_MCP_PLAIN_LINK");
    let var = |name: &str| env::var(name).unwrap_or_default();
    // RUSTC_LINKER: a linker set in cargo's config or environment; link flags may pick another.
    let own_linker =
        env::var_os("RUSTC_LINKER").is_none() && !var("CARGO_ENCODED_RUSTFLAGS").contains("link");
    if var("PROFILE") != "release"
        || var("TARGET") != "x86_64-unknown-linux-gnu"
        || var("HOST") != var("TARGET")
        || !own_linker
        || var("BACKLOG_MCP_PLAIN_LINK") == "1"
    {
        return;
    }
    let order = concat!(env!("CARGO_MANIFEST_DIR"), "/hot.order");
    println!("cargo:rustc-link-arg-bin=backlog-mcp=-Wl,--symbol-ordering-file={order}");
    // Names the list has and this build does not (code changed since it was made)
    // just stay where they are.
    println!("cargo:rustc-link-arg-bin=backlog-mcp=-Wl,--no-warn-symbol-ordering");
    if glibc_reads_relr() {
        println!("cargo:rustc-link-arg-bin=backlog-mcp=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether this machine's glibc is 2.36 or later (`ldd --version`'s first line ends
/// with its version): an older one cannot load a binary whose relocations are packed.
fn glibc_reads_relr() -> bool {
    let Ok(output) = Command::new("ldd").arg("--version").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().last());
    let Some((major, minor)) = version.and_then(|v| v.split_once('.')) else {
        return false;
    };
    matches!((major.parse::<u32>(), minor.parse::<u32>()), (Ok(major), Ok(minor)) if (major, minor) >= (2, 36))
}
