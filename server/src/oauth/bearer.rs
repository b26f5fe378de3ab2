//! The MCP endpoint in OAuth mode: every request brings a bearer token this
//! server issued. The token's grant gives the user's Backlog token (refreshed
//! at Backlog when about to expire), which becomes the call's credential, and
//! the organization the user signed in to. Without a valid token, or when
//! Backlog no longer accepts the user's, the answer is HTTP 401 with the
//! challenge the MCP authorization spec requires, so that the client signs
//! in again — never a tool result it cannot act on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use super::crypto::hash_token;
use super::server::{OAuth, backlog_access_token, now};
use super::store::{Grant, Store};
use crate::backlog::Credential;

/// Which organization a signed-in request's calls go to: the one its user
/// signed in to (a request extension the MCP layer reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub organization: String,
}

/// Set by the MCP layer when Backlog refused the call's credential (HTTP 401):
/// the request is then answered with a sign-in challenge.
#[derive(Clone, Debug, Default)]
pub struct BacklogRejected(pub Arc<AtomicBool>);

impl BacklogRejected {
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The 401 of a request without a usable token (RFC 6750 §3, RFC 9728 §5.1).
fn challenge(oauth: &OAuth, error: Option<&str>) -> Response {
    let mut value = format!(
        "Bearer resource_metadata=\"{}\"",
        oauth.resource_metadata_url()
    );
    if let Some(error) = error {
        value.push_str(&format!(", error=\"{error}\""));
    }
    let body = serde_json::json!({
        "error": error.unwrap_or("unauthorized"),
        "error_description": "Sign in to this MCP server (OAuth) to use Backlog as yourself.",
    });
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

fn unavailable(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "OAuth store");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The server's OAuth store is unavailable; try again shortly.",
    )
        .into_response()
}

/// The grant of a bearer token, if it is valid and not revoked.
async fn grant_of(oauth: &OAuth, token: &str) -> Result<Option<Grant>, Response> {
    let at = now();
    let access = match oauth.store.access(&hash_token(token), at).await {
        Ok(Some(access)) => access,
        Ok(None) => return Ok(None),
        Err(e) => return Err(unavailable(e)),
    };
    match oauth.store.grant(&access.grant_id, at).await {
        Ok(Some(grant)) if !grant.revoked => Ok(Some(grant)),
        Ok(_) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// The axum middleware in front of the MCP endpoint.
pub async fn require_bearer(
    State(oauth): State<Arc<OAuth>>,
    request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());
    let Some(token) = token else {
        return challenge(&oauth, None);
    };
    let grant = match grant_of(&oauth, &token).await {
        Ok(Some(grant)) => grant,
        Ok(None) => return challenge(&oauth, Some("invalid_token")),
        Err(response) => return response,
    };
    // The body is kept so that the request can be sent once more after
    // Backlog's token was refreshed (a 401 from Backlog means it did nothing).
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::http::MAX_REQUEST_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Request body too large").into_response();
    };
    let mut force = false;
    loop {
        let backlog_token = match backlog_access_token(&oauth, grant.clone(), force).await {
            Ok(Some(token)) => token,
            Ok(None) => return challenge(&oauth, Some("invalid_token")),
            Err(e) => return unavailable(e),
        };
        let Ok(credential) = Credential::bearer(&backlog_token) else {
            return challenge(&oauth, Some("invalid_token"));
        };
        let rejected = BacklogRejected::default();
        let mut request = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        let extensions = request.extensions_mut();
        extensions.insert(credential);
        extensions.insert(SignedIn {
            organization: grant.organization.clone(),
        });
        extensions.insert(rejected.clone());
        let response = next.clone().run(request).await;
        if !rejected.is_set() {
            return response;
        }
        if force {
            // Refreshed, and still refused: the user must sign in again.
            return challenge(&oauth, Some("invalid_token"));
        }
        force = true;
    }
}
