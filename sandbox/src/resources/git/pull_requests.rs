//! `…/repositories/{repoIdOrName}/pullRequests…`: the pull request, its filtered list and
//! count, and its writes. Each write is stamped by the sandbox clock and logged as an
//! activity; an update that changes something or carries a comment leaves a comment.

use axum::Json;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use super::comments::{self as pr_comments, PullRequestComment};
use super::find_repository;
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::count_param;
use crate::params::Params;
use crate::resources::activities::{self, activity_type};
use crate::resources::attachments::{self, Parent};
use crate::resources::comments::ChangeLog;
use crate::resources::issues;
use crate::routing::{Routes, Segments, count};
use crate::store::State as Store;
use crate::table::{Id, in_project, keyed_by_id};
use crate::time::Timestamp;

/// Backlog's pull request statuses.
pub mod status {
    pub const OPEN: u64 = 1;
    pub const CLOSED: u64 = 2;
    pub const MERGED: u64 = 3;
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullRequest {
    pub id: Id,
    pub project_id: Id,
    pub repository_id: Id,
    pub number: u64,
    pub summary: String,
    pub description: String,
    pub base: String,
    pub branch: String,
    pub status_id: u64,
    pub assignee_id: Option<Id>,
    pub issue_id: Option<Id>,
    pub base_commit: Option<String>,
    pub branch_commit: Option<String>,
    pub merge_commit: Option<String>,
    pub close_at: Option<Timestamp>,
    pub merge_at: Option<Timestamp>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated_user_id: Id,
    pub updated: Timestamp,
}

keyed_by_id!(PullRequest);
in_project!(PullRequest);

pub(super) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests",
            get(get_pull_requests).post(add_pull_request),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/count",
            get(count_pull_requests),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/{number}",
            get(get_pull_request).patch(update_pull_request),
        )
}

pub fn status_name(status_id: u64) -> &'static str {
    match status_id {
        status::OPEN => "Open",
        status::CLOSED => "Closed",
        status::MERGED => "Merged",
        _ => "",
    }
}

/// `{number}` of the repository `{repoIdOrName}` in `{projectIdOrKey}`.
pub(super) fn find<'a>(
    state: &'a Store,
    [project, repository, number]: &[String; 3],
) -> ApiResult<&'a PullRequest> {
    let repository_id = find_repository(state, project, repository)?.id;
    let number = number.parse::<u64>().ok();
    state
        .pull_requests
        .find(|pr| pr.repository_id == repository_id && Some(pr.number) == number)
        .ok_or_else(|| ApiError::not_found("No pull request."))
}

/// Backlog's pull request object: hand-built, since it nests users, the issue and the
/// attachments.
pub fn render(state: &Store, pr: &PullRequest) -> Value {
    let user = |id: Option<Id>| id.and_then(|id| state.users.get(id));
    let issue = pr.issue_id.and_then(|id| state.issues.get(id));
    json!({
        "id": pr.id,
        "projectId": pr.project_id,
        "repositoryId": pr.repository_id,
        "number": pr.number,
        "summary": pr.summary,
        "description": pr.description,
        "base": pr.base,
        "branch": pr.branch,
        "status": { "id": pr.status_id, "name": status_name(pr.status_id) },
        "assignee": user(pr.assignee_id),
        "issue": issue.map(|issue| issues::render(state, issue)),
        "baseCommit": pr.base_commit,
        "branchCommit": pr.branch_commit,
        "mergeCommit": pr.merge_commit,
        "closeAt": pr.close_at,
        "mergeAt": pr.merge_at,
        "createdUser": user(Some(pr.created_user_id)),
        "created": pr.created,
        "updatedUser": user(Some(pr.updated_user_id)),
        "updated": pr.updated,
        "attachments": attachments::rendered(state, Parent::PullRequest(pr.id)),
        "stars": [],
    })
}

/// The `content` of a pull request activity (types 18–20), in Backlog's snake_case.
pub fn activity_content(
    state: &Store,
    pr: &PullRequest,
    comment: Option<&PullRequestComment>,
    changes: &[ChangeLog],
) -> Value {
    let repository = state.repositories.get(pr.repository_id);
    let mut content = json!({
        "id": pr.id,
        "number": pr.number,
        "summary": pr.summary,
        "description": pr.description,
        "repository": repository.map(|r| json!({
            "id": r.id,
            "name": r.name,
            "description": r.description,
        })),
    });
    if let Some(comment) = comment {
        content["comment"] = json!({ "id": comment.id, "content": comment.content });
    }
    if !changes.is_empty() {
        content["changes"] = activities::changes_content(changes);
    }
    content
}

/// `statusId[]`, `assigneeId[]`, `issueId[]`, `createdUserId[]`: a pull request matches
/// when each given list holds its value.
fn matching<'a>(
    state: &'a Store,
    repository_id: Id,
    params: &Params,
) -> ApiResult<Vec<&'a PullRequest>> {
    type Field = fn(&PullRequest) -> Option<Id>;
    let fields: [(&str, Field); 4] = [
        ("statusId", |pr| Some(pr.status_id)),
        ("assigneeId", |pr| pr.assignee_id),
        ("issueId", |pr| pr.issue_id),
        ("createdUserId", |pr| Some(pr.created_user_id)),
    ];
    let mut filters = Vec::new();
    for (name, field) in fields {
        if let Some(ids) = params.int_list(name)?.filter(|ids| !ids.is_empty()) {
            filters.push((ids, field));
        }
    }
    let matches = |pr: &&PullRequest| {
        pr.repository_id == repository_id
            && filters
                .iter()
                .all(|(ids, field)| field(pr).is_some_and(|v| ids.contains(&v)))
    };
    Ok(state.pull_requests.iter().filter(matches).collect())
}

/// Newest number first, `offset` and `count` (default 20).
async fn get_pull_requests(
    app: App,
    Segments([project, repository]): Segments<2>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let state = app.state();
    let repository_id = find_repository(&state, &project, &repository)?.id;
    let count = count_param(&params)?;
    let offset = params.int("offset")?.unwrap_or(0) as usize;
    let mut found = matching(&state, repository_id, &params)?;
    found.sort_by_key(|pr| std::cmp::Reverse(pr.number));
    let page = found.into_iter().skip(offset).take(count);
    Ok(Json(page.map(|pr| render(&state, pr)).collect()))
}

async fn count_pull_requests(
    app: App,
    Segments([project, repository]): Segments<2>,
    params: Params,
) -> ApiResult<Response> {
    let state = app.state();
    let repository_id = find_repository(&state, &project, &repository)?.id;
    Ok(count(matching(&state, repository_id, &params)?.len()))
}

async fn get_pull_request(app: App, Segments(path): Segments<3>) -> ApiResult<Json<Value>> {
    let state = app.state();
    let pr = find(&state, &path)?;
    Ok(Json(render(&state, pr)))
}

/// The fields both create and update take: `summary`, `description`, `issueId` (an issue
/// of the project; empty unlinks) and `assigneeId` (a member; empty unassigns).
fn apply(state: &Store, pr: &mut PullRequest, params: &Params) -> ApiResult<()> {
    if params.contains("summary") {
        pr.summary = params.required_text("summary")?.to_owned();
    }
    if let Some(description) = params.get("description") {
        pr.description = description.to_owned();
    }
    let checked = |name: &str, id: Id, valid: bool| {
        valid.then_some(id).ok_or_else(|| ApiError::invalid(name))
    };
    if params.contains("issueId") {
        pr.issue_id = params
            .int("issueId")?
            .map(|id| {
                let issue = state.issues.get(id);
                let in_project = issue.is_some_and(|i| i.project_id == pr.project_id);
                checked("issueId", id, in_project)
            })
            .transpose()?;
    }
    if params.contains("assigneeId") {
        let project = state.projects.get(pr.project_id);
        pr.assignee_id = params
            .int("assigneeId")?
            .map(|id| {
                let member = project.is_some_and(|p| p.member_ids.contains(&id));
                checked("assigneeId", id, member)
            })
            .transpose()?;
    }
    Ok(())
}

/// `notifiedUserId[]`: users of the space.
pub(super) fn notified_users(state: &Store, params: &Params) -> ApiResult<Vec<Id>> {
    let ids = params.int_list("notifiedUserId")?.unwrap_or_default();
    if ids.iter().any(|id| state.users.get(*id).is_none()) {
        return Err(ApiError::invalid("notifiedUserId[]"));
    }
    Ok(ids)
}

/// `summary*`, `description*` (may be empty), `base*` and `branch*` (two different
/// branches of the repository), `issueId`, `assigneeId`, `notifiedUserId[]`,
/// `attachmentId[]` (pending uploads, which it takes).
async fn add_pull_request(
    app: App,
    Segments([project, repository]): Segments<2>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let repository = find_repository(&state, &project, &repository)?;
    params.required_text("summary")?;
    if !params.contains("description") {
        return Err(ApiError::missing("description"));
    }
    let base = params.required_text("base")?;
    let branch = params.required_text("branch")?;
    let base_commit = repository
        .branch(base)
        .ok_or_else(|| ApiError::invalid("base"))?;
    let branch_commit = repository
        .branch(branch)
        .filter(|_| branch != base)
        .ok_or_else(|| ApiError::invalid("branch"))?;
    let mut draft = PullRequest {
        id: 0,
        project_id: repository.project_id,
        repository_id: repository.id,
        number: repository.next_pull_request_number,
        summary: String::new(),
        description: String::new(),
        base: base.to_owned(),
        branch: branch.to_owned(),
        status_id: status::OPEN,
        assignee_id: None,
        issue_id: None,
        base_commit: Some(base_commit.commit.clone()),
        branch_commit: Some(branch_commit.commit.clone()),
        merge_commit: None,
        close_at: None,
        merge_at: None,
        created_user_id: state.myself_id,
        created: state.now,
        updated_user_id: state.myself_id,
        updated: state.now,
    };
    apply(&state, &mut draft, &params)?;
    notified_users(&state, &params)?;
    let uploads = attachments::pending(&state, &params)?;

    let now = state.tick();
    (draft.created, draft.updated) = (now, now);
    if let Some(repository) = state.repositories.get_mut(draft.repository_id) {
        repository.next_pull_request_number += 1;
    }
    let pr = state
        .pull_requests
        .insert(|id| PullRequest { id, ..draft })
        .clone();
    attachments::attach(&mut state, &uploads, Parent::PullRequest(pr.id));
    let content = activity_content(&state, &pr, None, &[]);
    let added = activity_type::PULL_REQUEST_ADDED;
    activities::record(&mut state, pr.project_id, added, content, now);
    Ok(Json(render(&state, &pr)))
}

/// What changed between two versions of a pull request, values as display text.
fn changes(state: &Store, before: &PullRequest, after: &PullRequest) -> Vec<ChangeLog> {
    let assignee = |pr: &PullRequest| {
        let user = pr.assignee_id.and_then(|id| state.users.get(id));
        user.map_or(String::new(), |u| u.name.clone())
    };
    let issue = |pr: &PullRequest| {
        let issue = pr.issue_id.and_then(|id| state.issues.get(id));
        issue.map_or(String::new(), |i| issues::key(state, i))
    };
    let status = |pr: &PullRequest| status_name(pr.status_id).to_owned();
    let fields = [
        ("summary", before.summary.clone(), after.summary.clone()),
        (
            "description",
            before.description.clone(),
            after.description.clone(),
        ),
        ("assignee", assignee(before), assignee(after)),
        ("issue", issue(before), issue(after)),
        ("status", status(before), status(after)),
    ];
    fields
        .into_iter()
        .filter(|(_, original, new)| original != new)
        .map(|(field, original_value, new_value)| ChangeLog {
            field: field.into(),
            new_value,
            original_value,
            attachment_id: None,
        })
        .collect()
}

/// `summary`, `description`, `issueId`, `assigneeId`, `notifiedUserId[]`, `comment`, and
/// `statusId` (1 Open, 2 Closed, 3 Merged), which the official server sends though Backlog
/// does not document it: closing stamps `closeAt`, merging `mergeAt` and `mergeCommit` (the
/// branch's head, as a fast-forward), reopening clears `closeAt`; a merged pull request
/// stays merged.
async fn update_pull_request(
    app: App,
    Segments(path): Segments<3>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let before = find(&state, &path)?.clone();
    let mut after = before.clone();
    apply(&state, &mut after, &params)?;
    if let Some(status_id) = params.int("statusId")? {
        let known = matches!(status_id, status::OPEN | status::CLOSED | status::MERGED);
        let stays_merged = before.status_id != status::MERGED || status_id == status::MERGED;
        if !known || !stays_merged {
            return Err(ApiError::invalid("statusId"));
        }
        after.status_id = status_id;
    }
    let notified = notified_users(&state, &params)?;
    let changes = changes(&state, &before, &after);
    let text = params.get("comment").filter(|c| !c.trim().is_empty());

    let now = state.tick();
    after.updated = now;
    after.updated_user_id = state.myself_id;
    if after.status_id != before.status_id {
        match after.status_id {
            status::CLOSED => after.close_at = Some(now),
            status::MERGED => {
                // A fast-forward: the base moves to the branch's head.
                after.merge_at = Some(now);
                after.merge_commit = after.branch_commit.clone();
            }
            _ => after.close_at = None,
        }
    }
    let comment = (text.is_some() || !changes.is_empty()).then(|| {
        let content = text.map(str::to_owned);
        pr_comments::add(&mut state, &after, content, changes.clone(), notified, now).clone()
    });
    let content = activity_content(&state, &after, comment.as_ref(), &changes);
    let updated = activity_type::PULL_REQUEST_UPDATED;
    activities::record(&mut state, after.project_id, updated, content, now);
    let body = Json(render(&state, &after));
    state.pull_requests.replace(after);
    Ok(body)
}
