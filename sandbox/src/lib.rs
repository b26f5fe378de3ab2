//! An in-memory, stateful emulator of the Nulab Backlog REST API v2.
//!
//! It seeds a deterministic space ([`SpaceSeed`]: the demo space unless told otherwise,
//! see `seed.rs`), serves one module per Backlog resource (`resources/`), authenticates
//! like Backlog (`Backlog-API-Key` header or `apiKey` query parameter, `auth.rs`), decodes
//! parameters like Backlog (query for GET, `application/x-www-form-urlencoded` body for
//! writes, `name[]` arrays, `customField_*` keys, a `multipart/form-data` upload), answers
//! with Backlog's JSON shapes and error bodies, and records every request it receives so
//! tests can assert on the wire format. Per-endpoint [`FaultRule`]s make it fail on demand
//! (error statuses, 429s, delays, hung or dropped connections, bodies that are not JSON or
//! far too large), and every normal answer carries Backlog's `X-RateLimit-*` headers.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = backlog_sandbox::Sandbox::new(backlog_sandbox::DEFAULT_API_KEY).spawn().await?;
//! let base_url = sandbox.api_base_url(); // "http://127.0.0.1:PORT/api/v2"
//! // A second organization: another space, other users, projects and issues.
//! let acme = backlog_sandbox::Sandbox::with_space("acme-key", backlog_sandbox::SpaceSeed::Acme);
//! let acme = acme.spawn().await?;
//! // A space that grants OAuth tokens to one app, each valid for a second.
//! let app = backlog_sandbox::OAuthApp {
//!     client_id: "app".into(),
//!     client_secret: "secret".into(),
//!     redirect_uri: "http://127.0.0.1:8000/callback".into(),
//! };
//! let oauth = backlog_sandbox::Sandbox::default()
//!     .with_oauth_app(app)
//!     .oauth_token_ttl(std::time::Duration::from_secs(1));
//! let oauth = oauth.spawn().await?;
//! # Ok(()) }
//! ```

mod auth;
mod download;
mod error;
mod fault;
mod intake;
mod multipart;
mod oauth;
mod paging;
mod params;
mod recording;
mod resources;
mod routing;
mod seed;
mod store;
mod table;
mod time;
#[cfg(feature = "tls")]
mod tls;

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use routing::App;
use table::Id;

pub use fault::{Fault, FaultRule, RATE_LIMIT_PER_MINUTE};
pub use multipart::FormPart;
pub use oauth::{DEFAULT_OAUTH_TOKEN_TTL, OAuthApp};
pub use recording::{REDACTED, RecordedRequest};
pub use seed::SpaceSeed;

/// The API key a sandbox accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "sandbox-api-key";

/// How many requests the log keeps. `--sandbox` runs for as long as the server does, so
/// the log drops its oldest entries rather than grow without bound; no test comes close.
pub const MAX_RECORDED_REQUESTS: usize = 100_000;

/// State shared by the router, its handlers and every handle.
struct Shared {
    api_key: String,
    /// Who the API key belongs to.
    api_key_owner: Id,
    state: Mutex<store::State>,
    requests: Mutex<VecDeque<RecordedRequest>>,
    recording: AtomicBool,
    faults: Mutex<fault::Faults>,
    rate: Mutex<fault::RateWindow>,
    oauth: Mutex<oauth::Grants>,
}

type AppState = Arc<Shared>;

impl Shared {
    /// The space, locked, with the API key's owner acting.
    fn state(&self) -> MutexGuard<'_, store::State> {
        self.state_as(self.api_key_owner)
    }

    /// The space, locked, with `myself` acting: what `/users/myself` answers and who every
    /// write is by, until the lock is released.
    fn state_as(&self, myself: Id) -> MutexGuard<'_, store::State> {
        // A handler that panicked mid-write leaves the state as it was at the panic; the
        // sandbox keeps serving rather than failing every later test with a poison error.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.myself_id = myself;
        state
    }

    fn requests(&self) -> MutexGuard<'_, VecDeque<RecordedRequest>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, request: RecordedRequest) {
        if self.recording.load(Ordering::Relaxed) {
            let mut log = self.requests();
            if log.len() == MAX_RECORDED_REQUESTS {
                log.pop_front();
            }
            log.push_back(request);
        }
    }

    fn faults(&self) -> MutexGuard<'_, fault::Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn rate(&self) -> MutexGuard<'_, fault::RateWindow> {
        self.rate.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn oauth(&self) -> MutexGuard<'_, oauth::Grants> {
        self.oauth.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An emulated Backlog space. Clones share the same state.
#[derive(Clone)]
pub struct Sandbox {
    shared: Arc<Shared>,
}

impl Sandbox {
    /// A sandbox seeded with the demo space, accepting `api_key`.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self::with_space(api_key, SpaceSeed::Demo)
    }

    /// A sandbox seeded with `space`, accepting `api_key`. Two sandboxes of different
    /// seeds stand for two organizations, each with its own key.
    pub fn with_space(api_key: impl Into<String>, space: SpaceSeed) -> Self {
        let data = space.data();
        let shared = Shared {
            api_key: api_key.into(),
            api_key_owner: data.myself_id,
            state: Mutex::new(store::State::seeded(data)),
            requests: Mutex::new(VecDeque::new()),
            recording: AtomicBool::new(true),
            faults: Mutex::default(),
            rate: Mutex::default(),
            oauth: Mutex::default(),
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    /// Lets `app` obtain OAuth 2.0 tokens: its users approve it on the consent page
    /// (`GET /OAuth2AccessRequest.action`) and it exchanges the code at
    /// `POST /api/v2/oauth2/token`; see the `oauth` module for the flow. Several apps may
    /// be added; the redirect URI must then match exactly, as Backlog requires.
    ///
    /// Panics if an app with the same `client_id` was added, or if `redirect_uri` is not
    /// visible ASCII without a fragment (it is sent back in a `Location` header).
    pub fn with_oauth_app(self, app: OAuthApp) -> Self {
        self.shared.oauth().add_app(app);
        self
    }

    /// How long an OAuth access token lives from its issue, [`DEFAULT_OAUTH_TOKEN_TTL`]
    /// unless told otherwise; `expires_in` says it in whole seconds. Refresh tokens do not
    /// expire.
    pub fn oauth_token_ttl(self, ttl: Duration) -> Self {
        self.shared.oauth().token_ttl = ttl;
        self
    }

    /// Adds a fault rule; see [`SandboxHandle::add_fault`].
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.faults().add(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// The axum router (paths start with `/api/v2/...`), for in-process use.
    pub fn router(&self) -> Router {
        routing::router(self.shared.clone())
    }

    /// Binds `127.0.0.1:0`, serves in a spawned tokio task, returns a handle.
    pub async fn spawn(self) -> std::io::Result<SandboxHandle> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        // Without TCP_NODELAY small replies wait on Nagle + delayed ACK (~40 ms each).
        let listener = listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        let router = self.router();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(SandboxHandle {
            shared: self.shared,
            addr,
            ca_pem: None,
        })
    }
}

#[cfg(feature = "tls")]
impl Sandbox {
    /// [`Sandbox::spawn`] over HTTPS: a CA made now signs the certificate of
    /// `127.0.0.1`; [`SandboxHandle::ca_pem`] is what a client must trust.
    pub async fn spawn_tls(self) -> std::io::Result<SandboxHandle> {
        let tls = tls::TestTls::new()?;
        let tcp = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = tcp.local_addr()?;
        let listener = tls::TlsListener {
            tcp,
            acceptor: tls.acceptor,
        };
        let router = self.router();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(SandboxHandle {
            shared: self.shared,
            addr,
            ca_pem: Some(tls.ca_pem),
        })
    }
}

impl Default for Sandbox {
    /// A sandbox accepting [`DEFAULT_API_KEY`].
    fn default() -> Self {
        Self::new(DEFAULT_API_KEY)
    }
}

/// A running sandbox: where it listens, and what it has received.
#[derive(Clone)]
pub struct SandboxHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// The test CA's certificate when served over HTTPS.
    ca_pem: Option<String>,
}

impl SandboxHandle {
    /// The address the sandbox listens on, `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/v2` (`https://` when spawned with TLS) — what the MCP
    /// server uses as `BACKLOG_BASE_URL`.
    pub fn api_base_url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}/api/v2", self.addr)
    }

    /// The PEM certificate of the CA that signed the sandbox's, when spawned with TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The API key the sandbox accepts.
    pub fn api_key(&self) -> String {
        self.shared.api_key.clone()
    }

    /// Every request received so far, in order (including rejected ones: 401, 404, 400);
    /// at most the last [`MAX_RECORDED_REQUESTS`].
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests().iter().cloned().collect()
    }

    /// Forgets every request recorded so far.
    pub fn clear_requests(&self) {
        self.shared.requests().clear();
    }

    /// Turns request recording on (the default) or off; a long benchmark turns it off so
    /// the log does not grow without bound.
    pub fn set_recording(&self, on: bool) {
        self.shared.recording.store(on, Ordering::Relaxed);
    }

    /// Adds a fault rule. Rules are tried in the order added and the first live match
    /// applies (a rule whose `times` is used up is gone). A faulted request is recorded
    /// like any other, and the fault applies whether or not its API key is right, since
    /// it stands for something in front of Backlog; only [`Fault::Delay`] goes on to the
    /// normal path, authentication included.
    ///
    /// Panics if the fault's status is not a final HTTP status (200..=999).
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.faults().add(rule);
    }

    /// Removes every fault rule; requests already held by [`Fault::Hang`] stay held.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// Revokes every OAuth grant of the user with id `user_id`, as revoking the apps'
    /// access at Backlog does: their access and refresh tokens, and codes not yet
    /// exchanged, stop working at once.
    pub fn revoke_oauth_tokens(&self, user_id: u64) {
        self.shared.oauth().revoke(user_id);
    }

    /// Makes every OAuth access token issued so far expired now; refresh tokens keep
    /// working, so a client can get a new access token.
    pub fn expire_oauth_access_tokens(&self) {
        self.shared.oauth().expire_access_tokens();
    }
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
