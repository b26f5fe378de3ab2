//! Property tests (fuzzing) of the two entry points hostile input reaches:
//! tool arguments (validation and encoding) and the JSON-RPC endpoint.
//! `PROPTEST_CASES` sets the number of cases (CI runs the default; run
//! e.g. `PROPTEST_CASES=20000 cargo nextest run -p backlog-mcp-tests --test fuzz` for longer).

use std::sync::Arc;

use backlog_mcp::backlog::SpaceConfig;
use backlog_mcp::inventory::Inventory;
use backlog_mcp::mcp::BacklogMcp;
use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, Sandbox, SandboxHandle};
use backlog_mcp_tests::{TestServer, mcp_server};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

/// Strings a model (or an attacker) might send: path and query metacharacters, dots, unicode.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z]{1,5}-[0-9]{1,4}",
        "[A-Z_]{1,6}",
        "[a-zA-Z0-9 ./?#%&=+\\[\\]\\\\:;@!$'(),*~\u{e9}\u{30c6}-]{0,24}",
        Just("..".to_owned()),
        Just("../users/myself".to_owned()),
        Just("DEMO-1?count=100#x".to_owned()),
        Just("%2e%2e%2f".to_owned()),
        Just("2026-11-27".to_owned()),
        Just("asc".to_owned()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-3i64..200).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        hostile_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((hostile_string(), inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Argument objects for a tool: mostly its own parameter names, sometimes others.
fn arguments(names: Vec<String>) -> impl Strategy<Value = Map<String, Value>> {
    let key = prop_oneof![4 => prop::sample::select(names), 1 => hostile_string()];
    prop::collection::vec((key, json_value()), 0..6).prop_map(|pairs| pairs.into_iter().collect())
}

struct Target {
    mcp: BacklogMcp,
    sandbox: SandboxHandle,
    registry: Arc<Inventory>,
}

async fn target() -> Target {
    let sandbox = Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap();
    sandbox.set_recording(true);
    let registry = Arc::new(Inventory::all());
    let config = SpaceConfig::new(sandbox.api_base_url());
    let mcp = mcp_server(Inventory::all(), config, &sandbox.api_key());
    Target {
        mcp,
        sandbox,
        registry,
    }
}

/// Whatever the arguments, a call never panics, and a request that reaches
/// Backlog has exactly the tool's path shape (no value adds a segment or a
/// query parameter).
#[test]
fn tool_arguments_never_panic_nor_escape_the_path() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let target = runtime.block_on(target());
    let reached = std::cell::Cell::new(0usize);
    for tool in target.registry.tools() {
        let schema = (tool.input_schema)();
        let mut names: Vec<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        if names.is_empty() {
            names.push("unknown".to_owned());
        }
        let template: Vec<&str> = tool.path.split('/').collect();
        let mut runner = TestRunner::new(Config {
            cases: cases(64),
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&arguments(names.clone()), |arguments| {
                target.sandbox.clear_requests();
                let result =
                    runtime.block_on(target.mcp.call(tool.name, Some(arguments.clone()), None));
                prop_assert!(
                    result.is_ok(),
                    "{}: a known tool never gives a protocol error",
                    tool.name
                );
                let requests = target.sandbox.requests();
                reached.set(reached.get() + requests.len());
                for request in requests {
                    let path = request.path.strip_prefix("/api/v2/").unwrap_or_default();
                    let segments: Vec<&str> = path.split('/').collect();
                    // `{path*}` (the last) spans one or more segments, or is the
                    // empty root; every other variable is exactly one segment.
                    let rest = template.last().is_some_and(|t| t.ends_with("*}"));
                    let fits = if rest {
                        segments.len() >= template.len()
                    } else {
                        segments.len() == template.len()
                    };
                    prop_assert!(fits, "{} {:?} → {}", tool.name, arguments, request.path);
                    for (index, segment) in segments.iter().enumerate() {
                        let expected = template.get(index).unwrap_or(&"{*}");
                        let root =
                            rest && index + 1 == template.len() && segments.len() == template.len();
                        if !expected.starts_with('{') {
                            prop_assert_eq!(segment, expected);
                        } else if !root {
                            prop_assert!(
                                !segment.is_empty() && *segment != "." && *segment != ".."
                            );
                        }
                    }
                    let pairs = if request.method == "GET" {
                        &request.query
                    } else {
                        &request.form
                    };
                    for (key, _) in pairs {
                        let base = key.split('[').next().unwrap_or_default();
                        let declared =
                            tool.sends.contains(&base) || base.starts_with("customField_");
                        prop_assert!(
                            declared,
                            "{}: undeclared parameter {} sent for {:?}",
                            tool.name,
                            key,
                            arguments
                        );
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{}: {failure}", tool.name));
    }
    eprintln!(
        "{} tools, {} Backlog requests made by fuzzed arguments",
        target.registry.tools().len(),
        reached.get()
    );
    assert!(
        reached.get() > 0,
        "some fuzzed arguments are valid and reach Backlog"
    );
}

/// Whatever is posted to /mcp, the server answers without a 5xx and keeps serving.
#[test]
fn the_jsonrpc_endpoint_survives_any_body() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(TestServer::start());
    let http = reqwest::Client::new();
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        (json_value(), "[a-z/_]{0,16}", json_value()).prop_map(|(id, method, params)| {
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string().into_bytes()
        }),
        (hostile_string(), json_value()).prop_map(|(name, arguments)| {
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
                .to_string()
                .into_bytes()
        }),
    ];
    let mut runner = TestRunner::new(Config {
        cases: cases(256),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(body, prop::sample::select(vec!["2025-11-25", "2026-07-28"])),
            |(body, version)| {
                let status = runtime.block_on(async {
                    http.post(&server.mcp_url)
                        .header("Accept", "application/json, text/event-stream")
                        .header("Content-Type", "application/json")
                        .header("MCP-Protocol-Version", version)
                        .body(body.clone())
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                });
                let status = status.map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
                prop_assert!(
                    status < 500,
                    "HTTP {} for {:?}",
                    status,
                    String::from_utf8_lossy(&body)
                );
                Ok(())
            },
        )
        .unwrap();
    let client = runtime.block_on(server.client());
    let myself = runtime
        .block_on(client.call("get_myself", json!({})))
        .json();
    assert_eq!(myself["id"], 1);
}
