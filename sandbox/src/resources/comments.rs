//! `/issues/{issueIdOrKey}/comments…`: an issue's comments, including those an update
//! leaves with its change log.

use axum::Json;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use super::activities::{self, activity_type};
use super::attachments::{self, Parent};
use super::issues::{self, Issue};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::Cursor;
use crate::params::Params;
use crate::routing::{Routes, Segment, Segments, count};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Comment {
    pub id: Id,
    pub project_id: Id,
    pub issue_id: Id,
    /// `None` for an update that changed fields without a comment text.
    pub content: Option<String>,
    #[serde(skip)]
    pub change_log: Vec<ChangeLog>,
    #[serde(default)]
    pub notified_user_ids: Vec<Id>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
}

keyed_by_id!(Comment);

/// One changed field of an update.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeLog {
    pub field: String,
    pub new_value: String,
    pub original_value: String,
    /// The attachment an `attachment` entry adds or removes.
    pub attachment_id: Option<Id>,
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/issues/{issueIdOrKey}/comments",
            get(get_comments).post(add_comment),
        )
        .route(
            "/api/v2/issues/{issueIdOrKey}/comments/count",
            get(count_comments),
        )
        .route(
            "/api/v2/issues/{issueIdOrKey}/comments/{commentId}",
            get(get_comment).patch(update_comment),
        )
}

/// Adds a comment by the key's owner to `issue`, and returns it.
pub fn add<'a>(
    state: &'a mut Store,
    issue: &Issue,
    content: Option<String>,
    change_log: Vec<ChangeLog>,
    notified_user_ids: Vec<Id>,
    now: Timestamp,
) -> &'a Comment {
    let created_user_id = state.myself_id;
    state.comments.insert(|id| Comment {
        id,
        project_id: issue.project_id,
        issue_id: issue.id,
        content,
        change_log,
        notified_user_ids,
        created_user_id,
        created: now,
        updated: now,
    })
}

/// The `notifications` of a comment (issue or pull request) that notified `user_ids`,
/// for `reason` (2 issue commented, 11 pull request commented).
pub fn notifications(state: &Store, comment_id: Id, user_ids: &[Id], reason: u32) -> Vec<Value> {
    let notification = |(n, user_id): (usize, &Id)| {
        json!({
            "id": comment_id * 1000 + n as u64,
            "alreadyRead": false,
            "reason": reason,
            "user": state.users.get(*user_id),
            "resourceAlreadyRead": false,
        })
    };
    user_ids.iter().enumerate().map(notification).collect()
}

/// Backlog's comment object: hand-built, since it nests users and notifications.
pub fn render(state: &Store, comment: &Comment) -> Value {
    let user = |id: Id| state.users.get(id);
    let notifications = notifications(state, comment.id, &comment.notified_user_ids, 2);
    let change_log: Vec<Value> = comment
        .change_log
        .iter()
        .map(|change| {
            json!({
                "field": change.field,
                "newValue": change.new_value,
                "originalValue": change.original_value,
                "attachmentInfo": change.attachment_id.map(|id| json!({"id": id, "type": "file"})),
                "attributeInfo": null,
                "notificationInfo": null,
            })
        })
        .collect();
    json!({
        "id": comment.id,
        "projectId": comment.project_id,
        "issueId": comment.issue_id,
        "content": comment.content,
        "changeLog": change_log,
        "createdUser": user(comment.created_user_id),
        "created": comment.created,
        "updated": comment.updated,
        "stars": [],
        "notifications": notifications,
    })
}

async fn get_comments(app: App, Segment(issue): Segment, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let issue_id = issues::find(&state, &issue)?.id;
    let cursor = Cursor::parse(&params)?;
    let comments = state
        .comments
        .iter()
        .filter(|c| c.issue_id == issue_id)
        .collect();
    let page = cursor.page(comments, |c| c.id);
    Ok(Json(page.into_iter().map(|c| render(&state, c)).collect()))
}

async fn count_comments(app: App, Segment(issue): Segment) -> ApiResult<Response> {
    let state = app.state();
    let issue_id = issues::find(&state, &issue)?.id;
    let comments = state.comments.iter().filter(|c| c.issue_id == issue_id);
    Ok(count(comments.count()))
}

async fn add_comment(app: App, Segment(issue): Segment, params: Params) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let mut issue = issues::find(&state, &issue)?.clone();
    let content = params.required_text("content")?.to_owned();
    let notified = params.int_list("notifiedUserId")?.unwrap_or_default();
    if notified.iter().any(|id| state.users.get(*id).is_none()) {
        return Err(ApiError::invalid("notifiedUserId[]"));
    }
    // The files go to the issue; the comment's change log names them.
    let uploads = attachments::pending(&state, &params)?;
    let changes = attachments::attach(&mut state, &uploads, Parent::Issue(issue.id));
    let now = state.tick();
    issue.updated = now;
    issue.updated_user_id = state.myself_id;
    let comment = add(&mut state, &issue, Some(content), changes, notified, now).clone();
    let commented = activity_type::ISSUE_COMMENTED;
    activities::record_issue(&mut state, commented, &issue, Some(&comment), &[], now);
    let body = Json(render(&state, &comment));
    state.issues.replace(issue);
    Ok(body)
}

/// `{commentId}` of the issue `{issueIdOrKey}`.
fn find<'a>(state: &'a Store, issue: &str, comment: &str) -> ApiResult<&'a Comment> {
    let issue_id = issues::find(state, issue)?.id;
    comment
        .parse()
        .ok()
        .and_then(|id| state.comments.get(id))
        .filter(|c| c.issue_id == issue_id)
        .ok_or_else(|| ApiError::not_found("No comment."))
}

/// An edit of the text of a comment (an issue's or a pull request's) by `author`:
/// `content*`, which Backlog lets only the author change (403 + code 5 for anyone else).
/// Returns the new text and the time of the edit.
pub fn edit(state: &mut Store, author: Id, params: &Params) -> ApiResult<(String, Timestamp)> {
    if author != state.myself_id {
        let message = "You may only edit your own comments.";
        return Err(ApiError::unauthorized_operation(message));
    }
    let content = params.required_text("content")?.to_owned();
    Ok((content, state.tick()))
}

async fn get_comment(app: App, Segments([issue, comment]): Segments<2>) -> ApiResult<Json<Value>> {
    let state = app.state();
    let comment = find(&state, &issue, &comment)?;
    Ok(Json(render(&state, comment)))
}

/// `content*` replaces the text; the change log and notifications stay.
async fn update_comment(
    app: App,
    Segments([issue, comment]): Segments<2>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let mut comment = find(&state, &issue, &comment)?.clone();
    let (content, updated) = edit(&mut state, comment.created_user_id, &params)?;
    (comment.content, comment.updated) = (Some(content), updated);
    let body = Json(render(&state, &comment));
    state.comments.replace(comment);
    Ok(body)
}
