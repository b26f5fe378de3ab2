//! The per-call context over real sockets: the `organization` argument picks
//! one of several spaces (and only when that option is on), and a credential
//! that an HTTP layer puts on the request is the call's credential, with
//! error texts that fit it.

use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::{self, Next};
use backlog_mcp::backlog::{Credential, Space, SpaceConfig};
use backlog_mcp::context::{Organization, Spaces};
use backlog_mcp::http::{self, HttpOptions};
use backlog_mcp::inventory::Inventory;
use backlog_mcp::mcp::BacklogMcp;
use backlog_mcp_tests::TestServer;
use backlog_mcp_tests::backlog_sandbox::{Sandbox, SandboxHandle};
use serde_json::json;

fn options() -> HttpOptions {
    HttpOptions::for_bind(std::net::Ipv4Addr::LOCALHOST.into(), "/mcp", &[], &[])
}

fn organization(name: &str, sandbox: &SandboxHandle) -> Organization {
    Organization {
        name: name.to_owned(),
        space: Arc::new(Space::new(SpaceConfig::new(sandbox.api_base_url())).unwrap()),
        credential: Some(
            Credential::api_key(&sandbox.api_key(), &format!("BACKLOG_ORG_{name}_API_KEY"))
                .unwrap(),
        ),
    }
}

#[tokio::test]
async fn organization_picks_the_space_and_reaches_only_it() {
    let acme = Sandbox::new("acme-key").spawn().await.unwrap();
    let beta = Sandbox::new("beta-key").spawn().await.unwrap();
    let spaces = Spaces::organizations(
        vec![organization("ACME", &acme), organization("BETA", &beta)],
        "ACME",
    )
    .unwrap();
    let inventory = Inventory::builder()
        .organizations(
            spaces.names().iter().map(|n| n.to_string()).collect(),
            "ACME".into(),
        )
        .build()
        .unwrap();
    let mcp = BacklogMcp::new(Arc::new(inventory), Arc::new(spaces));
    let server = TestServer::serve(acme.clone(), http::router(mcp, &options())).await;
    let client = server.client().await;

    // Every schema offers the organizations (list_organizations lists them).
    for tool in client.list_tools().await {
        if tool["name"] == "list_organizations" {
            continue;
        }
        let organization = &tool["inputSchema"]["properties"]["organization"];
        assert_eq!(organization["enum"], json!(["ACME", "BETA"]), "{tool}");
    }

    let project = client
        .call(
            "get_project",
            json!({"projectKey": "DEMO", "organization": "BETA"}),
        )
        .await
        .json();
    assert_eq!(project["projectKey"], "DEMO");
    assert_eq!(beta.requests().len(), 1);
    assert_eq!(beta.requests()[0].path, "/api/v2/projects/DEMO");
    assert_eq!(beta.requests()[0].api_key.as_deref(), Some("beta-key"));
    assert!(acme.requests().is_empty(), "{:?}", acme.requests());

    // Without it, the default organization.
    client.call("get_myself", json!({})).await.json();
    assert_eq!(acme.requests().len(), 1);
    assert_eq!(beta.requests().len(), 1);

    // An unknown one is a tool error naming the configured ones; no request.
    let unknown = client
        .call("get_myself", json!({"organization": "GAMMA"}))
        .await;
    assert!(unknown.is_error);
    assert!(
        unknown.text.contains("GAMMA") && unknown.text.contains("ACME, BETA"),
        "{}",
        unknown.text
    );
    let wrong_kind = client.call("get_myself", json!({"organization": 7})).await;
    assert!(wrong_kind.is_error && wrong_kind.text.contains("organization"));
    assert_eq!(acme.requests().len() + beta.requests().len(), 2);
}

#[tokio::test]
async fn organization_is_an_unknown_argument_when_the_option_is_off() {
    let server = TestServer::start().await;
    let client = server.client().await;
    for tool in client.list_tools().await {
        assert!(
            tool["inputSchema"]["properties"]
                .get("organization")
                .is_none()
        );
    }
    let result = client
        .call("get_myself", json!({"organization": "ACME"}))
        .await;
    assert!(
        result.is_error && result.text.contains("unknown field `organization`"),
        "{}",
        result.text
    );
    assert!(server.take_requests().is_empty());
}

/// A stand-in for an authentication layer: `X-Test-Key` becomes the call's
/// API key, `X-Test-Token` a bearer token.
async fn credential_layer(mut request: Request, next: Next) -> axum::response::Response {
    if let Some(credential) = test_credential(request.headers()) {
        request.extensions_mut().insert(credential);
    }
    next.run(request).await
}

fn test_credential(headers: &::http::HeaderMap) -> Option<Credential> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match (header("x-test-key"), header("x-test-token")) {
        (Some(key), _) => Some(Credential::api_key(key, "X-Test-Key").unwrap()),
        (None, Some(token)) => Some(Credential::bearer(token).unwrap()),
        (None, None) => None,
    }
}

#[tokio::test]
async fn a_credential_on_the_http_request_is_the_calls_credential() {
    let sandbox = Sandbox::new("the-right-key").spawn().await.unwrap();
    let space = Space::new(SpaceConfig::new(sandbox.api_base_url())).unwrap();
    let configured = Credential::api_key("a-wrong-key", "BACKLOG_API_KEY").unwrap();
    let mcp = BacklogMcp::new(
        Arc::new(Inventory::all()),
        Arc::new(Spaces::single(space, Some(configured))),
    );
    let router = http::router(mcp, &options()).layer(middleware::from_fn(credential_layer));
    let server = TestServer::serve(sandbox.clone(), router).await;
    let call = |headers: &'static [(&'static str, &'static str)]| {
        let url = server.mcp_url.clone();
        async move {
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "get_myself", "arguments": {}}});
            let mut request = reqwest::Client::new()
                .post(url)
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .header("MCP-Protocol-Version", "2025-11-25");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let reply: serde_json::Value = serde_json::from_str(
                &request
                    .body(body.to_string())
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap(),
            )
            .unwrap();
            let result = &reply["result"];
            (
                result["isError"].as_bool().unwrap_or(false),
                result["content"][0]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };

    // The request's key wins over the configured (wrong) one.
    let (failed, text) = call(&[("X-Test-Key", "the-right-key")]).await;
    assert!(!failed, "{text}");
    assert_eq!(
        sandbox.requests()[0].api_key.as_deref(),
        Some("the-right-key")
    );

    // Without it, the configured key is used, and the 401 names its setting.
    let (failed, text) = call(&[]).await;
    assert!(
        failed && text.contains("HTTP 401") && text.contains("Check BACKLOG_API_KEY"),
        "{text}"
    );

    // A bearer token goes as Authorization; its 401 says to sign in again.
    let (failed, text) = call(&[("X-Test-Token", "expired-token")]).await;
    let last = sandbox.requests().pop().unwrap();
    assert_eq!(last.api_key, None, "no API key goes with a bearer token");
    assert!(
        failed && text.contains("sign in again") && !text.contains("API_KEY"),
        "{text}"
    );
}
