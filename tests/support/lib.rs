//! Shared helpers of the integration tests: a sandbox plus our server on
//! loopback sockets, and a small MCP client speaking raw JSON-RPC over
//! Streamable HTTP, so that the tests see exactly what goes over the wire.

mod redis_server;
pub use redis_server::RedisServer;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use backlog_mcp::backlog::{Credential, Space, SpaceConfig};
use backlog_mcp::context::Spaces;
use backlog_mcp::http::{self, HttpOptions};
use backlog_mcp::inventory::Inventory;
use backlog_mcp::mcp::BacklogMcp;
use backlog_sandbox::{RecordedRequest, Sandbox, SandboxHandle};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub use backlog_sandbox;

/// A sandbox and an MCP server in front of it, both on 127.0.0.1.
pub struct TestServer {
    pub sandbox: SandboxHandle,
    /// `http://127.0.0.1:PORT/mcp`
    pub mcp_url: String,
    pub addr: std::net::SocketAddr,
    _shutdown: oneshot::Sender<()>,
}

impl TestServer {
    /// Starts both, with the server using `api_key` (the sandbox accepts only its own).
    pub async fn start_with_key(api_key: Option<&str>) -> TestServer {
        Self::start_full(backlog_sandbox::DEFAULT_API_KEY, api_key, |_| {}).await
    }

    /// Starts a sandbox accepting `sandbox_key`, and a server using the same
    /// key whose space configuration (default limits) `adjust` may change.
    pub async fn start_configured(
        sandbox_key: &str,
        adjust: impl FnOnce(&mut SpaceConfig),
    ) -> TestServer {
        Self::start_full(sandbox_key, None, adjust).await
    }

    /// A sandbox accepting `sandbox_key`; a server calling it with `api_key`
    /// (the sandbox's own when `None`) and the space configuration `adjust` leaves.
    pub async fn start_full(
        sandbox_key: &str,
        api_key: Option<&str>,
        adjust: impl FnOnce(&mut SpaceConfig),
    ) -> TestServer {
        let sandbox = Sandbox::new(sandbox_key)
            .spawn()
            .await
            .expect("sandbox starts");
        let mut config = SpaceConfig::new(sandbox.api_base_url());
        adjust(&mut config);
        let key = api_key.map_or_else(|| sandbox.api_key(), str::to_owned);
        let mcp = mcp_server(Inventory::all(), config, &key);
        let options = HttpOptions::for_bind(std::net::Ipv4Addr::LOCALHOST.into(), "/mcp", &[], &[]);
        Self::serve(sandbox, http::router(mcp, &options)).await
    }

    /// Serves `router` (an MCP app, perhaps with extra layers) on 127.0.0.1 in
    /// front of `sandbox`.
    pub async fn serve(sandbox: SandboxHandle, router: axum::Router) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(http::serve(listener, router, async move {
            let _ = rx.await;
        }));
        TestServer {
            sandbox,
            mcp_url: format!("http://{addr}/mcp"),
            addr,
            _shutdown: tx,
        }
    }

    pub async fn start() -> TestServer {
        Self::start_with_key(None).await
    }

    /// A client that has done the 2025-11-25 initialize handshake.
    pub async fn client(&self) -> McpClient {
        McpClient::connect(&self.mcp_url, Protocol::V2025_11_25).await
    }

    /// Requests the sandbox received since the last call, cleared after.
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        let requests = self.sandbox.requests();
        self.sandbox.clear_requests();
        requests
    }
}

/// An MCP server offering `inventory`, calling one space as `api_key`.
pub fn mcp_server(inventory: Inventory, config: SpaceConfig, api_key: &str) -> BacklogMcp {
    let space = Space::new(config).expect("space client");
    let credential = Credential::api_key(api_key, "BACKLOG_API_KEY").expect("key");
    BacklogMcp::new(
        Arc::new(inventory),
        Arc::new(Spaces::single(space, Some(credential))),
    )
}

/// The two protocol families served on one endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `initialize` handshake, then plain requests.
    V2025_11_25,
    /// Stateless: every request carries its version and capabilities in `_meta`.
    V2026_07_28,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::V2025_11_25 => "2025-11-25",
            Protocol::V2026_07_28 => "2026-07-28",
        }
    }
}

/// A raw JSON-RPC MCP client over Streamable HTTP.
pub struct McpClient {
    http: reqwest::Client,
    url: String,
    pub protocol: Protocol,
    next_id: AtomicU64,
    /// Sent with every request (e.g. the X-MCP-* narrowing headers).
    headers: Vec<(String, String)>,
    /// The `Mcp-Session-Id` the server gave at initialize, if it keeps sessions.
    session: std::sync::Mutex<Option<String>>,
}

/// An HTTP reply: status, content type and the JSON-RPC message in it (if any).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub message: Option<Value>,
}

/// An HTTP client for [`McpClient::connect_on`].
pub fn http_client() -> reqwest::Client {
    // reqwest is built without a default TLS provider (the server picks ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl McpClient {
    pub async fn connect(url: &str, protocol: Protocol) -> McpClient {
        Self::connect_with(url, protocol, &[]).await
    }

    /// A client that sends `headers` with every request.
    pub async fn connect_with(
        url: &str,
        protocol: Protocol,
        headers: &[(&str, &str)],
    ) -> McpClient {
        Self::connect_on(http_client(), url, protocol, headers).await
    }

    /// As [`McpClient::connect_with`], on an HTTP client made beforehand: making
    /// one loads the system's certificates (~17M instructions), the client's
    /// work, not the server's, when a server's start is timed.
    pub async fn connect_on(
        http: reqwest::Client,
        url: &str,
        protocol: Protocol,
        headers: &[(&str, &str)],
    ) -> McpClient {
        let client = McpClient {
            http,
            url: url.to_owned(),
            protocol,
            next_id: AtomicU64::new(1),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            session: std::sync::Mutex::new(None),
        };
        if protocol == Protocol::V2025_11_25 {
            let init = client
                .request(
                    "initialize",
                    json!({
                        "protocolVersion": "2025-11-25",
                        "capabilities": {},
                        "clientInfo": {"name": "backlog-mcp-tests", "version": "0"}
                    }),
                )
                .await;
            assert_eq!(
                init["result"]["protocolVersion"], "2025-11-25",
                "initialize: {init}"
            );
            let reply = client
                .post(
                    json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
                    None,
                )
                .await;
            assert_eq!(reply.status, 202, "initialized notification: {reply:?}");
        }
        client
    }

    /// Posts one JSON-RPC message with the headers this protocol needs.
    pub async fn post(&self, message: Value, tool: Option<&str>) -> Reply {
        let mut request = self
            .http
            .post(&self.url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json");
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(session) = self.session.lock().unwrap().clone() {
            request = request.header("Mcp-Session-Id", session);
        }
        let method = message["method"].as_str().unwrap_or_default().to_owned();
        if method != "initialize" {
            request = request.header("MCP-Protocol-Version", self.protocol.as_str());
        }
        if self.protocol == Protocol::V2026_07_28 {
            request = request.header("Mcp-Method", method);
            if let Some(tool) = tool {
                request = request.header("Mcp-Name", tool);
            }
        }
        let response = request
            .body(message.to_string())
            .send()
            .await
            .expect("MCP server answers");
        let status = response.status().as_u16();
        if let Some(session) = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            *self.session.lock().unwrap() = Some(session.to_owned());
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.expect("reply body");
        let message = parse_body(&content_type, &body);
        Reply {
            status,
            body,
            message,
        }
    }

    /// One request; returns the whole JSON-RPC response (result or error).
    pub async fn request(&self, method: &str, mut params: Value) -> Value {
        if self.protocol == Protocol::V2026_07_28 {
            params["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "backlog-mcp-tests", "version": "0"},
                "io.modelcontextprotocol/clientCapabilities": {}
            });
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let tool = params["name"]
            .as_str()
            .filter(|_| method == "tools/call")
            .map(str::to_owned);
        let reply = self
            .post(
                json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
                tool.as_deref(),
            )
            .await;
        let message = reply.message.unwrap_or_else(|| {
            panic!(
                "{method}: no JSON-RPC message in HTTP {} {:?}",
                reply.status, reply.body
            )
        });
        assert_eq!(
            message["id"],
            json!(id),
            "{method}: reply to another request: {message}"
        );
        message
    }

    pub async fn list_tools(&self) -> Vec<Value> {
        let reply = self.request("tools/list", json!({})).await;
        reply["result"]["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("tools/list: {reply}"))
            .clone()
    }

    /// `tools/call`; returns the JSON-RPC response.
    pub async fn call_raw(&self, name: &str, arguments: Value) -> Value {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
    }

    /// `tools/call` that must succeed at the protocol level; returns (isError, text).
    pub async fn call(&self, name: &str, arguments: Value) -> ToolResult {
        let reply = self.call_raw(name, arguments).await;
        let result = reply
            .get("result")
            .unwrap_or_else(|| panic!("{name}: protocol error {reply}"));
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no text content {reply}"))
            .to_owned();
        ToolResult {
            is_error: result["isError"].as_bool().unwrap_or(false),
            text,
        }
    }
}

/// A tool result: the error flag and its one text content.
#[derive(Debug)]
pub struct ToolResult {
    pub is_error: bool,
    pub text: String,
}

impl ToolResult {
    /// The text as JSON, asserting the call succeeded.
    pub fn json(&self) -> Value {
        assert!(!self.is_error, "tool failed: {}", self.text);
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

fn parse_body(content_type: &str, body: &str) -> Option<Value> {
    if content_type.starts_with("text/event-stream") {
        body.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .find(|message| message.get("id").is_some())
    } else {
        serde_json::from_str(body).ok()
    }
}

/// The one request a tool call made, as (method, path, pairs) for compact assertions.
pub fn summary(request: &RecordedRequest) -> (String, String, Vec<(String, String)>) {
    let pairs = if request.method == "GET" {
        request.query.clone()
    } else {
        request.form.clone()
    };
    (request.method.clone(), request.path.clone(), pairs)
}

/// `[("a","1")]` from `&[("a","1")]`.
pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl TestServer {
    /// Reads the sandbox directly (not through MCP), for ids a test needs; the
    /// read is not left in the recorded requests.
    pub async fn sandbox_get(&self, path: &str) -> Value {
        let url = format!("{}/{path}", self.sandbox.api_base_url());
        let _ = rustls::crypto::ring::default_provider().install_default();
        let reply = reqwest::Client::new()
            .get(url)
            .header("Backlog-API-Key", self.sandbox.api_key())
            .send()
            .await
            .expect("sandbox answers");
        assert!(
            reply.status().is_success(),
            "sandbox GET {path}: {}",
            reply.status()
        );
        let value: Value =
            serde_json::from_str(&reply.text().await.unwrap()).expect("sandbox JSON");
        self.sandbox.clear_requests();
        value
    }
}

/// The server binary: `$BACKLOG_MCP_BIN`, else `target/<profile>/backlog-mcp`
/// beside this test binary (cargo builds it for the server's own integration tests).
pub fn server_binary() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("BACKLOG_MCP_BIN") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("test binary path");
    // Tests live in target/<profile>/deps, binaries (like `load`) beside the server.
    let dir = exe.parent().expect("target dir");
    let dir = if dir.ends_with("deps") {
        dir.parent().expect("target dir")
    } else {
        dir
    };
    let binary = dir.join("backlog-mcp");
    assert!(
        binary.exists(),
        "{} is missing: run the tests with `cargo nextest run --workspace` (or build -p backlog-mcp first)",
        binary.display()
    );
    binary
}

/// A loopback port free at the time of the call.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The real binary serving Streamable HTTP on a free loopback port.
pub struct ServerProcess {
    pub child: tokio::process::Child,
    /// `http://127.0.0.1:PORT/mcp`, read from the server's log.
    pub url: String,
    log: tokio::task::JoinHandle<String>,
}

impl ServerProcess {
    /// Runs the binary with `args` and only `env`, expecting it to stop at once
    /// (a startup error, or --export-translations); returns (success, stdout, stderr).
    pub async fn run_to_end(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
        let output = tokio::process::Command::new(server_binary())
            .args(args)
            .env_clear()
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(std::time::Duration::from_secs(20), output)
            .await
            .expect("the server stops in time")
            .expect("the server binary runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Starts `backlog-mcp --transport http --http-port 0 ARGS` with only `env`
    /// in its environment (so it logs what it logs by default).
    pub async fn start(args: &[&str], env: &[(&str, &str)]) -> ServerProcess {
        Self::start_on(0, args, env).await
    }

    /// [`ServerProcess::start`] on a given port (OAuth mode must know its URL
    /// before it starts; see [`free_port`]).
    pub async fn start_on(port: u16, args: &[&str], env: &[(&str, &str)]) -> ServerProcess {
        let port = port.to_string();
        let mut all = vec!["--transport", "http", "--http-port", &port];
        all.extend_from_slice(args);
        Self::start_binary(&server_binary(), &all, env).await
    }

    /// Runs `binary ARGS` with only `env`, until it logs
    /// `MCP endpoint: URL`; the load benchmark starts its baseline this way too.
    pub async fn start_binary(
        binary: &std::path::Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> ServerProcess {
        use tokio::io::{AsyncBufReadExt, BufReader};
        let mut command = tokio::process::Command::new(binary);
        command
            .args(args)
            .env_clear()
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the server binary starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut early = String::new();
        let url = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                early.push_str(&line);
                early.push('\n');
                if let Some(url) = line.split("MCP endpoint: ").nth(1) {
                    return url.trim().to_owned();
                }
            }
            panic!("the server exited before listening:\n{early}");
        })
        .await
        .expect("the server listens in time");
        // Keep draining the log so the server never blocks on a full pipe.
        let log = tokio::spawn(async move {
            let mut text = early;
            while let Ok(Some(line)) = lines.next_line().await {
                text.push_str(&line);
                text.push('\n');
            }
            text
        });
        ServerProcess { child, url, log }
    }

    /// Resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("running").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Waits for the exit (10 s at most); returns the status and the whole log.
    pub async fn wait(mut self) -> (std::process::ExitStatus, String) {
        let status = tokio::time::timeout(std::time::Duration::from_secs(10), self.child.wait())
            .await
            .expect("the server exits in time")
            .unwrap();
        (status, self.log.await.unwrap())
    }
}

/// Snapshots live in the workspace's `snapshots/`, named by the test, without the expression.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// The real binary on its embedded sandbox with `args` and `env`, and a 2025-11-25 client of it.
pub async fn sandboxed(args: &[&str], env: &[(&str, &str)]) -> (ServerProcess, McpClient) {
    let mut all = vec!["--sandbox"];
    all.extend_from_slice(args);
    let server = ServerProcess::start(&all, env).await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    (server, client)
}

/// OAUTH_STORE_KEY of the tests: a throw-away key.
pub const TEST_STORE_KEY: &str = "8f3c1a9e5b7d2f4061c8e3a5b9d7f1e2a4c6b8d0e2f4a6c8b0d2e4f6a8c0b2d4";

/// The real binary in OAuth mode with two organizations, DEMO (the demo
/// seed) and ACME (the Acme seed), each a sandbox with this server's app
/// (`demo-app` / `acme-app`, secrets `<id>-secret`), on `store`.
pub struct TwoSpaceOAuth {
    pub demo: SandboxHandle,
    pub acme: SandboxHandle,
    pub server: ServerProcess,
    pub port: u16,
    /// `http://127.0.0.1:PORT`, the server's MCP_SERVER_BASE_URL.
    pub base: String,
}

impl TwoSpaceOAuth {
    pub async fn start(store: &str) -> TwoSpaceOAuth {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let app = |id: &str| backlog_sandbox::OAuthApp {
            client_id: id.into(),
            client_secret: format!("{id}-secret"),
            redirect_uri: format!("{base}/callback"),
        };
        let demo = Sandbox::new(backlog_sandbox::DEFAULT_API_KEY)
            .with_oauth_app(app("demo-app"))
            .spawn()
            .await
            .unwrap();
        let acme = Sandbox::with_space("acme-key", backlog_sandbox::SpaceSeed::Acme)
            .with_oauth_app(app("acme-app"))
            .spawn()
            .await
            .unwrap();
        let (demo_url, acme_url) = (demo.api_base_url(), acme.api_base_url());
        let server = ServerProcess::start_on(
            port,
            &[],
            &[
                ("BACKLOG_ORG_DEMO_BASE_URL", &demo_url),
                ("BACKLOG_ORG_DEMO_OAUTH_CLIENT_ID", "demo-app"),
                ("BACKLOG_ORG_DEMO_OAUTH_CLIENT_SECRET", "demo-app-secret"),
                ("BACKLOG_ORG_ACME_BASE_URL", &acme_url),
                ("BACKLOG_ORG_ACME_OAUTH_CLIENT_ID", "acme-app"),
                ("BACKLOG_ORG_ACME_OAUTH_CLIENT_SECRET", "acme-app-secret"),
                ("BACKLOG_DEFAULT_ORG", "DEMO"),
                ("MCP_SERVER_BASE_URL", &base),
                ("OAUTH_STORE", store),
                ("OAUTH_STORE_KEY", TEST_STORE_KEY),
            ],
        )
        .await;
        TwoSpaceOAuth {
            demo,
            acme,
            server,
            port,
            base,
        }
    }
}
