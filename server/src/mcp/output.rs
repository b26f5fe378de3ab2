//! The one place a tool's outcome becomes an MCP result. Backlog's JSON
//! bytes become the text content as they are, without a parse, unless a
//! shaping step needs one: `fields` keeps the selected fields, then
//! MAX_TOKENS cuts a reply too long for an assistant's context (counting
//! only when its bytes could exceed the limit). A downloaded file becomes
//! content by what its bytes are: a verified raster image an image, UTF-8
//! text text, anything else an embedded resource; it is never shaped.

use base64::Engine as _;
use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};

use crate::backlog::{Download, ToolError, ToolOutput};
use crate::shape::fields::Selection;
use crate::shape::tokens::{self, Limited};

/// What a write whose Backlog reply is empty (204) returns.
const EMPTY_REPLY: &str = r#"{"success":true}"#;

/// The shaping steps of one call's reply.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shape<'a> {
    /// The call's `fields`.
    pub fields: Option<&'a Selection>,
    /// MAX_TOKENS, for a tool whose reply may be cut.
    pub max_tokens: Option<usize>,
    /// How to ask this tool for less, ending the note of a cut reply.
    pub hint: &'a str,
}

/// The result of a call that succeeded: Backlog's reply, shaped. A cut
/// reply is two texts: the part that fits (still valid JSON), then the note
/// saying what was left out and how to get it.
pub fn success(output: ToolOutput, shape: &Shape) -> CallToolResult {
    let body = match output {
        ToolOutput::Json { body, .. } => body,
        ToolOutput::File(download) => return CallToolResult::success(file_content(download)),
    };
    let mut text = json_text(body);
    if let Some(selection) = shape.fields {
        // Backlog replies are JSON; a reply that is not is passed on as it is.
        if let Ok(value) = serde_json::from_str(&text) {
            match selection.apply(&value) {
                Ok(selected) => text = selected.to_string(),
                Err(error) => {
                    return CallToolResult::error(vec![ContentBlock::text(error.to_string())]);
                }
            }
        }
    }
    let Some(max_tokens) = shape.max_tokens else {
        return CallToolResult::success(vec![ContentBlock::text(text)]);
    };
    match tokens::limit(&text, max_tokens, shape.hint) {
        Limited::Unchanged => CallToolResult::success(vec![ContentBlock::text(text)]),
        Limited::Cut { text, note } => {
            CallToolResult::success(vec![ContentBlock::text(text), ContentBlock::text(note)])
        }
    }
}

/// The result of a call that failed: its text is what the assistant reads.
pub fn failure(error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error.to_string())])
}

fn json_text(body: Vec<u8>) -> String {
    if body.is_empty() {
        return EMPTY_REPLY.to_owned();
    }
    // Backlog answers UTF-8 JSON; the bytes move into the text without a copy.
    String::from_utf8(body)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// What a download is, for the content it becomes.
#[derive(Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A raster image the bytes prove to be (the MIME type sniffed from them).
    Image(&'static str),
    /// Text in UTF-8, of a textual content type.
    Text,
    /// Anything else.
    Binary,
}

/// Images are what the bytes say, not what Content-Type claims.
pub fn file_kind(download: &Download) -> FileKind {
    const RASTER: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];
    if let Some(sniffed) = infer::get(&download.bytes)
        && let Some(raster) = RASTER.iter().find(|m| **m == sniffed.mime_type())
    {
        return FileKind::Image(raster);
    }
    let textual = download
        .content_type
        .parse::<mime::Mime>()
        .is_ok_and(|m| is_textual(&m));
    if textual && std::str::from_utf8(&download.bytes).is_ok() {
        FileKind::Text
    } else {
        FileKind::Binary
    }
}

fn is_textual(m: &mime::Mime) -> bool {
    let suffix = m.suffix().map(|s| s.as_str());
    m.type_() == mime::TEXT
        || matches!(suffix, Some("json" | "xml"))
        || (m.type_() == mime::APPLICATION
            && matches!(
                m.subtype().as_str(),
                "json" | "xml" | "javascript" | "x-yaml" | "yaml" | "csv" | "x-sh"
            ))
}

/// A file as MCP content: one text line describing it, then the file.
fn file_content(download: Download) -> Vec<ContentBlock> {
    let kind = file_kind(&download);
    let content_type = match kind {
        FileKind::Image(sniffed) => sniffed.to_owned(),
        _ => download.content_type.clone(),
    };
    let about = serde_json::json!({
        "fileName": download.file_name,
        "contentType": content_type,
        "size": download.bytes.len(),
    });
    let base64 = || base64::engine::general_purpose::STANDARD.encode(&download.bytes);
    let file = match kind {
        FileKind::Image(sniffed) => ContentBlock::image(base64(), sniffed),
        FileKind::Text => {
            ContentBlock::text(String::from_utf8(download.bytes).expect("checked to be UTF-8"))
        }
        FileKind::Binary => ContentBlock::resource(ResourceContents::BlobResourceContents {
            uri: format!("backlog:{}", download.source),
            mime_type: Some(download.content_type),
            blob: base64(),
            meta: None,
        }),
    };
    vec![ContentBlock::text(about.to_string()), file]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn download(content_type: &str, bytes: &[u8]) -> Download {
        Download {
            status: 200,
            file_name: "f".into(),
            content_type: content_type.into(),
            source: "/issues/DEMO-1/attachments/1".into(),
            bytes: bytes.to_vec(),
        }
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

    #[test]
    fn images_are_what_their_bytes_say() {
        assert_eq!(
            file_kind(&download("image/png", PNG)),
            FileKind::Image("image/png")
        );
        // A PNG sent as octet-stream is still an image; a "PNG" that is not one is not.
        assert_eq!(
            file_kind(&download("application/octet-stream", PNG)),
            FileKind::Image("image/png")
        );
        assert_eq!(
            file_kind(&download("image/png", b"not a png")),
            FileKind::Binary
        );
    }

    #[test]
    fn text_needs_a_textual_type_and_utf8() {
        assert_eq!(
            file_kind(&download("text/plain; charset=utf-8", "日本語".as_bytes())),
            FileKind::Text
        );
        assert_eq!(
            file_kind(&download("application/json", b"{}")),
            FileKind::Text
        );
        assert_eq!(
            file_kind(&download("image/svg+xml", b"<svg/>")),
            FileKind::Text
        );
        assert_eq!(
            file_kind(&download("text/plain", &[0xff, 0xfe, 0x00])),
            FileKind::Binary
        );
        assert_eq!(
            file_kind(&download("application/pdf", b"%PDF-1.4")),
            FileKind::Binary
        );
    }

    #[test]
    fn binary_files_are_embedded_resources_with_their_type() {
        let blocks = file_content(download("application/pdf", b"%PDF-1.4"));
        let json = serde_json::to_value(&blocks).unwrap();
        assert_eq!(
            json[0]["text"],
            r#"{"fileName":"f","contentType":"application/pdf","size":8}"#
        );
        assert_eq!(json[1]["resource"]["mimeType"], "application/pdf");
        assert_eq!(json[1]["resource"]["blob"], "JVBERi0xLjQ=");
        assert_eq!(
            json[1]["resource"]["uri"],
            "backlog:/issues/DEMO-1/attachments/1"
        );
    }
}
