//! Toolsets are cargo features: a binary holds exactly the declared tools of
//! the toolsets it was built with, as tools.toml and the registry say (no
//! hand-kept lists). CI runs this with `--no-default-features --features
//! project` as well as the defaults.

use std::collections::BTreeSet;
use std::sync::Arc;

use backlog_mcp::backlog::{Credential, Space, SpaceConfig};
use backlog_mcp::context::Spaces;
use backlog_mcp::http::{self, HttpOptions};
use backlog_mcp::inventory::{self, Inventory};
use backlog_mcp::mcp::BacklogMcp;
use backlog_mcp::registry::{self, DECLARED};

/// The declared tools of every toolset whose feature this build has on.
fn expected() -> BTreeSet<&'static str> {
    registry::toolsets()
        .iter()
        .filter(|t| t.compiled)
        .flat_map(|t| inventory::declared_in(t.name))
        .collect()
}

#[tokio::test]
async fn tools_list_holds_exactly_the_compiled_toolsets() {
    let space = Space::new(SpaceConfig::new("http://127.0.0.1:9/api/v2")).unwrap();
    let credential = Credential::api_key("unused", "BACKLOG_API_KEY").unwrap();
    let mcp = BacklogMcp::new(
        Arc::new(Inventory::all()),
        Arc::new(Spaces::single(space, Some(credential))),
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
    let names: BTreeSet<&str> = reply["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(!names.is_empty());
    assert_eq!(names, expected());
}

#[test]
fn every_declaration_belongs_to_a_toolset_of_tools_toml() {
    for declared in DECLARED {
        assert!(
            registry::toolsets()
                .iter()
                .any(|t| t.name == declared.toolset),
            "{declared:?}"
        );
    }
}

/// tools.toml's toolsets and the server crate's cargo features are one list:
/// each toolset is a feature, each feature but `sandbox` is a toolset, and the
/// default build has them all.
#[test]
fn toolsets_and_cargo_features_agree() {
    let manifest: toml::Table =
        toml::from_str(include_str!("../Cargo.toml")).expect("server/Cargo.toml parses");
    let features = manifest["features"].as_table().expect("[features]");
    let toolsets: BTreeSet<&str> = registry::toolsets().iter().map(|t| t.name).collect();
    let declared: BTreeSet<&str> = features
        .keys()
        .map(String::as_str)
        .filter(|f| !matches!(*f, "default" | "sandbox"))
        .collect();
    assert_eq!(
        toolsets, declared,
        "tools.toml toolsets vs server/Cargo.toml features"
    );
    let default: BTreeSet<&str> = features["default"]
        .as_array()
        .expect("default features")
        .iter()
        .filter_map(|f| f.as_str())
        .filter(|f| *f != "sandbox")
        .collect();
    assert_eq!(toolsets, default, "the default build has every toolset");
    for toolset in registry::toolsets() {
        assert!(
            !toolset.description.is_empty(),
            "toolset {} has no description",
            toolset.name
        );
    }
}

#[test]
fn enable_toolsets_narrows_but_never_widens() {
    let compiled: Vec<&str> = registry::toolsets()
        .iter()
        .filter(|t| t.compiled)
        .map(|t| t.name)
        .collect();
    let first = compiled[0].to_owned();
    let narrowed = Inventory::builder()
        .toolsets(Some(vec![first.clone()]))
        .build()
        .unwrap();
    assert!(narrowed.tools().iter().all(|t| t.toolset == first));
    assert_eq!(
        narrowed
            .tools()
            .iter()
            .map(|t| t.name)
            .collect::<BTreeSet<_>>(),
        inventory::declared_in(&first).into_iter().collect()
    );
    let error = Inventory::builder()
        .toolsets(Some(vec!["wikis".to_owned()]))
        .build()
        .err()
        .expect("wikis is no toolset")
        .to_string();
    assert!(error.contains("wikis") && error.contains(&first), "{error}");
    if let Some(missing) = registry::toolsets().iter().find(|t| !t.compiled) {
        let error = Inventory::builder()
            .toolsets(Some(vec![missing.name.to_owned()]))
            .build()
            .err()
            .expect("a toolset that is not compiled in")
            .to_string();
        assert!(
            error.contains(&format!("--features {}", missing.name)),
            "{error}"
        );
    }
}

#[test]
fn instructions_describe_the_enabled_toolsets_only() {
    let all = Inventory::all();
    for toolset in all.toolsets() {
        assert!(all.instructions().contains(toolset.description));
    }
    let first = all.toolsets()[0];
    let narrowed = Inventory::builder()
        .toolsets(Some(vec![first.name.to_owned()]))
        .build()
        .unwrap();
    assert!(narrowed.instructions().contains(first.description));
    for other in &all.toolsets()[1..] {
        assert!(!narrowed.instructions().contains(other.description));
    }
}
