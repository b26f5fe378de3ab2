//! A #[backlog_tool] fn with a parameter set and a Rust-typed parameter that
//! encodes itself: accepted, its fn compiled, and the tool registered.

// The "disabled" toolset is deliberately no feature of the test crate.
#![allow(unexpected_cfgs)]

use backlog_mcp::backlog::{BacklogRequest, Encode, Location, ToolError, ToolOutput};
use backlog_mcp::context::CallContext;
use backlog_mcp::registry::TOOLS;
use backlog_mcp_macros::backlog_tool;

/// One custom field value.
#[derive(
    Debug, backlog_mcp::__private::serde::Deserialize, backlog_mcp::__private::schemars::JsonSchema,
)]
#[serde(crate = "backlog_mcp::__private::serde")]
#[schemars(crate = "backlog_mcp::__private::schemars")]
pub struct CustomField {
    pub id: i64,
    pub value: String,
}

/// The custom field values of a call, as one parameter.
#[derive(
    Debug, backlog_mcp::__private::serde::Deserialize, backlog_mcp::__private::schemars::JsonSchema,
)]
#[serde(crate = "backlog_mcp::__private::serde")]
#[schemars(crate = "backlog_mcp::__private::schemars")]
pub struct CustomFields(pub Vec<CustomField>);

impl Encode for CustomFields {
    fn check(&self, name: &str) -> Result<(), ToolError> {
        match self.0.iter().find(|field| field.id <= 0) {
            Some(field) => Err(ToolError::InvalidArguments(format!(
                "{name}: {} is not a field ID",
                field.id
            ))),
            None => Ok(()),
        }
    }

    fn encode(
        &self,
        request: &mut BacklogRequest,
        location: Location,
        _name: &str,
    ) -> Result<(), ToolError> {
        for field in &self.0 {
            let key = format!("customField_{}", field.id);
            request.param(location, &key, field.value.as_str());
        }
        Ok(())
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
    param_set = "notify",
    param(name = "summary", type = "string", required, description = "Issue summary"),
    param(name = "priorityId", type = "enum", values = ["2", "3", "4"], default = "3", description = "Priority"),
    param(name = "customFields", rust_type = "CustomFields", description = "Custom field values"),
    param(name = "dryRun", type = "boolean", location = "tool", description = "Used by the body, never sent")
)]
async fn add_issue(context: &CallContext, args: add_issue::Args) -> Result<ToolOutput, ToolError> {
    if args.dry_run == Some(true) {
        return Ok(ToolOutput::Json { status: 200, body: b"{}".to_vec() });
    }
    context.send(args.request()?).await
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
    context: &CallContext,
    args: delete_wiki_page::Args,
) -> Result<ToolOutput, ToolError> {
    context.send(args.request()?).await
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
    // The set's parameter sits where the set was named.
    let properties: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        properties,
        ["projectId", "notifiedUserId", "summary", "priorityId", "customFields", "dryRun"]
    );
    // Default bounds are enforced but not published.
    assert!(schema["properties"]["summary"].get("maxLength").is_none());
    assert!(schema["properties"]["notifiedUserId"].get("maxItems").is_none());

    let args = add_issue::Args {
        project_id: 1,
        notified_user_id: Some(vec![2]),
        summary: "Hello".to_owned(),
        priority_id: None,
        custom_fields: Some(CustomFields(vec![CustomField {
            id: 5,
            value: "x".to_owned(),
        }])),
        dry_run: Some(true),
    };
    args.check().unwrap();
    let request = args.request().unwrap();
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
            ("notifiedUserId[]", "2"),
            ("summary", "Hello"),
            ("priorityId", "3"),
            ("customField_5", "x")
        ]
    );
    assert_eq!(add_issue::PriorityId::V0.as_str(), "2");

    // The encoder's check runs in check(), before any request is made.
    let bad = add_issue::Args {
        custom_fields: Some(CustomFields(vec![CustomField {
            id: 0,
            value: "x".to_owned(),
        }])),
        ..args
    };
    assert!(bad.check().unwrap_err().to_string().contains("customFields: 0"));
}
