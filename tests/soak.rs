//! Soak and memory: the real binary in front of a sandbox. 20,000 get_issue
//! calls at concurrency 32 with no error, and 20 MB Backlog replies refused
//! at the cap without the server's memory growing. Figures are printed
//! (run with --no-capture), never asserted as timings.

use std::time::{Duration, Instant};

use backlog_mcp_tests::backlog_sandbox::{
    DEFAULT_API_KEY, Fault, FaultRule, Sandbox, SandboxHandle,
};
use backlog_mcp_tests::{McpClient, Protocol, ServerProcess};
use serde_json::json;

/// The server on a free port, pointed at `sandbox`.
async fn server(sandbox: &SandboxHandle, extra_env: &[(&str, &str)]) -> ServerProcess {
    let base_url = sandbox.api_base_url();
    let api_key = sandbox.api_key();
    let mut env = vec![
        ("BACKLOG_BASE_URL", base_url.as_str()),
        ("BACKLOG_API_KEY", api_key.as_str()),
    ];
    env.extend_from_slice(extra_env);
    ServerProcess::start(&[], &env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_20000_get_issue_calls_at_concurrency_32() {
    const CALLS: usize = 20_000;
    const CONCURRENCY: usize = 32;
    let sandbox = Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap();
    sandbox.set_recording(false);
    let server = server(&sandbox, &[("BACKLOG_MAX_CONCURRENCY", "32")]).await;
    let warmup = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    for _ in 0..200 {
        warmup
            .call("get_issue", json!({"issueKey": "DEMO-1"}))
            .await
            .json();
    }
    let before = server.rss_kib();
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..CONCURRENCY {
        let url = server.url.clone();
        workers.push(tokio::spawn(async move {
            let client = McpClient::connect(&url, Protocol::V2025_11_25).await;
            let mut errors = 0;
            for call in 0..CALLS / CONCURRENCY {
                let key = format!("DEMO-{}", 1 + (worker + call) % 40);
                let result = client.call("get_issue", json!({"issueKey": key})).await;
                if result.is_error || !result.text.contains(&key) {
                    errors += 1;
                }
            }
            errors
        }));
    }
    let mut errors = 0;
    for worker in workers {
        errors += worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    let after = server.rss_kib();
    eprintln!(
        "soak: {} get_issue calls at concurrency {CONCURRENCY} in {:.1} s ({:.0}/s), {errors} errors; server RSS {} KiB before, {} KiB after",
        CALLS / CONCURRENCY * CONCURRENCY,
        elapsed.as_secs_f64(),
        (CALLS as f64) / elapsed.as_secs_f64(),
        before,
        after
    );
    assert_eq!(errors, 0);
    assert!(
        after < before + 64 * 1024,
        "server memory grew from {before} KiB to {after} KiB"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_megabyte_replies_leave_memory_bounded() {
    let sandbox = Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap();
    sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/issues",
        Fault::HugeBody {
            bytes: 20 * 1024 * 1024,
        },
    ));
    let server = server(&sandbox, &[]).await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    client.call("get_myself", json!({})).await.json();
    let before = server.rss_kib();
    let mut calls = Vec::new();
    for _ in 0..8 {
        let url = server.url.clone();
        calls.push(tokio::spawn(async move {
            let client = McpClient::connect(&url, Protocol::V2025_11_25).await;
            client.call("get_issues", json!({"count": 100})).await
        }));
    }
    for call in calls {
        let result = call.await.unwrap();
        assert!(
            result.is_error && result.text.contains("larger than"),
            "{}",
            &result.text[..result.text.len().min(200)]
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = server.rss_kib();
    eprintln!("20 MB replies x8 (cap 4 MiB): server RSS {before} KiB before, {after} KiB after");
    assert!(
        after < before + 48 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    client.call("get_myself", json!({})).await.json();
}
