//! `/projects…`: the projects themselves and their per-project lists.

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use super::Segment;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::render;
use crate::seed::{default_issue_types, default_statuses, new_project};
use crate::store::{Id, Project, State as Store};

/// `archived` omitted = all, `false` = active only, `true` = archived only. `all` only
/// widens the list for admins, and the key's owner is an admin, so it changes nothing.
pub async fn get_projects(State(app): State<AppState>, params: Params) -> ApiResult<Json<Value>> {
    let archived = params.boolean("archived")?;
    params.boolean("all")?;
    let state = app.state();
    let projects = state
        .projects
        .iter()
        .filter(|p| archived.is_none_or(|a| p.archived == a));
    Ok(Json(projects.map(render::project).collect()))
}

pub async fn add_project(State(app): State<AppState>, params: Params) -> ApiResult<Json<Value>> {
    let name = params.required_text("name")?;
    let key = params.required_text("key")?;
    let mut state = app.state();
    check_key(&state, key, None)?;
    let id = state.projects.iter().map(|p| p.id).max().unwrap_or(0) + 1;
    let mut project = new_project(id, key, name, vec![state.myself_id]);
    project.display_order = state.projects.len() as u32;
    apply_settings(&mut project, &params)?;

    state.statuses.extend(default_statuses(id));
    let first_type_id = state.issue_types.iter().map(|t| t.id).max().unwrap_or(0) + 1;
    let types = default_issue_types(id, first_type_id, &["Bug", "Task", "Request", "Other"]);
    state.issue_types.extend(types);
    let body = render::project(&project);
    state.projects.push(project);
    Ok(Json(body))
}

pub async fn get_project(
    State(app): State<AppState>,
    Segment(project): Segment,
) -> ApiResult<Json<Value>> {
    app.state()
        .project_by_segment(&project)
        .map(|p| Json(render::project(p)))
}

pub async fn update_project(
    State(app): State<AppState>,
    Segment(project): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let index = state.project_index(&project)?;
    let mut updated = state.projects[index].clone();
    if params.contains("name") {
        updated.name = params.required_text("name")?.to_owned();
    }
    if params.contains("key") {
        let key = params.required_text("key")?;
        check_key(&state, key, Some(updated.id))?;
        updated.key = key.to_owned();
    }
    apply_settings(&mut updated, &params)?;
    if let Some(archived) = params.boolean("archived")? {
        updated.archived = archived;
    }
    let body = render::project(&updated);
    state.projects[index] = updated;
    Ok(Json(body))
}

/// Uppercase letters, digits and underscores, starting with a letter; unique in the space.
fn check_key(state: &Store, key: &str, except: Option<Id>) -> ApiResult<()> {
    let mut chars = key.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && key.len() <= 25;
    if !well_formed {
        return Err(ApiError::invalid("key"));
    }
    if state
        .projects
        .iter()
        .any(|p| p.key == key && Some(p.id) != except)
    {
        return Err(ApiError::bad_request(format!(
            "Project key '{key}' is already used."
        )));
    }
    Ok(())
}

/// The settings both `POST` and `PATCH` accept.
fn apply_settings(project: &mut Project, params: &Params) -> ApiResult<()> {
    let flags: [(&str, &mut bool); 4] = [
        ("chartEnabled", &mut project.chart_enabled),
        ("subtaskingEnabled", &mut project.subtasking_enabled),
        (
            "projectLeaderCanEditProjectLeader",
            &mut project.project_leader_can_edit_project_leader,
        ),
        (
            "grandchildIssueEnabled",
            &mut project.grandchild_issue_enabled,
        ),
    ];
    for (name, flag) in flags {
        if let Some(value) = params.boolean(name)? {
            *flag = value;
        }
    }
    match params.get("textFormattingRule") {
        None => {}
        Some(rule @ ("backlog" | "markdown")) => project.text_formatting_rule = rule.to_owned(),
        Some(_) => return Err(ApiError::invalid("textFormattingRule")),
    }
    Ok(())
}

pub async fn get_project_users(
    State(app): State<AppState>,
    Segment(project): Segment,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let project = state.project_by_segment(&project)?;
    let members = project.member_ids.iter().filter_map(|id| state.user(*id));
    Ok(Json(members.map(render::user).collect()))
}

/// Renders one per-project list, e.g. the project's statuses.
fn project_list<T>(
    app: &AppState,
    project: &str,
    list: impl Fn(&Store) -> &[T],
    project_id: impl Fn(&T) -> Id,
    render: impl Fn(&T) -> Value,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let id = state.project_by_segment(project)?.id;
    let items = list(&state).iter().filter(|item| project_id(item) == id);
    Ok(Json(items.map(render).collect()))
}

pub async fn get_statuses(
    State(app): State<AppState>,
    Segment(project): Segment,
) -> ApiResult<Json<Value>> {
    project_list(
        &app,
        &project,
        |s| &s.statuses,
        |x| x.project_id,
        render::status,
    )
}

pub async fn get_issue_types(
    State(app): State<AppState>,
    Segment(project): Segment,
) -> ApiResult<Json<Value>> {
    project_list(
        &app,
        &project,
        |s| &s.issue_types,
        |x| x.project_id,
        render::issue_type,
    )
}

pub async fn get_categories(
    State(app): State<AppState>,
    Segment(project): Segment,
) -> ApiResult<Json<Value>> {
    project_list(
        &app,
        &project,
        |s| &s.categories,
        |x| x.project_id,
        render::category,
    )
}

pub async fn get_versions(
    State(app): State<AppState>,
    Segment(project): Segment,
) -> ApiResult<Json<Value>> {
    project_list(
        &app,
        &project,
        |s| &s.versions,
        |x| x.project_id,
        render::version,
    )
}

pub async fn get_custom_fields(
    State(app): State<AppState>,
    Segment(project): Segment,
) -> ApiResult<Json<Value>> {
    project_list(
        &app,
        &project,
        |s| &s.custom_fields,
        |x| x.project_id,
        render::custom_field,
    )
}
