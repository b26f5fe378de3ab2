//! What tests see of each request: [`RecordedRequest`], exactly as the sandbox received it.

use axum::http::header;
use axum::http::request::Parts;

use crate::auth::Credential;
use crate::multipart::FormPart;
use crate::params::decode_pairs;

/// One request as the sandbox received it, for tests to assert on the wire format.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// `"GET"`, `"POST"`, …
    pub method: String,
    /// The raw path, still percent-encoded, e.g. `/api/v2/issues/DEMO-1`.
    pub path: String,
    /// The raw query string (`""` if none), `apiKey` included.
    pub raw_query: String,
    /// Decoded query pairs in order, without `apiKey`.
    pub query: Vec<(String, String)>,
    /// The body as received (lossily UTF-8).
    pub raw_body: String,
    /// Decoded pairs of an `application/x-www-form-urlencoded` body, in order.
    pub form: Vec<(String, String)>,
    /// The parts of a `multipart/form-data` body, in order (an upload's file is one).
    pub multipart: Vec<FormPart>,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The key presented: the `Backlog-API-Key` header, else the `apiKey` query parameter.
    pub api_key: Option<String>,
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
        let (query_keys, query): (Vec<_>, Vec<_>) = decode_pairs(&raw_query)
            .into_iter()
            .partition(|(k, _)| k == "apiKey");
        let content_type = header_text(parts, header::CONTENT_TYPE.as_str());
        let raw_body = String::from_utf8_lossy(body).into_owned();
        let form = if content_type.as_deref().is_some_and(is_form) {
            decode_pairs(&raw_body)
        } else {
            Vec::new()
        };
        let query_key = query_keys.first().map(|(_, v)| v.as_str());
        let api_key =
            Credential::presented(parts, query_key).map(|Credential::ApiKey(key)| key.to_owned());
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
            route: route.map(str::to_owned),
        }
    }

    /// The credential this request presented.
    pub(crate) fn credential(&self) -> Option<Credential<'_>> {
        self.api_key.as_deref().map(Credential::ApiKey)
    }
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
