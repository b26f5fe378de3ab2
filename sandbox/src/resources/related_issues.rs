//! `/issues/{issueIdOrKey}/relatedIssues…`: links between two issues. A link has no
//! direction: linking A to B shows B among A's related issues and A among B's.

use axum::Json;
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::Value;

use super::issues::{self, Issue};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::routing::{Routes, Segment, Segments};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};

/// One link, kept in the order it was made.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelatedIssue {
    pub id: Id,
    pub issue_id: Id,
    pub related_issue_id: Id,
}

keyed_by_id!(RelatedIssue);

impl RelatedIssue {
    /// The other end of the link, if `issue_id` is one end.
    fn other(&self, issue_id: Id) -> Option<Id> {
        if self.issue_id == issue_id {
            Some(self.related_issue_id)
        } else if self.related_issue_id == issue_id {
            Some(self.issue_id)
        } else {
            None
        }
    }
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/issues/{issueIdOrKey}/relatedIssues",
            get(get_related_issues).post(add_related_issue),
        )
        .route(
            "/api/v2/issues/{issueIdOrKey}/relatedIssues/{relatedIssueId}",
            delete(remove_related_issue),
        )
}

/// Drops every link of a deleted issue.
pub fn unlink_all(state: &mut Store, issue_id: Id) {
    state
        .related_issues
        .retain(|link| link.other(issue_id).is_none());
}

/// A RelatedIssue: the issue object plus `"type": "RELATES"`.
fn render(state: &Store, issue: &Issue) -> Value {
    let mut rendered = issues::render(state, issue);
    rendered["type"] = "RELATES".into();
    rendered
}

/// The link between `issue_id` and `other_id`, if there is one.
fn link(state: &Store, issue_id: Id, other_id: Id) -> Option<&RelatedIssue> {
    state
        .related_issues
        .find(|link| link.other(issue_id) == Some(other_id))
}

async fn get_related_issues(app: App, Segment(issue): Segment) -> ApiResult<Json<Value>> {
    let state = app.state();
    let issue_id = issues::find(&state, &issue)?.id;
    let related = state
        .related_issues
        .iter()
        .filter_map(|link| link.other(issue_id))
        .filter_map(|id| state.issues.get(id))
        .map(|issue| render(&state, issue))
        .collect();
    Ok(Json(related))
}

/// `targetIssueId*`: an issue other than this one, not yet linked to it.
async fn add_related_issue(
    app: App,
    Segment(issue): Segment,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let issue_id = issues::find(&state, &issue)?.id;
    let target_id = params.required_int("targetIssueId")?;
    let target = state
        .issues
        .get(target_id)
        .filter(|_| target_id != issue_id)
        .ok_or_else(|| ApiError::invalid("targetIssueId"))?;
    if link(&state, issue_id, target_id).is_some() {
        return Err(ApiError::bad_request("The issues are already related."));
    }
    let body = Json(render(&state, target));
    state.related_issues.insert(|id| RelatedIssue {
        id,
        issue_id,
        related_issue_id: target_id,
    });
    Ok(body)
}

/// `{relatedIssueId}` is the other issue's id; the answer is that issue.
async fn remove_related_issue(
    app: App,
    Segments([issue, related]): Segments<2>,
) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let issue_id = issues::find(&state, &issue)?.id;
    let no_link = || ApiError::not_found("No related issue.");
    let related_id: Id = related.parse().map_err(|_| no_link())?;
    let link_id = link(&state, issue_id, related_id).ok_or_else(no_link)?.id;
    let related = state.issues.get(related_id).ok_or_else(no_link)?;
    let body = Json(render(&state, related));
    state.related_issues.remove(link_id);
    Ok(body)
}
