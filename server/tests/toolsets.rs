//! Toolsets are cargo features: a binary holds only the tools of the
//! toolsets it was built with. CI runs this with
//! `--no-default-features --features project` as well as the defaults.

use std::sync::Arc;

use backlog_mcp::backlog::{Backlog, BacklogConfig};
use backlog_mcp::http::{self, HttpOptions};
use backlog_mcp::mcp::BacklogMcp;
use backlog_mcp::registry::Registry;

const SPACE: &[&str] = &[
    "get_space",
    "get_space_activities",
    "get_users",
    "get_myself",
    "get_user_stars_count",
    "get_user_recent_updates",
];
const PROJECT: &[&str] = &[
    "get_project_list",
    "add_project",
    "get_project",
    "get_project_users",
    "update_project",
];
const ISSUE: &[&str] = &[
    "get_issue",
    "get_issues",
    "count_issues",
    "add_issue",
    "update_issue",
];

fn expected() -> Vec<&'static str> {
    let mut names = Vec::new();
    for (enabled, tools) in [
        (cfg!(feature = "space"), SPACE),
        (cfg!(feature = "project"), PROJECT),
        (cfg!(feature = "issue"), ISSUE),
    ] {
        if enabled {
            names.extend_from_slice(tools);
        }
    }
    names.sort_unstable();
    names
}

#[tokio::test]
async fn tools_list_holds_exactly_the_compiled_toolsets() {
    let config = BacklogConfig::new("http://127.0.0.1:9/api/v2", "unused");
    let mcp = BacklogMcp::new(
        Arc::new(Registry::new(None).unwrap()),
        Arc::new(Backlog::new(config).unwrap()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = http::router(mcp, &HttpOptions::for_bind(addr.ip(), "/mcp", &[], &[]));
    tokio::spawn(http::serve(listener, router, std::future::pending()));

    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}});
    let reply = reqwest::Client::new()
        .post(format!("http://{addr}/mcp"))
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .header("MCP-Protocol-Version", "2025-11-25")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let reply: serde_json::Value = serde_json::from_str(&reply.text().await.unwrap()).unwrap();
    let mut names: Vec<&str> = reply["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, expected());
}

#[test]
fn enable_toolsets_narrows_but_never_widens() {
    let compiled = backlog_mcp::registry::compiled_toolsets();
    let first = compiled[0].to_owned();
    let narrowed = Registry::new(Some(std::slice::from_ref(&first))).unwrap();
    assert!(narrowed.tools().iter().all(|t| t.toolset == first));
    let error = Registry::new(Some(&["wiki".to_owned()]))
        .err()
        .expect("wiki is not compiled in")
        .to_string();
    assert!(error.contains("wiki") && error.contains(&first), "{error}");
}
