//! Dynamic toolsets (`--dynamic-toolsets`): the server starts with the
//! discovery tools only; enabling a toolset adds its tools for that client
//! alone and, where the protocol has a channel for it (stdio, 2025-11-25 HTTP
//! sessions), sends notifications/tools/list_changed. A stateless 2026-07-28
//! request remembers nothing: it names its toolsets in X-MCP-Toolsets.

use std::process::Stdio;
use std::time::Duration;

use backlog_mcp_tests::{McpClient, Protocol, ServerProcess, snapshot_settings};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn names(tools: &[Value]) -> Vec<String> {
    tools
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A line-delimited JSON-RPC client of the binary's stdio.
struct Stdio2 {
    stdin: tokio::process::ChildStdin,
    stdout: BufReader<tokio::process::ChildStdout>,
    next_id: u64,
}

impl Stdio2 {
    async fn send(&mut self, message: Value) {
        self.stdin
            .write_all(format!("{message}\n").as_bytes())
            .await
            .unwrap();
        self.stdin.flush().await.unwrap();
    }

    /// The reply to a request, and the notifications that came before it.
    async fn request(&mut self, method: &str, params: Value) -> (Value, Vec<Value>) {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let mut notifications = Vec::new();
        loop {
            let mut line = String::new();
            tokio::time::timeout(Duration::from_secs(20), self.stdout.read_line(&mut line))
                .await
                .expect("an answer in time")
                .unwrap();
            let value: Value = serde_json::from_str(&line).unwrap();
            if value["id"] == id {
                return (value, notifications);
            }
            notifications.push(value);
        }
    }
}

const DISCOVERY: [&str; 3] = [
    "list_available_toolsets",
    "get_toolset_tools",
    "enable_toolset",
];

#[tokio::test]
async fn over_stdio_enabling_a_toolset_adds_its_tools_and_notifies() {
    let mut child = tokio::process::Command::new(backlog_mcp_tests::server_binary())
        .args(["--sandbox", "--dynamic-toolsets"])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut client = Stdio2 {
        stdin: child.stdin.take().unwrap(),
        stdout: BufReader::new(child.stdout.take().unwrap()),
        next_id: 0,
    };
    let (init, _) = client
        .request(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}),
        )
        .await;
    assert_eq!(
        init["result"]["capabilities"]["tools"]["listChanged"], true,
        "{init}"
    );
    client
        .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await;
    let mut request = async |method: &str, params: Value| client.request(method, params).await;

    let (before, _) = request("tools/list", json!({})).await;
    let before = names(before["result"]["tools"].as_array().unwrap());
    assert_eq!(before, DISCOVERY);
    snapshot_settings().bind(|| insta::assert_json_snapshot!("tools_list__dynamic_start", before));

    let (toolsets, _) = request(
        "tools/call",
        json!({"name": "list_available_toolsets", "arguments": {}}),
    )
    .await;
    let toolsets: Value =
        serde_json::from_str(toolsets["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
    let wiki = toolsets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "wiki")
        .unwrap();
    assert_eq!(wiki["currentlyEnabled"], false);

    let (tools, _) = request(
        "tools/call",
        json!({"name": "get_toolset_tools", "arguments": {"toolset": "wiki"}}),
    )
    .await;
    assert!(
        tools["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("get_wiki_pages")
    );

    let (enabled, notifications) = request(
        "tools/call",
        json!({"name": "enable_toolset", "arguments": {"toolset": "wiki"}}),
    )
    .await;
    assert!(
        enabled["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("enabled"),
        "{enabled}"
    );
    // The notification may come before or after the reply; look at both.
    let mut seen: Vec<Value> = notifications;
    let (after, later) = request("tools/list", json!({})).await;
    seen.extend(later);
    assert!(
        seen.iter()
            .any(|n| n["method"] == "notifications/tools/list_changed"),
        "{seen:?}"
    );
    let after = names(after["result"]["tools"].as_array().unwrap());
    snapshot_settings().bind(|| insta::assert_json_snapshot!("tools_list__dynamic_wiki", after));
    assert!(after.contains(&"get_wiki".to_owned()) && !after.contains(&"get_issue".to_owned()));

    let (unknown, _) = request(
        "tools/call",
        json!({"name": "enable_toolset", "arguments": {"toolset": "wikis"}}),
    )
    .await;
    assert_eq!(unknown["result"]["isError"], true, "{unknown}");
}

#[tokio::test]
async fn over_http_each_session_has_its_own_toolsets() {
    let server = ServerProcess::start(&["--sandbox", "--dynamic-toolsets"], &[]).await;
    let first = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let second = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let enabled = first
        .call("enable_toolset", json!({"toolset": "git"}))
        .await;
    assert!(
        !enabled.is_error && enabled.text.contains("enabled"),
        "{}",
        enabled.text
    );
    let first_tools = names(&first.list_tools().await);
    assert!(
        first_tools.contains(&"get_pull_requests".to_owned()),
        "{first_tools:?}"
    );
    // One client's choice never changes what another sees.
    assert_eq!(names(&second.list_tools().await), DISCOVERY);
}

#[tokio::test]
async fn a_stateless_request_names_its_toolsets() {
    let server = ServerProcess::start(&["--sandbox", "--dynamic-toolsets"], &[]).await;
    let client = McpClient::connect(&server.url, Protocol::V2026_07_28).await;
    assert_eq!(names(&client.list_tools().await), DISCOVERY);
    let enabled = client
        .call("enable_toolset", json!({"toolset": "wiki"}))
        .await;
    assert!(
        enabled.text.contains("X-MCP-Toolsets: wiki"),
        "{}",
        enabled.text
    );
    // Nothing was remembered, but the tools can be called.
    assert_eq!(names(&client.list_tools().await), DISCOVERY);
    let page = client.call("get_wiki", json!({"wikiId": 1})).await.json();
    assert_eq!(page["name"], "Home");
    let with_header = McpClient::connect_with(
        &server.url,
        Protocol::V2026_07_28,
        &[("X-MCP-Toolsets", "wiki")],
    )
    .await;
    let tools = names(&with_header.list_tools().await);
    assert!(tools.contains(&"get_wiki".to_owned()) && tools.contains(&"enable_toolset".to_owned()));
}
