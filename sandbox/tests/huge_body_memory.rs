//! A huge body is streamed, never built whole: the process (sandbox and client alike)
//! stays far below the body's size. Alone in its own binary so no other test's
//! allocations move the peak. Linux only: it reads `/proc/self/status`.

#![cfg(target_os = "linux")]

mod support;

use backlog_sandbox::{Fault, FaultRule};
use support::{Api, open};
use tokio::io::AsyncReadExt;

/// `VmRSS` or `VmHWM` (peak) of this process, in bytes.
fn memory(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field}"));
    let kib: usize = line
        .trim_start_matches(field)
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap();
    kib * 1024
}

#[tokio::test]
async fn huge_body_does_not_balloon_the_sandbox() {
    const BODY: usize = 128 * 1024 * 1024;
    let api = Api::start().await;
    api.handle.add_fault(FaultRule::new(
        None,
        "/api/v2/issues",
        Fault::HugeBody { bytes: BODY },
    ));
    let before = memory("VmRSS");

    let key = api.handle.api_key();
    let headers = [("Backlog-API-Key", key.as_str())];
    let mut stream = open(api.handle.addr(), "GET", "/api/v2/issues", &headers, "").await;
    let mut buffer = vec![0; 64 * 1024];
    let (mut received, mut head, mut tail) = (0, Vec::new(), Vec::new());
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        if n == 0 {
            break;
        }
        if head.len() < 256 {
            head.extend_from_slice(&buffer[..n.min(256)]);
        }
        tail.extend_from_slice(&buffer[..n]);
        let keep = tail.len().saturating_sub(64);
        tail.drain(..keep);
        received += n;
    }
    let peak = memory("VmHWM");

    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    assert!(String::from_utf8_lossy(&tail).ends_with("}]\r\n0\r\n\r\n"));
    // The body plus chunk framing and the head.
    assert!((BODY..BODY + BODY / 100).contains(&received), "{received}");
    let grown = peak.saturating_sub(before);
    assert!(grown < 32 * 1024 * 1024, "peak grew by {grown} bytes");
}
