use backlog_mcp_macros::backlog_tool;

/// Returns the space's icon.
#[backlog_tool(
    name = "get_space_icon",
    toolset = "space",
    title = "Get space icon",
    method = "GET",
    path = "space/image",
    reply = "image"
)]
async fn get_space_icon(
    context: &backlog_mcp::context::CallContext,
    args: get_space_icon::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
