//! The axum app: Streamable HTTP at the MCP path (rmcp, stateless, JSON
//! replies), `/health`, Host/Origin checks against DNS rebinding, and a
//! graceful shutdown that finishes requests in flight.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use axum::serve::ListenerExt;
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

/// The whole HTTP app for one MCP server.
pub fn router(mcp: BacklogMcp, options: &HttpOptions) -> Router {
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
    let mcp = Arc::new(mcp);
    let service = StreamableHttpService::new(
        move || Ok(BacklogMcp::clone(&mcp)),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    Router::new()
        .route("/health", get(health))
        .route_service(&options.path, service)
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
