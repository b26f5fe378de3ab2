use backlog_mcp_macros::backlog_tool;

/// Returns one issue, by ID or key.
#[backlog_tool(
    name = "get_issue_by_id_or_key",
    toolset = "issue",
    title = "Get issue",
    method = "GET",
    path = "issues/{issueIdOrKey}",
    param(
        name = "issueId",
        type = "integer",
        description = "The issue's numeric ID"
    ),
    param(
        name = "issueKey",
        type = "string",
        format = "issue_key",
        description = "The issue key, e.g. DEMO-12"
    )
)]
async fn get_issue_by_id_or_key(
    context: &backlog_mcp::context::CallContext,
    args: get_issue_by_id_or_key::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
