use backlog_mcp_macros::backlog_tool;

/// Returns the users of the space.
#[backlog_tool(
    name = "get_some_users",
    toolset = "space",
    title = "Get some users",
    method = "GET",
    path = "users",
    param(
        name = "count",
        type = "int",
        default = 20,
        description = "How many to return"
    )
)]
async fn get_some_users(
    context: &backlog_mcp::context::CallContext,
    args: get_some_users::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
