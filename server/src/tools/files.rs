//! What the file tools share: one way to download (attachments of issues,
//! wikis, pull requests and documents, shared files) and the upload of a new
//! attachment. A download is read up to `maxBytes`, never buffered whole,
//! and becomes MCP content by what its bytes are (see `mcp/output.rs`), or,
//! with `format = base64`, one JSON text as the official server returns.

use base64::Engine as _;

use crate::backlog::{
    BacklogRequest, DEFAULT_DOWNLOAD_BYTES, MAX_DOWNLOAD_BYTES, ToolError, ToolOutput, Upload,
};
use crate::context::CallContext;

/// Downloads the file `request` names. `format` is the tool's `format`
/// argument (`auto` or `base64`), `max_bytes` its `maxBytes`.
pub async fn download(
    context: &CallContext,
    request: BacklogRequest,
    format: Option<&str>,
    max_bytes: Option<i64>,
) -> Result<ToolOutput, ToolError> {
    let max_bytes = max_bytes.map_or(DEFAULT_DOWNLOAD_BYTES, |m| m.max(1) as u64);
    let output = context
        .space
        .download(
            &context.credential,
            request,
            max_bytes.min(MAX_DOWNLOAD_BYTES),
        )
        .await?;
    let ToolOutput::File(file) = output else {
        return Ok(output);
    };
    if format != Some("base64") {
        return Ok(ToolOutput::File(file));
    }
    let body = serde_json::json!({
        "filename": file.file_name,
        "contentType": file.content_type,
        "size": file.bytes.len(),
        "content": base64::engine::general_purpose::STANDARD.encode(&file.bytes),
    });
    Ok(ToolOutput::Json {
        status: file.status,
        body: body.to_string().into_bytes(),
    })
}

/// The most add_attachment takes: its content must fit, base64-encoded, in one
/// MCP request (at most 1 MiB).
pub const MAX_UPLOAD_BYTES: usize = 700 * 1024;

/// The file of an add_attachment call: its text, or its bytes in base64.
pub fn upload(
    file_name: &str,
    text: Option<&str>,
    base64: Option<&str>,
    content_type: Option<&str>,
) -> Result<Upload, ToolError> {
    let invalid = |message: String| ToolError::InvalidArguments(message);
    let name = file_name.trim();
    if name.is_empty() || name.contains(['/', '\\']) || name.contains(char::is_control) {
        return Err(invalid(format!(
            "fileName: {file_name:?} is not a file name (no folders, no control characters)"
        )));
    }
    let (bytes, default_type) = match (text, base64) {
        (Some(text), None) => (text.as_bytes().to_vec(), "text/plain; charset=utf-8"),
        (None, Some(encoded)) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map_err(|e| invalid(format!("contentBase64: not valid base64 ({e})")))?;
            (bytes, "application/octet-stream")
        }
        _ => {
            return Err(invalid(
                "give the file as content (text) or contentBase64 (any bytes), one of them"
                    .to_owned(),
            ));
        }
    };
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(invalid(format!(
            "the file is {} bytes; add_attachment takes at most {MAX_UPLOAD_BYTES} bytes",
            bytes.len()
        )));
    }
    let content_type = content_type.unwrap_or(default_type);
    if content_type.parse::<mime::Mime>().is_err() {
        return Err(invalid(format!(
            "contentType: {content_type:?} is not a MIME type such as text/csv"
        )));
    }
    Ok(Upload {
        field: "file".to_owned(),
        file_name: name.to_owned(),
        content_type: content_type.to_owned(),
        bytes: bytes.into(),
    })
}

/// What a write whose Backlog reply is empty (204) returns: `{success, message}`
/// as the official server does.
pub fn done(output: ToolOutput, message: &str) -> ToolOutput {
    match output {
        ToolOutput::Json { status, body } if body.is_empty() => ToolOutput::Json {
            status,
            body: serde_json::json!({ "success": true, "message": message })
                .to_string()
                .into_bytes(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_is_text_or_base64_and_capped() {
        let text = upload("notes.txt", Some("日本語"), None, None).unwrap();
        assert_eq!(text.bytes.as_ref(), "日本語".as_bytes());
        assert_eq!(text.content_type, "text/plain; charset=utf-8");
        let png = upload("a.png", None, Some("iVBORw0KGgo="), Some("image/png")).unwrap();
        assert_eq!(png.bytes.as_ref(), b"\x89PNG\r\n\x1a\n");
        for (name, text, base64) in [
            ("a.txt", None, None),
            ("a.txt", Some("x"), Some("eA==")),
            ("../a.txt", Some("x"), None),
            ("", Some("x"), None),
            ("a.bin", None, Some("not base64!")),
        ] {
            assert!(
                upload(name, text, base64, None).is_err(),
                "{name} {text:?} {base64:?}"
            );
        }
        let big = "x".repeat(MAX_UPLOAD_BYTES + 1);
        let error = upload("big.txt", Some(&big), None, None)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&(MAX_UPLOAD_BYTES + 1).to_string()),
            "{error}"
        );
        assert!(upload("a.txt", Some("x"), None, Some("not a type")).is_err());
    }

    #[test]
    fn an_empty_reply_becomes_success_with_a_message() {
        let done = done(
            ToolOutput::Json {
                status: 204,
                body: Vec::new(),
            },
            "Marked as read",
        );
        let ToolOutput::Json { body, .. } = done else {
            panic!()
        };
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"success":true,"message":"Marked as read"}"#
        );
    }
}
