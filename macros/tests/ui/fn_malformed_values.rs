use backlog_mcp_macros::backlog_tool;

/// Returns the recently viewed issues.
#[backlog_tool(
    name = "get_recently_viewed_issues",
    toolset = "issue",
    title = Recent,
    method = "GET",
    path = "users/myself/recentlyViewedIssues",
    param = "count"
)]
async fn get_recently_viewed_issues(
    context: &backlog_mcp::context::CallContext,
    args: get_recently_viewed_issues::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
