//! `/issues…`: the issue and its routes. Each concern has its own file: `search.rs` (the
//! filters of `GET /issues` and `/issues/count`) and `sort.rs` (its sort keys),
//! `writes.rs` (create, update, delete), `fields.rs` (the writable fields and their
//! checks), `change_log.rs` (what an update changed), `render.rs` (Backlog's issue
//! object), `seed/` (the bulk issues of each space). Comments are their own resource.

mod change_log;
mod fields;
mod render;
mod search;
pub mod seed;
mod sort;
mod writes;

use std::collections::BTreeMap;

use axum::Json;
use axum::routing::get;
use serde_json::Value;

use self::change_log::changes;
pub use self::render::render;
use super::custom_fields::StoredValue;
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::routing::{Routes, Segment};
use crate::store::State as Store;
use crate::table::{Id, in_project, keyed_by_id};
use crate::time::{Date, Timestamp};

#[derive(Clone, Debug)]
pub struct Issue {
    pub id: Id,
    pub project_id: Id,
    pub key_id: u64,
    pub issue_type_id: Id,
    pub summary: String,
    pub description: String,
    pub resolution_id: Option<Id>,
    pub priority_id: Id,
    pub status_id: Id,
    pub assignee_id: Option<Id>,
    pub category_ids: Vec<Id>,
    pub version_ids: Vec<Id>,
    pub milestone_ids: Vec<Id>,
    pub start_date: Option<Date>,
    pub due_date: Option<Date>,
    pub estimated_hours: Option<f64>,
    pub actual_hours: Option<f64>,
    pub parent_issue_id: Option<Id>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated_user_id: Id,
    pub updated: Timestamp,
    /// Values by custom field id; a field without an entry is unset.
    pub custom: BTreeMap<Id, StoredValue>,
}

keyed_by_id!(Issue);
in_project!(Issue);

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/issues",
            get(search::get_issues).post(writes::add_issue),
        )
        .route("/api/v2/issues/count", get(search::count_issues))
        .route(
            "/api/v2/issues/{issueIdOrKey}",
            get(get_issue)
                .patch(writes::update_issue)
                .delete(writes::delete_issue),
        )
}

/// `{issueIdOrKey}`: a numeric id, else `PROJECTKEY-keyId`.
pub fn find<'a>(state: &'a Store, id_or_key: &str) -> ApiResult<&'a Issue> {
    let found = match id_or_key.parse::<Id>() {
        Ok(id) => state.issues.get(id),
        Err(_) => id_or_key
            .rsplit_once('-')
            .and_then(|(project_key, key_id)| {
                let project = state.projects.find(|p| p.project_key == project_key)?;
                let key_id = key_id.parse::<u64>().ok()?;
                state
                    .issues
                    .find(|i| i.project_id == project.id && i.key_id == key_id)
            }),
    };
    found.ok_or_else(ApiError::no_issue)
}

/// `DEMO-12`.
pub fn key(state: &Store, issue: &Issue) -> String {
    let project = state.projects.get(issue.project_id);
    let project_key = project.map_or("", |p| p.project_key.as_str());
    format!("{project_key}-{}", issue.key_id)
}

/// The issues whose parent is `issue_id`.
pub fn children(state: &Store, issue_id: Id) -> impl Iterator<Item = &Issue> {
    state
        .issues
        .iter()
        .filter(move |i| i.parent_issue_id == Some(issue_id))
}

async fn get_issue(app: App, Segment(issue): Segment) -> ApiResult<Json<Value>> {
    let state = app.state();
    let issue = find(&state, &issue)?;
    // Serialized once the lock is released, as this is the hot path of every benchmark.
    Ok(Json(render(&state, issue)))
}
