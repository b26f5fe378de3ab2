//! Load benchmark (not a test): the release binary in front of an in-process
//! sandbox, N get_issue calls from C concurrent MCP clients over Streamable
//! HTTP. Prints calls/s, latency percentiles, the server's CPU time per call
//! and its memory.
//!
//! cargo build --release -p backlog-mcp && cargo run --release -p backlog-mcp-tests --bin load -- 20000 32
//!
//! Another call: `LOAD_TOOL=get_issues LOAD_ARGUMENTS='{"count":100}'`; server
//! options: `LOAD_SERVER_ARGS="--max-tokens 0"` (split at spaces).

use std::time::{Duration, Instant};

use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, Sandbox};
use backlog_mcp_tests::{McpClient, Protocol, ServerProcess};
use serde_json::{Value, json};

/// User + system CPU time of a process (Linux), from /proc/PID/stat.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);

    let tool = std::env::var("LOAD_TOOL").unwrap_or_else(|_| "get_issue".to_owned());
    let fixed: Option<Value> = std::env::var("LOAD_ARGUMENTS")
        .ok()
        .map(|a| serde_json::from_str(&a).expect("LOAD_ARGUMENTS is JSON"));
    // get_issue by default, over the 40 DEMO issues.
    let arguments = move |n: usize| {
        fixed
            .clone()
            .unwrap_or_else(|| json!({"issueKey": format!("DEMO-{}", 1 + n % 40)}))
    };
    let server_args = std::env::var("LOAD_SERVER_ARGS").unwrap_or_default();
    let server_args: Vec<&str> = server_args.split_whitespace().collect();

    let sandbox = Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap();
    sandbox.set_recording(false);
    let (base_url, api_key) = (sandbox.api_base_url(), sandbox.api_key());
    let concurrency_env = concurrency.to_string();
    let server = ServerProcess::start(
        &server_args,
        &[
            ("BACKLOG_BASE_URL", &base_url),
            ("BACKLOG_API_KEY", &api_key),
            ("BACKLOG_MAX_CONCURRENCY", &concurrency_env),
        ],
    )
    .await;
    let pid = server.child.id().unwrap();
    let warmup = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let mut reply_bytes = 0;
    for n in 0..500 {
        reply_bytes = warmup.call(&tool, arguments(n)).await.text.len();
    }
    let rss_before = server.rss_kib();
    let cpu_before = cpu_time(pid);
    let started = Instant::now();
    let per_worker = calls / concurrency;
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let url = server.url.clone();
        let (tool, arguments) = (tool.clone(), arguments.clone());
        workers.push(tokio::spawn(async move {
            let client = McpClient::connect(&url, Protocol::V2025_11_25).await;
            let mut latencies = Vec::with_capacity(per_worker);
            for call in 0..per_worker {
                let at = Instant::now();
                let result = client.call(&tool, arguments(worker + call)).await;
                assert!(!result.is_error, "{}", result.text);
                latencies.push(at.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    let cpu = cpu_time(pid) - cpu_before;
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{} {tool} calls ({reply_bytes} bytes of text), concurrency {concurrency}: {:.0} calls/s; \
         latency p50 {:?}, p99 {:?}; server CPU {:.1} µs/call; server RSS {} KiB before, {} KiB after",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        cpu.as_secs_f64() * 1e6 / latencies.len() as f64,
        rss_before,
        server.rss_kib()
    );
    // A clean stop, so that a profiler wrapping the binary writes its report.
    server.terminate();
    let (status, _) = server.wait().await;
    assert!(status.success(), "the server stopped with {status}");
}
