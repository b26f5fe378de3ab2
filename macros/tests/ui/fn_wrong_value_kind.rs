use backlog_mcp_macros::backlog_tool;

/// Returns the watchings of a user.
#[backlog_tool(
    name = "get_watchings",
    toolset = "space",
    title = "Get watchings",
    method = "GET",
    path = "users/{userId}/watchings",
    read_only_hint = "yes",
    param(
        name = "userId",
        type = "integer",
        required = "yes",
        min = "1",
        description = "The user's numeric ID"
    )
)]
async fn get_watchings(
    context: &backlog_mcp::context::CallContext,
    args: get_watchings::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
