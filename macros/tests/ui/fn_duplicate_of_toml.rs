use backlog_mcp_macros::backlog_tool;

/// Returns the space.
#[backlog_tool(
    name = "get_space",
    toolset = "space",
    title = "Get space",
    method = "GET",
    path = "space"
)]
async fn get_space(
    context: &backlog_mcp::context::CallContext,
    args: get_space::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
