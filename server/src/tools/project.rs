//! Project tools with logic: a shared file's download.

use backlog_mcp_macros::backlog_tool;

use super::files;
use crate::backlog::{ToolError, ToolOutput};
use crate::context::CallContext;

/// Returns a shared file of a project: an image as an image, text as text, other files as a resource. List them with get_shared_files.
#[backlog_tool(
    name = "get_shared_file",
    toolset = "project",
    title = "Get shared file",
    method = "GET",
    path = "projects/{projectIdOrKey}/files/{sharedFileId}",
    param_set = "project_id_or_key",
    param(
        name = "sharedFileId",
        type = "integer",
        required,
        min = 1,
        description = "Shared file ID"
    ),
    reply = "file",
    param_set = "download"
)]
async fn get_shared_file(
    context: &CallContext,
    args: get_shared_file::Args,
) -> Result<ToolOutput, ToolError> {
    let format = args.format.map(|f| f.as_str());
    files::download(context, args.request()?, format, args.max_bytes).await
}
