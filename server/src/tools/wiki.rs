//! Wiki tools with logic: an attachment's download.

use backlog_mcp_macros::backlog_tool;

use super::{NumericId, files};
use crate::backlog::{ToolError, ToolOutput};
use crate::context::CallContext;

/// Returns a wiki page's attachment: an image as an image, text as text, other files as a resource. List them with get_wiki_attachments.
#[backlog_tool(
    name = "get_wiki_attachment",
    toolset = "wiki",
    title = "Get wiki attachment",
    method = "GET",
    path = "wikis/{wikiId}/attachments/{attachmentId}",
    param(
        name = "wikiId",
        rust_type = "NumericId",
        required,
        description = "Wiki page ID"
    ),
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
async fn get_wiki_attachment(
    context: &CallContext,
    args: get_wiki_attachment::Args,
) -> Result<ToolOutput, ToolError> {
    let format = args.format.map(|f| f.as_str());
    files::download(context, args.request()?, format, args.max_bytes).await
}
