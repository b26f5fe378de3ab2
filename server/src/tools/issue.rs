//! Issue tools that need logic: custom fields, which Backlog takes as
//! `customField_{id}` keys whose shape depends on the field's kind
//! (backlog-api.md §1.3). The other issue tools are in tools.toml.

use backlog_mcp_macros::backlog_tool;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::backlog::{Backlog, BacklogRequest, Location, ToolError, ToolOutput, check};

/// One custom field value to write on an issue.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldInput {
    /// The custom field's ID (see the project's custom fields).
    pub id: i64,
    /// Text, number or date (yyyy-MM-dd) for single-value fields; a list item ID for a single list or radio; an array of item IDs for a multiple list or checkbox.
    #[serde(default)]
    #[schemars(with = "CustomFieldValue")]
    pub value: Option<CustomFieldValue>,
    /// Free text for the "other" choice of a checkbox or radio field.
    #[serde(default, rename = "otherValue")]
    #[schemars(with = "String")]
    pub other_value: Option<String>,
}

/// A custom field value: one value, or several list item IDs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CustomFieldValue {
    Text(String),
    Number(f64),
    Texts(Vec<String>),
    Numbers(Vec<f64>),
}

/// One custom-field condition of an issue search.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum CustomFieldFilter {
    /// Text or text-area fields containing `value`.
    Text { id: i64, value: String },
    /// Numeric fields between `min` and `max` (give at least one).
    Numeric {
        id: i64,
        #[serde(default)]
        #[schemars(with = "f64")]
        min: Option<f64>,
        #[serde(default)]
        #[schemars(with = "f64")]
        max: Option<f64>,
    },
    /// Date fields between `min` and `max` (yyyy-MM-dd; give at least one).
    Date {
        id: i64,
        #[serde(default)]
        #[schemars(with = "String", extend("format" = "date"))]
        min: Option<String>,
        #[serde(default)]
        #[schemars(with = "String", extend("format" = "date"))]
        max: Option<String>,
    },
    /// List, checkbox or radio fields having one of these item IDs.
    List { id: i64, value: ListItems },
}

/// One list item ID or several.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ListItems {
    One(i64),
    Many(Vec<i64>),
}

/// Bounds of the custom-field arguments (the generated checks bound the rest).
const MAX_FIELDS: usize = 100;
const MAX_TEXT: usize = 100_000;

fn field_key(id: i64) -> Result<String, ToolError> {
    if id <= 0 {
        return Err(ToolError::InvalidArguments(format!(
            "customFields: id {id} is not a custom field ID (a positive integer)"
        )));
    }
    Ok(format!("customField_{id}"))
}

/// Writes: `customField_{id}=v`, list values as `customField_{id}[i]=v`, and
/// `customField_{id}_otherValue=text`.
pub fn encode_custom_fields(
    request: &mut BacklogRequest,
    fields: &[CustomFieldInput],
) -> Result<(), ToolError> {
    check::items("customFields", fields.len(), MAX_FIELDS)?;
    for field in fields {
        let key = field_key(field.id)?;
        match &field.value {
            Some(CustomFieldValue::Text(text)) => {
                check::length("customFields.value", text, MAX_TEXT)?
            }
            Some(CustomFieldValue::Texts(items)) => {
                check::items("customFields.value", items.len(), MAX_FIELDS)?;
                for item in items {
                    check::length("customFields.value", item, MAX_TEXT)?;
                }
            }
            Some(CustomFieldValue::Numbers(items)) => {
                check::items("customFields.value", items.len(), MAX_FIELDS)?;
            }
            Some(CustomFieldValue::Number(_)) | None => {}
        }
        if let Some(other) = &field.other_value {
            check::length("customFields.otherValue", other, MAX_TEXT)?;
        }
        match &field.value {
            None => {}
            Some(CustomFieldValue::Text(text)) => request.param(Location::Form, &key, text),
            Some(CustomFieldValue::Number(number)) => request.param(Location::Form, &key, number),
            Some(CustomFieldValue::Texts(texts)) => {
                request.param_indexed(Location::Form, &key, texts)
            }
            Some(CustomFieldValue::Numbers(numbers)) => {
                request.param_indexed(Location::Form, &key, numbers)
            }
        }
        if let Some(other) = &field.other_value {
            request.param(Location::Form, &format!("{key}_otherValue"), other);
        }
    }
    Ok(())
}

/// Searches: text as `customField_{id}`, ranges as `_min`/`_max`, list items
/// always as `customField_{id}[i]` (Backlog ignores any other list form).
pub fn encode_custom_field_filters(
    request: &mut BacklogRequest,
    filters: &[CustomFieldFilter],
) -> Result<(), ToolError> {
    check::items("customFields", filters.len(), MAX_FIELDS)?;
    for filter in filters {
        match filter {
            CustomFieldFilter::Text { value, .. } => {
                check::length("customFields.value", value, MAX_TEXT)?
            }
            CustomFieldFilter::List {
                value: ListItems::Many(items),
                ..
            } => check::items("customFields.value", items.len(), MAX_FIELDS)?,
            _ => {}
        }
    }
    for filter in filters {
        match filter {
            CustomFieldFilter::Text { id, value } => {
                request.param(Location::Query, &field_key(*id)?, value)
            }
            CustomFieldFilter::Numeric { id, min, max } => {
                let key = field_key(*id)?;
                if min.is_none() && max.is_none() {
                    return Err(ToolError::InvalidArguments(format!(
                        "customFields: numeric filter on field {id} needs min or max"
                    )));
                }
                for (suffix, bound) in [("min", min), ("max", max)] {
                    if let Some(bound) = bound {
                        request.param(Location::Query, &format!("{key}_{suffix}"), bound);
                    }
                }
            }
            CustomFieldFilter::Date { id, min, max } => {
                let key = field_key(*id)?;
                if min.is_none() && max.is_none() {
                    return Err(ToolError::InvalidArguments(format!(
                        "customFields: date filter on field {id} needs min or max"
                    )));
                }
                for (suffix, bound) in [("min", min), ("max", max)] {
                    if let Some(bound) = bound {
                        check::format(
                            &format!("customFields[{id}].{suffix}"),
                            &check::DATE,
                            bound,
                        )?;
                        request.param(Location::Query, &format!("{key}_{suffix}"), bound);
                    }
                }
            }
            CustomFieldFilter::List { id, value } => {
                let key = field_key(*id)?;
                match value {
                    ListItems::One(item) => {
                        request.param_indexed(Location::Query, &key, std::slice::from_ref(item))
                    }
                    ListItems::Many(items) => request.param_indexed(Location::Query, &key, items),
                }
            }
        }
    }
    Ok(())
}

/// Returns issues matching the filters, 20 at a time unless count says otherwise; use offset to page.
#[backlog_tool(
    name = "get_issues",
    toolset = "issue",
    title = "Get issues",
    method = "GET",
    path = "issues",
    param_sets = ["issue_filters"],
    param(name = "sort", type = "enum", description = "Sort key",
        values = ["issueType", "category", "version", "milestone", "summary", "status", "priority", "attachment",
                  "sharedFile", "created", "createdUser", "updated", "updatedUser", "assignee", "startDate",
                  "dueDate", "estimatedHours", "actualHours", "childIssue"]),
    param(name = "order", type = "enum", values = ["asc", "desc"], description = "Sort order"),
    param(name = "offset", type = "integer", min = 0, description = "How many issues to skip"),
    param(name = "count", type = "integer", min = 1, max = 100, description = "How many issues to return (1-100, default 20)"),
    param(name = "customFields", rust_type = "Vec<CustomFieldFilter>",
        description = "Custom field conditions: {type: text, id, value}, {type: numeric, id, min, max}, {type: date, id, min, max} or {type: list, id, value: item ID or IDs}")
)]
async fn get_issues(backlog: &Backlog, args: get_issues::Args) -> Result<ToolOutput, ToolError> {
    let mut request = args.request()?;
    encode_custom_field_filters(
        &mut request,
        args.custom_fields.as_deref().unwrap_or_default(),
    )?;
    backlog.send(request).await
}

/// Counts the issues matching the filters (the same filters as get_issues).
#[backlog_tool(
    name = "count_issues",
    toolset = "issue",
    title = "Count issues",
    method = "GET",
    path = "issues/count",
    param_sets = ["issue_filters"],
    param(
        name = "customFields",
        rust_type = "Vec<CustomFieldFilter>",
        description = "Custom field conditions: {type: text, id, value}, {type: numeric, id, min, max}, {type: date, id, min, max} or {type: list, id, value: item ID or IDs}"
    )
)]
async fn count_issues(
    backlog: &Backlog,
    args: count_issues::Args,
) -> Result<ToolOutput, ToolError> {
    let mut request = args.request()?;
    encode_custom_field_filters(
        &mut request,
        args.custom_fields.as_deref().unwrap_or_default(),
    )?;
    backlog.send(request).await
}

/// Creates an issue. Look up IDs first: issue types, priorities, categories, versions and custom fields of the project.
#[backlog_tool(
    name = "add_issue",
    toolset = "issue",
    title = "Add issue",
    method = "POST",
    path = "issues",
    param(
        name = "projectId",
        type = "integer",
        required,
        min = 1,
        description = "The project's numeric ID"
    ),
    param(
        name = "summary",
        type = "string",
        required,
        description = "Issue summary (title)"
    ),
    param(
        name = "issueTypeId",
        type = "integer",
        required,
        min = 1,
        description = "Issue type ID"
    ),
    param(
        name = "priorityId",
        type = "integer",
        required,
        min = 1,
        description = "Priority ID (2 High, 3 Normal, 4 Low by default)"
    ),
    param(
        name = "description",
        type = "string",
        description = "Issue description"
    ),
    param(
        name = "startDate",
        type = "date",
        description = "Start date (yyyy-MM-dd)"
    ),
    param(name = "dueDate", type = "date", description = "Due date (yyyy-MM-dd)"),
    param(
        name = "estimatedHours",
        type = "number",
        description = "Estimated hours"
    ),
    param(name = "actualHours", type = "number", description = "Actual hours"),
    param(name = "categoryId", type = "integer[]", description = "Category IDs"),
    param(name = "versionId", type = "integer[]", description = "Version IDs"),
    param(
        name = "milestoneId",
        type = "integer[]",
        description = "Milestone IDs"
    ),
    param(
        name = "assigneeId",
        type = "integer",
        description = "Assignee user ID"
    ),
    param(
        name = "notifiedUserId",
        type = "integer[]",
        description = "User IDs to notify"
    ),
    param(
        name = "attachmentId",
        type = "integer[]",
        description = "IDs of uploaded attachments to attach"
    ),
    param(
        name = "parentIssueId",
        type = "integer",
        description = "Parent issue ID, to create a subtask"
    ),
    param(
        name = "customFields",
        rust_type = "Vec<CustomFieldInput>",
        description = "Custom field values: [{id, value, otherValue}]; list fields take item IDs"
    )
)]
async fn add_issue(backlog: &Backlog, args: add_issue::Args) -> Result<ToolOutput, ToolError> {
    let mut request = args.request()?;
    encode_custom_fields(
        &mut request,
        args.custom_fields.as_deref().unwrap_or_default(),
    )?;
    backlog.send(request).await
}

/// Changes an issue; only the given fields change. An empty categoryId, versionId or milestoneId list clears it.
#[backlog_tool(
    name = "update_issue",
    toolset = "issue",
    title = "Update issue",
    method = "PATCH",
    path = "issues/{issueIdOrKey}",
    param(
        name = "issueId",
        type = "integer",
        source_of = "issueIdOrKey",
        description = "The issue's numeric ID (give this or issueKey)"
    ),
    param(
        name = "issueKey",
        type = "string",
        source_of = "issueIdOrKey",
        format = "issue_key",
        description = "The issue key, e.g. DEMO-12 (give this or issueId)"
    ),
    param(name = "summary", type = "string", description = "New summary"),
    param(
        name = "issueTypeId",
        type = "integer",
        min = 1,
        description = "New issue type ID"
    ),
    param(
        name = "priorityId",
        type = "integer",
        min = 1,
        description = "New priority ID"
    ),
    param(name = "description", type = "string", description = "New description"),
    param(
        name = "startDate",
        type = "date",
        description = "New start date (yyyy-MM-dd)"
    ),
    param(
        name = "dueDate",
        type = "date",
        description = "New due date (yyyy-MM-dd)"
    ),
    param(
        name = "estimatedHours",
        type = "number",
        description = "Estimated hours"
    ),
    param(name = "actualHours", type = "number", description = "Actual hours"),
    param(
        name = "categoryId",
        type = "integer[]",
        clear_when_empty,
        description = "Category IDs (an empty list clears them)"
    ),
    param(
        name = "versionId",
        type = "integer[]",
        clear_when_empty,
        description = "Version IDs (an empty list clears them)"
    ),
    param(
        name = "milestoneId",
        type = "integer[]",
        clear_when_empty,
        description = "Milestone IDs (an empty list clears them)"
    ),
    param(
        name = "statusId",
        type = "integer",
        min = 1,
        description = "New status ID"
    ),
    param(
        name = "resolutionId",
        type = "integer",
        min = 0,
        description = "Resolution ID"
    ),
    param(
        name = "assigneeId",
        type = "integer",
        description = "Assignee user ID"
    ),
    param(
        name = "notifiedUserId",
        type = "integer[]",
        description = "User IDs to notify"
    ),
    param(
        name = "attachmentId",
        type = "integer[]",
        description = "IDs of uploaded attachments to attach"
    ),
    param(
        name = "parentIssueId",
        type = "integer",
        description = "Parent issue ID"
    ),
    param(
        name = "comment",
        type = "string",
        description = "A comment to add with the change"
    ),
    param(
        name = "customFields",
        rust_type = "Vec<CustomFieldInput>",
        description = "Custom field values: [{id, value, otherValue}]; list fields take item IDs"
    )
)]
async fn update_issue(
    backlog: &Backlog,
    args: update_issue::Args,
) -> Result<ToolOutput, ToolError> {
    let mut request = args.request()?;
    encode_custom_fields(
        &mut request,
        args.custom_fields.as_deref().unwrap_or_default(),
    )?;
    backlog.send(request).await
}
