use backlog_mcp_macros::backlog_tool;

/// Returns the priorities.
#[backlog_tool(
    name = "get_priorities",
    toolset = "issue",
    title = "Get priorities",
    description = "Returns the priorities.",
    method = "GET",
    path = "priorities"
)]
async fn get_priorities(
    context: &backlog_mcp::context::CallContext,
    args: get_priorities::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
