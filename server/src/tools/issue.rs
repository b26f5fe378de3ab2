//! Issue tools with logic: an attachment's download, the upload of a new
//! attachment, and marking a watch read (Backlog answers 204).

use backlog_mcp_macros::backlog_tool;

use super::files;
use crate::backlog::{ToolError, ToolOutput};
use crate::context::CallContext;

/// Returns an issue's attachment: an image as an image, text as text, other files as a resource. List them with get_issue_attachments.
#[backlog_tool(
    name = "get_issue_attachment",
    toolset = "issue",
    title = "Get issue attachment",
    method = "GET",
    path = "issues/{issueIdOrKey}/attachments/{attachmentId}",
    param_set = "issue_id_or_key",
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
async fn get_issue_attachment(
    context: &CallContext,
    args: get_issue_attachment::Args,
) -> Result<ToolOutput, ToolError> {
    let format = args.format.map(|f| f.as_str());
    files::download(context, args.request()?, format, args.max_bytes).await
}

/// Uploads a file and returns its attachment ID, for attachmentId of add_issue, update_issue, add_issue_comment or add_pull_request.
#[backlog_tool(
    name = "add_attachment",
    toolset = "issue",
    title = "Add attachment",
    method = "POST",
    path = "space/attachment",
    param(
        name = "fileName",
        type = "string",
        required,
        max_length = 255,
        location = "tool",
        description = "File name, e.g. report.csv"
    ),
    param(
        name = "content",
        type = "string",
        max_length = 716800,
        location = "tool",
        description = "The file as text"
    ),
    param(
        name = "contentBase64",
        type = "string",
        max_length = 955734,
        location = "tool",
        description = "The file's bytes in base64, instead of content"
    ),
    param(
        name = "contentType",
        type = "string",
        max_length = 255,
        location = "tool",
        description = "MIME type (text/plain or application/octet-stream by default)"
    )
)]
async fn add_attachment(
    context: &CallContext,
    args: add_attachment::Args,
) -> Result<ToolOutput, ToolError> {
    let mut request = args.request()?;
    request.upload = Some(files::upload(
        &args.file_name,
        args.content.as_deref(),
        args.content_base64.as_deref(),
        args.content_type.as_deref(),
    )?);
    context.send(request).await
}

/// Marks a watched issue as read.
#[backlog_tool(
    name = "mark_watching_as_read",
    toolset = "issue",
    title = "Mark watching as read",
    method = "POST",
    path = "watchings/{watchId}/markAsRead",
    idempotent_hint = true,
    param(
        name = "watchId",
        type = "integer",
        required,
        min = 1,
        description = "Watch ID"
    )
)]
async fn mark_watching_as_read(
    context: &CallContext,
    args: mark_watching_as_read::Args,
) -> Result<ToolOutput, ToolError> {
    let output = context.send(args.request()?).await?;
    Ok(files::done(output, "Watching marked as read"))
}
