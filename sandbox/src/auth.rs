//! Who may call (backlog-api.md §1.2): the one place a credential is read from a request
//! and checked, and who it makes the caller. An API key acts as its owner; an OAuth
//! access token (`oauth/`) as the user who approved it.

use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::Shared;
use crate::error::{ApiError, code};
use crate::params::decode_pairs;
use crate::table::Id;

/// A credential as a request presents it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Credential {
    /// An API key, from the `Backlog-API-Key` header or the `apiKey` query parameter.
    ApiKey(String),
    /// An OAuth access token, from `Authorization: Bearer TOKEN`.
    Bearer(String),
}

impl Credential {
    /// The credential `parts` present: the `Backlog-API-Key` header, else the `apiKey`
    /// query parameter, else a bearer token. The key wins over a token, as in backlog-js,
    /// which sends only the key when it has both.
    pub(crate) fn presented(parts: &Parts) -> Option<Self> {
        let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let query = decode_pairs(parts.uri.query().unwrap_or(""));
        let query_key = query.into_iter().find(|(k, _)| k == "apiKey");
        let api_key = header("backlog-api-key")
            .map(str::to_owned)
            .or(query_key.map(|(_, v)| v));
        let bearer = || {
            let value = header(header::AUTHORIZATION.as_str())?;
            // `Bearer` alone (its blank token trimmed off in transit) is a bad token too.
            let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
            let bearer = scheme.eq_ignore_ascii_case("bearer");
            bearer.then(|| Credential::Bearer(token.trim().to_owned()))
        };
        api_key.map(Credential::ApiKey).or_else(bearer)
    }
}

/// The user an authenticated request acts as, put in its extensions by the intake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Myself(pub Id);

/// Why a request may not call the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No credential, or a wrong API key.
    Unauthenticated,
    /// A bearer token that is unknown, expired or revoked.
    InvalidToken,
}

impl Shared {
    /// Who a request presenting `credential` acts as.
    pub(crate) fn authenticate(&self, credential: Option<&Credential>) -> Result<Myself, Refusal> {
        match credential {
            Some(Credential::ApiKey(key)) if *key == self.api_key => Ok(Myself(self.api_key_owner)),
            Some(Credential::Bearer(token)) => {
                let user = self.oauth().user_of(token);
                user.map(Myself).ok_or(Refusal::InvalidToken)
            }
            Some(Credential::ApiKey(_)) | None => Err(Refusal::Unauthenticated),
        }
    }
}

impl IntoResponse for Refusal {
    /// Backlog's 401 body (code 11); for a bad token also RFC 6750's `WWW-Authenticate`,
    /// which is what tells an OAuth client to refresh or sign in again.
    fn into_response(self) -> Response {
        match self {
            Refusal::Unauthenticated => ApiError::unauthorized().into_response(),
            Refusal::InvalidToken => {
                let message = "The access token is invalid, expired or revoked.";
                let error = ApiError::new(StatusCode::UNAUTHORIZED, code::AUTHENTICATION, message);
                let challenge = HeaderValue::from_static(r#"Bearer error="invalid_token""#);
                let mut response = error.into_response();
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, challenge);
                response
            }
        }
    }
}
