//! How a tool call ends: the Backlog reply passed through, or an error whose
//! text the assistant reads (it never carries the API key or the full URL).

use serde::Deserialize;

use super::CredentialKind;

/// What a successful call produced.
#[derive(Debug)]
pub enum ToolOutput {
    /// A Backlog reply's JSON bytes (or a tool's own JSON), passed on without re-parsing.
    Json { status: u16, body: Vec<u8> },
    /// A file downloaded from Backlog, read up to the call's cap.
    File(Download),
}

impl ToolOutput {
    /// The Backlog HTTP status, for the log line.
    pub fn status(&self) -> u16 {
        match self {
            ToolOutput::Json { status, .. } => *status,
            ToolOutput::File(download) => download.status,
        }
    }
}

/// A downloaded file: its bytes and what Backlog said they are.
#[derive(Debug)]
pub struct Download {
    pub status: u16,
    /// From `Content-Disposition` (`filename*` preferred), else the path's last segment.
    pub file_name: String,
    /// From `Content-Type`, as sent (`application/octet-stream` when absent).
    pub content_type: String,
    /// The API path it came from, percent-encoded (`/issues/DEMO-1/attachments/5`).
    pub source: String,
    pub bytes: Vec<u8>,
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
    #[error("{}", backlog_error_text(*.status, .errors, *.retry_after_secs, .credential))]
    Backlog {
        status: u16,
        errors: Vec<BacklogErrorItem>,
        /// For 429: when Backlog's rate limit resets (Retry-After / X-RateLimit-Reset).
        retry_after_secs: Option<u64>,
        /// What the call was made with: a 401 says what to fix about it.
        credential: CredentialKind,
    },
    /// Backlog answered with a body that is not what it should be (an HTML
    /// page from a proxy, an empty error, a 200 that is not JSON).
    #[error("Backlog answered HTTP {status} with {detail}")]
    UnexpectedReply { status: u16, detail: String },
    /// No complete reply within the request timeout.
    #[error(
        "Backlog did not answer within {secs} s (BACKLOG_TIMEOUT). Try again later, or ask for less (a smaller count, narrower filters)."
    )]
    Timeout { secs: u64 },
    /// A file is larger than the call's `maxBytes`.
    #[error("{}", file_too_large_text(*.size, *.max_bytes))]
    FileTooLarge {
        /// From Content-Length, when Backlog sent it.
        size: Option<u64>,
        max_bytes: u64,
    },
    /// The reply is larger than the configured cap.
    #[error(
        "Backlog's reply is larger than {limit_bytes} bytes (BACKLOG_MAX_RESPONSE_BYTES): ask for less, e.g. a smaller count with offset paging, or narrower filters."
    )]
    TooLarge { limit_bytes: usize },
    /// Too many calls of this credential, or to this Backlog space, are already running or waiting.
    #[error(
        "The server is busy: {running} calls to Backlog are running and {waiting} waiting {} ({}). Retry in a few seconds.",
        scope.whose(),
        scope.settings()
    )]
    Busy {
        scope: LimitScope,
        running: usize,
        waiting: usize,
    },
    /// The call would touch a project outside BACKLOG_PROJECTS; nothing was sent for it.
    #[error(
        "{what} is not among the projects this server may use (BACKLOG_PROJECTS: {allowed}); nothing was sent to Backlog for it."
    )]
    ProjectNotAllowed { what: String, allowed: String },
    /// The call has no credential: no API key is configured for its space and the request brought none.
    #[error(
        "No Backlog credential for this call: configure BACKLOG_API_KEY for this space, or sign in to the MCP server."
    )]
    NoCredential,
    /// No reply: connection refused, reset, DNS, TLS.
    #[error("Backlog could not be reached: {0}")]
    Transport(String),
}

/// Which limit a busy call ran into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitScope {
    /// The calls of one API key or signed-in user.
    Credential,
    /// All calls to one Backlog space.
    Space,
}

impl LimitScope {
    fn whose(self) -> &'static str {
        match self {
            LimitScope::Credential => "for this user",
            LimitScope::Space => "for this Backlog space",
        }
    }

    fn settings(self) -> &'static str {
        match self {
            LimitScope::Credential => "BACKLOG_MAX_CONCURRENCY / BACKLOG_MAX_QUEUE",
            LimitScope::Space => "BACKLOG_MAX_SPACE_CONCURRENCY / BACKLOG_MAX_SPACE_QUEUE",
        }
    }
}

impl ToolError {
    /// The Backlog HTTP status behind this error, for the log line.
    pub fn status(&self) -> Option<u16> {
        match self {
            ToolError::Backlog { status, .. } | ToolError::UnexpectedReply { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// A short name of the kind of failure, for the log line.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolError::InvalidArguments(_) => "invalid_arguments",
            ToolError::Backlog { .. } => "backlog",
            ToolError::UnexpectedReply { .. } => "unexpected_reply",
            ToolError::Timeout { .. } => "timeout",
            ToolError::TooLarge { .. } => "too_large",
            ToolError::FileTooLarge { .. } => "file_too_large",
            ToolError::Busy { .. } => "busy",
            ToolError::NoCredential => "no_credential",
            ToolError::ProjectNotAllowed { .. } => "project_not_allowed",
            ToolError::Transport(_) => "transport",
        }
    }
}

fn backlog_error_text(
    status: u16,
    errors: &[BacklogErrorItem],
    retry_after_secs: Option<u64>,
    credential: &CredentialKind,
) -> String {
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
    if status == 429 {
        match retry_after_secs {
            Some(secs) => text.push_str(&format!(
                "\nBacklog's rate limit is used up: retry in {secs} s."
            )),
            None => text.push_str("\nBacklog's rate limit is used up: retry in about a minute."),
        }
    }
    if status == 401 {
        match credential {
            CredentialKind::ApiKey { setting } => text.push_str(&format!(
                "\nCheck {setting}: the key is wrong, revoked, or not a member of this space."
            )),
            CredentialKind::Bearer => text.push_str(
                "\nBacklog no longer accepts this sign-in (the token expired or was revoked): sign in again.",
            ),
        }
    }
    text
}

fn file_too_large_text(size: Option<u64>, max_bytes: u64) -> String {
    match size {
        Some(size) => format!(
            "The file is {size} bytes, more than maxBytes ({max_bytes}); give a larger maxBytes \
             (up to {}) to download it, or do without its content.",
            super::MAX_DOWNLOAD_BYTES
        ),
        None => format!(
            "The file is larger than maxBytes ({max_bytes}); give a larger maxBytes (up to {}) \
             to download it, or do without its content.",
            super::MAX_DOWNLOAD_BYTES
        ),
    }
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
            retry_after_secs: None,
            credential: CredentialKind::Bearer,
        }
        .to_string();
        assert_eq!(
            text,
            "Backlog API error (HTTP 404)\n- No issue. (code 6, NoResourceError)"
        );
    }

    #[test]
    fn a_401_names_only_what_applies_to_the_credential() {
        let unauthorized = |credential| {
            ToolError::Backlog {
                status: 401,
                errors: Vec::new(),
                retry_after_secs: None,
                credential,
            }
            .to_string()
        };
        let key = unauthorized(CredentialKind::ApiKey {
            setting: "BACKLOG_ORG_ACME_API_KEY".into(),
        });
        assert!(key.contains("Check BACKLOG_ORG_ACME_API_KEY"), "{key}");
        let token = unauthorized(CredentialKind::Bearer);
        assert!(
            token.contains("sign in again") && !token.contains("API_KEY"),
            "{token}"
        );
    }
}
