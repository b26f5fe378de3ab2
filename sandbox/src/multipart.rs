//! `multipart/form-data` bodies: Backlog's one upload, `POST /space/attachment`
//! (backlog-api.md §1.3), sends its file as a part named `file`. The intake decodes such a
//! body once, with axum's `Multipart` (multer), for the recording and for the route.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::header;
use axum::http::request::Parts;

/// One part of a `multipart/form-data` body, as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormPart {
    /// The `name` of its `Content-Disposition`, e.g. `file`.
    pub name: Option<String>,
    /// The `filename` of its `Content-Disposition`.
    pub file_name: Option<String>,
    /// Its own `Content-Type`, e.g. `image/png`.
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

/// The parts the intake decoded from a request's body: empty unless the body is
/// `multipart/form-data`. A part that does not decode ends the list.
#[derive(Clone, Debug, Default)]
pub(crate) struct FormParts(pub Vec<FormPart>);

/// The parts of `body` if `parts` says it is `multipart/form-data`, else none.
pub(crate) async fn decode(parts: &Parts, body: &Bytes) -> Vec<FormPart> {
    let content_type = parts.headers.get(header::CONTENT_TYPE);
    let essence = content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("");
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Vec::new();
    }
    // The head is cloned with its extensions, so the router's body limit applies, not
    // `Multipart`'s default of 2 MB.
    let request = Request::from_parts(parts.clone(), Body::from(body.clone()));
    let Ok(mut multipart) = Multipart::from_request(request, &()).await else {
        return Vec::new();
    };
    let mut decoded = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().map(str::to_owned);
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let Ok(bytes) = field.bytes().await else {
            break;
        };
        decoded.push(FormPart {
            name,
            file_name,
            content_type,
            bytes,
        });
    }
    decoded
}

/// The parts the intake decoded for this request.
impl<S: Send + Sync> FromRequestParts<S> for FormParts {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(parts.extensions.remove::<FormParts>().unwrap_or_default())
    }
}
