//! `/projects/{projectIdOrKey}/versions…`: versions and milestones, one resource in Backlog.

use axum::response::Response;
use axum::routing::patch;
use serde::{Deserialize, Serialize};

use super::projects;
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::routing::{Routes, Segment, Segments, json};
use crate::store::State as Store;
use crate::table::{Id, in_project, keyed_by_id};
use crate::time::Date;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Version {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub description: String,
    pub start_date: Option<Date>,
    pub release_due_date: Option<Date>,
    pub archived: bool,
    pub display_order: u32,
}

keyed_by_id!(Version);
in_project!(Version);

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/projects/{projectIdOrKey}/versions",
            projects::list(|state| &state.versions).post(add_version),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/versions/{id}",
            patch(update_version).delete(delete_version),
        )
}

/// `{id}` of a version of the project `{projectIdOrKey}`.
fn find<'a>(state: &'a Store, project: &str, id: &str) -> ApiResult<&'a Version> {
    let project_id = projects::find(state, project)?.id;
    id.parse()
        .ok()
        .and_then(|id| state.versions.get(id))
        .filter(|v| v.project_id == project_id)
        .ok_or_else(|| ApiError::not_found("No version."))
}

/// The fields both create and update take: `name*` (unique in the project; required on
/// update too, as in Backlog), `description`, `startDate`, `releaseDueDate`, `archived`.
fn apply(state: &Store, version: &mut Version, params: &Params) -> ApiResult<()> {
    let name = params.required_text("name")?;
    let taken = state
        .versions
        .of_project(version.project_id)
        .any(|v| v.name == name && v.id != version.id);
    if taken {
        return Err(ApiError::bad_request(format!(
            "Version name '{name}' is already used."
        )));
    }
    version.name = name.to_owned();
    if let Some(description) = params.get("description") {
        version.description = description.to_owned();
    }
    if params.contains("startDate") {
        version.start_date = params.date("startDate")?;
    }
    if params.contains("releaseDueDate") {
        version.release_due_date = params.date("releaseDueDate")?;
    }
    if let (Some(start), Some(due)) = (version.start_date, version.release_due_date)
        && start > due
    {
        return Err(ApiError::bad_request(
            "'releaseDueDate' must not be earlier than 'startDate'.",
        ));
    }
    if let Some(archived) = params.boolean("archived")? {
        version.archived = archived;
    }
    Ok(())
}

async fn add_version(app: App, Segment(project): Segment, params: Params) -> ApiResult<Response> {
    let mut state = app.state();
    let project_id = projects::find(&state, &project)?.id;
    let versions = state.versions.of_project(project_id);
    let mut draft = Version {
        id: 0,
        project_id,
        name: String::new(),
        description: String::new(),
        start_date: None,
        release_due_date: None,
        archived: false,
        display_order: projects::next_display_order(versions, |v| v.display_order),
    };
    apply(&state, &mut draft, &params)?;
    Ok(json(state.versions.insert(|id| Version { id, ..draft })))
}

async fn update_version(
    app: App,
    Segments([project, id]): Segments<2>,
    params: Params,
) -> ApiResult<Response> {
    let mut state = app.state();
    let mut version = find(&state, &project, &id)?.clone();
    apply(&state, &mut version, &params)?;
    let body = json(&version);
    state.versions.replace(version);
    Ok(body)
}

/// Answers with the deleted version, which no issue keeps as a version or milestone.
async fn delete_version(app: App, Segments([project, id]): Segments<2>) -> ApiResult<Response> {
    let mut state = app.state();
    let id = find(&state, &project, &id)?.id;
    let version = state.versions.remove(id).expect("found");
    for issue in state.issues.iter_mut() {
        issue.version_ids.retain(|v| *v != id);
        issue.milestone_ids.retain(|v| *v != id);
    }
    Ok(json(version))
}
