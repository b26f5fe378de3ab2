//! The real binary: over stdio against the sandbox, `--sandbox` over HTTP,
//! startup errors, and SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, Fault, FaultRule, Sandbox};
use backlog_mcp_tests::{McpClient, Protocol, ServerProcess};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(backlog_mcp_tests::server_binary());
    command
        .args(args)
        .env_clear()
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

struct StdioClient {
    child: Child,
    stdout: BufReader<tokio::process::ChildStdout>,
    next_id: u64,
}

impl StdioClient {
    async fn send(&mut self, message: Value) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin
            .write_all(format!("{message}\n").as_bytes())
            .await
            .unwrap();
        stdin.flush().await.unwrap();
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(10), self.stdout.read_line(&mut line))
            .await
            .expect("reply in time")
            .unwrap();
        let reply: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout carries only JSON-RPC ({e}): {line:?}"));
        assert_eq!(reply["id"], id, "{reply}");
        reply
    }
}

#[tokio::test]
async fn stdio_against_the_sandbox() {
    let sandbox = Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap();
    let mut child = command(&[])
        .env("BACKLOG_BASE_URL", sandbox.api_base_url())
        .env("BACKLOG_API_KEY", sandbox.api_key())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut client = StdioClient {
        child,
        stdout,
        next_id: 0,
    };

    let init = client
        .request("initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}))
        .await;
    assert_eq!(
        init["result"]["serverInfo"]["name"], "backlog-mcp",
        "{init}"
    );
    client
        .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await;

    let tools = client.request("tools/list", json!({})).await;
    assert_eq!(
        tools["result"]["tools"].as_array().unwrap().len(),
        backlog_mcp::inventory::Inventory::all().tools().len()
    );
    // Over HTTP the list is bytes serialized once and put into rmcp's reply:
    // the same tools, on both protocol versions.
    let base_url = sandbox.api_base_url();
    let http = ServerProcess::start(
        &[],
        &[
            ("BACKLOG_BASE_URL", &base_url),
            ("BACKLOG_API_KEY", &sandbox.api_key()),
        ],
    )
    .await;
    for protocol in [Protocol::V2025_11_25, Protocol::V2026_07_28] {
        let over_http = McpClient::connect(&http.url, protocol).await;
        let reply = over_http.request("tools/list", json!({})).await;
        assert_eq!(
            reply["result"]["tools"], tools["result"]["tools"],
            "{protocol:?}"
        );
        if protocol == Protocol::V2025_11_25 {
            // The same version as the stdio client's: the same result, to the byte.
            assert_eq!(reply["result"], tools["result"]);
        }
        assert_eq!(reply["jsonrpc"], "2.0");
    }
    let myself = client
        .request("tools/call", json!({"name": "get_myself", "arguments": {}}))
        .await;
    let text = myself["result"]["content"][0]["text"].as_str().unwrap();
    assert_eq!(serde_json::from_str::<Value>(text).unwrap()["id"], 1);
    let bad = client
        .request("tools/call", json!({"name": "get_issue", "arguments": {}}))
        .await;
    assert_eq!(bad["result"]["isError"], true, "{bad}");
    assert_eq!(
        sandbox.requests().len(),
        1,
        "only get_myself reached Backlog"
    );

    // Closing stdin ends the session and the process, cleanly.
    drop(client.child.stdin.take());
    let output = tokio::time::timeout(Duration::from_secs(10), client.child.wait_with_output())
        .await
        .expect("exits")
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("tool call") && stderr.contains("get_myself"),
        "one log line per call: {stderr}"
    );
    assert!(
        !stderr.contains(&sandbox.api_key()),
        "the API key leaked into the log: {stderr}"
    );
}

#[tokio::test]
async fn missing_credentials_exit_with_one_clear_message() {
    let output = command(&[]).stdin(Stdio::null()).output().await.unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("BACKLOG_DOMAIN") && stderr.contains("--sandbox"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn sandbox_flag_over_http_then_sigterm() {
    let server = ServerProcess::start(&["--sandbox"], &[]).await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let projects = client.call("get_project_list", json!({})).await.json();
    assert!(projects.as_array().unwrap().len() >= 3);
    server.terminate();
    let (status, log) = server.wait().await;
    assert!(status.success(), "{status:?}");
    assert!(log.contains("shutting down"), "{log}");
}

#[tokio::test]
async fn sigterm_finishes_the_calls_in_flight() {
    let sandbox = Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap();
    sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/space",
        Fault::Delay(Duration::from_millis(1500)),
    ));
    let base_url = sandbox.api_base_url();
    let api_key = sandbox.api_key();
    let server = ServerProcess::start(
        &[],
        &[
            ("BACKLOG_BASE_URL", &base_url),
            ("BACKLOG_API_KEY", &api_key),
        ],
    )
    .await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let call = tokio::spawn(async move { client.call("get_space", json!({})).await });
    tokio::time::sleep(Duration::from_millis(400)).await;
    server.terminate();
    let space = call.await.unwrap().json();
    assert_eq!(
        space["spaceKey"], "demo",
        "the call in flight got its answer"
    );
    let (status, _) = server.wait().await;
    assert!(status.success(), "{status:?}");
}
