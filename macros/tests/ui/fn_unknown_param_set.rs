use backlog_mcp_macros::backlog_tool;

/// Counts the issues matching the filters.
#[backlog_tool(
    name = "count_open_issues",
    toolset = "issue",
    title = "Count open issues",
    method = "GET",
    path = "issues/count",
    param_set = "issue_filter"
)]
async fn count_open_issues(
    context: &backlog_mcp::context::CallContext,
    args: count_open_issues::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
