use backlog_mcp_macros::backlog_tool;

/// Updates an issue's custom fields.
#[backlog_tool(
    name = "update_custom_fields",
    toolset = "issue",
    title = "Update custom fields",
    method = "PATCH",
    path = "issues/{issueIdOrKey}",
    param(
        name = "issueIdOrKey",
        type = "string",
        required,
        format = "issue_key",
        description = "The issue ID or key"
    ),
    param(
        name = "customFields",
        rust_type = "Vec<i64>",
        format = "issue_key",
        description = "The fields"
    )
)]
async fn update_custom_fields(
    context: &backlog_mcp::context::CallContext,
    args: update_custom_fields::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    context.send(args.request()?).await
}

fn main() {}
