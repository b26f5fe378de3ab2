//! `/issues…`: search and count, create, read, update, delete, and comments.

use std::cmp::Ordering;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::{Cursor, Segment, ascending_param, count_param};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::params::{CustomFieldParam, Params};
use crate::render;
use crate::store::{
    ChangeLog, Comment, CustomField, FieldKind, FieldValue, Id, Issue, State as Store, StoredValue,
    activity_type,
};
use crate::time::Date;

pub async fn get_issues(State(app): State<AppState>, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let filters = Filters::parse(&state, &params)?;
    let sort = SortKey::parse(&params)?;
    let ascending = ascending_param(&params)?;
    let offset = params.int("offset")?.unwrap_or(0) as usize;
    let count = count_param(&params)?;

    let mut found: Vec<(SortValue, &Issue)> = state
        .issues
        .iter()
        .filter(|issue| filters.matches(&state, issue))
        .map(|issue| (sort.value(&state, issue), issue))
        .collect();
    found.sort_by(|(a, x), (b, y)| {
        let order = a
            .partial_cmp(b)
            .unwrap_or(Ordering::Equal)
            .then(x.id.cmp(&y.id));
        if ascending { order } else { order.reverse() }
    });
    let page = found.into_iter().skip(offset).take(count);
    Ok(Json(
        page.map(|(_, issue)| render::issue(&state, issue))
            .collect(),
    ))
}

pub async fn count_issues(State(app): State<AppState>, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let filters = Filters::parse(&state, &params)?;
    let count = state
        .issues
        .iter()
        .filter(|issue| filters.matches(&state, issue))
        .count();
    Ok(Json(json!({ "count": count })))
}

type Predicate = Box<dyn Fn(&Store, &Issue) -> bool>;
type IdField = fn(&Issue) -> Option<Id>;
type IdsField = fn(&Issue) -> &[Id];
type DateField = fn(&Issue) -> Option<Date>;

/// The search filters of `GET /issues` and `/issues/count`; all must hold.
struct Filters(Vec<Predicate>);

impl Filters {
    fn matches(&self, state: &Store, issue: &Issue) -> bool {
        self.0.iter().all(|predicate| predicate(state, issue))
    }

    fn parse(state: &Store, params: &Params) -> ApiResult<Self> {
        let mut filters: Vec<Predicate> = Vec::new();

        // Arrays arrive only as `name[]`; a bare `projectId=1` is not a filter.
        let single: [(&str, IdField); 9] = [
            ("id", |i| Some(i.id)),
            ("projectId", |i| Some(i.project_id)),
            ("issueTypeId", |i| Some(i.issue_type_id)),
            ("statusId", |i| Some(i.status_id)),
            ("priorityId", |i| Some(i.priority_id)),
            ("assigneeId", |i| i.assignee_id),
            ("createdUserId", |i| Some(i.created_user_id)),
            ("resolutionId", |i| i.resolution_id),
            ("parentIssueId", |i| i.parent_issue_id),
        ];
        for (name, field) in single {
            if let Some(ids) = params.int_list(name)?.filter(|ids| !ids.is_empty()) {
                filters.push(Box::new(move |_, i| {
                    field(i).is_some_and(|v| ids.contains(&v))
                }));
            }
        }
        let multi: [(&str, IdsField); 3] = [
            ("categoryId", |i| &i.category_ids),
            ("versionId", |i| &i.version_ids),
            ("milestoneId", |i| &i.milestone_ids),
        ];
        for (name, field) in multi {
            if let Some(ids) = params.int_list(name)?.filter(|ids| !ids.is_empty()) {
                filters.push(Box::new(move |_, i| {
                    field(i).iter().any(|v| ids.contains(v))
                }));
            }
        }

        if let Some(keyword) = params.get("keyword").filter(|k| !k.trim().is_empty()) {
            let keyword = keyword.to_lowercase();
            filters.push(Box::new(move |_, i| {
                i.summary.to_lowercase().contains(&keyword)
                    || i.description.to_lowercase().contains(&keyword)
            }));
        }

        let ranges: [(&str, &str, DateField); 4] = [
            ("startDateSince", "startDateUntil", |i| i.start_date),
            ("dueDateSince", "dueDateUntil", |i| i.due_date),
            ("createdSince", "createdUntil", |i| Some(i.created.date())),
            ("updatedSince", "updatedUntil", |i| Some(i.updated.date())),
        ];
        for (since, until, field) in ranges {
            if let Some(since) = params.date(since)? {
                filters.push(Box::new(move |_, i| field(i).is_some_and(|d| d >= since)));
            }
            if let Some(until) = params.date(until)? {
                filters.push(Box::new(move |_, i| field(i).is_some_and(|d| d <= until)));
            }
        }

        if let Some(has) = params.boolean("hasDueDate")? {
            filters.push(Box::new(move |_, i| i.due_date.is_some() == has));
        }
        if let Some(mode) = params.int("parentChild")? {
            let has_children = |s: &Store, i: &Issue| s.children(i.id).next().is_some();
            let predicate: Predicate = match mode {
                0 => Box::new(|_, _| true),
                1 => Box::new(|_, i| i.parent_issue_id.is_none()),
                2 => Box::new(|_, i| i.parent_issue_id.is_some()),
                3 => Box::new(move |s, i| i.parent_issue_id.is_none() && !has_children(s, i)),
                4 => Box::new(move |s, i| has_children(s, i)),
                _ => return Err(ApiError::invalid("parentChild")),
            };
            filters.push(predicate);
        }

        for (id, param) in params.custom_fields() {
            if let Some(predicate) = custom_field_filter(state, id, &param)? {
                filters.push(predicate);
            }
        }
        Ok(Self(filters))
    }
}

/// The `_min`/`_max` bounds of a range filter; `None` when neither is given.
fn range<T>(
    name: &str,
    param: &CustomFieldParam,
    parse: impl Fn(&str) -> Option<T>,
) -> ApiResult<Option<(Option<T>, Option<T>)>> {
    let bound = |suffix: &str, text: &Option<String>| match text.as_deref() {
        None | Some("") => Ok(None),
        Some(t) => parse(t)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(&format!("{name}_{suffix}"))),
    };
    let (min, max) = (bound("min", &param.min)?, bound("max", &param.max)?);
    Ok((min.is_some() || max.is_some()).then_some((min, max)))
}

fn in_range<T: PartialOrd>(value: T, min: Option<T>, max: Option<T>) -> bool {
    min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m)
}

/// Text fields match a keyword, numeric/date fields a `_min`/`_max` range, list fields any
/// of the items given as `customField_{id}[n]`. Everything else is ignored, as Backlog
/// ignores a bare `customField_{id}=` or `customField_{id}[]=` list filter.
fn custom_field_filter(
    state: &Store,
    id: Id,
    param: &CustomFieldParam,
) -> ApiResult<Option<Predicate>> {
    let name = format!("customField_{id}");
    let Some(field) = state.custom_field(id) else {
        let used = param.sets_value() || param.min.is_some() || param.max.is_some();
        return if used {
            Err(ApiError::invalid(&name))
        } else {
            Ok(None)
        };
    };
    let value = move |i: &Issue| i.custom.get(&id).and_then(|s| s.value.clone());
    let predicate: Predicate = match field.kind {
        FieldKind::Text | FieldKind::TextArea => {
            let Some(keyword) = param.values.iter().find(|v| !v.trim().is_empty()) else {
                return Ok(None);
            };
            let keyword = keyword.to_lowercase();
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Text(text)) => text.to_lowercase().contains(&keyword),
                _ => false,
            })
        }
        FieldKind::Numeric => {
            let parse = |t: &str| t.parse::<f64>().ok();
            let Some((min, max)) = range(&name, param, parse)? else {
                return Ok(None);
            };
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Numeric(n)) => in_range(n, min, max),
                _ => false,
            })
        }
        FieldKind::Date => {
            let Some((min, max)) = range(&name, param, Date::parse)? else {
                return Ok(None);
            };
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Date(d)) => in_range(d, min, max),
                _ => false,
            })
        }
        _ => {
            let wanted = param
                .indexed
                .iter()
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
                .map(|v| v.parse::<Id>().map_err(|_| ApiError::invalid(&name)))
                .collect::<ApiResult<Vec<_>>>()?;
            if wanted.is_empty() {
                return Ok(None);
            }
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Items(items)) => items.iter().any(|item| wanted.contains(item)),
                _ => false,
            })
        }
    };
    Ok(Some(predicate))
}

/// Backlog's sort keys (backlog-api.md §2.3).
#[derive(Clone, Copy)]
enum SortKey {
    IssueType,
    Category,
    Version,
    Milestone,
    Summary,
    Status,
    Priority,
    Attachment,
    SharedFile,
    Created,
    CreatedUser,
    Updated,
    UpdatedUser,
    Assignee,
    StartDate,
    DueDate,
    EstimatedHours,
    ActualHours,
    ChildIssue,
}

/// A comparable sort value; a missing value sorts before any present one.
#[derive(PartialEq, PartialOrd)]
enum SortValue {
    Missing,
    Number(f64),
    Text(String),
}

impl SortKey {
    fn parse(params: &Params) -> ApiResult<Self> {
        Ok(match params.get("sort").unwrap_or("") {
            "" | "created" => Self::Created,
            "issueType" => Self::IssueType,
            "category" => Self::Category,
            "version" => Self::Version,
            "milestone" => Self::Milestone,
            "summary" => Self::Summary,
            "status" => Self::Status,
            "priority" => Self::Priority,
            "attachment" => Self::Attachment,
            "sharedFile" => Self::SharedFile,
            "createdUser" => Self::CreatedUser,
            "updated" => Self::Updated,
            "updatedUser" => Self::UpdatedUser,
            "assignee" => Self::Assignee,
            "startDate" => Self::StartDate,
            "dueDate" => Self::DueDate,
            "estimatedHours" => Self::EstimatedHours,
            "actualHours" => Self::ActualHours,
            "childIssue" => Self::ChildIssue,
            _ => return Err(ApiError::invalid("sort")),
        })
    }

    fn value(self, state: &Store, issue: &Issue) -> SortValue {
        use SortValue::{Missing, Number, Text};
        let number = |n: Option<f64>| n.map_or(Missing, Number);
        let order = |n: Option<u32>| number(n.map(f64::from));
        // Lists sort by their first entry's display order.
        let category = |ids: &[Id]| ids.first().and_then(|id| state.category(*id));
        let version = |ids: &[Id]| ids.first().and_then(|id| state.version(*id));
        let user = |id: Option<Id>| {
            let user = id.and_then(|id| state.user(id));
            user.map_or(Missing, |u| Text(u.name.clone()))
        };
        // ISO dates and timestamps order correctly as text.
        let date = |d: Option<Date>| d.map_or(Missing, |d| Text(d.to_string()));
        match self {
            Self::IssueType => order(
                state
                    .issue_type(issue.issue_type_id)
                    .map(|t| t.display_order),
            ),
            Self::Category => order(category(&issue.category_ids).map(|c| c.display_order)),
            Self::Version => order(version(&issue.version_ids).map(|v| v.display_order)),
            Self::Milestone => order(version(&issue.milestone_ids).map(|v| v.display_order)),
            Self::Summary => Text(issue.summary.clone()),
            Self::Status => order(
                state
                    .status(issue.project_id, issue.status_id)
                    .map(|s| s.display_order),
            ),
            // By id: High (2) before Normal (3) before Low (4) when ascending.
            Self::Priority => Number(issue.priority_id as f64),
            Self::Attachment | Self::SharedFile => Number(0.0),
            Self::Created => Text(issue.created.to_string()),
            Self::Updated => Text(issue.updated.to_string()),
            Self::CreatedUser => user(Some(issue.created_user_id)),
            Self::UpdatedUser => user(Some(issue.updated_user_id)),
            Self::Assignee => user(issue.assignee_id),
            Self::StartDate => date(issue.start_date),
            Self::DueDate => date(issue.due_date),
            Self::EstimatedHours => number(issue.estimated_hours),
            Self::ActualHours => number(issue.actual_hours),
            Self::ChildIssue => Number(state.children(issue.id).count() as f64),
        }
    }
}

pub async fn get_issue(
    State(app): State<AppState>,
    Segment(issue): Segment,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let index = state.issue_index(&issue)?;
    Ok(Json(render::issue(&state, &state.issues[index])))
}

pub async fn add_issue(State(app): State<AppState>, params: Params) -> ApiResult<Json<Value>> {
    let project_id = params.required_int("projectId")?;
    let summary = params.required_text("summary")?;
    let issue_type_id = params.required_int("issueTypeId")?;
    let priority_id = params.required_int("priorityId")?;
    let mut state = app.state();
    let project = state.project(project_id).ok_or_else(ApiError::no_project)?;
    let mut issue = Issue {
        id: state.next_issue_id,
        project_id,
        key_id: project.next_key_id,
        issue_type_id,
        summary: summary.to_owned(),
        description: String::new(),
        resolution_id: None,
        priority_id,
        status_id: 1,
        assignee_id: None,
        category_ids: Vec::new(),
        version_ids: Vec::new(),
        milestone_ids: Vec::new(),
        start_date: None,
        due_date: None,
        estimated_hours: None,
        actual_hours: None,
        parent_issue_id: None,
        created_user_id: state.myself_id,
        created: state.now,
        updated_user_id: state.myself_id,
        updated: state.now,
        custom: Default::default(),
    };
    apply_fields(&state, &mut issue, &params)?;
    if let Some(field) = state
        .project_custom_fields(project_id)
        .find(|f| f.required && issue.custom.get(&f.id).is_none_or(|v| v.value.is_none()))
    {
        return Err(ApiError::missing(&format!("customField_{}", field.id)));
    }

    let now = state.tick();
    (issue.created, issue.updated) = (now, now);
    state.next_issue_id += 1;
    if let Some(project) = state.projects.iter_mut().find(|p| p.id == project_id) {
        project.next_key_id += 1;
    }
    let content = render::issue_activity_content(&issue, None, &[]);
    state.add_activity(project_id, activity_type::ISSUE_CREATED, content, now);
    let body = render::issue(&state, &issue);
    state.issues.push(issue);
    Ok(Json(body))
}

/// Applies the writable fields present in `params` to `issue` (a draft on create, a copy
/// on update), checking each against the issue's project. Absent fields stay unchanged;
/// an empty value clears an optional field (`categoryId[]=` clears the list).
fn apply_fields(state: &Store, issue: &mut Issue, params: &Params) -> ApiResult<()> {
    let project = state
        .project(issue.project_id)
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
            .issue_type(id)
            .is_some_and(|t| t.project_id == project_id);
        issue.issue_type_id = checked("issueTypeId", id, valid)?;
    }
    if let Some(id) = params.int("priorityId")? {
        issue.priority_id = checked("priorityId", id, state.priority(id).is_some())?;
    }
    if let Some(id) = params.int("statusId")? {
        issue.status_id = checked("statusId", id, state.status(project_id, id).is_some())?;
    }
    if params.contains("resolutionId") {
        issue.resolution_id = params
            .int("resolutionId")?
            .map(|id| checked("resolutionId", id, state.resolution(id).is_some()))
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
        state
            .category(id)
            .is_some_and(|c| c.project_id == project_id)
    };
    let is_version = |id: Id| {
        state
            .version(id)
            .is_some_and(|v| v.project_id == project_id)
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
                let parent_ok = state.issue(parent_id).is_some_and(|parent| {
                    parent.project_id == project_id && !(flat && parent.parent_issue_id.is_some())
                });
                let child_ok = !(flat && state.children(issue.id).next().is_some());
                let valid =
                    project.subtasking_enabled && parent_id != issue.id && parent_ok && child_ok;
                Some(checked("parentIssueId", parent_id, valid)?)
            }
        };
    }
    for user_id in params.int_list("notifiedUserId")?.unwrap_or_default() {
        checked("notifiedUserId[]", user_id, state.user(user_id).is_some())?;
    }
    // The sandbox has no attachment upload, so no attachment id can be valid.
    if params
        .int_list("attachmentId")?
        .is_some_and(|ids| !ids.is_empty())
    {
        return Err(ApiError::invalid("attachmentId[]"));
    }

    for (id, param) in params.custom_fields() {
        if !param.sets_value() && param.other_value.is_none() {
            continue; // e.g. only `customField_{id}[]`, which Backlog ignores
        }
        let name = format!("customField_{id}");
        let field = state
            .custom_field(id)
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

pub async fn update_issue(
    State(app): State<AppState>,
    Segment(issue): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let index = state.issue_index(&issue)?;
    let before = state.issues[index].clone();
    let mut after = before.clone();
    apply_fields(&state, &mut after, &params)?;
    let changes = change_log(&state, &before, &after);
    let text = params.get("comment").filter(|c| !c.trim().is_empty());
    let notified = params.int_list("notifiedUserId")?.unwrap_or_default();

    let now = state.tick();
    after.updated = now;
    after.updated_user_id = state.myself_id;
    // Like Backlog, an update with changes or a comment shows up in the comment list.
    let comment = (text.is_some() || !changes.is_empty()).then(|| {
        new_comment(
            &mut state,
            &after,
            text.map(str::to_owned),
            changes.clone(),
            notified,
            now,
        )
    });
    let content = render::issue_activity_content(&after, comment.as_ref(), &changes);
    state.add_activity(after.project_id, activity_type::ISSUE_UPDATED, content, now);
    let body = render::issue(&state, &after);
    state.issues[index] = after;
    if let Some(comment) = comment {
        state.comments.push(comment);
    }
    Ok(Json(body))
}

pub async fn delete_issue(
    State(app): State<AppState>,
    Segment(issue): Segment,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let index = state.issue_index(&issue)?;
    let body = render::issue(&state, &state.issues[index]);
    let issue = state.issues.remove(index);
    state.comments.retain(|c| c.issue_id != issue.id);
    // Subtasks stay, as top-level issues, rather than point at a missing parent.
    for child in state.issues.iter_mut() {
        if child.parent_issue_id == Some(issue.id) {
            child.parent_issue_id = None;
        }
    }
    let now = state.tick();
    let content = render::issue_activity_content(&issue, None, &[]);
    state.add_activity(issue.project_id, activity_type::ISSUE_DELETED, content, now);
    Ok(Json(body))
}

fn new_comment(
    state: &mut Store,
    issue: &Issue,
    content: Option<String>,
    change_log: Vec<ChangeLog>,
    notified_user_ids: Vec<Id>,
    now: crate::time::Timestamp,
) -> Comment {
    let id = state.next_comment_id;
    state.next_comment_id += 1;
    Comment {
        id,
        issue_id: issue.id,
        project_id: issue.project_id,
        content,
        change_log,
        notified_user_ids,
        created_user_id: state.myself_id,
        created: now,
        updated: now,
    }
}

/// What changed between two versions of an issue, named as Backlog's change log names
/// fields (`assigner`, `limitDate`, `component`, …), values as display text.
fn change_log(state: &Store, before: &Issue, after: &Issue) -> Vec<ChangeLog> {
    let mut changes = Vec::new();
    let mut push = |field: &str, original: String, new: String| {
        if original != new {
            changes.push(ChangeLog {
                field: field.to_owned(),
                new_value: new,
                original_value: original,
            });
        }
    };
    let type_name = |i: &Issue| {
        state
            .issue_type(i.issue_type_id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let priority = |i: &Issue| {
        state
            .priority(i.priority_id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let status = |i: &Issue| {
        state
            .status(i.project_id, i.status_id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let resolution = |i: &Issue| {
        i.resolution_id
            .and_then(|id| state.resolution(id))
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let assignee = |i: &Issue| {
        i.assignee_id
            .and_then(|id| state.user(id))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let hours = |h: Option<f64>| h.map(|h| h.to_string()).unwrap_or_default();
    let categories = |ids: &[Id]| {
        names(
            ids.iter()
                .filter_map(|id| state.category(*id))
                .map(|c| c.name.as_str()),
        )
    };
    let versions = |ids: &[Id]| {
        names(
            ids.iter()
                .filter_map(|id| state.version(*id))
                .map(|v| v.name.as_str()),
        )
    };
    let parent = |i: &Issue| {
        i.parent_issue_id
            .and_then(|id| state.issue(id))
            .map(|p| state.issue_key(p))
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
    for field in state.project_custom_fields(after.project_id) {
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

pub async fn get_comments(
    State(app): State<AppState>,
    Segment(issue): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let issue_id = state.issues[state.issue_index(&issue)?].id;
    let cursor = Cursor::parse(&params)?;
    let comments = state
        .comments
        .iter()
        .filter(|c| c.issue_id == issue_id)
        .collect();
    let page = cursor.page(comments, |c| c.id);
    Ok(Json(
        page.into_iter()
            .map(|c| render::comment(&state, c))
            .collect(),
    ))
}

pub async fn count_comments(
    State(app): State<AppState>,
    Segment(issue): Segment,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let issue_id = state.issues[state.issue_index(&issue)?].id;
    let count = state
        .comments
        .iter()
        .filter(|c| c.issue_id == issue_id)
        .count();
    Ok(Json(json!({ "count": count })))
}

pub async fn add_comment(
    State(app): State<AppState>,
    Segment(issue): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let index = state.issue_index(&issue)?;
    let content = params.required_text("content")?.to_owned();
    let notified = params.int_list("notifiedUserId")?.unwrap_or_default();
    if notified.iter().any(|id| state.user(*id).is_none()) {
        return Err(ApiError::invalid("notifiedUserId[]"));
    }
    if params
        .int_list("attachmentId")?
        .is_some_and(|ids| !ids.is_empty())
    {
        return Err(ApiError::invalid("attachmentId[]"));
    }
    let now = state.tick();
    let mut issue = state.issues[index].clone();
    issue.updated = now;
    issue.updated_user_id = state.myself_id;
    let comment = new_comment(&mut state, &issue, Some(content), Vec::new(), notified, now);
    let activity = render::issue_activity_content(&issue, Some(&comment), &[]);
    state.add_activity(
        issue.project_id,
        activity_type::ISSUE_COMMENTED,
        activity,
        now,
    );
    let body = render::comment(&state, &comment);
    state.issues[index] = issue;
    state.comments.push(comment);
    Ok(Json(body))
}
