use backlog_mcp_macros::backlog_tool;

/// Returns a file of a repository.
#[backlog_tool(
    name = "get_repository_file",
    toolset = "project",
    title = "Get repository file",
    method = "GET",
    path = "projects/{projectKey}/files/{fileId}",
    param(name = "projectKey", type = "string", required, description = "The project key"),
    param(name = "fileId", type = "integer", required, description = "The file ID"),
    param(name = "count", type = "integer", max_items = 5, description = "How many"),
    param(name = "names", type = "string[]", max_length = 0, description = "Names")
)]
async fn get_repository_file(
    context: &backlog_mcp::context::CallContext,
    args: get_repository_file::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
