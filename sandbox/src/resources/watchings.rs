//! `/watchings…` and `/users/{userId}/watchings…`: issues a user watches. A watching is
//! read (`resourceAlreadyRead`) when it was marked read at or after the issue's last
//! update, so updating the issue makes it unread again, as in Backlog. A watching of an
//! issue deleted since is gone from every answer.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::issues::{self, Issue};
use super::users;
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::{ascending_param, count_param, sort_by};
use crate::params::Params;
use crate::routing::{Routes, Segment, count};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Watching {
    pub id: Id,
    /// Who watches.
    pub user_id: Id,
    pub issue_id: Id,
    pub note: String,
    /// When it was last marked read (or created); `None` if never.
    pub read_at: Option<Timestamp>,
    pub created: Timestamp,
    pub updated: Timestamp,
}

keyed_by_id!(Watching);

impl Watching {
    fn resource_already_read(&self, issue: &Issue) -> bool {
        self.read_at.is_some_and(|at| at >= issue.updated)
    }
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/users/{userId}/watchings", get(get_watchings))
        .route(
            "/api/v2/users/{userId}/watchings/count",
            get(count_watchings),
        )
        .route("/api/v2/watchings", post(add_watching))
        .route(
            "/api/v2/watchings/{watchId}",
            get(get_watching)
                .patch(update_watching)
                .delete(delete_watching),
        )
        .route("/api/v2/watchings/{watchId}/markAsRead", post(mark_as_read))
}

fn no_watching() -> ApiError {
    ApiError::not_found("No watching.")
}

/// `{watchId}`: the numeric id of a watching whose issue still exists.
fn find<'a>(state: &'a Store, watch_id: &str) -> ApiResult<(&'a Watching, &'a Issue)> {
    let watching = watch_id
        .parse()
        .ok()
        .and_then(|id| state.watchings.get(id))
        .ok_or_else(no_watching)?;
    let issue = state
        .issues
        .get(watching.issue_id)
        .ok_or_else(no_watching)?;
    Ok((watching, issue))
}

fn render(state: &Store, watching: &Watching, issue: &Issue) -> Value {
    json!({
        "id": watching.id,
        "resourceAlreadyRead": watching.resource_already_read(issue),
        "note": watching.note,
        "type": "issue",
        "issue": issues::render(state, issue),
        "lastContentUpdated": issue.updated,
        "created": watching.created,
        "updated": watching.updated,
    })
}

/// The user's watchings with their issues, filtered by `resourceAlreadyRead` and by
/// `alreadyRead`, which the count endpoint accepts as another name of the same flag.
fn of_user<'a>(
    state: &'a Store,
    user: &str,
    params: &Params,
) -> ApiResult<Vec<(&'a Watching, &'a Issue)>> {
    let user_id = users::find(state, user)?.id;
    let read = params.boolean("resourceAlreadyRead")?;
    let also_read = params.boolean("alreadyRead")?;
    Ok(state
        .watchings
        .iter()
        .filter(|w| w.user_id == user_id)
        .filter_map(|w| Some((w, state.issues.get(w.issue_id)?)))
        .filter(|(w, i)| {
            let flag = w.resource_already_read(i);
            read.is_none_or(|r| r == flag) && also_read.is_none_or(|r| r == flag)
        })
        .collect())
}

/// `sort` is `created`, `updated` or `issueUpdated` (the default), newest first unless
/// `order=asc`; `issueId[]` narrows to those issues; `offset` + `count` page.
async fn get_watchings(app: App, Segment(user): Segment, params: Params) -> ApiResult<Json<Value>> {
    type SortKey = fn(&Watching, &Issue) -> Timestamp;
    let by: SortKey = match params.get("sort") {
        None | Some("") | Some("issueUpdated") => |_, i| i.updated,
        Some("created") => |w, _| w.created,
        Some("updated") => |w, _| w.updated,
        Some(_) => return Err(ApiError::invalid("sort")),
    };
    let ascending = ascending_param(&params)?;
    let count = count_param(&params)?;
    let offset = params.int("offset")?.unwrap_or(0) as usize;
    let issue_ids = params.int_list("issueId")?.unwrap_or_default();
    let state = app.state();
    let mut found = of_user(&state, &user, &params)?;
    found.retain(|(w, _)| issue_ids.is_empty() || issue_ids.contains(&w.issue_id));
    sort_by(&mut found, ascending, |(w, i)| (by(w, i), w.id));
    let page = found.into_iter().skip(offset).take(count);
    Ok(Json(page.map(|(w, i)| render(&state, w, i)).collect()))
}

async fn count_watchings(app: App, Segment(user): Segment, params: Params) -> ApiResult<Response> {
    Ok(count(of_user(&app.state(), &user, &params)?.len()))
}

async fn get_watching(app: App, Segment(watch): Segment) -> ApiResult<Json<Value>> {
    let state = app.state();
    let (watching, issue) = find(&state, &watch)?;
    Ok(Json(render(&state, watching, issue)))
}

/// The key's owner starts watching `issueIdOrKey` (sent in the form, not the path); a
/// new watching is read.
async fn add_watching(app: App, params: Params) -> ApiResult<Json<Value>> {
    let issue = params.required_text("issueIdOrKey")?;
    let note = params.get("note").unwrap_or("").to_owned();
    let mut state = app.state();
    let issue = issues::find(&state, issue)?.clone();
    let myself = state.myself_id;
    if state
        .watchings
        .iter()
        .any(|w| w.user_id == myself && w.issue_id == issue.id)
    {
        return Err(ApiError::bad_request("The issue is already watched."));
    }
    let now = state.tick();
    let watching = state
        .watchings
        .insert(|id| Watching {
            id,
            user_id: myself,
            issue_id: issue.id,
            note,
            read_at: Some(now),
            created: now,
            updated: now,
        })
        .clone();
    Ok(Json(render(&state, &watching, &issue)))
}

/// `note` must be sent; it may be empty.
async fn update_watching(
    app: App,
    Segment(watch): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let note = params
        .get("note")
        .ok_or_else(|| ApiError::missing("note"))?;
    let mut state = app.state();
    let (watching, issue) = find(&state, &watch)?;
    let (mut watching, issue) = (watching.clone(), issue.clone());
    watching.note = note.to_owned();
    watching.updated = state.tick();
    let body = Json(render(&state, &watching, &issue));
    state.watchings.replace(watching);
    Ok(body)
}

async fn delete_watching(app: App, Segment(watch): Segment) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let (watching, issue) = find(&state, &watch)?;
    let body = Json(render(&state, watching, issue));
    let id = watching.id;
    state.watchings.remove(id);
    Ok(body)
}

/// 204 with an empty body, as Backlog answers; the watching reads as read until its issue
/// is next updated.
async fn mark_as_read(app: App, Segment(watch): Segment) -> ApiResult<Response> {
    let mut state = app.state();
    let id = find(&state, &watch)?.0.id;
    let now = state.now;
    if let Some(watching) = state.watchings.get_mut(id) {
        watching.read_at = Some(now);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
