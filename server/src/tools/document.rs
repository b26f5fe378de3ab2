//! Document tools with logic: an attachment's download.

use backlog_mcp_macros::backlog_tool;

use super::files;
use crate::backlog::{ToolError, ToolOutput};
use crate::context::CallContext;

/// Returns a document's attachment: an image as an image, text as text, other files as a resource.
#[backlog_tool(
    name = "get_document_attachment",
    toolset = "document",
    title = "Get document attachment",
    method = "GET",
    path = "documents/{documentId}/attachments/{attachmentId}",
    param_set = "document",
    param(
        name = "attachmentId",
        type = "integer",
        required,
        min = 1,
        description = "Attachment ID"
    ),
    reply = "file",
    param_set = "download"
)]
async fn get_document_attachment(
    context: &CallContext,
    args: get_document_attachment::Args,
) -> Result<ToolOutput, ToolError> {
    let format = args.format.map(|f| f.as_str());
    files::download(context, args.request()?, format, args.max_bytes).await
}
