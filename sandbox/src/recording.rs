//! The one middleware every request passes: it buffers the body, records the request
//! exactly as received, authenticates it, and hands the decoded parameters to the route.
//! Programmable faults (`fault.rs`) apply between recording and authentication, so a
//! faulted request is still visible to tests. Every answer that is not a fault carries
//! Backlog's `X-RateLimit-*` headers.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{ApiError, code};
use crate::fault::{self, Fault};
use crate::params::{Params, decode_pairs};

/// Bodies beyond this are refused; Backlog's own upload limit is far below it.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

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
    pub content_type: Option<String>,
    /// The key presented: the `Backlog-API-Key` header, else the `apiKey` query parameter.
    pub api_key: Option<String>,
}

impl RecordedRequest {
    fn new(parts: &Parts, body: &[u8]) -> Self {
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
        let api_key = header_text(parts, "backlog-api-key")
            .or_else(|| query_keys.into_iter().next().map(|(_, v)| v));
        Self {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            raw_query,
            query,
            raw_body,
            form,
            content_type,
            api_key,
        }
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

pub(crate) async fn intake(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        let message = "Request body too large.";
        let status = StatusCode::PAYLOAD_TOO_LARGE;
        return ApiError::new(status, code::INVALID_REQUEST, message).into_response();
    };
    let recorded = RecordedRequest::new(&parts, &body);
    let authenticated = recorded.api_key.as_deref() == Some(app.api_key.as_str());
    // Backlog's encoding (§1.3) puts GET parameters in the query and write parameters in
    // the form body; reading only those makes a client that mixes them up fail here.
    let params = if matches!(parts.method, Method::GET | Method::HEAD) {
        recorded.query.clone()
    } else {
        recorded.form.clone()
    };
    app.record(recorded);
    let fault = app.faults().take(parts.method.as_str(), parts.uri.path());
    match fault {
        None => {}
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(fault) => return fault::respond(fault).await,
    }
    let mut response = if authenticated {
        parts.extensions.insert(Params::new(params));
        next.run(Request::from_parts(parts, Body::from(body))).await
    } else {
        ApiError::unauthorized().into_response()
    };
    let rate_limit = app.rate().count();
    response.headers_mut().extend(rate_limit);
    response
}
