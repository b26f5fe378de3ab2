//! `GET /documents/tree`: a project's documents as two trees, the active one and the
//! trash. A trashed document shows at the top of the trash unless its parent is in the
//! trash too.

use axum::Json;
use serde_json::{Value, json};

use super::{Document, children};
use crate::App;
use crate::error::ApiResult;
use crate::params::Params;
use crate::resources::projects;
use crate::store::State as Store;
use crate::table::Id;

pub async fn get_tree(app: App, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let project = params.required_text("projectIdOrKey")?;
    let project_id = projects::find(&state, project)?.id;
    // Trashed from different places, so in the order they were created (ids are).
    let trash_tops: Vec<&Document> = state
        .documents
        .of_project(project_id)
        .filter(|d| {
            let parent = d.parent_id.and_then(|id| state.documents.get(id));
            d.in_trash && !parent.is_some_and(|p| p.in_trash)
        })
        .collect();
    Ok(Json(json!({
        "projectId": project_id,
        "activeTree": {
            "id": "Active",
            "children": nodes(&state, project_id, children(&state, project_id, None, false)),
        },
        "trashTree": {
            "id": "Trash",
            "children": nodes(&state, project_id, trash_tops),
        },
    })))
}

/// Each document with the documents under it in the same tree.
fn nodes(state: &Store, project_id: Id, documents: Vec<&Document>) -> Vec<Value> {
    documents
        .into_iter()
        .map(|document| {
            let under = children(state, project_id, Some(document.id), document.in_trash);
            json!({
                "id": document.id.to_string(),
                "name": document.title,
                "children": nodes(state, project_id, under),
                "statusId": document.status_id,
                // Nulab's example shows an empty string for a node without an emoji.
                "emoji": document.emoji.as_deref().unwrap_or(""),
                "emojiType": document.emoji.as_ref().map(|_| "unicode"),
                "updated": document.updated,
            })
        })
        .collect()
}
