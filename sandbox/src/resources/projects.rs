//! `/projects…`: the projects themselves and their members. Each per-project list
//! (statuses, issue types, …) is served by its own resource through [`list`].

use axum::response::Response;
use axum::routing::{MethodRouter, get};
use serde::{Deserialize, Serialize};

use super::{issue_types, statuses};
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::routing::{Routes, Segment, json};
use crate::store::State as Store;
use crate::table::{Id, InProject, Table, keyed_by_id};
use crate::{App, AppState};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Project {
    pub id: Id,
    pub project_key: String,
    pub name: String,
    pub chart_enabled: bool,
    pub use_resolved_for_chart: bool,
    pub subtasking_enabled: bool,
    pub project_leader_can_edit_project_leader: bool,
    pub use_wiki: bool,
    pub use_file_sharing: bool,
    pub use_wiki_tree_view: bool,
    pub use_original_image_size_at_wiki: bool,
    pub use_subversion: bool,
    pub use_git: bool,
    pub use_dev_attributes: bool,
    pub grandchild_issue_enabled: bool,
    pub text_formatting_rule: String,
    pub archived: bool,
    pub display_order: u32,
    /// The members, `/projects/{P}/users`; not part of Backlog's project object.
    #[serde(skip_serializing)]
    pub member_ids: Vec<Id>,
    /// The `keyId` the next issue gets (`DEMO-41` after `DEMO-40`), never reused.
    #[serde(skip)]
    pub next_key_id: u64,
}

keyed_by_id!(Project);

impl Project {
    /// A project with Backlog's defaults for everything but identity.
    fn new(id: Id, key: &str, name: &str, member_ids: Vec<Id>) -> Project {
        Project {
            id,
            project_key: key.into(),
            name: name.into(),
            chart_enabled: false,
            use_resolved_for_chart: false,
            subtasking_enabled: false,
            project_leader_can_edit_project_leader: false,
            use_wiki: true,
            use_file_sharing: true,
            use_wiki_tree_view: false,
            use_original_image_size_at_wiki: false,
            use_subversion: false,
            use_git: false,
            use_dev_attributes: true,
            grandchild_issue_enabled: false,
            text_formatting_rule: "markdown".into(),
            archived: false,
            display_order: 0,
            member_ids,
            next_key_id: 1,
        }
    }
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/projects", get(get_projects).post(add_project))
        .route(
            "/api/v2/projects/{projectIdOrKey}",
            get(get_project).patch(update_project),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/users",
            get(get_project_users),
        )
}

/// `{projectIdOrKey}`: a numeric id, else a project key.
pub fn find<'a>(state: &'a Store, id_or_key: &str) -> ApiResult<&'a Project> {
    let found = match id_or_key.parse::<Id>() {
        Ok(id) => state.projects.get(id),
        Err(_) => state.projects.find(|p| p.project_key == id_or_key),
    };
    found.ok_or_else(ApiError::no_project)
}

/// `GET /projects/{projectIdOrKey}/…`: the rows of `table` that belong to the project.
pub(crate) fn list<T>(table: fn(&Store) -> &Table<T>) -> MethodRouter<AppState>
where
    T: InProject + Serialize + 'static,
{
    get(move |app: App, Segment(project): Segment| async move {
        let state = app.state();
        let id = find(&state, &project)?.id;
        let rows: Vec<&T> = table(&state).of_project(id).collect();
        ApiResult::Ok(json(rows))
    })
}

/// The `displayOrder` of a row added to a project's list: one past its rows' largest.
pub fn next_display_order<'a, T: 'a>(
    rows: impl Iterator<Item = &'a T>,
    display_order: fn(&T) -> u32,
) -> u32 {
    rows.map(display_order).max().map_or(0, |last| last + 1)
}

/// `archived` omitted = all, `false` = active only, `true` = archived only. `all` only
/// widens the list for admins, and the key's owner is an admin, so it changes nothing.
async fn get_projects(app: App, params: Params) -> ApiResult<Response> {
    let archived = params.boolean("archived")?;
    params.boolean("all")?;
    let state = app.state();
    let projects: Vec<&Project> = state
        .projects
        .iter()
        .filter(|p| archived.is_none_or(|a| p.archived == a))
        .collect();
    Ok(json(projects))
}

async fn add_project(app: App, params: Params) -> ApiResult<Response> {
    let name = params.required_text("name")?;
    let key = params.required_text("key")?;
    let mut state = app.state();
    check_key(&state, key, None)?;
    let mut draft = Project::new(0, key, name, vec![state.myself_id]);
    draft.display_order = state.projects.len() as u32;
    apply_settings(&mut draft, &params)?;

    let id = state.projects.insert(|id| Project { id, ..draft }).id;
    for status in statuses::defaults(id) {
        state.statuses.put(status);
    }
    issue_types::add_defaults(&mut state.issue_types, id);
    Ok(json(state.projects.get(id)))
}

async fn get_project(app: App, Segment(project): Segment) -> ApiResult<Response> {
    find(&app.state(), &project).map(json)
}

async fn update_project(
    app: App,
    Segment(project): Segment,
    params: Params,
) -> ApiResult<Response> {
    let mut state = app.state();
    let mut updated = find(&state, &project)?.clone();
    if params.contains("name") {
        updated.name = params.required_text("name")?.to_owned();
    }
    if params.contains("key") {
        let key = params.required_text("key")?;
        check_key(&state, key, Some(updated.id))?;
        updated.project_key = key.to_owned();
    }
    apply_settings(&mut updated, &params)?;
    if let Some(archived) = params.boolean("archived")? {
        updated.archived = archived;
    }
    let body = json(&updated);
    state.projects.replace(updated);
    Ok(body)
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
        .any(|p| p.project_key == key && Some(p.id) != except)
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

async fn get_project_users(app: App, Segment(project): Segment) -> ApiResult<Response> {
    let state = app.state();
    let project = find(&state, &project)?;
    let members: Vec<_> = project
        .member_ids
        .iter()
        .filter_map(|id| state.users.get(*id))
        .collect();
    Ok(json(members))
}
