//! `/users/{userId}/stars` and `…/stars/count`: stars a user received. A star on a wiki
//! page is also listed in that page's `stars`.

use axum::Json;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use super::users;
use crate::App;
use crate::error::ApiResult;
use crate::paging::Cursor;
use crate::params::Params;
use crate::routing::{Routes, Segment, count};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

/// A star received by `user_id` (the author of what was starred) from `presenter_id`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Star {
    pub id: Id,
    pub user_id: Id,
    pub presenter_id: Id,
    /// What was starred, as Backlog titles it (`[DEMO-1] summary`, a page name).
    pub title: String,
    pub url: String,
    pub comment: Option<String>,
    /// The wiki page starred, when it is one.
    pub wiki_id: Option<Id>,
    pub created: Timestamp,
}

keyed_by_id!(Star);

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/users/{userId}/stars", get(get_stars))
        .route("/api/v2/users/{userId}/stars/count", get(count_stars))
}

/// Backlog's star object: id, comment, url, title, presenter, created.
pub fn render(state: &Store, star: &Star) -> Value {
    json!({
        "id": star.id,
        "comment": star.comment,
        "url": star.url,
        "title": star.title,
        "presenter": state.users.get(star.presenter_id),
        "created": star.created,
    })
}

/// Stars the user received, newest first, paged by `minId`/`maxId`/`count`/`order`.
async fn get_stars(app: App, Segment(user): Segment, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let user_id = users::find(&state, &user)?.id;
    let cursor = Cursor::parse(&params)?;
    let received = state
        .stars
        .iter()
        .filter(|s| s.user_id == user_id)
        .collect();
    let page = cursor.page(received, |s| s.id);
    Ok(Json(page.into_iter().map(|s| render(&state, s)).collect()))
}

/// Stars the user received, `since`/`until` inclusive.
async fn count_stars(app: App, Segment(user): Segment, params: Params) -> ApiResult<Response> {
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
