use backlog_mcp_macros::backlog_tool;

/// Returns the space's activities.
#[backlog_tool(
    name = "get_activities",
    toolset = "space",
    title = "Get activities",
    method = "GET",
    path = "space/activities",
    param(name = "order", type = "enum", description = "Sort order by ID")
)]
async fn get_activities(
    context: &backlog_mcp::context::CallContext,
    args: get_activities::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
