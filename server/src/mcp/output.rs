//! The one place a tool's outcome becomes an MCP result. With no shaping
//! option on, Backlog's bytes become the text content as they are, without
//! a parse; field selection and token limits are steps of this pipeline.

use rmcp::model::{CallToolResult, ContentBlock};

use crate::backlog::{ToolError, ToolOutput};
use crate::context::CallOptions;

/// What a write whose Backlog reply is empty (204) returns.
const EMPTY_REPLY: &str = r#"{"success":true}"#;

/// The result of a call that succeeded.
pub fn success(output: ToolOutput, _options: &CallOptions) -> CallToolResult {
    let text = if output.body.is_empty() {
        EMPTY_REPLY.to_owned()
    } else {
        // Backlog answers UTF-8 JSON; the bytes move into the text without a copy.
        String::from_utf8(output.body)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    };
    CallToolResult::success(vec![ContentBlock::text(text)])
}

/// The result of a call that failed: its text is what the assistant reads.
pub fn failure(error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error.to_string())])
}
