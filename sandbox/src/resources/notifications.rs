//! `/notifications…`: the notifications of the key's owner. Two flags per notification:
//! `alreadyRead`, whether the owner has seen it in the list since last checking (what the
//! unread badge counts, reset all at once by `POST /notifications/markAsRead` or one by one
//! by `POST /notifications/{id}/markAsRead`), and `resourceAlreadyRead`, whether the issue
//! or comment it is about has been read, which neither of those changes.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{comments, issues};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::Cursor;
use crate::params::Params;
use crate::routing::{Routes, Segment, count};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Notification {
    pub id: Id,
    pub already_read: bool,
    /// 1 assigned, 2 commented, 3 issue created, 4 issue updated, … (backlog-api.md §3).
    pub reason: u32,
    pub resource_already_read: bool,
    pub project_id: Id,
    pub issue_id: Option<Id>,
    pub comment_id: Option<Id>,
    pub sender_id: Id,
    pub created: Timestamp,
}

keyed_by_id!(Notification);

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/notifications", get(get_notifications))
        .route("/api/v2/notifications/count", get(count_notifications))
        .route("/api/v2/notifications/markAsRead", post(reset_unread))
        .route("/api/v2/notifications/{id}/markAsRead", post(mark_as_read))
}

/// An issue or comment deleted since answers as `null`.
fn render(state: &Store, notification: &Notification) -> Value {
    let issue = notification.issue_id.and_then(|id| state.issues.get(id));
    let comment = notification
        .comment_id
        .and_then(|id| state.comments.get(id));
    json!({
        "id": notification.id,
        "alreadyRead": notification.already_read,
        "reason": notification.reason,
        "resourceAlreadyRead": notification.resource_already_read,
        "project": state.projects.get(notification.project_id),
        "issue": issue.map(|i| issues::render(state, i)),
        "comment": comment.map(|c| comments::render(state, c)),
        "pullRequest": null,
        "pullRequestComment": null,
        "sender": state.users.get(notification.sender_id),
        "created": notification.created,
    })
}

async fn get_notifications(app: App, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let cursor = Cursor::parse(&params)?;
    let page = cursor.page(state.notifications.iter().collect(), |n| n.id);
    Ok(Json(page.into_iter().map(|n| render(&state, n)).collect()))
}

/// The notifications whose flags match each of `alreadyRead` and `resourceAlreadyRead`
/// that is given.
async fn count_notifications(app: App, params: Params) -> ApiResult<Response> {
    let already_read = params.boolean("alreadyRead")?;
    let resource_already_read = params.boolean("resourceAlreadyRead")?;
    let state = app.state();
    let matching = state
        .notifications
        .iter()
        .filter(|n| already_read.is_none_or(|read| n.already_read == read))
        .filter(|n| resource_already_read.is_none_or(|read| n.resource_already_read == read))
        .count();
    Ok(count(matching))
}

/// Resets the unread count: every notification is now seen (`alreadyRead`), none is
/// thereby read (`resourceAlreadyRead` stays). Answers the unread count left, 0.
async fn reset_unread(app: App) -> Response {
    let mut state = app.state();
    for notification in state.notifications.iter_mut() {
        notification.already_read = true;
    }
    let unread = state.notifications.iter().filter(|n| !n.already_read);
    count(unread.count())
}

/// 204 with an empty body, as Backlog answers.
async fn mark_as_read(app: App, Segment(id): Segment) -> ApiResult<Response> {
    let mut state = app.state();
    let notification = id
        .parse()
        .ok()
        .and_then(|id| state.notifications.get_mut(id))
        .ok_or_else(|| ApiError::not_found("No notification."))?;
    notification.already_read = true;
    Ok(StatusCode::NO_CONTENT.into_response())
}
