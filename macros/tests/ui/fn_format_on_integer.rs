use backlog_mcp_macros::backlog_tool;

/// Returns an issue's comments.
#[backlog_tool(
    name = "get_comments",
    toolset = "issue",
    title = "Get comments",
    method = "GET",
    path = "issues/{issueIdOrKey}/comments",
    param(
        name = "issueIdOrKey",
        type = "integer",
        required,
        min = 1,
        format = "issue_key",
        description = "The issue"
    )
)]
async fn get_comments(
    context: &backlog_mcp::context::CallContext,
    args: get_comments::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
