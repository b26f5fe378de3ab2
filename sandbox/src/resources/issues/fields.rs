//! The writable fields of an issue and their checks, shared by create and update.

use super::{Issue, children};
use crate::error::{ApiError, ApiResult};
use crate::params::{CustomFieldParam, Params};
use crate::resources::custom_fields::{CustomField, FieldKind, FieldValue, StoredValue};
use crate::store::State;
use crate::table::Id;
use crate::time::Date;

/// Applies the writable fields present in `params` to `issue` (a draft on create, a copy
/// on update), checking each against the issue's project; `attachmentId[]` is the
/// attachments' own (`attachments::pending`). Absent fields stay unchanged;
/// an empty value clears an optional field (`categoryId[]=` clears the list).
pub fn apply(state: &State, issue: &mut Issue, params: &Params) -> ApiResult<()> {
    let project = state
        .projects
        .get(issue.project_id)
        .ok_or_else(ApiError::no_project)?;
    let project_id = project.id;
    let checked = |name: &str, id: Id, valid: bool| {
        if valid {
            Ok(id)
        } else {
            Err(ApiError::invalid(name))
        }
    };

    if params.contains("summary") {
        issue.summary = params.required_text("summary")?.to_owned();
    }
    if let Some(description) = params.get("description") {
        issue.description = description.to_owned();
    }
    if let Some(id) = params.int("issueTypeId")? {
        let valid = state
            .issue_types
            .get(id)
            .is_some_and(|t| t.project_id == project_id);
        issue.issue_type_id = checked("issueTypeId", id, valid)?;
    }
    if let Some(id) = params.int("priorityId")? {
        issue.priority_id = checked("priorityId", id, state.priorities.get(id).is_some())?;
    }
    if let Some(id) = params.int("statusId")? {
        let valid = state.statuses.get((project_id, id)).is_some();
        issue.status_id = checked("statusId", id, valid)?;
    }
    if params.contains("resolutionId") {
        issue.resolution_id = params
            .int("resolutionId")?
            .map(|id| checked("resolutionId", id, state.resolutions.get(id).is_some()))
            .transpose()?;
    }
    if params.contains("assigneeId") {
        issue.assignee_id = params
            .int("assigneeId")?
            .map(|id| checked("assigneeId", id, project.member_ids.contains(&id)))
            .transpose()?;
    }
    if params.contains("startDate") {
        issue.start_date = params.date("startDate")?;
    }
    if params.contains("dueDate") {
        issue.due_date = params.date("dueDate")?;
    }
    if let (Some(start), Some(due)) = (issue.start_date, issue.due_date)
        && start > due
    {
        return Err(ApiError::bad_request(
            "'dueDate' must not be earlier than 'startDate'.",
        ));
    }
    if params.contains("estimatedHours") {
        issue.estimated_hours = params.hours("estimatedHours")?;
    }
    if params.contains("actualHours") {
        issue.actual_hours = params.hours("actualHours")?;
    }

    let is_category = |id: Id| {
        let category = state.categories.get(id);
        category.is_some_and(|c| c.project_id == project_id)
    };
    let is_version = |id: Id| {
        let version = state.versions.get(id);
        version.is_some_and(|v| v.project_id == project_id)
    };
    if let Some(ids) = checked_list(params, "categoryId", is_category)? {
        issue.category_ids = ids;
    }
    if let Some(ids) = checked_list(params, "versionId", is_version)? {
        issue.version_ids = ids;
    }
    if let Some(ids) = checked_list(params, "milestoneId", is_version)? {
        issue.milestone_ids = ids;
    }

    if params.contains("parentIssueId") {
        issue.parent_issue_id = match params.int("parentIssueId")? {
            None => None,
            Some(parent_id) => {
                // One level of nesting, unless the project enables grandchildren.
                let flat = !project.grandchild_issue_enabled;
                let parent_ok = state.issues.get(parent_id).is_some_and(|parent| {
                    parent.project_id == project_id && !(flat && parent.parent_issue_id.is_some())
                });
                let child_ok = !(flat && children(state, issue.id).next().is_some());
                let valid =
                    project.subtasking_enabled && parent_id != issue.id && parent_ok && child_ok;
                Some(checked("parentIssueId", parent_id, valid)?)
            }
        };
    }
    for user_id in params.int_list("notifiedUserId")?.unwrap_or_default() {
        checked(
            "notifiedUserId[]",
            user_id,
            state.users.get(user_id).is_some(),
        )?;
    }

    for (id, param) in params.custom_fields() {
        if !param.sets_value() && param.other_value.is_none() {
            continue; // e.g. only `customField_{id}[]`, which Backlog ignores
        }
        let name = format!("customField_{id}");
        let field = state
            .custom_fields
            .get(id)
            .filter(|f| f.project_id == project_id)
            .ok_or_else(|| ApiError::invalid(&name))?;
        let mut stored = issue.custom.get(&id).cloned().unwrap_or_default();
        if param.sets_value() {
            stored.value = custom_field_value(field, &param, &name)?;
        }
        if let Some(other) = param
            .other_value
            .as_ref()
            .filter(|_| field.kind.has_other_value())
        {
            stored.other_value = (!other.is_empty()).then(|| other.clone());
        }
        if stored == StoredValue::default() {
            issue.custom.remove(&id);
        } else {
            issue.custom.insert(id, stored);
        }
    }
    Ok(())
}

/// The ids of `name[]` if the key is present (`name[]=` alone gives an empty list), each
/// checked with `valid`.
fn checked_list(
    params: &Params,
    name: &str,
    valid: impl Fn(Id) -> bool,
) -> ApiResult<Option<Vec<Id>>> {
    let Some(ids) = params.int_list(name)? else {
        return Ok(None);
    };
    let mut unique = Vec::with_capacity(ids.len());
    for id in ids {
        if !valid(id) {
            return Err(ApiError::invalid(&format!("{name}[]")));
        }
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    Ok(Some(unique))
}

/// The value a write sets: `customField_{id}=v` for scalars and single items, indexed
/// `customField_{id}[n]=v` (or the bare key repeated) for several items; empty clears.
fn custom_field_value(
    field: &CustomField,
    param: &CustomFieldParam,
    name: &str,
) -> ApiResult<Option<FieldValue>> {
    let values: Vec<&str> = param.non_empty_values().collect();
    let Some(first) = values.first() else {
        return Ok(None);
    };
    let value = match field.kind {
        FieldKind::Text | FieldKind::TextArea => FieldValue::Text((*first).to_owned()),
        FieldKind::Numeric => FieldValue::Numeric(
            first
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| ApiError::invalid(name))?,
        ),
        FieldKind::Date => {
            FieldValue::Date(Date::parse(first).ok_or_else(|| ApiError::invalid(name))?)
        }
        kind => {
            let mut ids = Vec::new();
            for value in &values {
                let id = value
                    .parse::<Id>()
                    .ok()
                    .filter(|id| field.item(*id).is_some());
                let id = id.ok_or_else(|| ApiError::invalid(name))?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if !kind.is_multi() && ids.len() > 1 {
                return Err(ApiError::invalid(name));
            }
            FieldValue::Items(ids)
        }
    };
    Ok(Some(value))
}
