//! `POST /documents` and `DELETE /documents/{documentId}`.

use axum::Json;
use serde_json::Value;

use super::{Document, DocumentId, children, find, prose_mirror, render};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::routing::Segment;

/// A new document goes first among its siblings, or last with `addLast=true`; `parentId`
/// must be a document of the same project outside the trash.
pub async fn add_document(app: App, params: Params) -> ApiResult<Json<Value>> {
    let project_id = params.required_int("projectId")?;
    let add_last = params.boolean("addLast")?.unwrap_or(false);
    let mut state = app.state();
    state
        .projects
        .get(project_id)
        .ok_or_else(ApiError::no_project)?;
    let parent_id = match params.get("parentId").filter(|p| !p.is_empty()) {
        None => None,
        Some(parent) => {
            let parent = DocumentId::parse(parent)
                .and_then(|id| state.documents.get(id))
                .filter(|p| p.project_id == project_id && !p.in_trash)
                .ok_or_else(|| ApiError::invalid("parentId"))?;
            Some(parent.id)
        }
    };
    let siblings = children(&state, project_id, parent_id, false);
    let display_order = match (siblings.first(), siblings.last()) {
        (Some(_), Some(last)) if add_last => last.display_order + 1,
        (Some(first), _) => first.display_order - 1,
        _ => 0,
    };
    let plain = params.get("content").unwrap_or("").to_owned();
    let emoji = params
        .get("emoji")
        .filter(|e| !e.is_empty())
        .map(str::to_owned);

    let now = state.tick();
    let myself = state.myself_id;
    let document = state
        .documents
        .insert(|number| Document {
            id: DocumentId::new(now, number),
            number,
            project_id,
            title: params.get("title").unwrap_or("").to_owned(),
            json: prose_mirror::from_markdown(&plain),
            plain,
            status_id: 1,
            emoji,
            parent_id,
            display_order,
            in_trash: false,
            tags: Vec::new(),
            created_user_id: myself,
            created: now,
            updated_user_id: myself,
            updated: now,
        })
        .clone();
    Ok(Json(render(&state, &document)))
}

/// Moves the document and everything under it to the trash; one already there is gone
/// from the documents a delete can reach.
pub async fn delete_document(app: App, Segment(document): Segment) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let document = find(&state, &document)?;
    if document.in_trash {
        return Err(ApiError::not_found("No document."));
    }
    let (project_id, mut pending) = (document.project_id, vec![document.id]);
    let mut trashed = Vec::new();
    while let Some(id) = pending.pop() {
        pending.extend(
            children(&state, project_id, Some(id), false)
                .iter()
                .map(|d| d.id),
        );
        trashed.push(id);
    }
    for id in &trashed {
        if let Some(document) = state.documents.get_mut(*id) {
            document.in_trash = true;
        }
    }
    let document = state.documents.get(trashed[0]).expect("just trashed");
    Ok(Json(render(&state, document)))
}
