//! The one answer of every download (an attachment of an issue, a pull request, a wiki page
//! or a document; a shared file): the bytes, typed by the file's name, and the name in
//! `Content-Disposition`. Uploads come in through `multipart.rs`.

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The file `name` holding `bytes`, with its type and both forms of its name (RFC 6266: an
/// ASCII `filename` for old clients, the exact UTF-8 name in `filename*`).
pub fn download(name: &str, bytes: Bytes) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(name)),
        ),
        (header::CONTENT_DISPOSITION, content_disposition(name)),
    ];
    (headers, bytes).into_response()
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

/// `attachment; filename="…"; filename*=UTF-8''…`, the plain name with `_` for each
/// character that is not printable ASCII or would end the quoted string.
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

/// The type Backlog serves a file with, from its name's extension, whatever type an
/// upload declared.
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
