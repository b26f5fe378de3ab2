//! Notification tools with logic: marking one read (Backlog answers 204).

use backlog_mcp_macros::backlog_tool;

use super::files;
use crate::backlog::{ToolError, ToolOutput};
use crate::context::CallContext;

/// Marks one notification as read.
#[backlog_tool(
    name = "mark_notification_as_read",
    toolset = "notifications",
    title = "Mark notification as read",
    method = "POST",
    path = "notifications/{id}/markAsRead",
    idempotent_hint = true,
    param(
        name = "id",
        type = "integer",
        required,
        min = 1,
        description = "Notification ID"
    )
)]
async fn mark_notification_as_read(
    context: &CallContext,
    args: mark_notification_as_read::Args,
) -> Result<ToolOutput, ToolError> {
    let output = context.send(args.request()?).await?;
    Ok(files::done(output, "Notification marked as read"))
}
