//! Backlog's `FileInfo`: a file attached to a wiki page or a document, and its download.
//! The bytes are real, embedded from `data/<space>/files/`, so a client's content sniffing
//! and decoding meet what a real space serves.

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::store::State as Store;
use crate::table::Id;
use crate::time::Timestamp;

/// Files a space's attachments are served from: `(name under data/<space>/files/, bytes)`.
pub type EmbeddedFiles = &'static [(&'static str, &'static [u8])];

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attachment {
    pub id: Id,
    /// The name a user gave it, which is what downloads are named.
    pub name: String,
    /// The embedded file holding its bytes; only the seed names one.
    file: String,
    #[serde(skip)]
    pub content: Bytes,
    pub created_user_id: Id,
    pub created: Timestamp,
}

/// Fills each attachment's bytes from the embedded file it names. Panics on a name that
/// is not embedded: the data ships with the code, so that is a bug every test would hit.
pub fn load_contents<'a>(
    files: EmbeddedFiles,
    attachments: impl Iterator<Item = &'a mut Attachment>,
) {
    for attachment in attachments {
        let (_, bytes) = files
            .iter()
            .find(|(name, _)| *name == attachment.file)
            .unwrap_or_else(|| panic!("no embedded file {:?}", attachment.file));
        attachment.content = Bytes::from_static(bytes);
    }
}

/// `FileInfo`: id, name, size, createdUser, created.
pub fn render(state: &Store, attachment: &Attachment) -> Value {
    json!({
        "id": attachment.id,
        "name": attachment.name,
        "size": attachment.content.len(),
        "createdUser": state.users.get(attachment.created_user_id),
        "created": attachment.created,
    })
}

pub fn render_all(state: &Store, attachments: &[Attachment]) -> Vec<Value> {
    attachments.iter().map(|a| render(state, a)).collect()
}

/// `{attachmentId}` among `attachments`: a numeric id of one of them.
pub fn find<'a>(attachments: &'a [Attachment], attachment_id: &str) -> ApiResult<&'a Attachment> {
    attachment_id
        .parse::<Id>()
        .ok()
        .and_then(|id| attachments.iter().find(|a| a.id == id))
        .ok_or_else(|| ApiError::not_found("No attachment."))
}

/// The file itself, with its type and both forms of its name (RFC 6266: an ASCII
/// `filename` for old clients, the exact UTF-8 name in `filename*`).
pub fn download(attachment: &Attachment) -> Response {
    let disposition = content_disposition(&attachment.name);
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(&attachment.name)),
        ),
        (header::CONTENT_DISPOSITION, disposition),
    ];
    (headers, attachment.content.clone()).into_response()
}

/// RFC 5987 `attr-char`: what `filename*` may carry unencoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

fn content_disposition(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded = utf8_percent_encode(name, ATTR_CHAR);
    let value = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
    HeaderValue::try_from(value).expect("an ASCII header value")
}

/// The type Backlog serves a file with, from its name's extension.
fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        Some("txt" | "log") => "text/plain; charset=UTF-8",
        Some("md") => "text/markdown; charset=UTF-8",
        Some("csv") => "text/csv; charset=UTF-8",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_carries_an_ascii_fallback_and_the_exact_utf8_name() {
        let value = content_disposition("議事録 \"v2\".txt");
        assert_eq!(
            value.to_str().unwrap(),
            "attachment; filename=\"___ _v2_.txt\"; \
             filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2%20%22v2%22.txt"
        );
        assert_eq!(
            content_disposition("logo.png").to_str().unwrap(),
            "attachment; filename=\"logo.png\"; filename*=UTF-8''logo.png"
        );
    }

    #[test]
    fn type_follows_the_extension() {
        assert_eq!(content_type("A.PNG"), "image/png");
        assert_eq!(content_type("notes.txt"), "text/plain; charset=UTF-8");
        assert_eq!(content_type("archive.tar.gz"), "application/octet-stream");
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
