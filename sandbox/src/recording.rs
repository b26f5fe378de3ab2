//! What tests see of each request: [`RecordedRequest`], as the sandbox received it, but
//! for OAuth's secrets: the credentials of an `Authorization` header, and the values of
//! [`SECRET_PARAMS`], read [`REDACTED`]. (The API key is kept, as tests assert on it.)

use axum::http::header;
use axum::http::request::Parts;

use crate::auth::Credential;
use crate::multipart::FormPart;
use crate::params::decode_pairs;

/// What a secret reads as in a [`RecordedRequest`].
pub const REDACTED: &str = "REDACTED";

/// Query or form parameters whose values are OAuth secrets: the client's secret, an
/// authorization code, a refresh or an access token.
const SECRET_PARAMS: [&str; 4] = ["client_secret", "code", "refresh_token", "access_token"];

/// One request as the sandbox received it, for tests to assert on the wire format; OAuth
/// secrets read [`REDACTED`].
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// `"GET"`, `"POST"`, …
    pub method: String,
    /// The raw path, still percent-encoded, e.g. `/api/v2/issues/DEMO-1`.
    pub path: String,
    /// The raw query string (`""` if none), `apiKey` included; [`SECRET_PARAMS`] redacted.
    pub raw_query: String,
    /// Decoded query pairs in order, without `apiKey`.
    pub query: Vec<(String, String)>,
    /// The body as received (lossily UTF-8); in a form body, [`SECRET_PARAMS`] redacted.
    pub raw_body: String,
    /// Decoded pairs of an `application/x-www-form-urlencoded` body, in order.
    pub form: Vec<(String, String)>,
    /// The parts of a `multipart/form-data` body, in order (an upload's file is one).
    pub multipart: Vec<FormPart>,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The key presented: the `Backlog-API-Key` header, else the `apiKey` query parameter.
    pub api_key: Option<String>,
    /// The `Authorization` header with its credentials redacted: `Bearer REDACTED`.
    pub authorization: Option<String>,
    /// The template of the route whose path and method matched, e.g.
    /// `/api/v2/issues/{issueIdOrKey}`; `None` when the not-found or the method-not-allowed
    /// fallback answered. Set as well when a fault or a failed authentication answered in
    /// the route's place, since the route is known before either applies.
    pub route: Option<String>,
}

impl RecordedRequest {
    pub(crate) fn new(
        parts: &Parts,
        body: &[u8],
        multipart: Vec<FormPart>,
        route: Option<&str>,
    ) -> Self {
        let raw_query = parts.uri.query().unwrap_or("").to_owned();
        let mut query = decode_pairs(&raw_query);
        query.retain(|(k, _)| k != "apiKey");
        let content_type = header_text(parts, header::CONTENT_TYPE.as_str());
        let raw_body = String::from_utf8_lossy(body).into_owned();
        let form = if content_type.as_deref().is_some_and(is_form) {
            decode_pairs(&raw_body)
        } else {
            Vec::new()
        };
        let api_key = match Credential::presented(parts) {
            Some(Credential::ApiKey(key)) => Some(key),
            _ => None,
        };
        Self {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            raw_query,
            query,
            raw_body,
            form,
            multipart,
            content_type,
            api_key,
            authorization: header_text(parts, header::AUTHORIZATION.as_str()),
            route: route.map(str::to_owned),
        }
    }

    /// This request as it is kept: with [`REDACTED`] for the credentials of its
    /// `Authorization` header and for the values of [`SECRET_PARAMS`] in its query and
    /// form body, raw and decoded.
    pub(crate) fn redacted(mut self) -> Self {
        self.authorization = self.authorization.map(|value| match value.split_once(' ') {
            Some((scheme, _)) => format!("{scheme} {REDACTED}"),
            None => REDACTED.to_owned(),
        });
        self.raw_query = redact_encoded(&self.raw_query);
        redact_pairs(&mut self.query);
        if self.content_type.as_deref().is_some_and(is_form) {
            self.raw_body = redact_encoded(&self.raw_body);
            redact_pairs(&mut self.form);
        }
        self
    }
}

fn is_secret(key: &str) -> bool {
    SECRET_PARAMS.contains(&key)
}

fn redact_pairs(pairs: &mut [(String, String)]) {
    for (key, value) in pairs {
        if is_secret(key) {
            *value = REDACTED.to_owned();
        }
    }
}

/// `a=1&code=xyz` → `a=1&code=REDACTED`, every other byte as it was.
fn redact_encoded(encoded: &str) -> String {
    let redact = |pair: &str| match pair.split_once('=') {
        Some((key, _)) if decode_pairs(key).first().is_some_and(|(k, _)| is_secret(k)) => {
            format!("{key}={REDACTED}")
        }
        _ => pair.to_owned(),
    };
    encoded.split('&').map(redact).collect::<Vec<_>>().join("&")
}

fn header_text(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn is_form(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/x-www-form-urlencoded")
}
