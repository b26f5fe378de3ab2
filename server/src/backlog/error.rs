//! How a tool call ends: the Backlog reply passed through, or an error whose
//! text the assistant reads (it never carries the API key or the full URL).

use bytes::Bytes;
use serde::Deserialize;

/// A successful Backlog reply, passed through without re-parsing.
#[derive(Debug)]
pub struct ToolOutput {
    pub status: u16,
    pub body: Bytes,
}

/// Backlog's error body: `{"errors":[{"message","code","moreInfo"}]}`.
#[derive(Debug, Deserialize)]
pub struct BacklogErrorBody {
    pub errors: Vec<BacklogErrorItem>,
}

#[derive(Debug, Deserialize)]
pub struct BacklogErrorItem {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default, rename = "moreInfo")]
    pub more_info: Option<String>,
}

/// Why a tool call failed; its `Display` is the text of the isError result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments were refused before any Backlog call.
    #[error("Invalid arguments: {0}")]
    InvalidArguments(String),
    /// Backlog answered with its error body.
    #[error("{}", backlog_error_text(*.status, .errors))]
    Backlog {
        status: u16,
        errors: Vec<BacklogErrorItem>,
    },
    /// Backlog answered with an error status and a body that is not its error
    /// JSON (an HTML page from a proxy, an empty body).
    #[error("Backlog answered HTTP {status} with {detail}")]
    UnexpectedReply { status: u16, detail: String },
    /// No reply: connection refused, DNS, TLS, timeout.
    #[error("Backlog could not be reached: {0}")]
    Transport(String),
}

impl ToolError {
    /// The Backlog HTTP status behind this error, for the log line.
    pub fn status(&self) -> Option<u16> {
        match self {
            ToolError::Backlog { status, .. } | ToolError::UnexpectedReply { status, .. } => {
                Some(*status)
            }
            ToolError::InvalidArguments(_) | ToolError::Transport(_) => None,
        }
    }
}

fn backlog_error_text(status: u16, errors: &[BacklogErrorItem]) -> String {
    let mut text = format!("Backlog API error (HTTP {status})");
    for error in errors {
        text.push_str("\n- ");
        text.push_str(if error.message.is_empty() {
            "(no message)"
        } else {
            &error.message
        });
        if let Some(code) = error.code {
            text.push_str(&format!(
                " (code {code}{})",
                code_name(code)
                    .map(|n| format!(", {n}"))
                    .unwrap_or_default()
            ));
        }
        if let Some(more) = error.more_info.as_deref().filter(|m| !m.is_empty()) {
            text.push_str(&format!(" — {more}"));
        }
    }
    if status == 401 {
        text.push_str(
            "\nCheck BACKLOG_API_KEY: the key is wrong, revoked, or not a member of this space.",
        );
    }
    text
}

/// Backlog's error code names (backlog-api.md §1.6).
fn code_name(code: i64) -> Option<&'static str> {
    Some(match code {
        1 => "InternalError",
        2 => "LicenceError",
        3 => "LicenceExpiredError",
        4 => "AccessDeniedError",
        5 => "UnauthorizedOperationError",
        6 => "NoResourceError",
        7 => "InvalidRequestError",
        8 => "SpaceOverCapacityError",
        9 => "ResourceOverflowError",
        10 => "TooLargeFileError",
        11 => "AuthenticationError",
        12 => "RequiredMFAError",
        13 => "TooManyRequestsError",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backlog_error_text_carries_message_code_and_status() {
        let body: BacklogErrorBody =
            serde_json::from_str(r#"{"errors":[{"message":"No issue.","code":6,"moreInfo":""}]}"#)
                .unwrap();
        let text = ToolError::Backlog {
            status: 404,
            errors: body.errors,
        }
        .to_string();
        assert_eq!(
            text,
            "Backlog API error (HTTP 404)\n- No issue. (code 6, NoResourceError)"
        );
    }
}
