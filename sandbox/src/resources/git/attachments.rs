//! `…/pullRequests/{number}/attachments…`: the files a pull request took from
//! `attachmentId[]` when it was added.

use axum::response::Response;
use axum::routing::get;

use super::pull_requests;
use crate::App;
use crate::error::ApiResult;
use crate::resources::attachments::{self, Parent};
use crate::routing::{Routes, Segments, json};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/{number}/attachments",
            get(get_attachments),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}/pullRequests/{number}/attachments/{attachmentId}",
            get(download_attachment).delete(delete_attachment),
        )
}

async fn get_attachments(app: App, Segments(path): Segments<3>) -> ApiResult<Response> {
    let state = app.state();
    let pr = pull_requests::find(&state, &path)?;
    Ok(json(attachments::rendered(
        &state,
        Parent::PullRequest(pr.id),
    )))
}

async fn download_attachment(
    app: App,
    Segments([project, repository, number, attachment]): Segments<4>,
) -> ApiResult<Response> {
    let state = app.state();
    let pr = pull_requests::find(&state, &[project, repository, number])?;
    attachments::serve(&state, Parent::PullRequest(pr.id), &attachment)
}

/// Answers with the deleted FileInfo.
async fn delete_attachment(
    app: App,
    Segments([project, repository, number, attachment]): Segments<4>,
) -> ApiResult<Response> {
    let mut state = app.state();
    let pr_id = pull_requests::find(&state, &[project, repository, number])?.id;
    let (_, body) = attachments::remove(&mut state, Parent::PullRequest(pr_id), &attachment)?;
    Ok(body)
}
