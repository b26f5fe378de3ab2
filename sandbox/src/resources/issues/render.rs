//! Backlog's issue object (backlog-api.md §3): hand-built, since it nests the issue's
//! type, status, users, categories, versions and a value for every custom field of its
//! project.

use serde_json::{Value, json};

use super::Issue;
use crate::resources::attachments::{self, Parent};
use crate::resources::custom_fields::{CustomField, FieldValue, StoredValue};
use crate::resources::shared_files;
use crate::store::State;
use crate::table::Id;

pub fn render(state: &State, issue: &Issue) -> Value {
    let versions = |ids: &[Id]| -> Vec<_> {
        ids.iter()
            .filter_map(|id| state.versions.get(*id))
            .collect()
    };
    let categories: Vec<_> = issue
        .category_ids
        .iter()
        .filter_map(|id| state.categories.get(*id))
        .collect();
    let custom_fields: Vec<Value> = state
        .custom_fields
        .of_project(issue.project_id)
        .map(|field| custom_field_value(field, issue.custom.get(&field.id)))
        .collect();
    let user = |id: Option<Id>| id.and_then(|id| state.users.get(id));
    json!({
        "id": issue.id,
        "projectId": issue.project_id,
        "issueKey": super::key(state, issue),
        "keyId": issue.key_id,
        "issueType": state.issue_types.get(issue.issue_type_id),
        "summary": issue.summary,
        "description": issue.description,
        "resolution": issue.resolution_id.and_then(|id| state.resolutions.get(id)),
        "priority": state.priorities.get(issue.priority_id),
        "status": state.statuses.get((issue.project_id, issue.status_id)),
        "assignee": user(issue.assignee_id),
        "category": categories,
        "versions": versions(&issue.version_ids),
        "milestone": versions(&issue.milestone_ids),
        "startDate": issue.start_date,
        "dueDate": issue.due_date,
        "estimatedHours": issue.estimated_hours,
        "actualHours": issue.actual_hours,
        "parentIssueId": issue.parent_issue_id,
        "createdUser": user(Some(issue.created_user_id)),
        "created": issue.created,
        "updatedUser": user(Some(issue.updated_user_id)),
        "updated": issue.updated,
        "customFields": custom_fields,
        "attachments": attachments::rendered(state, Parent::Issue(issue.id)),
        "sharedFiles": shared_files::of_issue(state, issue.id),
        "externalFileLinks": [],
        "stars": [],
    })
}

/// A custom field value inside an issue: every field of the project appears, unset ones
/// with `null` (or `[]` for the multi-item kinds).
fn custom_field_value(field: &CustomField, stored: Option<&StoredValue>) -> Value {
    let items = |ids: &[Id]| -> Vec<Value> {
        ids.iter()
            .filter_map(|id| field.item(*id))
            .map(|item| json!(item))
            .collect()
    };
    let value = match stored.and_then(|s| s.value.as_ref()) {
        Some(FieldValue::Text(text)) => Value::from(text.clone()),
        Some(FieldValue::Numeric(number)) => json!(number),
        // A date value answers as the date alone, unlike date-only issue fields.
        Some(FieldValue::Date(d)) => Value::from(d.to_string()),
        Some(FieldValue::Items(ids)) if field.kind.is_multi() => Value::from(items(ids)),
        Some(FieldValue::Items(ids)) => items(ids).into_iter().next().unwrap_or(Value::Null),
        None if field.kind.is_multi() => json!([]),
        None => Value::Null,
    };
    let mut rendered = json!({
        "id": field.id,
        "fieldTypeId": field.kind.type_id(),
        "name": field.name,
        "value": value,
    });
    if field.kind.has_other_value() {
        rendered["otherValue"] = json!(stored.and_then(|s| s.other_value.clone()));
    }
    rendered
}
