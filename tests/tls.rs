//! Backlog over TLS: the sandbox serves HTTPS with a certificate of a CA made for the
//! test; the binary reaches it only when BACKLOG_CA_FILE trusts that CA, and a CA file
//! it cannot use stops it at startup with the setting named.

use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, Sandbox};
use backlog_mcp_tests::{McpClient, Protocol, ServerProcess};
use serde_json::json;

async fn tls_sandbox() -> (
    backlog_mcp_tests::backlog_sandbox::SandboxHandle,
    tempfile::TempDir,
    String,
) {
    let sandbox = Sandbox::new(DEFAULT_API_KEY).spawn_tls().await.unwrap();
    assert!(sandbox.api_base_url().starts_with("https://127.0.0.1:"));
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sandbox.ca_pem().unwrap()).unwrap();
    let ca = ca.to_string_lossy().into_owned();
    (sandbox, dir, ca)
}

#[tokio::test]
async fn a_trusted_ca_file_reaches_backlog_over_tls() {
    let (sandbox, _dir, ca) = tls_sandbox().await;
    let base_url = sandbox.api_base_url();
    let server = ServerProcess::start(
        &[],
        &[
            ("BACKLOG_BASE_URL", &base_url),
            ("BACKLOG_API_KEY", DEFAULT_API_KEY),
            ("BACKLOG_CA_FILE", &ca),
        ],
    )
    .await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let issue = client
        .call("get_issue", json!({"issueKey": "DEMO-1"}))
        .await;
    assert!(!issue.is_error, "{}", issue.text);
    assert_eq!(issue.json()["issueKey"], "DEMO-1");
    // The flag does the same.
    let server = ServerProcess::start(
        &["--backlog-ca-file", &ca],
        &[
            ("BACKLOG_BASE_URL", &base_url),
            ("BACKLOG_API_KEY", DEFAULT_API_KEY),
        ],
    )
    .await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let projects = client.call("get_project_list", json!({})).await;
    assert!(!projects.is_error, "{}", projects.text);
}

#[tokio::test]
async fn an_untrusted_certificate_is_an_error_and_no_request_is_answered() {
    let (sandbox, _dir, _ca) = tls_sandbox().await;
    let server = ServerProcess::start(
        &[],
        &[
            ("BACKLOG_BASE_URL", &sandbox.api_base_url()),
            ("BACKLOG_API_KEY", DEFAULT_API_KEY),
            ("BACKLOG_RETRY_BUDGET", "0"),
        ],
    )
    .await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let issue = client
        .call("get_issue", json!({"issueKey": "DEMO-1"}))
        .await;
    assert!(issue.is_error, "{}", issue.text);
    assert!(
        issue.text.contains("certificate") && issue.text.contains("BACKLOG_CA_FILE"),
        "says why and what to set: {}",
        issue.text
    );
    // The TLS handshake failed, so the sandbox never saw an HTTP request.
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
}

#[tokio::test]
async fn a_ca_file_that_cannot_be_used_stops_the_server_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    let missing = dir.path().join("missing.pem");
    for (path, problem) in [
        (&not_pem, "holds no certificate"),
        (&missing, "cannot be read"),
    ] {
        let path = path.to_string_lossy();
        let (ok, _, stderr) = ServerProcess::run_to_end(
            &["--transport", "http", "--http-port", "0"],
            &[
                ("BACKLOG_DOMAIN", "example.backlog.com"),
                ("BACKLOG_API_KEY", "key"),
                ("BACKLOG_CA_FILE", &path),
            ],
        )
        .await;
        assert!(!ok);
        assert!(stderr.contains("BACKLOG_CA_FILE"), "{stderr}");
        assert!(
            stderr.contains(&*path) && stderr.contains(problem),
            "{stderr}"
        );
        assert!(stderr.contains("PEM file"), "says what to give: {stderr}");
    }
}
