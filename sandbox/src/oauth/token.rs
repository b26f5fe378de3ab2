//! `POST /api/v2/oauth2/token`, Backlog's token endpoint (RFC 6749 §4.1.3, §6): an
//! authorization code or a refresh token, with the client's id and secret as form
//! parameters, for `{"access_token","token_type":"Bearer","expires_in","refresh_token"}`.
//! A refresh rotates: the refresh token presented stops working. Refusals are RFC 6749's
//! `{"error","error_description"}`, 401 for `invalid_client` and 400 otherwise.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::grants::Issued;
use crate::AppState;
use crate::params::Params;

/// A refused token request.
struct TokenError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl TokenError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        let description = description.into();
        Self {
            status,
            error,
            description,
        }
    }

    fn missing(param: &str) -> Self {
        let message = format!("The {param} parameter is missing.");
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    fn invalid_grant(description: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.error, "error_description": self.description });
        (self.status, NO_STORE, Json(body)).into_response()
    }
}

/// Token answers are not to be cached (RFC 6749 §5.1).
const NO_STORE: [(HeaderName, HeaderValue); 2] = [
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    (header::PRAGMA, HeaderValue::from_static("no-cache")),
];

pub(super) async fn token(State(app): State<AppState>, params: Params) -> Response {
    match grant(&app, &params) {
        Ok(issued) => {
            let body = json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "refresh_token": issued.refresh_token,
            });
            (NO_STORE, Json(body)).into_response()
        }
        Err(error) => error.into_response(),
    }
}

fn grant(app: &AppState, params: &Params) -> Result<Issued, TokenError> {
    let required = |name| params.get(name).ok_or_else(|| TokenError::missing(name));
    let grant_type = required("grant_type")?;
    if !matches!(grant_type, "authorization_code" | "refresh_token") {
        let message = format!("The grant_type {grant_type:?} is not supported.");
        let status = StatusCode::BAD_REQUEST;
        return Err(TokenError::new(status, "unsupported_grant_type", message));
    }
    let client_id = required("client_id")?;
    let client_secret = required("client_secret")?;
    let mut grants = app.oauth();
    let known = grants.app(client_id);
    if known.is_none_or(|known| known.client_secret != client_secret) {
        let message = "Unknown client_id, or a wrong client_secret.";
        return Err(TokenError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            message,
        ));
    }
    if grant_type == "authorization_code" {
        let (code, redirect_uri) = (required("code")?, required("redirect_uri")?);
        let issued = grants.redeem_code(code, client_id, redirect_uri);
        issued.map_err(TokenError::invalid_grant)
    } else {
        let refresh_token = required("refresh_token")?;
        let issued = grants.refresh(refresh_token, client_id);
        issued.map_err(TokenError::invalid_grant)
    }
}
