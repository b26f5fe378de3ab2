use backlog_mcp_macros::backlog_tool;

/// Returns a user by ID.
#[backlog_tool(
    name = "type",
    toolset = "space",
    title = "Get user",
    method = "GET",
    path = "users/{userId}",
    param(name = "userId", type = "integer", required, min = 1, description = "The user's ID"),
    param(name = "user_id", type = "integer", description = "Same field again"),
    param(name = "args", type = "enum", values = ["a"], description = "Clashes with Args"),
    param(name = "organization", type = "string", description = "A runtime parameter")
)]
async fn get_user(
    context: &backlog_mcp::context::CallContext,
    args: get_user::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
