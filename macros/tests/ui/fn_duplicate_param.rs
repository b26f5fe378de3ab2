use backlog_mcp_macros::backlog_tool;

/// Creates a category.
#[backlog_tool(
    name = "add_a_category",
    toolset = "project",
    title = "Add category",
    method = "POST",
    path = "projects/{projectIdOrKey}/categories",
    param(
        name = "projectIdOrKey",
        type = "string",
        format = "project_key",
        required,
        description = "Project ID or key"
    ),
    param(
        name = "name",
        type = "string",
        required,
        description = "Category name"
    ),
    param(name = "name", type = "string", description = "Category name, again")
)]
async fn add_a_category(
    context: &backlog_mcp::context::CallContext,
    args: add_a_category::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
