//! Wire contracts as data: every case of `wire_cases.toml` is a tools/call
//! over real sockets (MCP client → server → sandbox) and the one Backlog
//! request it must make, exactly as encoded on the wire. Every tool has at
//! least one case; a failing case names its tool, and every case runs even
//! when one fails. Behaviour (state, clearing, custom fields read back,
//! faults) is tested by hand elsewhere.

use std::collections::BTreeSet;

use backlog_mcp::inventory::Inventory;
use backlog_mcp_tests::TestServer;
use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, RecordedRequest};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    tool: String,
    #[serde(default)]
    arguments: toml::Table,
    /// `METHOD /api/v2/path?query`, the path and query exactly as sent.
    request: String,
    /// The form body exactly as sent (writes only); for a multipart upload, its
    /// parts as `name; filename; content type; content` lines.
    #[serde(default)]
    body: String,
}

fn cases() -> Vec<Case> {
    let text = include_str!("wire_cases.toml");
    toml::from_str::<Cases>(text)
        .expect("wire_cases.toml parses")
        .cases
}

/// `GET /api/v2/space?x=1` of a recorded request.
fn request_line(request: &RecordedRequest) -> String {
    let mut line = format!("{} {}", request.method, request.path);
    if !request.raw_query.is_empty() {
        line.push('?');
        line.push_str(&request.raw_query);
    }
    line
}

/// The body as a case states it: the raw form, or a multipart body's parts
/// (its boundary is random).
fn body_of(request: &RecordedRequest) -> String {
    if request.multipart.is_empty() {
        return request.raw_body.clone();
    }
    let parts: Vec<String> = request
        .multipart
        .iter()
        .map(|part| {
            format!(
                "{}; {}; {}; {}",
                part.name.as_deref().unwrap_or_default(),
                part.file_name.as_deref().unwrap_or_default(),
                part.content_type.as_deref().unwrap_or_default(),
                String::from_utf8_lossy(&part.bytes)
            )
        })
        .collect();
    parts.join("\n")
}

/// What is wrong with one case's outcome, if anything.
async fn run(case: &Case) -> Option<String> {
    let server = TestServer::start().await;
    let client = server.client().await;
    let arguments = serde_json::to_value(&case.arguments).expect("TOML arguments are JSON");
    let result = client.call(&case.tool, arguments).await;
    let requests = server.take_requests();
    let mut problems = Vec::new();
    if result.is_error {
        problems.push(format!("the call failed: {}", result.text));
    } else if serde_json::from_str::<Value>(&result.text).is_err() {
        problems.push(format!("the result is not JSON: {}", result.text));
    }
    let [request] = requests.as_slice() else {
        problems.push(format!(
            "{} Backlog requests instead of one: {:?}",
            requests.len(),
            requests.iter().map(request_line).collect::<Vec<_>>()
        ));
        return Some(problems.join("; "));
    };
    let line = request_line(request);
    if line != case.request {
        problems.push(format!(
            "request\n    expected {}\n    sent     {line}",
            case.request
        ));
    }
    let body = body_of(request);
    if body != case.body {
        problems.push(format!(
            "body\n    expected {:?}\n    sent     {:?}",
            case.body, body
        ));
    }
    if request.route.is_none() {
        problems.push("no sandbox route answered (the not-found fallback did)".to_owned());
    }
    let form = request.content_type.as_deref() == Some("application/x-www-form-urlencoded");
    let upload = !request.multipart.is_empty()
        && request
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("multipart/form-data; boundary="));
    if request.method != "GET" && !form && !upload {
        problems.push(format!("content type {:?}", request.content_type));
    }
    if request.api_key.as_deref() != Some(DEFAULT_API_KEY) {
        problems.push("the request did not carry the configured API key".to_owned());
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

#[tokio::test]
async fn every_case_makes_exactly_its_request() {
    let cases = cases();
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        if let Some(problem) = run(case).await {
            failures.push(format!("case {} ({}): {problem}", index + 1, case.tool));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wire cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_tool_has_a_case_and_every_case_a_tool() {
    let tools: BTreeSet<&str> = Inventory::all().tools().iter().map(|t| t.name).collect();
    let covered: BTreeSet<String> = cases().into_iter().map(|c| c.tool).collect();
    let missing: Vec<&&str> = tools.iter().filter(|t| !covered.contains(**t)).collect();
    let unknown: Vec<&String> = covered
        .iter()
        .filter(|c| !tools.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "tools without a wire case: {missing:?}; cases of no tool: {unknown:?}"
    );
}

/// Every declared tool's method and path template reaches a sandbox route,
/// never the not-found fallback: filled with `1` for every path variable.
#[tokio::test]
async fn every_tool_reaches_a_sandbox_route() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let mut unrouted = Vec::new();
    for tool in Inventory::all().tools() {
        let path: Vec<&str> = tool
            .path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "1"
                } else {
                    segment
                }
            })
            .collect();
        let url = format!("{}/{}", server.sandbox.api_base_url(), path.join("/"));
        let method = reqwest::Method::from_bytes(tool.method.as_str().as_bytes()).unwrap();
        http.request(method, url)
            .header("Backlog-API-Key", DEFAULT_API_KEY)
            .send()
            .await
            .expect("the sandbox answers");
        let requests = server.take_requests();
        if requests.iter().any(|r| r.route.is_none()) {
            unrouted.push(format!(
                "{} ({} {})",
                tool.name,
                tool.method.as_str(),
                tool.path
            ));
        }
    }
    assert!(unrouted.is_empty(), "no sandbox route for: {unrouted:?}");
}
