//! The declaration language's error messages are part of its API: each mistake
//! in `tests/ui/` must fail to compile with the message in its `.stderr`, and
//! each declaration in `tests/pass/` must be accepted.
//!
//! `TRYBUILD=overwrite cargo test -p backlog-mcp-macros --test ui` rewrites the
//! `.stderr` files; review them like any other API change.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
