//! The axum app: Streamable HTTP at the MCP path (rmcp, stateless, JSON
//! replies), `/health`, Host/Origin checks against DNS rebinding, and a
//! graceful shutdown that finishes requests in flight.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use http::StatusCode;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;

use crate::mcp::BacklogMcp;

/// What the HTTP endpoint accepts.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub path: String,
    /// Empty: no Host check.
    pub allowed_hosts: Vec<String>,
    /// Empty: every request carrying an Origin is refused.
    pub allowed_origins: Vec<String>,
}

impl HttpOptions {
    /// The defaults for a bind address: on loopback, only loopback Host and
    /// Origin values (a web page cannot reach the server through DNS
    /// rebinding); elsewhere, any Host unless configured, and no browser Origin.
    pub fn for_bind(bind: IpAddr, path: &str, hosts: &[String], origins: &[String]) -> Self {
        let loopback = bind.is_loopback();
        let allowed_hosts = if !hosts.is_empty() {
            hosts.to_vec()
        } else if loopback {
            ["localhost", "127.0.0.1", "::1", "[::1]"]
                .map(String::from)
                .to_vec()
        } else {
            tracing::warn!(
                "listening on {bind} without --http-allowed-hosts: any Host header is accepted; \
                 set MCP_HTTP_ALLOWED_HOSTS to the names clients use"
            );
            Vec::new()
        };
        let allowed_origins = if !origins.is_empty() {
            origins.to_vec()
        } else if loopback {
            ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"]
                .map(String::from)
                .to_vec()
        } else {
            Vec::new()
        };
        HttpOptions {
            path: path.to_owned(),
            allowed_hosts,
            allowed_origins,
        }
    }
}

/// The whole HTTP app for one MCP server (API-key mode).
pub fn router(mcp: BacklogMcp, options: &HttpOptions) -> Router {
    app(mcp, options, None)
}

/// The HTTP app in OAuth mode: the authorization server's routes beside the
/// MCP endpoint, which then needs a bearer token this server issued.
pub fn router_with_oauth(
    mcp: BacklogMcp,
    options: &HttpOptions,
    oauth: Arc<crate::oauth::server::OAuth>,
) -> Router {
    app(mcp, options, Some(oauth))
}

fn app(
    mcp: BacklogMcp,
    options: &HttpOptions,
    oauth: Option<Arc<crate::oauth::server::OAuth>>,
) -> Router {
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .enforce_origin_validation()
        .with_allowed_origins(options.allowed_origins.clone());
    config = if options.allowed_hosts.is_empty() {
        config.disable_allowed_hosts()
    } else {
        config.with_allowed_hosts(options.allowed_hosts.clone())
    };
    let dynamic = mcp.is_dynamic();
    let mcp = Arc::new(mcp);
    let guard = middleware::from_fn(guard_jsonrpc);
    // Unauthenticated requests get the sign-in challenge before anything else.
    let bearer = oauth
        .clone()
        .map(|oauth| middleware::from_fn_with_state(oauth, crate::oauth::bearer::require_bearer));
    let mut routes = Router::new().route("/health", get(health));
    if let Some(oauth) = oauth {
        routes = routes.merge(crate::oauth::server::routes(oauth));
    }
    // Dynamic toolsets are remembered per client: 2025-11-25 clients get a
    // session; 2026-07-28 requests are stateless whatever this says.
    if dynamic {
        let service = StreamableHttpService::new(
            move || Ok(mcp.for_client()),
            Arc::new(LocalSessionManager::default()),
            config.with_legacy_session_mode(true),
        );
        routes.route_service(
            &options.path,
            tower::ServiceBuilder::new()
                .option_layer(bearer)
                .layer(guard)
                .service(Shared(Arc::new(service))),
        )
    } else {
        let service = StreamableHttpService::new(
            move || Ok(BacklogMcp::clone(&mcp)),
            Arc::new(NeverSessionManager::default()),
            config,
        );
        routes.route_service(
            &options.path,
            tower::ServiceBuilder::new()
                .option_layer(bearer)
                .layer(guard)
                .service(Shared(Arc::new(service))),
        )
    }
}

/// rmcp's service shared, not copied: axum clones a route's service for each
/// request, and rmcp's clone copies its whole configuration (the allowed hosts
/// and origins, each a String, and a cancellation token), ~6.5k instructions
/// and 20 allocations a request by callgrind.
struct Shared<S, M>(Arc<StreamableHttpService<S, M>>);

impl<S, M> Clone for Shared<S, M> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<S, M> tower::Service<Request> for Shared<S, M>
where
    S: rmcp::ServerHandler + Send + 'static,
    M: rmcp::transport::streamable_http_server::SessionManager,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = futures::future::BoxFuture<'static, Result<Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let service = Arc::clone(&self.0);
        Box::pin(async move { Ok(service.handle(request).await.into_response()) })
    }
}

/// Where a tools/list over HTTP leaves the JSON of the full tool list
/// (serialized once, [`crate::inventory::Inventory::descriptors_json`]):
/// the handler answers with an empty list, and [`guard_jsonrpc`] puts these
/// bytes in its place, after rmcp has checked and answered the request as
/// any other.
#[derive(Clone, Debug, Default)]
pub struct ListedTools(Arc<std::sync::OnceLock<bytes::Bytes>>);

impl ListedTools {
    pub fn set(&self, tools: bytes::Bytes) {
        let _ = self.0.set(tools);
    }
}

/// What an empty tool list is in rmcp's reply, the place the tools go.
const EMPTY_TOOLS: &[u8] = br#""tools":[]"#;

/// The reply with the tools in place of the empty list; an internal error if
/// rmcp's reply has no such place (never sent empty by mistake).
async fn fill_tools(response: Response, tools: &bytes::Bytes) -> Response {
    let (mut parts, body) = response.into_parts();
    let found = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(bytes) => bytes
            .windows(EMPTY_TOOLS.len())
            .position(|w| w == EMPTY_TOOLS)
            .map(|at| (bytes, at)),
        Err(_) => None,
    };
    let Some((bytes, at)) = found else {
        tracing::error!("tools/list: rmcp's reply has no empty tool list to fill");
        return jsonrpc_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            -32603,
            "Internal error: the tool list could not be sent",
        );
    };
    let open = at + EMPTY_TOOLS.len() - 2;
    let mut filled = Vec::with_capacity(bytes.len() + tools.len());
    filled.extend_from_slice(&bytes[..open]);
    filled.extend_from_slice(tools);
    filled.extend_from_slice(&bytes[open + 2..]);
    parts.headers.remove(http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(filled))
}

/// Largest MCP request body accepted (a tool call with a long description fits many times).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Answers what rmcp would answer less clearly: an oversized body (413), a
/// body that is not JSON (-32700) and a JSON-RPC batch (-32600; removed from
/// MCP in 2025-06-18, and not served on any version here) each get a JSON-RPC
/// error. Everything else passes through untouched.
async fn guard_jsonrpc(request: Request, next: Next) -> Response {
    let is_json = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if request.method() != http::Method::POST || !is_json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
        return jsonrpc_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            -32600,
            &format!("Request body larger than {MAX_REQUEST_BYTES} bytes"),
        );
    };
    if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
        return jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32700,
            "Parse error: the body is not valid JSON",
        );
    }
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            "Invalid Request: JSON-RPC batches are not supported (MCP removed them in 2025-06-18); send one message per request",
        );
    }
    // Only a tools/list gets the place for its tools (the name is in its body).
    let lists_tools = bytes.windows(10).any(|w| w == b"tools/list");
    let mut request = Request::from_parts(parts, Body::from(bytes));
    if !lists_tools {
        return next.run(request).await;
    }
    let listed = ListedTools::default();
    request.extensions_mut().insert(listed.clone());
    let response = next.run(request).await;
    match listed.0.get() {
        Some(tools) => fill_tools(response, tools).await,
        None => response,
    }
}

fn jsonrpc_error(status: StatusCode, code: i64, message: &str) -> Response {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    (status, axum::Json(body)).into_response()
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(
        serde_json::json!({ "status": "ok", "name": "backlog-mcp", "version": env!("CARGO_PKG_VERSION") }),
    )
}

/// Serves `router` on `listener` until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Without TCP_NODELAY small replies wait on Nagle + delayed ACK (~40 ms each).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
