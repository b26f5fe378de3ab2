use backlog_mcp_macros::backlog_tool;

/// Deletes an issue.
#[backlog_tool(
    name = "delete_an_issue",
    toolset = "issues",
    title = "Delete issue",
    method = "DELETE",
    path = "issues/{issueIdOrKey}",
    param(
        name = "issueIdOrKey",
        type = "string",
        format = "issue_key",
        description = "The issue ID or key"
    ),
    param(name = "notify", type = "bool", description = "Notify the watchers"),
    param(name = "reason", type = "string", min = 1, description = "Why")
)]
async fn delete_an_issue(
    context: &backlog_mcp::context::CallContext,
    args: delete_an_issue::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
