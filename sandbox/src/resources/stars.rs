//! `/users/{userId}/stars/count`: stars a user received.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::users;
use crate::AppState;
use crate::error::ApiResult;
use crate::params::Params;
use crate::routing::{Routes, Segment, count};
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

/// A star received by `user_id`; only counted, so only who and when are kept.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Star {
    pub id: Id,
    pub user_id: Id,
    pub created: Timestamp,
}

keyed_by_id!(Star);

pub(crate) fn routes() -> Routes {
    Routes::new().route("/api/v2/users/{userId}/stars/count", get(count_stars))
}

/// Stars the user received, `since`/`until` inclusive.
async fn count_stars(
    State(app): State<AppState>,
    Segment(user): Segment,
    params: Params,
) -> ApiResult<Response> {
    let state = app.state();
    let user_id = users::find(&state, &user)?.id;
    let (since, until) = (params.date("since")?, params.date("until")?);
    let stars = state
        .stars
        .iter()
        .filter(|s| s.user_id == user_id)
        .filter(|s| since.is_none_or(|d| s.created.date() >= d))
        .filter(|s| until.is_none_or(|d| s.created.date() <= d))
        .count();
    Ok(count(stars))
}
