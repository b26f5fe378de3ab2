//! Backlog's JSON response shapes (backlog-api.md §3), built from the store's structs.

use serde_json::{Value, json};

use crate::store::{
    Activity, Category, ChangeLog, Comment, CustomField, FieldKind, FieldValue, Issue, IssueType,
    ListItem, Named, Project, State, Status, StoredValue, User, Version,
};
use crate::time::Date;

fn date(date: Option<Date>) -> Value {
    date.map_or(Value::Null, |d| Value::from(d.to_iso()))
}

pub fn space(state: &State) -> Value {
    let s = &state.space;
    json!({
        "spaceKey": s.space_key,
        "name": s.name,
        "ownerId": s.owner_id,
        "lang": s.lang,
        "timezone": s.timezone,
        "reportSendTime": s.report_send_time,
        "textFormattingRule": s.text_formatting_rule,
        "created": s.created.to_string(),
        "updated": s.updated.to_string(),
    })
}

pub fn user(user: &User) -> Value {
    json!({
        "id": user.id,
        "userId": user.user_id,
        "name": user.name,
        "roleType": user.role_type,
        "lang": user.lang,
        "mailAddress": user.mail_address,
        "nulabAccount": null,
        "keyword": format!("{} {}", user.name, user.user_id),
        "lastLoginTime": user.last_login_time.to_string(),
    })
}

/// A user referenced by id; `null` if the user no longer exists.
fn user_ref(state: &State, id: Option<u64>) -> Value {
    id.and_then(|id| state.user(id)).map_or(Value::Null, user)
}

pub fn project(project: &Project) -> Value {
    json!({
        "id": project.id,
        "projectKey": project.key,
        "name": project.name,
        "chartEnabled": project.chart_enabled,
        "useResolvedForChart": project.use_resolved_for_chart,
        "subtaskingEnabled": project.subtasking_enabled,
        "projectLeaderCanEditProjectLeader": project.project_leader_can_edit_project_leader,
        "useWiki": project.use_wiki,
        "useFileSharing": project.use_file_sharing,
        "useWikiTreeView": project.use_wiki_tree_view,
        "useOriginalImageSizeAtWiki": project.use_original_image_size_at_wiki,
        "useSubversion": project.use_subversion,
        "useGit": project.use_git,
        "useDevAttributes": project.use_dev_attributes,
        "grandchildIssueEnabled": project.grandchild_issue_enabled,
        "textFormattingRule": project.text_formatting_rule,
        "archived": project.archived,
        "displayOrder": project.display_order,
    })
}

pub fn status(status: &Status) -> Value {
    json!({
        "id": status.id,
        "projectId": status.project_id,
        "name": status.name,
        "color": status.color,
        "displayOrder": status.display_order,
    })
}

pub fn issue_type(issue_type: &IssueType) -> Value {
    json!({
        "id": issue_type.id,
        "projectId": issue_type.project_id,
        "name": issue_type.name,
        "color": issue_type.color,
        "displayOrder": issue_type.display_order,
        "templateSummary": null,
        "templateDescription": null,
    })
}

pub fn named(named: &Named) -> Value {
    json!({ "id": named.id, "name": named.name })
}

pub fn category(category: &Category) -> Value {
    json!({
        "id": category.id,
        "projectId": category.project_id,
        "name": category.name,
        "displayOrder": category.display_order,
    })
}

pub fn version(version: &Version) -> Value {
    json!({
        "id": version.id,
        "projectId": version.project_id,
        "name": version.name,
        "description": version.description,
        "startDate": date(version.start_date),
        "releaseDueDate": date(version.release_due_date),
        "archived": version.archived,
        "displayOrder": version.display_order,
    })
}

fn list_item(item: &ListItem) -> Value {
    json!({ "id": item.id, "name": item.name, "displayOrder": item.display_order })
}

/// A custom field definition (`GET /projects/{P}/customFields`).
pub fn custom_field(field: &CustomField) -> Value {
    let mut value = json!({
        "id": field.id,
        "projectId": field.project_id,
        "typeId": field.kind.type_id(),
        "version": 1,
        "name": field.name,
        "description": field.description,
        "required": field.required,
        "useIssueType": false,
        "applicableIssueTypes": [],
        "displayOrder": field.display_order,
    });
    let extra = match field.kind {
        FieldKind::Numeric => {
            json!({ "min": null, "max": null, "initialValue": null, "unit": field.unit })
        }
        FieldKind::Date => json!({ "min": null, "max": null, "initialDate": null }),
        kind if kind.has_items() => {
            let mut extra = json!({
                "items": field.items.iter().map(list_item).collect::<Vec<_>>(),
                "allowAddItem": field.allow_add_item,
            });
            if kind.has_other_value() {
                extra["allowInput"] = Value::Bool(field.allow_input);
            }
            extra
        }
        _ => json!({}),
    };
    if let (Value::Object(target), Value::Object(source)) = (&mut value, extra) {
        target.extend(source);
    }
    value
}

/// A custom field value inside an issue: every field of the project appears, unset ones
/// with `null` (or `[]` for the multi-item kinds).
fn custom_field_value(field: &CustomField, stored: Option<&StoredValue>) -> Value {
    let items = |ids: &[u64]| -> Vec<Value> {
        ids.iter()
            .filter_map(|id| field.item(*id))
            .map(list_item)
            .collect()
    };
    let value = match stored.and_then(|s| s.value.as_ref()) {
        Some(FieldValue::Text(text)) => Value::from(text.clone()),
        Some(FieldValue::Numeric(number)) => json!(number),
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

pub fn issue(state: &State, issue: &Issue) -> Value {
    let categories: Vec<Value> = issue
        .category_ids
        .iter()
        .filter_map(|id| state.category(*id))
        .map(category)
        .collect();
    let versions = |ids: &[u64]| -> Vec<Value> {
        ids.iter()
            .filter_map(|id| state.version(*id))
            .map(version)
            .collect()
    };
    let custom_fields: Vec<Value> = state
        .project_custom_fields(issue.project_id)
        .map(|field| custom_field_value(field, issue.custom.get(&field.id)))
        .collect();
    json!({
        "id": issue.id,
        "projectId": issue.project_id,
        "issueKey": state.issue_key(issue),
        "keyId": issue.key_id,
        "issueType": state.issue_type(issue.issue_type_id).map(issue_type),
        "summary": issue.summary,
        "description": issue.description,
        "resolution": issue.resolution_id.and_then(|id| state.resolution(id)).map(named),
        "priority": state.priority(issue.priority_id).map(named),
        "status": state.status(issue.project_id, issue.status_id).map(status),
        "assignee": user_ref(state, issue.assignee_id),
        "category": categories,
        "versions": versions(&issue.version_ids),
        "milestone": versions(&issue.milestone_ids),
        "startDate": date(issue.start_date),
        "dueDate": date(issue.due_date),
        "estimatedHours": issue.estimated_hours,
        "actualHours": issue.actual_hours,
        "parentIssueId": issue.parent_issue_id,
        "createdUser": user_ref(state, Some(issue.created_user_id)),
        "created": issue.created.to_string(),
        "updatedUser": user_ref(state, Some(issue.updated_user_id)),
        "updated": issue.updated.to_string(),
        "customFields": custom_fields,
        "attachments": [],
        "sharedFiles": [],
        "externalFileLinks": [],
        "stars": [],
    })
}

fn change_log(change: &ChangeLog) -> Value {
    json!({
        "field": change.field,
        "newValue": change.new_value,
        "originalValue": change.original_value,
        "attachmentInfo": null,
        "attributeInfo": null,
        "notificationInfo": null,
    })
}

pub fn comment(state: &State, comment: &Comment) -> Value {
    let notifications: Vec<Value> = comment
        .notified_user_ids
        .iter()
        .enumerate()
        .map(|(n, user_id)| {
            json!({
                "id": comment.id * 1000 + n as u64,
                "alreadyRead": false,
                "reason": 2,
                "user": user_ref(state, Some(*user_id)),
                "resourceAlreadyRead": false,
            })
        })
        .collect();
    json!({
        "id": comment.id,
        "projectId": comment.project_id,
        "issueId": comment.issue_id,
        "content": comment.content,
        "changeLog": comment.change_log.iter().map(change_log).collect::<Vec<_>>(),
        "createdUser": user_ref(state, Some(comment.created_user_id)),
        "created": comment.created.to_string(),
        "updated": comment.updated.to_string(),
        "stars": [],
        "notifications": notifications,
    })
}

pub fn activity(state: &State, activity: &Activity) -> Value {
    json!({
        "id": activity.id,
        "project": state.project(activity.project_id).map(project),
        "type": activity.type_id,
        "content": activity.content,
        "notifications": [],
        "createdUser": user_ref(state, Some(activity.created_user_id)),
        "created": activity.created.to_string(),
    })
}

/// The `content` of an issue activity (types 1–4), in Backlog's snake_case.
pub fn issue_activity_content(
    issue: &Issue,
    comment: Option<&Comment>,
    changes: &[ChangeLog],
) -> Value {
    let mut content = json!({
        "id": issue.id,
        "key_id": issue.key_id,
        "summary": issue.summary,
        "description": issue.description,
    });
    if let Some(comment) = comment {
        content["comment"] = json!({ "id": comment.id, "content": comment.content });
    }
    if !changes.is_empty() {
        content["changes"] = changes
            .iter()
            .map(|c| {
                json!({
                    "field": c.field,
                    "new_value": c.new_value,
                    "old_value": c.original_value,
                    "type": "standard",
                })
            })
            .collect();
    }
    content
}
