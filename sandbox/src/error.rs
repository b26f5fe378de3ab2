//! Backlog's error body, `{"errors":[{"message","code","moreInfo"}]}` (backlog-api.md §1.6).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Backlog error codes used by the sandbox.
pub mod code {
    pub const UNAUTHORIZED_OPERATION: u32 = 5;
    pub const NO_RESOURCE: u32 = 6;
    pub const INVALID_REQUEST: u32 = 7;
    pub const TOO_LARGE_FILE: u32 = 10;
    pub const AUTHENTICATION: u32 = 11;
}

/// An error answer: HTTP status plus Backlog's error code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            code::AUTHENTICATION,
            "Authentication failure.",
        )
    }

    /// 404 + code 6, e.g. `not_found("No issue.")`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code::NO_RESOURCE, message)
    }

    pub fn no_issue() -> Self {
        Self::not_found("No issue.")
    }

    pub fn no_project() -> Self {
        Self::not_found("No project.")
    }

    pub fn no_user() -> Self {
        Self::not_found("No user.")
    }

    /// 400 + code 7 with a free-form message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code::INVALID_REQUEST, message)
    }

    /// A required parameter is absent or blank.
    pub fn missing(param: &str) -> Self {
        Self::bad_request(format!("Please specify a value for '{param}'."))
    }

    /// 403 + code 5: the key's owner may not do this, e.g. edit another user's comment.
    pub fn unauthorized_operation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code::UNAUTHORIZED_OPERATION, message)
    }

    /// A parameter is present but unusable (format, range, or unknown id).
    pub fn invalid(param: &str) -> Self {
        Self::bad_request(format!("Invalid value for '{param}'."))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "errors": [{ "message": self.message, "code": self.code, "moreInfo": "" }]
        });
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
