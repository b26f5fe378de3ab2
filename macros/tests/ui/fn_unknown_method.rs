use backlog_mcp_macros::backlog_tool;

/// Returns the space's notification.
#[backlog_tool(
    name = "get_space_notification",
    toolset = "space",
    title = "Get space notification",
    method = "FETCH",
    path = "space/notification"
)]
async fn get_space_notification(
    context: &backlog_mcp::context::CallContext,
    args: get_space_notification::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
