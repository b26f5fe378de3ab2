//! The change log of an update (a comment's `changeLog`): what changed, named as
//! Backlog's change log names fields.

use super::{Issue, key};
use crate::resources::comments::ChangeLog;
use crate::resources::custom_fields::{CustomField, FieldValue, StoredValue};
use crate::store::State;
use crate::table::Id;
use crate::time::Date;

/// What changed between two versions of an issue, named as Backlog's change log names
/// fields (`assigner`, `limitDate`, `component`, …), values as display text.
pub fn changes(state: &State, before: &Issue, after: &Issue) -> Vec<ChangeLog> {
    let mut changes = Vec::new();
    let mut push = |field: &str, original: String, new: String| {
        if original != new {
            changes.push(ChangeLog {
                field: field.to_owned(),
                new_value: new,
                original_value: original,
                attachment_id: None,
            });
        }
    };
    // A referenced row shows as its name, a missing one as nothing.
    let name = |name: Option<&String>| name.cloned().unwrap_or_default();
    let type_name = |i: &Issue| name(state.issue_types.get(i.issue_type_id).map(|t| &t.name));
    let priority = |i: &Issue| name(state.priorities.get(i.priority_id).map(|p| &p.name));
    let status = |i: &Issue| {
        let status = state.statuses.get((i.project_id, i.status_id));
        name(status.map(|s| &s.name))
    };
    let resolution = |i: &Issue| {
        let resolution = i.resolution_id.and_then(|id| state.resolutions.get(id));
        name(resolution.map(|r| &r.name))
    };
    let assignee = |i: &Issue| {
        name(
            i.assignee_id
                .and_then(|id| state.users.get(id))
                .map(|u| &u.name),
        )
    };
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let hours = |h: Option<f64>| h.map(|h| h.to_string()).unwrap_or_default();
    let categories = |ids: &[Id]| {
        names(
            ids.iter()
                .filter_map(|id| state.categories.get(*id))
                .map(|c| c.name.as_str()),
        )
    };
    let versions = |ids: &[Id]| {
        names(
            ids.iter()
                .filter_map(|id| state.versions.get(*id))
                .map(|v| v.name.as_str()),
        )
    };
    let parent = |i: &Issue| {
        i.parent_issue_id
            .and_then(|id| state.issues.get(id))
            .map(|p| key(state, p))
            .unwrap_or_default()
    };

    push("summary", before.summary.clone(), after.summary.clone());
    push(
        "description",
        before.description.clone(),
        after.description.clone(),
    );
    push("issueType", type_name(before), type_name(after));
    push("priority", priority(before), priority(after));
    push("status", status(before), status(after));
    push("resolution", resolution(before), resolution(after));
    push("assigner", assignee(before), assignee(after));
    push("startDate", date(before.start_date), date(after.start_date));
    push("limitDate", date(before.due_date), date(after.due_date));
    push(
        "estimatedHours",
        hours(before.estimated_hours),
        hours(after.estimated_hours),
    );
    push(
        "actualHours",
        hours(before.actual_hours),
        hours(after.actual_hours),
    );
    push(
        "component",
        categories(&before.category_ids),
        categories(&after.category_ids),
    );
    push(
        "version",
        versions(&before.version_ids),
        versions(&after.version_ids),
    );
    push(
        "milestone",
        versions(&before.milestone_ids),
        versions(&after.milestone_ids),
    );
    push("parentIssue", parent(before), parent(after));
    for field in state.custom_fields.of_project(after.project_id) {
        let shown = |i: &Issue| display_custom_value(field, i.custom.get(&field.id));
        push(&field.name, shown(before), shown(after));
    }
    changes
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

fn display_custom_value(field: &CustomField, stored: Option<&StoredValue>) -> String {
    let value = match stored.and_then(|s| s.value.as_ref()) {
        None => String::new(),
        Some(FieldValue::Text(text)) => text.clone(),
        Some(FieldValue::Numeric(n)) => n.to_string(),
        Some(FieldValue::Date(d)) => d.to_string(),
        Some(FieldValue::Items(ids)) => names(
            ids.iter()
                .filter_map(|id| field.item(*id))
                .map(|item| item.name.as_str()),
        ),
    };
    match stored.and_then(|s| s.other_value.as_deref()) {
        Some(other) if value.is_empty() => other.to_owned(),
        Some(other) => format!("{value}, {other}"),
        None => value,
    }
}
