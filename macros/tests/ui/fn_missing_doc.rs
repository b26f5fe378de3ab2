use backlog_mcp_macros::backlog_tool;

#[backlog_tool(
    name = "get_myself_again",
    toolset = "space",
    title = "Get myself",
    method = "GET",
    path = "users/myself"
)]
async fn get_myself_again(
    context: &backlog_mcp::context::CallContext,
    args: get_myself_again::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
