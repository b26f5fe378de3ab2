//! `/space/activities` and `/users/{userId}/activities`: the log of what happened to
//! issues, wiki pages and pull requests, which every write and comment on them adds to.
//! The seeded log is generated from the seeded issues, pull requests and their comments.

use axum::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::comments::{ChangeLog, Comment};
use super::issues::Issue;
use super::users;
use crate::App;
use crate::error::ApiResult;
use crate::paging::Cursor;
use crate::params::Params;
use crate::routing::{Routes, Segment};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

/// Backlog activity types the sandbox produces.
pub mod activity_type {
    pub const ISSUE_CREATED: u32 = 1;
    pub const ISSUE_UPDATED: u32 = 2;
    pub const ISSUE_COMMENTED: u32 = 3;
    pub const ISSUE_DELETED: u32 = 4;
    pub const WIKI_CREATED: u32 = 5;
    pub const WIKI_UPDATED: u32 = 6;
    pub const PULL_REQUEST_ADDED: u32 = 18;
    pub const PULL_REQUEST_UPDATED: u32 = 19;
    pub const PULL_REQUEST_COMMENTED: u32 = 20;
}

#[derive(Clone, Debug)]
pub struct Activity {
    pub id: Id,
    pub project_id: Id,
    pub type_id: u32,
    /// Type-specific payload, already in Backlog's (snake_case) shape.
    pub content: Value,
    pub created_user_id: Id,
    pub created: Timestamp,
}

keyed_by_id!(Activity);

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/space/activities", get(get_space_activities))
        .route(
            "/api/v2/users/{userId}/activities",
            get(get_user_activities),
        )
}

impl Activity {
    /// An activity on an issue (types 1–4); its id is given when it is logged.
    fn on_issue(
        type_id: u32,
        issue: &Issue,
        comment: Option<&Comment>,
        changes: &[ChangeLog],
        created_user_id: Id,
        created: Timestamp,
    ) -> Activity {
        Activity {
            id: 0,
            project_id: issue.project_id,
            type_id,
            content: issue_content(issue, comment, changes),
            created_user_id,
            created,
        }
    }
}

/// Logs what the key's owner did to `issue` (activity types 1–4).
pub fn record_issue(
    state: &mut Store,
    type_id: u32,
    issue: &Issue,
    comment: Option<&Comment>,
    changes: &[ChangeLog],
    at: Timestamp,
) {
    let activity = Activity::on_issue(type_id, issue, comment, changes, state.myself_id, at);
    state.activities.insert(|id| Activity { id, ..activity });
}

/// Logs what the key's owner did, `content` already in Backlog's shape for `type_id`.
pub fn record(state: &mut Store, project_id: Id, type_id: u32, content: Value, at: Timestamp) {
    let created_user_id = state.myself_id;
    state.activities.insert(|id| Activity {
        id,
        project_id,
        type_id,
        content,
        created_user_id,
        created: at,
    });
}

/// The `changes` of an activity's content, in Backlog's snake_case.
pub fn changes_content(changes: &[ChangeLog]) -> Value {
    changes
        .iter()
        .map(|c| {
            json!({
                "field": c.field,
                "new_value": c.new_value,
                "old_value": c.original_value,
                "type": "standard",
            })
        })
        .collect()
}

/// The `content` of an issue activity, in Backlog's snake_case.
fn issue_content(issue: &Issue, comment: Option<&Comment>, changes: &[ChangeLog]) -> Value {
    let mut content = json!({
        "id": issue.id,
        "key_id": issue.key_id,
        "summary": issue.summary,
        "description": issue.description,
    });
    if let Some(comment) = comment {
        content["comment"] = json!({ "id": comment.id, "content": comment.content });
    }
    if !changes.is_empty() {
        content["changes"] = changes_content(changes);
    }
    content
}

/// One "created" activity per issue, one "updated" per issue edited after creation, one
/// "commented" per comment, and the pull requests' (`git::seeded_activities`); ids follow
/// time order, as in Backlog.
pub fn seed(state: &mut Store) {
    use activity_type::{ISSUE_COMMENTED, ISSUE_CREATED, ISSUE_UPDATED};
    let mut pending = Vec::new();
    for issue in &state.issues {
        let (author, created) = (issue.created_user_id, issue.created);
        let create = Activity::on_issue(ISSUE_CREATED, issue, None, &[], author, created);
        pending.push(create);
        if issue.updated != issue.created {
            // The seed keeps no history; the status is taken to have come from its neighbour.
            let status = state.statuses.get((issue.project_id, issue.status_id));
            let original = if issue.status_id == 1 {
                "In Progress"
            } else {
                "Open"
            };
            let change = ChangeLog {
                field: "status".into(),
                new_value: status.map_or(String::new(), |s| s.name.clone()),
                original_value: original.into(),
                attachment_id: None,
            };
            let (editor, updated) = (issue.updated_user_id, issue.updated);
            let update = Activity::on_issue(ISSUE_UPDATED, issue, None, &[change], editor, updated);
            pending.push(update);
        }
    }
    for comment in &state.comments {
        let issue = state.issues.get(comment.issue_id).expect("seeded issue");
        let (author, created) = (comment.created_user_id, comment.created);
        let commented =
            Activity::on_issue(ISSUE_COMMENTED, issue, Some(comment), &[], author, created);
        pending.push(commented);
    }
    pending.extend(super::git::seeded_activities(state));
    pending.sort_by_key(|activity| activity.created);
    for activity in pending {
        state.activities.insert(|id| Activity { id, ..activity });
    }
}

/// Backlog's activity object: hand-built, since it nests the project and the user.
fn render(state: &Store, activity: &Activity) -> Value {
    json!({
        "id": activity.id,
        "project": state.projects.get(activity.project_id),
        "type": activity.type_id,
        "content": activity.content,
        "notifications": [],
        "createdUser": state.users.get(activity.created_user_id),
        "created": activity.created,
    })
}

async fn get_space_activities(app: App, params: Params) -> ApiResult<Json<Value>> {
    page(&app.state(), &params, None)
}

async fn get_user_activities(
    app: App,
    Segment(user): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let user_id = users::find(&state, &user)?.id;
    page(&state, &params, Some(user_id))
}

/// `activityTypeId[]` + cursor paging over the activities, optionally of one user only.
fn page(state: &Store, params: &Params, user_id: Option<Id>) -> ApiResult<Json<Value>> {
    let types = params.int_list("activityTypeId")?.unwrap_or_default();
    let cursor = Cursor::parse(params)?;
    let matching = state
        .activities
        .iter()
        .filter(|a| user_id.is_none_or(|id| a.created_user_id == id))
        .filter(|a| types.is_empty() || types.contains(&u64::from(a.type_id)))
        .collect();
    let page = cursor.page(matching, |a| a.id);
    Ok(Json(page.into_iter().map(|a| render(state, a)).collect()))
}
