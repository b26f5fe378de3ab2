//! Git tools with logic: a pull request attachment's download.

use backlog_mcp_macros::backlog_tool;

use super::files;
use crate::backlog::{ToolError, ToolOutput};
use crate::context::CallContext;

/// Returns a pull request's attachment: an image as an image, text as text, other files as a resource. List them with get_pull_request_attachments.
#[backlog_tool(
    name = "get_pull_request_attachment",
    toolset = "git",
    title = "Get pull request attachment",
    method = "GET",
    path = "projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/{number}/attachments/{attachmentId}",
    param_set = "project_id_or_key",
    param_set = "repository",
    param_set = "pull_request",
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
async fn get_pull_request_attachment(
    context: &CallContext,
    args: get_pull_request_attachment::Args,
) -> Result<ToolOutput, ToolError> {
    let format = args.format.map(|f| f.as_str());
    files::download(context, args.request()?, format, args.max_bytes).await
}
