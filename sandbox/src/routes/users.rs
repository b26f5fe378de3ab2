//! `/users…`.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::Segment;
use super::space::activities;
use crate::AppState;
use crate::error::ApiResult;
use crate::params::Params;
use crate::render;

pub async fn get_users(State(app): State<AppState>) -> Json<Value> {
    Json(app.state().users.iter().map(render::user).collect())
}

pub async fn get_myself(State(app): State<AppState>) -> Json<Value> {
    let state = app.state();
    Json(
        state
            .user(state.myself_id)
            .map(render::user)
            .unwrap_or_default(),
    )
}

pub async fn get_user(
    State(app): State<AppState>,
    Segment(user): Segment,
) -> ApiResult<Json<Value>> {
    app.state()
        .user_by_segment(&user)
        .map(|u| Json(render::user(u)))
}

pub async fn get_user_activities(
    State(app): State<AppState>,
    Segment(user): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let user_id = state.user_by_segment(&user)?.id;
    activities(&state, &params, Some(user_id)).map(Json)
}

/// Stars the user received, `since`/`until` inclusive.
pub async fn get_user_stars_count(
    State(app): State<AppState>,
    Segment(user): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let user_id = state.user_by_segment(&user)?.id;
    let (since, until) = (params.date("since")?, params.date("until")?);
    let count = state
        .stars
        .iter()
        .filter(|s| s.user_id == user_id)
        .filter(|s| since.is_none_or(|d| s.created.date() >= d))
        .filter(|s| until.is_none_or(|d| s.created.date() <= d))
        .count();
    Ok(Json(json!({ "count": count })))
}
