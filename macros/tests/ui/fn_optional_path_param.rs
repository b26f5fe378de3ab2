use backlog_mcp_macros::backlog_tool;

/// Returns a user.
#[backlog_tool(
    name = "get_user",
    toolset = "space",
    title = "Get user",
    method = "GET",
    path = "users/{userId}",
    param(
        name = "userId",
        type = "integer",
        min = 1,
        description = "The user's numeric ID"
    )
)]
async fn get_user(
    context: &backlog_mcp::context::CallContext,
    args: get_user::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
