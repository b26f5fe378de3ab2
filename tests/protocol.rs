//! One endpoint, two protocol families: 2025-11-25 (initialize) and
//! 2026-07-28 (stateless, server/discover); plus /health and the DNS
//! rebinding guard.

use backlog_mcp_tests::{McpClient, Protocol, TestServer};
use serde_json::json;

#[tokio::test]
async fn initialize_on_2025_11_25() {
    let server = TestServer::start().await;
    let client = McpClient::connect(&server.mcp_url, Protocol::V2025_11_25).await;
    let init = client
        .request("initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}))
        .await;
    let result = &init["result"];
    assert_eq!(result["protocolVersion"], "2025-11-25");
    assert_eq!(result["serverInfo"]["name"], "backlog-mcp");
    assert_eq!(result["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(result["capabilities"]["tools"].is_object(), "{init}");
}

#[tokio::test]
async fn discover_on_2026_07_28() {
    let server = TestServer::start().await;
    let client = McpClient::connect(&server.mcp_url, Protocol::V2026_07_28).await;
    let discover = client.request("server/discover", json!({})).await;
    let versions = discover["result"]["supportedVersions"]
        .as_array()
        .unwrap_or_else(|| panic!("{discover}"));
    assert!(
        versions.contains(&json!("2026-07-28")) && versions.contains(&json!("2025-11-25")),
        "{discover}"
    );
    assert!(
        discover["result"]["capabilities"]["tools"].is_object(),
        "{discover}"
    );
}

#[tokio::test]
async fn tools_work_on_both_versions() {
    let server = TestServer::start().await;
    for protocol in [Protocol::V2025_11_25, Protocol::V2026_07_28] {
        let client = McpClient::connect(&server.mcp_url, protocol).await;
        let tools = client.list_tools().await;
        assert_eq!(
            tools.len(),
            backlog_mcp::inventory::Inventory::all().tools().len(),
            "{protocol:?}"
        );
        let myself = client.call("get_myself", json!({})).await.json();
        assert_eq!(myself["id"], 1, "{protocol:?}");
        let issue = client
            .call("get_issue", json!({"issueKey": "DEMO-1"}))
            .await
            .json();
        assert_eq!(issue["issueKey"], "DEMO-1", "{protocol:?}");
        let error = client.call("get_issue", json!({})).await;
        assert!(
            error.is_error && error.text.contains("issueId or issueKey"),
            "{protocol:?}: {}",
            error.text
        );
    }
}

#[tokio::test]
async fn health_reports_status_and_version() {
    let server = TestServer::start().await;
    let health: serde_json::Value = reqwest::get(format!("http://{}/health", server.addr))
        .await
        .unwrap()
        .json_value()
        .await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn foreign_host_and_origin_are_refused() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}});
    let post = |host: Option<&str>, origin: Option<&str>| {
        let mut request = http
            .post(&server.mcp_url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(host) = host {
            request = request.header("Host", host);
        }
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        request.send()
    };
    assert_eq!(
        post(Some("evil.example"), None).await.unwrap().status(),
        403
    );
    assert_eq!(
        post(None, Some("http://evil.example"))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        post(
            Some(&format!("localhost:{}", server.addr.port())),
            Some("http://localhost:6274")
        )
        .await
        .unwrap()
        .status(),
        200
    );
    assert!(server.take_requests().is_empty());
}

trait JsonValue {
    async fn json_value(self) -> serde_json::Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> serde_json::Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}

/// Posts raw bytes to the MCP endpoint; returns status and body.
async fn post_raw(server: &TestServer, content_type: &str, body: Vec<u8>) -> (u16, String) {
    let reply = reqwest::Client::new()
        .post(&server.mcp_url)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", content_type)
        .header("MCP-Protocol-Version", "2025-11-25")
        .body(body)
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

#[tokio::test]
async fn hostile_protocol_input_gets_clear_errors_and_the_server_keeps_serving() {
    let server = TestServer::start().await;
    let client = server.client().await;

    let (status, body) = post_raw(&server, "application/json", vec![b' '; 2 * 1024 * 1024]).await;
    assert_eq!(status, 413, "{body}");

    let (status, body) = post_raw(
        &server,
        "application/json",
        b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\":".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], -32700, "{body}");

    let (status, body) = post_raw(
        &server,
        "text/plain",
        br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 415, "{body}");

    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get_myself", "arguments": {}}}
    ]);
    let (status, body) =
        post_raw(&server, "application/json", batch.to_string().into_bytes()).await;
    assert_eq!(status, 400, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], -32600, "{body}");
    assert!(body.contains("batches"), "{body}");

    let (status, _) = post_raw(&server, "application/json", b"\xff\xfe\x00garbage".to_vec()).await;
    assert_eq!(status, 400);

    assert!(
        server.take_requests().is_empty(),
        "no hostile input reached Backlog"
    );
    let myself = client.call("get_myself", json!({})).await.json();
    assert_eq!(myself["id"], 1, "still serving");
}
