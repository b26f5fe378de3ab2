//! `/projects/{projectIdOrKey}/git/repositories…`: a project's Git repositories and their
//! pull requests. Each concern has its own file: `pull_requests.rs` (the pull request,
//! its list, count and writes), `comments.rs` (its comments), `attachments.rs` (its files).
//! A repository's branches are seeded with it; pull requests must name two of them.

mod attachments;
mod comments;
mod pull_requests;

use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

pub use self::comments::PullRequestComment;
pub use self::pull_requests::PullRequest;
use super::activities::{Activity, activity_type};
use super::comments::ChangeLog;
use super::projects;
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::routing::{Routes, Segment, Segments, json};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Repository {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub description: String,
    pub hook_url: Option<String>,
    pub http_url: String,
    pub ssh_url: String,
    pub display_order: u32,
    pub pushed_at: Option<Timestamp>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated_user_id: Id,
    pub updated: Timestamp,
    /// Not part of Backlog's repository object: what `base` and `branch` may name.
    pub branches: Vec<Branch>,
    /// The `number` the next pull request gets, per repository and never reused.
    #[serde(skip)]
    pub next_pull_request_number: u64,
}

keyed_by_id!(Repository);

/// A branch and the commit at its head.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Branch {
    pub name: String,
    pub commit: String,
}

impl Repository {
    pub fn branch(&self, name: &str) -> Option<&Branch> {
        self.branches.iter().find(|b| b.name == name)
    }
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories",
            get(get_repositories),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}",
            get(get_repository),
        )
        .merge(pull_requests::routes())
        .merge(comments::routes())
        .merge(attachments::routes())
}

/// `{repoIdOrName}` in the project `{projectIdOrKey}`: a numeric id, else a name.
pub fn find_repository<'a>(
    state: &'a Store,
    project: &str,
    repository: &str,
) -> ApiResult<&'a Repository> {
    let project_id = projects::find(state, project)?.id;
    let id = repository.parse::<Id>().ok();
    state
        .repositories
        .find(|r| r.project_id == project_id && (Some(r.id) == id || r.name == repository))
        .ok_or_else(|| ApiError::not_found("No repository."))
}

/// Backlog's repository object.
fn render(state: &Store, repository: &Repository) -> Value {
    json!({
        "id": repository.id,
        "projectId": repository.project_id,
        "name": repository.name,
        "description": repository.description,
        "hookUrl": repository.hook_url,
        "httpUrl": repository.http_url,
        "sshUrl": repository.ssh_url,
        "displayOrder": repository.display_order,
        "pushedAt": repository.pushed_at,
        "createdUser": state.users.get(repository.created_user_id),
        "created": repository.created,
        "updatedUser": state.users.get(repository.updated_user_id),
        "updated": repository.updated,
    })
}

async fn get_repositories(app: App, Segment(project): Segment) -> ApiResult<Response> {
    let state = app.state();
    let project_id = projects::find(&state, &project)?.id;
    let repositories: Vec<Value> = state
        .repositories
        .iter()
        .filter(|r| r.project_id == project_id)
        .map(|r| render(&state, r))
        .collect();
    Ok(json(repositories))
}

async fn get_repository(
    app: App,
    Segments([project, repository]): Segments<2>,
) -> ApiResult<Response> {
    let state = app.state();
    let repository = find_repository(&state, &project, &repository)?;
    Ok(json(render(&state, repository)))
}

/// Each repository numbers its next pull request after its seeded ones.
pub fn number_pull_requests(state: &mut Store) {
    for repository in state.repositories.iter_mut() {
        let numbers = state.pull_requests.iter();
        let last = numbers
            .filter(|pr| pr.repository_id == repository.id)
            .map(|pr| pr.number)
            .max();
        repository.next_pull_request_number = last.unwrap_or(0) + 1;
    }
}

/// A deleted issue is no longer any pull request's issue.
pub fn unlink_issue(state: &mut Store, issue_id: Id) {
    for pull_request in state.pull_requests.iter_mut() {
        if pull_request.issue_id == Some(issue_id) {
            pull_request.issue_id = None;
        }
    }
}

/// The seeded pull requests' part of the activity log: one "added" per pull request, one
/// "updated" per pull request no longer open (its status change, at its `updated`), one
/// "commented" per comment. Ids are given when the log is sorted.
pub fn seeded_activities(state: &Store) -> Vec<Activity> {
    let activity = |pr: &PullRequest, type_id, content, created_user_id, created| Activity {
        id: 0,
        project_id: pr.project_id,
        type_id,
        content,
        created_user_id,
        created,
    };
    let mut activities = Vec::new();
    for pr in &state.pull_requests {
        let content = pull_requests::activity_content(state, pr, None, &[]);
        let added = activity_type::PULL_REQUEST_ADDED;
        activities.push(activity(pr, added, content, pr.created_user_id, pr.created));
        let status = pull_requests::status_name(pr.status_id);
        if status != "Open" {
            let change = ChangeLog {
                field: "status".into(),
                new_value: status.into(),
                original_value: "Open".into(),
                attachment_id: None,
            };
            let content = pull_requests::activity_content(state, pr, None, &[change]);
            let updated = activity_type::PULL_REQUEST_UPDATED;
            activities.push(activity(
                pr,
                updated,
                content,
                pr.updated_user_id,
                pr.updated,
            ));
        }
    }
    for comment in &state.pull_request_comments {
        let pr = state
            .pull_requests
            .get(comment.pull_request_id)
            .expect("seeded pull request");
        let content = pull_requests::activity_content(state, pr, Some(comment), &[]);
        let commented = activity_type::PULL_REQUEST_COMMENTED;
        let (author, created) = (comment.created_user_id, comment.created);
        activities.push(activity(pr, commented, content, author, created));
    }
    activities
}
