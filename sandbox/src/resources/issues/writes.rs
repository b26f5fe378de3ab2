//! `POST /issues`, `PATCH` and `DELETE /issues/{issueIdOrKey}`. Each write is stamped by
//! the sandbox clock and logged as an activity; an update that changes something or
//! carries a comment also leaves a comment. Create and update take pending uploads from
//! `attachmentId[]`; a delete takes the issue's comments, attachments and links with it.

use axum::Json;
use serde_json::Value;

use super::{Issue, changes, fields, find, render};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::resources::activities;
use crate::resources::activities::activity_type::{ISSUE_CREATED, ISSUE_DELETED, ISSUE_UPDATED};
use crate::resources::attachments::{self, Parent};
use crate::resources::{comments, git, related_issues, shared_files};
use crate::routing::Segment;

pub async fn add_issue(app: App, params: Params) -> ApiResult<Json<Value>> {
    let project_id = params.required_int("projectId")?;
    let summary = params.required_text("summary")?;
    let issue_type_id = params.required_int("issueTypeId")?;
    let priority_id = params.required_int("priorityId")?;
    let mut state = app.state();
    let project = state
        .projects
        .get(project_id)
        .ok_or_else(ApiError::no_project)?;
    let mut draft = Issue {
        id: 0,
        project_id,
        key_id: project.next_key_id,
        issue_type_id,
        summary: summary.to_owned(),
        description: String::new(),
        resolution_id: None,
        priority_id,
        status_id: 1,
        assignee_id: None,
        category_ids: Vec::new(),
        version_ids: Vec::new(),
        milestone_ids: Vec::new(),
        start_date: None,
        due_date: None,
        estimated_hours: None,
        actual_hours: None,
        parent_issue_id: None,
        created_user_id: state.myself_id,
        created: state.now,
        updated_user_id: state.myself_id,
        updated: state.now,
        custom: Default::default(),
    };
    fields::apply(&state, &mut draft, &params)?;
    let uploads = attachments::pending(&state, &params)?;
    if let Some(field) = state
        .custom_fields
        .of_project(project_id)
        .find(|f| f.required && draft.custom.get(&f.id).is_none_or(|v| v.value.is_none()))
    {
        return Err(ApiError::missing(&format!("customField_{}", field.id)));
    }

    let now = state.tick();
    (draft.created, draft.updated) = (now, now);
    if let Some(project) = state.projects.get_mut(project_id) {
        project.next_key_id += 1;
    }
    let issue = state.issues.insert(|id| Issue { id, ..draft }).clone();
    attachments::attach(&mut state, &uploads, Parent::Issue(issue.id));
    activities::record_issue(&mut state, ISSUE_CREATED, &issue, None, &[], now);
    Ok(Json(render(&state, &issue)))
}

pub async fn update_issue(
    app: App,
    Segment(issue): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let before = find(&state, &issue)?.clone();
    let mut after = before.clone();
    fields::apply(&state, &mut after, &params)?;
    let uploads = attachments::pending(&state, &params)?;
    let mut changes = changes(&state, &before, &after);
    let text = params.get("comment").filter(|c| !c.trim().is_empty());
    let notified = params.int_list("notifiedUserId")?.unwrap_or_default();
    changes.extend(attachments::attach(
        &mut state,
        &uploads,
        Parent::Issue(after.id),
    ));

    let now = state.tick();
    after.updated = now;
    after.updated_user_id = state.myself_id;
    // Like Backlog, an update with changes or a comment shows up in the comment list.
    let comment = (text.is_some() || !changes.is_empty()).then(|| {
        let content = text.map(str::to_owned);
        comments::add(&mut state, &after, content, changes.clone(), notified, now).clone()
    });
    let comment = comment.as_ref();
    activities::record_issue(&mut state, ISSUE_UPDATED, &after, comment, &changes, now);
    let body = Json(render(&state, &after));
    state.issues.replace(after);
    Ok(body)
}

pub async fn delete_issue(app: App, Segment(issue): Segment) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let issue = find(&state, &issue)?.clone();
    // Rendered first, so the answer still shows the attachments and shared files.
    let body = Json(render(&state, &issue));
    state.issues.remove(issue.id);
    state.comments.retain(|c| c.issue_id != issue.id);
    let parent = Some(Parent::Issue(issue.id));
    state.attachments.retain(|a| a.parent != parent);
    related_issues::unlink_all(&mut state, issue.id);
    shared_files::unlink_issue(&mut state, issue.id);
    git::unlink_issue(&mut state, issue.id);
    // Subtasks stay, as top-level issues, rather than point at a missing parent.
    for child in state.issues.iter_mut() {
        if child.parent_issue_id == Some(issue.id) {
            child.parent_issue_id = None;
        }
    }
    let now = state.tick();
    activities::record_issue(&mut state, ISSUE_DELETED, &issue, None, &[], now);
    Ok(body)
}
