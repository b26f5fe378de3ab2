//! The authorization server MCP clients talk to (MCP authorization spec,
//! OAuth 2.1): discovery (RFC 8414, RFC 9728), dynamic registration
//! (RFC 7591), `/authorize` (which sends the user on to Backlog's consent
//! page), `/callback` (Backlog's redirect back), and `/token`
//! (authorization_code with PKCE S256, refresh_token with rotation).
//! Errors follow RFC 6749 §5.2: `{error, error_description}`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::json;
use sha2::Digest as _;

use super::backlog::{BacklogApp, BacklogOAuthError, TokenReply};
use super::crypto::{StoreKey, hash_token, new_token};
use super::pages;
use super::store::{
    Access, AnyStore, BacklogTokens, Client, Code, Grant, Pending, Refresh, RefreshUse, Store,
    StoreError, Timestamp,
};

/// How long each thing lasts.
const PENDING_TTL: u64 = 10 * 60;
const CODE_TTL: u64 = 2 * 60;
/// OAUTH_ACCESS_TOKEN_TTL's default: an hour.
pub const DEFAULT_ACCESS_TTL: u64 = 60 * 60;
const REFRESH_TTL: u64 = 30 * 24 * 60 * 60;
/// Backlog's token is refreshed this long before it expires.
pub const BACKLOG_REFRESH_MARGIN: u64 = 60;
/// Largest body /register and /token read.
const MAX_BODY: usize = 16 * 1024;
/// Most redirect URIs one client registers.
const MAX_REDIRECT_URIS: usize = 10;

/// What OAuth mode is configured with.
pub struct OAuthConfig {
    /// `MCP_SERVER_BASE_URL`: where clients reach this server, no trailing slash.
    pub base_url: String,
    /// The MCP endpoint's path (`/mcp`).
    pub mcp_path: String,
    /// One Backlog app per organization, in the order they are offered.
    pub apps: Vec<BacklogApp>,
    pub key: StoreKey,
    /// Seconds an access token this server issues lasts.
    pub access_ttl: u64,
    /// Certificates trusted besides the system's when calling Backlog (BACKLOG_CA_FILE).
    pub ca_certificates: Vec<reqwest::Certificate>,
}

/// The authorization server's state, shared by its routes and the MCP
/// endpoint's bearer check.
pub struct OAuth {
    pub(super) store: AnyStore,
    pub(super) key: StoreKey,
    pub(super) base_url: String,
    mcp_path: String,
    pub(super) apps: Vec<BacklogApp>,
    pub(super) http: reqwest::Client,
    access_ttl: u64,
    register_limit: DefaultDirectRateLimiter,
    token_limit: DefaultDirectRateLimiter,
    /// One Backlog refresh at a time per grant in this process.
    pub(super) refreshing: tokio::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

pub fn now() -> Timestamp {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl OAuth {
    pub fn new(config: OAuthConfig, store: AnyStore) -> Result<OAuth, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(crate::backlog::USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .tls_certs_merge(config.ca_certificates.clone())
            .build()
            .map_err(|e| e.to_string())?;
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).expect("non-zero"));
        Ok(OAuth {
            store,
            key: config.key,
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            mcp_path: config.mcp_path,
            apps: config.apps,
            http,
            access_ttl: config.access_ttl.max(1),
            register_limit: RateLimiter::direct(per_minute(60)),
            token_limit: RateLimiter::direct(per_minute(600)),
            refreshing: tokio::sync::Mutex::default(),
        })
    }

    /// Deletes expired records (Redis expires its own).
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        self.store.purge_expired(now()).await
    }

    /// The MCP endpoint as a resource (RFC 8707, RFC 9728).
    pub fn resource(&self) -> String {
        format!("{}{}", self.base_url, self.mcp_path)
    }

    /// Where the protected resource's metadata is, for `WWW-Authenticate`.
    pub fn resource_metadata_url(&self) -> String {
        format!(
            "{}/.well-known/oauth-protected-resource{}",
            self.base_url, self.mcp_path
        )
    }

    fn callback_url(&self) -> String {
        format!("{}/callback", self.base_url)
    }

    pub(super) fn app(&self, organization: &str) -> Option<&BacklogApp> {
        self.apps.iter().find(|a| a.organization == organization)
    }

    /// A sealed Backlog token as text; `None` when it does not open (another
    /// OAUTH_STORE_KEY sealed it), which makes the user sign in again.
    pub(super) fn open_text(&self, sealed: &super::store::Sealed) -> Option<String> {
        self.key
            .open(sealed)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    }

    /// Seals Backlog's reply for the store.
    pub(super) fn seal(&self, reply: &TokenReply) -> BacklogTokens {
        BacklogTokens {
            access_token: self.key.seal(reply.access_token.as_bytes()),
            refresh_token: self.key.seal(reply.refresh_token.as_bytes()),
            expires_at: now() + reply.expires_in,
        }
    }
}

/// The routes of the authorization server (the MCP endpoint is mounted beside them).
pub fn routes(oauth: Arc<OAuth>) -> Router {
    let resource_path = format!("/.well-known/oauth-protected-resource{}", oauth.mcp_path);
    Router::new()
        .route(
            "/.well-known/oauth-authorization-server",
            get(authorization_server_metadata),
        )
        .route(&resource_path, get(protected_resource_metadata))
        .route(
            "/.well-known/oauth-protected-resource",
            get(protected_resource_metadata),
        )
        .route("/register", post(register))
        .route("/authorize", get(authorize))
        .route("/callback", get(callback))
        .route("/token", post(token))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(oauth)
}

async fn authorization_server_metadata(State(oauth): State<Arc<OAuth>>) -> Response {
    let base = &oauth.base_url;
    json_response(
        StatusCode::OK,
        json!({
            "issuer": base,
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
            "registration_endpoint": format!("{base}/register"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        }),
    )
}

async fn protected_resource_metadata(State(oauth): State<Arc<OAuth>>) -> Response {
    json_response(
        StatusCode::OK,
        json!({
            "resource": oauth.resource(),
            "authorization_servers": [oauth.base_url],
            "bearer_methods_supported": ["header"],
        }),
    )
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An RFC 6749 §5.2 error.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        json!({"error": error, "error_description": description}),
    )
}

fn store_failed(error: StoreError) -> Response {
    tracing::error!(%error, "OAuth store");
    oauth_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily_unavailable",
        "the server's OAuth store is unavailable; try again shortly",
    )
}

/// Redirect URIs a client may register: https, or http on a loopback host
/// (native apps, RFC 8252); never with a fragment.
fn redirect_uri_problem(uri: &str) -> Option<String> {
    let Ok(url) = url::Url::parse(uri) else {
        return Some(format!("{uri:?} is not an absolute URL"));
    };
    if url.fragment().is_some() {
        return Some(format!("{uri:?} has a fragment"));
    }
    let loopback = matches!(
        url.host(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
    ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        || url.host_str() == Some("localhost");
    match url.scheme() {
        "https" => None,
        "http" if loopback => None,
        _ => Some(format!(
            "{uri:?}: redirect URIs must be https, or http on a loopback address"
        )),
    }
}

#[derive(Deserialize)]
struct Registration {
    #[serde(default)]
    redirect_uris: Vec<String>,
    client_name: Option<String>,
    token_endpoint_auth_method: Option<String>,
}

async fn register(State(oauth): State<Arc<OAuth>>, body: axum::body::Bytes) -> Response {
    if oauth.register_limit.check().is_err() {
        return oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            "too many registrations; try again in a minute",
        );
    }
    let registration: Registration = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_client_metadata",
                &format!("the body is not client metadata JSON: {e}"),
            );
        }
    };
    if registration.redirect_uris.is_empty() || registration.redirect_uris.len() > MAX_REDIRECT_URIS
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            &format!("register 1 to {MAX_REDIRECT_URIS} redirect_uris"),
        );
    }
    if let Some(problem) = registration
        .redirect_uris
        .iter()
        .find_map(|u| redirect_uri_problem(u))
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_redirect_uri", &problem);
    }
    let method = registration
        .token_endpoint_auth_method
        .unwrap_or_else(|| "none".to_owned());
    let secret = match method.as_str() {
        "none" => None,
        "client_secret_post" => Some(new_token()),
        other => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_client_metadata",
                &format!(
                    "token_endpoint_auth_method {other:?} is not supported: use none (with PKCE) or client_secret_post"
                ),
            );
        }
    };
    let client_name = registration
        .client_name
        .map(|n| n.chars().take(200).collect::<String>());
    let client = Client {
        client_id: new_token(),
        client_secret_hash: secret.as_deref().map(hash_token),
        redirect_uris: registration.redirect_uris,
        client_name,
        created_at: now(),
    };
    if let Err(e) = oauth.store.put_client(&client).await {
        return store_failed(e);
    }
    let mut reply = json!({
        "client_id": client.client_id,
        "client_id_issued_at": client.created_at,
        "redirect_uris": client.redirect_uris,
        "token_endpoint_auth_method": method,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    });
    if let Some(name) = &client.client_name {
        reply["client_name"] = json!(name);
    }
    if let Some(secret) = secret {
        reply["client_secret"] = json!(secret);
        reply["client_secret_expires_at"] = json!(0);
    }
    json_response(StatusCode::CREATED, reply)
}

#[derive(Deserialize)]
struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    state: Option<String>,
    resource: Option<String>,
    /// Ours: which organization to sign in to, when several are configured.
    organization: Option<String>,
}

/// Sends the client's user back with an error, once its redirect URI is known to be its own.
fn redirect_error(
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let mut url = url::Url::parse(redirect_uri).expect("a registered URI");
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("error", error);
        pairs.append_pair("error_description", description);
        if let Some(state) = state {
            pairs.append_pair("state", state);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

async fn authorize(
    State(oauth): State<Arc<OAuth>>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    // Until the client and its redirect URI are known, errors are a page:
    // redirecting to an unverified URI would make this an open redirector.
    let Some(client_id) = params.client_id.as_deref() else {
        return pages::error(StatusCode::BAD_REQUEST, "The request has no client_id.");
    };
    let client = match oauth.store.client(client_id).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            return pages::error(
                StatusCode::BAD_REQUEST,
                "This application is not registered with the server. Connect it again from your MCP client.",
            );
        }
        Err(e) => return store_failed(e),
    };
    let redirect_uri = match params.redirect_uri.as_deref() {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri,
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].as_str(),
        _ => {
            return pages::error(
                StatusCode::BAD_REQUEST,
                "The redirect_uri is not one this application registered.",
            );
        }
    };
    let state = params.state.as_deref();
    if params.response_type.as_deref() != Some("code") {
        return redirect_error(
            redirect_uri,
            "unsupported_response_type",
            "response_type must be code",
            state,
        );
    }
    let Some(challenge) = params
        .code_challenge
        .as_deref()
        .filter(|c| (43..=128).contains(&c.len()))
    else {
        return redirect_error(
            redirect_uri,
            "invalid_request",
            "PKCE is required: send code_challenge (S256)",
            state,
        );
    };
    if params.code_challenge_method.as_deref() != Some("S256") {
        return redirect_error(
            redirect_uri,
            "invalid_request",
            "code_challenge_method must be S256",
            state,
        );
    }
    if let Some(resource) = params.resource.as_deref()
        && !same_resource(resource, &oauth.resource())
    {
        return redirect_error(
            redirect_uri,
            "invalid_target",
            "resource is not this server's MCP endpoint",
            state,
        );
    }
    let organization = match (params.organization.as_deref(), oauth.apps.as_slice()) {
        (Some(name), _) => match oauth.app(name) {
            Some(app) => app.organization.clone(),
            None => {
                return redirect_error(
                    redirect_uri,
                    "invalid_request",
                    "unknown organization",
                    state,
                );
            }
        },
        (None, [only]) => only.organization.clone(),
        (None, apps) => {
            let authorize = format!("{}/authorize", oauth.base_url);
            let query = params_query(&params, client_id, redirect_uri);
            return pages::choose_organization(apps, &authorize, &query);
        }
    };
    let our_state = new_token();
    let pending = Pending {
        client_id: client.client_id,
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: challenge.to_owned(),
        client_state: params.state.clone(),
        resource: params.resource.clone(),
        organization: organization.clone(),
        expires_at: now() + PENDING_TTL,
    };
    if let Err(e) = oauth
        .store
        .put_pending(&hash_token(&our_state), &pending)
        .await
    {
        return store_failed(e);
    }
    let app = oauth.app(&organization).expect("chosen above");
    Redirect::to(&app.authorize_url(&oauth.callback_url(), &our_state)).into_response()
}

/// The query of an /authorize request, to repeat it with an organization chosen.
fn params_query(params: &AuthorizeParams, client_id: &str, redirect_uri: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair(
        "response_type",
        params.response_type.as_deref().unwrap_or("code"),
    );
    query.append_pair("client_id", client_id);
    query.append_pair("redirect_uri", redirect_uri);
    for (name, value) in [
        ("code_challenge", &params.code_challenge),
        ("code_challenge_method", &params.code_challenge_method),
        ("state", &params.state),
        ("resource", &params.resource),
    ] {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    query.finish()
}

/// RFC 8707 resources compare as URLs; a trailing slash is the same resource.
fn same_resource(given: &str, ours: &str) -> bool {
    given.trim_end_matches('/') == ours.trim_end_matches('/')
}

#[derive(Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(oauth): State<Arc<OAuth>>,
    Query(params): Query<CallbackParams>,
) -> Response {
    let Some(state) = params.state.as_deref() else {
        return pages::error(StatusCode::BAD_REQUEST, "Backlog's answer has no state.");
    };
    let pending = match oauth.store.take_pending(&hash_token(state), now()).await {
        Ok(Some(pending)) => pending,
        Ok(None) => {
            return pages::error(
                StatusCode::BAD_REQUEST,
                "This sign-in expired or was already used. Start again from your MCP client.",
            );
        }
        Err(e) => return store_failed(e),
    };
    let client_state = pending.client_state.as_deref();
    if params.error.is_some() {
        return redirect_error(
            &pending.redirect_uri,
            "access_denied",
            "the user did not allow access in Backlog",
            client_state,
        );
    }
    let Some(code) = params.code.as_deref() else {
        return redirect_error(
            &pending.redirect_uri,
            "server_error",
            "Backlog sent no code",
            client_state,
        );
    };
    let Some(app) = oauth.app(&pending.organization) else {
        return redirect_error(
            &pending.redirect_uri,
            "server_error",
            "the organization is no longer configured",
            client_state,
        );
    };
    let reply = match app
        .exchange_code(&oauth.http, code, &oauth.callback_url())
        .await
    {
        Ok(reply) => reply,
        Err(error) => {
            tracing::warn!(%error, organization = %pending.organization, "Backlog code exchange");
            return redirect_error(
                &pending.redirect_uri,
                "access_denied",
                "Backlog did not confirm the sign-in",
                client_state,
            );
        }
    };
    let our_code = new_token();
    let record = Code {
        client_id: pending.client_id,
        redirect_uri: pending.redirect_uri.clone(),
        code_challenge: pending.code_challenge,
        resource: pending.resource,
        organization: pending.organization,
        backlog: oauth.seal(&reply),
        expires_at: now() + CODE_TTL,
    };
    if let Err(e) = oauth.store.put_code(&hash_token(&our_code), &record).await {
        return store_failed(e);
    }
    let mut url = url::Url::parse(&pending.redirect_uri).expect("a registered URI");
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("code", &our_code);
        if let Some(state) = client_state {
            pairs.append_pair("state", state);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenParams {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    refresh_token: Option<String>,
    resource: Option<String>,
}

async fn token(State(oauth): State<Arc<OAuth>>, body: axum::body::Bytes) -> Response {
    if oauth.token_limit.check().is_err() {
        return oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            "too many token requests; try again shortly",
        );
    }
    let params: TokenParams = match serde_urlencoded::from_bytes(&body) {
        Ok(p) => p,
        Err(e) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("the body is not a form: {e}"),
            );
        }
    };
    let client = match authenticate(&oauth, &params).await {
        Ok(client) => client,
        Err(response) => return response,
    };
    if let Some(resource) = params.resource.as_deref()
        && !same_resource(resource, &oauth.resource())
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_target",
            "resource is not this server's MCP endpoint",
        );
    }
    match params.grant_type.as_deref() {
        Some("authorization_code") => exchange_code(&oauth, &client, &params).await,
        Some("refresh_token") => refresh(&oauth, &client, &params).await,
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("{other:?}: use authorization_code or refresh_token"),
        ),
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is missing",
        ),
    }
}

/// The client of a token request: its id, and its secret if it has one.
async fn authenticate(oauth: &OAuth, params: &TokenParams) -> Result<Client, Response> {
    let invalid = || {
        oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong client_secret",
        )
    };
    let Some(client_id) = params.client_id.as_deref() else {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is missing",
        ));
    };
    let client = match oauth.store.client(client_id).await {
        Ok(Some(client)) => client,
        Ok(None) => return Err(invalid()),
        Err(e) => return Err(store_failed(e)),
    };
    match (&client.client_secret_hash, params.client_secret.as_deref()) {
        (None, _) => Ok(client),
        (Some(expected), Some(given)) if hash_token(given) == *expected => Ok(client),
        _ => Err(invalid()),
    }
}

fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
}

async fn exchange_code(oauth: &OAuth, client: &Client, params: &TokenParams) -> Response {
    let invalid = |why: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
    let Some(code) = params.code.as_deref() else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "code is missing",
        );
    };
    // Taken whatever follows: a code is tried once.
    let record = match oauth.store.take_code(&hash_token(code), now()).await {
        Ok(Some(record)) => record,
        Ok(None) => return invalid("the code is unknown, expired or already used"),
        Err(e) => return store_failed(e),
    };
    if record.client_id != client.client_id {
        return invalid("the code was issued to another client");
    }
    if params.redirect_uri.as_deref() != Some(record.redirect_uri.as_str()) {
        return invalid("redirect_uri differs from the authorization request's");
    }
    let Some(verifier) = params
        .code_verifier
        .as_deref()
        .filter(|v| (43..=128).contains(&v.len()))
    else {
        return invalid("code_verifier is missing or not 43 to 128 characters");
    };
    if !pkce_matches(verifier, &record.code_challenge) {
        return invalid("code_verifier does not match the code_challenge");
    }
    let grant = Grant {
        grant_id: new_token(),
        client_id: client.client_id.clone(),
        organization: record.organization,
        resource: record.resource,
        backlog: record.backlog,
        revoked: false,
        expires_at: now() + REFRESH_TTL,
    };
    if let Err(e) = oauth.store.put_grant(&grant).await {
        return store_failed(e);
    }
    issue_tokens(oauth, &grant.grant_id).await
}

async fn refresh(oauth: &OAuth, client: &Client, params: &TokenParams) -> Response {
    let invalid = |why: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
    let Some(token) = params.refresh_token.as_deref() else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "refresh_token is missing",
        );
    };
    let refresh = match oauth.store.use_refresh(&hash_token(token), now()).await {
        Ok(RefreshUse::Fresh(refresh)) => refresh,
        Ok(RefreshUse::Reused(refresh)) => {
            // A replayed refresh token: someone else may hold it; end the whole sign-in.
            tracing::warn!("a used refresh token was presented again; the grant is revoked");
            if let Err(e) = oauth.store.revoke_grant(&refresh.grant_id).await {
                return store_failed(e);
            }
            return invalid("the refresh token was already used; sign in again");
        }
        Ok(RefreshUse::Unknown) => return invalid("the refresh token is unknown or expired"),
        Err(e) => return store_failed(e),
    };
    let grant = match oauth.store.grant(&refresh.grant_id, now()).await {
        Ok(Some(grant)) if !grant.revoked => grant,
        Ok(_) => return invalid("this sign-in was revoked; sign in again"),
        Err(e) => return store_failed(e),
    };
    if grant.client_id != client.client_id {
        return invalid("the refresh token was issued to another client");
    }
    issue_tokens(oauth, &grant.grant_id).await
}

/// A new access token and refresh token of a grant.
async fn issue_tokens(oauth: &OAuth, grant_id: &str) -> Response {
    let (access, refresh) = (new_token(), new_token());
    let at = now();
    let stored = async {
        oauth
            .store
            .put_access(
                &hash_token(&access),
                &Access {
                    grant_id: grant_id.to_owned(),
                    expires_at: at + oauth.access_ttl,
                },
            )
            .await?;
        oauth
            .store
            .put_refresh(
                &hash_token(&refresh),
                &Refresh {
                    grant_id: grant_id.to_owned(),
                    used: false,
                    expires_at: at + REFRESH_TTL,
                },
            )
            .await
    };
    if let Err(e) = stored.await {
        return store_failed(e);
    }
    json_response(
        StatusCode::OK,
        json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": oauth.access_ttl,
            "refresh_token": refresh,
        }),
    )
}

/// Backlog's tokens of a grant, refreshed at Backlog when they are about to
/// expire (or `force`d, after Backlog refused them). `None`: Backlog no longer
/// accepts the grant, which is revoked; the user signs in again.
pub(super) async fn backlog_access_token(
    oauth: &OAuth,
    grant: Grant,
    force: bool,
) -> Result<Option<String>, StoreError> {
    let fresh = |grant: &Grant| grant.backlog.expires_at > now() + BACKLOG_REFRESH_MARGIN;
    if !force && fresh(&grant) {
        return Ok(oauth.open_text(&grant.backlog.access_token));
    }
    let lock = {
        let mut locks = oauth.refreshing.lock().await;
        Arc::clone(locks.entry(grant.grant_id.clone()).or_default())
    };
    let _held = lock.lock().await;
    // Another request (or replica) may have refreshed while this one waited.
    let Some(current) = oauth.store.grant(&grant.grant_id, now()).await? else {
        return Ok(None);
    };
    if current.revoked {
        return Ok(None);
    }
    if current.backlog != grant.backlog && fresh(&current) {
        return Ok(oauth.open_text(&current.backlog.access_token));
    }
    let Some(app) = oauth.app(&current.organization) else {
        return Ok(None);
    };
    let Some(refresh_token) = oauth.open_text(&current.backlog.refresh_token) else {
        return Ok(None);
    };
    match app.refresh(&oauth.http, &refresh_token).await {
        Ok(reply) => {
            let tokens = oauth.seal(&reply);
            oauth
                .store
                .update_backlog_tokens(&current.grant_id, &tokens)
                .await?;
            Ok(Some(reply.access_token))
        }
        Err(BacklogOAuthError::Refused(reason)) => {
            tracing::info!(%reason, "Backlog refused to refresh a sign-in; the grant is revoked");
            oauth.store.revoke_grant(&current.grant_id).await?;
            Ok(None)
        }
        Err(BacklogOAuthError::Failed(reason)) => Err(StoreError(format!(
            "Backlog token refresh failed: {reason}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert!(pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }

    #[test]
    fn redirect_uris_are_https_or_loopback_http() {
        assert!(redirect_uri_problem("https://client.example/cb").is_none());
        assert!(redirect_uri_problem("http://127.0.0.1:8123/cb").is_none());
        assert!(redirect_uri_problem("http://localhost/cb").is_none());
        assert!(redirect_uri_problem("http://[::1]:9/cb").is_none());
        assert!(redirect_uri_problem("http://client.example/cb").is_some());
        assert!(redirect_uri_problem("https://client.example/cb#x").is_some());
        assert!(redirect_uri_problem("javascript:alert(1)").is_some());
        assert!(redirect_uri_problem("/relative").is_some());
    }
}
