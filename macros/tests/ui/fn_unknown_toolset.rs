use backlog_mcp_macros::backlog_tool;

/// Returns the wiki pages of a project.
#[backlog_tool(
    name = "get_wiki_pages",
    toolset = "wiki",
    title = "Get wiki pages",
    method = "GET",
    path = "wikis",
    param(
        name = "projectIdOrKey",
        type = "string",
        format = "project_key",
        required,
        description = "Project ID or key"
    )
)]
async fn get_wiki_pages(
    context: &backlog_mcp::context::CallContext,
    args: get_wiki_pages::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
