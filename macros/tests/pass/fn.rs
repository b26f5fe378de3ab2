//! A #[backlog_tool] fn with a Rust-typed parameter its body encodes:
//! accepted, its fn compiled, and the tool registered.

// The "disabled" toolset is deliberately no feature of the test crate.
#![allow(unexpected_cfgs)]

use backlog_mcp::backlog::{Backlog, BacklogRequest, Location, ToolError, ToolOutput};
use backlog_mcp::registry::TOOLS;
use backlog_mcp_macros::backlog_tool;

/// One custom field value, encoded by the fn body.
#[derive(
    Debug, backlog_mcp::__private::serde::Deserialize, backlog_mcp::__private::schemars::JsonSchema,
)]
#[serde(crate = "backlog_mcp::__private::serde")]
#[schemars(crate = "backlog_mcp::__private::schemars")]
pub struct CustomField {
    pub id: i64,
    pub value: String,
}

fn encode(request: &mut BacklogRequest, fields: &[CustomField]) {
    for field in fields {
        request.param(
            Location::Form,
            &format!("customField_{}", field.id),
            field.value.as_str(),
        );
    }
}

/// Creates an issue with custom field values.
#[backlog_tool(
    name = "add_issue",
    toolset = "pass-tests",
    title = "Add issue",
    method = "POST",
    path = "issues",
    open_world_hint = false,
    param(name = "projectId", type = "integer", required, min = 1, description = "The project's numeric ID"),
    param(name = "summary", type = "string", required, description = "Issue summary"),
    param(name = "priorityId", type = "enum", values = ["2", "3", "4"], default = "3", description = "Priority"),
    param(name = "customFields", rust_type = "Vec<CustomField>", description = "Custom field values")
)]
async fn add_issue(backlog: &Backlog, args: add_issue::Args) -> Result<ToolOutput, ToolError> {
    let mut request = args.request()?;
    encode(
        &mut request,
        args.custom_fields.as_deref().unwrap_or_default(),
    );
    backlog.send(request).await
}

/// Deletes a wiki page; its toolset is no feature, so this is compiled out.
#[backlog_tool(
    name = "delete_wiki_page",
    toolset = "disabled",
    title = "Delete wiki page",
    method = "DELETE",
    path = "wikis/{wikiId}",
    param(
        name = "wikiId",
        type = "integer",
        required,
        min = 1,
        description = "The wiki page ID"
    )
)]
async fn delete_wiki_page(
    backlog: &Backlog,
    args: delete_wiki_page::Args,
) -> Result<ToolOutput, ToolError> {
    backlog.send(args.request()?).await
}

fn main() {
    // TOOLS also holds the tools of backlog-mcp itself.
    let ours: Vec<_> = TOOLS.iter().filter(|t| t.toolset == "pass-tests").collect();
    assert_eq!(ours.len(), 1);
    let tool = ours[0];
    assert_eq!(tool.name, "add_issue");
    assert_eq!(
        tool.description,
        "Creates an issue with custom field values."
    );
    assert!(!tool.annotations.read_only && !tool.annotations.open_world);
    let schema = (tool.input_schema)();
    assert_eq!(
        schema["required"],
        backlog_mcp::__private::serde_json::json!(["projectId", "summary"])
    );
    assert!(schema["properties"]["customFields"].is_object());

    let args = add_issue::Args {
        project_id: 1,
        summary: "Hello".to_owned(),
        priority_id: None,
        custom_fields: Some(vec![CustomField {
            id: 5,
            value: "x".to_owned(),
        }]),
    };
    args.check().unwrap();
    let mut request = args.request().unwrap();
    encode(
        &mut request,
        args.custom_fields.as_deref().unwrap_or_default(),
    );
    assert_eq!(request.path, ["issues"]);
    let form: Vec<(&str, &str)> = request
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        form,
        [
            ("projectId", "1"),
            ("summary", "Hello"),
            ("priorityId", "3"),
            ("customField_5", "x")
        ]
    );
    assert_eq!(add_issue::PriorityId::V0.as_str(), "2");
}
