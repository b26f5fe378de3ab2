//! The bare pass-through the load benchmark (`load`) measures the server against: the
//! same rmcp, axum, reqwest and rustls, one runtime as the server's, and nothing else.
//! `get_issue` forwards `issueIdOrKey` and the key to Backlog and returns its bytes as
//! the tool's text: no argument checks, no limits, no retries, no logging, no reply
//! shaping. tools/list answers the descriptors of `BASELINE_TOOLS` (a JSON file of
//! tools/list's `tools`, so that both servers list the same), else the one tool.
//!
//! Environment: BACKLOG_BASE_URL, BACKLOG_API_KEY, BACKLOG_CA_FILE (PEM), BASELINE_TOOLS.
//! Prints `MCP endpoint: http://127.0.0.1:PORT/mcp` on stderr once it listens.
//! A benchmark fixture, not a product: it is never shipped.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::Value;

#[derive(Clone)]
struct PassThrough {
    http: reqwest::Client,
    base_url: Arc<str>,
    api_key: http::HeaderValue,
    tools: Arc<Vec<Tool>>,
}

impl ServerHandler for PassThrough {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let argument = |name: &str| {
            let value = request.arguments.as_ref().and_then(|a| a.get(name));
            match value {
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            }
        };
        let url = match request.name.as_ref() {
            "get_issues" => format!("{}/issues?count={}", self.base_url, argument("count")),
            _ => format!("{}/issues/{}", self.base_url, argument("issueKey")),
        };
        let reply = self
            .http
            .get(url)
            .header("backlog-api-key", self.api_key.clone())
            .send()
            .await;
        let text = match reply {
            Ok(reply) => match reply.bytes().await {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(error) => return Ok(failure(error.to_string())),
            },
            Err(error) => return Ok(failure(error.to_string())),
        };
        Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
    }
}

fn failure(text: String) -> CallToolResponse {
    CallToolResult::error(vec![ContentBlock::text(text)]).into()
}

fn one_tool() -> Vec<Tool> {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"issueKey": {"type": "string"}},
        "required": ["issueKey"],
    });
    let Value::Object(schema) = schema else {
        unreachable!()
    };
    vec![Tool::new(
        "get_issue",
        "Returns an issue.",
        Arc::new(schema),
    )]
}

fn main() {
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let tools = match std::env::var("BASELINE_TOOLS") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path).expect("BASELINE_TOOLS is readable");
            serde_json::from_str(&text).expect("BASELINE_TOOLS is a JSON array of tools")
        }
        Err(_) => one_tool(),
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut http = reqwest::Client::builder().tcp_nodelay(true);
    if let Ok(path) = std::env::var("BACKLOG_CA_FILE") {
        let pem = std::fs::read(path).expect("BACKLOG_CA_FILE is readable");
        http = http.tls_certs_merge(reqwest::Certificate::from_pem_bundle(&pem).expect("PEM"));
    }
    let handler = PassThrough {
        http: http.build().expect("an HTTP client"),
        base_url: env("BACKLOG_BASE_URL").trim_end_matches('/').into(),
        api_key: env("BACKLOG_API_KEY").parse().expect("a header value"),
        tools: Arc::new(tools),
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async move {
        let config = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(false)
            .with_json_response(true)
            .with_sse_keep_alive(None)
            .disable_allowed_hosts();
        let service = StreamableHttpService::new(
            move || Ok(handler.clone()),
            Arc::new(NeverSessionManager::default()),
            config,
        );
        let router = axum::Router::new().route_service("/mcp", service);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        eprintln!("MCP endpoint: http://{address}/mcp");
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        // SIGTERM ends it cleanly, as the server, so that a profiler wrapping it reports.
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                terminate.recv().await;
            })
            .await
            .expect("serving");
    });
}
