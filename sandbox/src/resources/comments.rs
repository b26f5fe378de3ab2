//! `/issues/{issueIdOrKey}/comments…`: an issue's comments, including those an update
//! leaves with its change log.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use super::activities::{self, activity_type};
use super::issues::{self, Issue};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::paging::Cursor;
use crate::params::Params;
use crate::routing::{Routes, Segment, count};
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

/// Backlog's comment object: hand-built, since it nests users and notifications.
pub(crate) fn render(state: &Store, comment: &Comment) -> Value {
    let user = |id: Id| state.users.get(id);
    let notifications: Vec<Value> = comment
        .notified_user_ids
        .iter()
        .enumerate()
        .map(|(n, user_id)| {
            json!({
                "id": comment.id * 1000 + n as u64,
                "alreadyRead": false,
                "reason": 2,
                "user": user(*user_id),
                "resourceAlreadyRead": false,
            })
        })
        .collect();
    let change_log: Vec<Value> = comment
        .change_log
        .iter()
        .map(|change| {
            json!({
                "field": change.field,
                "newValue": change.new_value,
                "originalValue": change.original_value,
                "attachmentInfo": null,
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

async fn get_comments(
    State(app): State<AppState>,
    Segment(issue): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
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

async fn count_comments(
    State(app): State<AppState>,
    Segment(issue): Segment,
) -> ApiResult<Response> {
    let state = app.state();
    let issue_id = issues::find(&state, &issue)?.id;
    let comments = state.comments.iter().filter(|c| c.issue_id == issue_id);
    Ok(count(comments.count()))
}

async fn add_comment(
    State(app): State<AppState>,
    Segment(issue): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let mut issue = issues::find(&state, &issue)?.clone();
    let content = params.required_text("content")?.to_owned();
    let notified = params.int_list("notifiedUserId")?.unwrap_or_default();
    if notified.iter().any(|id| state.users.get(*id).is_none()) {
        return Err(ApiError::invalid("notifiedUserId[]"));
    }
    // The sandbox has no attachment upload, so no attachment id can be valid.
    if params
        .int_list("attachmentId")?
        .is_some_and(|ids| !ids.is_empty())
    {
        return Err(ApiError::invalid("attachmentId[]"));
    }
    let now = state.tick();
    issue.updated = now;
    issue.updated_user_id = state.myself_id;
    let comment = add(&mut state, &issue, Some(content), Vec::new(), notified, now).clone();
    let commented = activity_type::ISSUE_COMMENTED;
    activities::record_issue(&mut state, commented, &issue, Some(&comment), &[], now);
    let body = Json(render(&state, &comment));
    state.issues.replace(issue);
    Ok(body)
}
