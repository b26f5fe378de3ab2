use backlog_mcp_macros::backlog_tool;

/// Returns the statuses of a project.
#[backlog_tool(
    name = "get_statuses",
    toolset = "project",
    title = "Get statuses",
    method = "GET",
    path = "projects/{projectIdOrKey}/statuses",
    param(
        name = "projectIdOrKey",
        typ = "string",
        required,
        description = "Project ID or key"
    )
)]
async fn get_statuses(
    context: &backlog_mcp::context::CallContext,
    args: get_statuses::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
