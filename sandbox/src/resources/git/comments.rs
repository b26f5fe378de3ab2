//! `…/pullRequests/{number}/comments…`: a pull request's comments, including those an
//! update leaves with its change log.

use axum::Json;
use axum::response::Response;
use axum::routing::{get, patch};
use serde::Deserialize;
use serde_json::{Value, json};

use super::pull_requests::{self, PullRequest, notified_users};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::Cursor;
use crate::params::Params;
use crate::resources::activities::{self, activity_type};
use crate::resources::comments::{ChangeLog, edit, notifications};
use crate::routing::{Routes, Segments, count};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

/// Notification reason 11: a pull request was commented on.
const PULL_REQUEST_COMMENTED: u32 = 11;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullRequestComment {
    pub id: Id,
    pub pull_request_id: Id,
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

keyed_by_id!(PullRequestComment);

pub(super) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/{number}/comments",
            get(get_comments).post(add_comment),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/{number}/comments/count",
            get(count_comments),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/{number}/comments/{commentId}",
            patch(update_comment),
        )
}

/// Adds a comment by the key's owner to `pr`, and returns it.
pub(super) fn add<'a>(
    state: &'a mut Store,
    pr: &PullRequest,
    content: Option<String>,
    change_log: Vec<ChangeLog>,
    notified_user_ids: Vec<Id>,
    now: Timestamp,
) -> &'a PullRequestComment {
    let created_user_id = state.myself_id;
    state.pull_request_comments.insert(|id| PullRequestComment {
        id,
        pull_request_id: pr.id,
        content,
        change_log,
        notified_user_ids,
        created_user_id,
        created: now,
        updated: now,
    })
}

/// Backlog's PRComment object.
fn render(state: &Store, comment: &PullRequestComment) -> Value {
    let change_log: Vec<Value> = comment
        .change_log
        .iter()
        .map(|change| {
            json!({
                "field": change.field,
                "newValue": change.new_value,
                "originalValue": change.original_value,
            })
        })
        .collect();
    let notified = &comment.notified_user_ids;
    json!({
        "id": comment.id,
        "content": comment.content,
        "changeLog": change_log,
        "createdUser": state.users.get(comment.created_user_id),
        "created": comment.created,
        "updated": comment.updated,
        "stars": [],
        "notifications": notifications(state, comment.id, notified, PULL_REQUEST_COMMENTED),
    })
}

fn of(state: &Store, pull_request_id: Id) -> impl Iterator<Item = &PullRequestComment> {
    state
        .pull_request_comments
        .iter()
        .filter(move |c| c.pull_request_id == pull_request_id)
}

/// `minId`, `maxId`, `count`, `order` (default desc).
async fn get_comments(
    app: App,
    Segments(path): Segments<3>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let pr = pull_requests::find(&state, &path)?;
    let cursor = Cursor::parse(&params)?;
    let page = cursor.page(of(&state, pr.id).collect(), |c| c.id);
    Ok(Json(page.into_iter().map(|c| render(&state, c)).collect()))
}

async fn count_comments(app: App, Segments(path): Segments<3>) -> ApiResult<Response> {
    let state = app.state();
    let pr = pull_requests::find(&state, &path)?;
    Ok(count(of(&state, pr.id).count()))
}

/// `content*`, `notifiedUserId[]`.
async fn add_comment(
    app: App,
    Segments(path): Segments<3>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let mut pr = pull_requests::find(&state, &path)?.clone();
    let content = params.required_text("content")?.to_owned();
    let notified = notified_users(&state, &params)?;
    let now = state.tick();
    pr.updated = now;
    pr.updated_user_id = state.myself_id;
    let comment = add(&mut state, &pr, Some(content), Vec::new(), notified, now).clone();
    let content = pull_requests::activity_content(&state, &pr, Some(&comment), &[]);
    let commented = activity_type::PULL_REQUEST_COMMENTED;
    activities::record(&mut state, pr.project_id, commented, content, now);
    let body = Json(render(&state, &comment));
    state.pull_requests.replace(pr);
    Ok(body)
}

/// `content*`; only the author may edit a comment (403 + code 5 otherwise).
async fn update_comment(
    app: App,
    Segments([project, repository, number, comment]): Segments<4>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let pr_id = pull_requests::find(&state, &[project, repository, number])?.id;
    let mut comment = comment
        .parse()
        .ok()
        .and_then(|id| state.pull_request_comments.get(id))
        .filter(|c| c.pull_request_id == pr_id)
        .ok_or_else(|| ApiError::not_found("No comment."))?
        .clone();
    let (content, updated) = edit(&mut state, comment.created_user_id, &params)?;
    (comment.content, comment.updated) = (Some(content), updated);
    let body = Json(render(&state, &comment));
    state.pull_request_comments.replace(comment);
    Ok(body)
}
