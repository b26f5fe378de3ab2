use backlog_mcp_macros::backlog_tool;

/// Returns the licence of the space.
#[backlog_tool(name = "get_licence", param(name = "detail"))]
async fn get_licence(
    context: &backlog_mcp::context::CallContext,
    args: get_licence::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
