//! `/space…`, plus the space-wide `/priorities` and `/resolutions`.

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use super::Cursor;
use crate::AppState;
use crate::error::ApiResult;
use crate::params::Params;
use crate::render;
use crate::store::{Id, State as Store};

pub async fn get_space(State(app): State<AppState>) -> Json<Value> {
    Json(render::space(&app.state()))
}

pub async fn get_space_activities(
    State(app): State<AppState>,
    params: Params,
) -> ApiResult<Json<Value>> {
    activities(&app.state(), &params, None).map(Json)
}

/// `activityTypeId[]` + cursor paging over the activities, optionally of one user only.
pub fn activities(state: &Store, params: &Params, user_id: Option<Id>) -> ApiResult<Value> {
    let types = params.int_list("activityTypeId")?.unwrap_or_default();
    let cursor = Cursor::parse(params)?;
    let matching = state
        .activities
        .iter()
        .filter(|a| user_id.is_none_or(|id| a.created_user_id == id))
        .filter(|a| types.is_empty() || types.contains(&u64::from(a.type_id)))
        .collect();
    let page = cursor.page(matching, |a| a.id);
    Ok(page
        .into_iter()
        .map(|a| render::activity(state, a))
        .collect())
}

pub async fn get_priorities(State(app): State<AppState>) -> Json<Value> {
    Json(app.state().priorities.iter().map(render::named).collect())
}

pub async fn get_resolutions(State(app): State<AppState>) -> Json<Value> {
    Json(app.state().resolutions.iter().map(render::named).collect())
}
