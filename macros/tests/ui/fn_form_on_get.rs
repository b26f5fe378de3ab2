use backlog_mcp_macros::backlog_tool;

/// Returns the issue types of a project.
#[backlog_tool(
    name = "get_issue_types",
    toolset = "project",
    title = "Get issue types",
    method = "GET",
    path = "projects/{projectIdOrKey}/issueTypes",
    param(
        name = "projectIdOrKey",
        type = "string",
        format = "project_key",
        required,
        description = "Project ID or key"
    ),
    param(
        name = "archived",
        type = "boolean",
        location = "form",
        description = "Archived ones too"
    )
)]
async fn get_issue_types(
    context: &backlog_mcp::context::CallContext,
    args: get_issue_types::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
