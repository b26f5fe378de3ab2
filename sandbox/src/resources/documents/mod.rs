//! `/documents…`: Backlog's newer documents, nested by `parentId` into one tree per
//! project. Deleting moves a document (and what is under it) to the project's trash:
//! it leaves lists, counts and the active tree, shows in the trash tree, and can still be
//! read by id. `tree.rs` builds the trees, `writes.rs` adds and deletes, and
//! `prose_mirror.rs` makes the `json` rendering of a document's Markdown.

mod prose_mirror;
mod tree;
mod writes;

use std::fmt;

use axum::Json;
use axum::response::Response;
use axum::routing::get;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::attachments::{self, Parent};
use super::wikis::Tag;
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::{ascending_param, count_param, sort_by};
use crate::params::Params;
use crate::routing::{Routes, Segment, Segments, count};
use crate::store::State as Store;
use crate::table::{Id, InProject, Row};
use crate::time::Timestamp;

/// A document id: 32 lowercase hex digits, laid out as a UUIDv7 (time-ordered), as
/// Backlog's are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentId(u128);

impl DocumentId {
    /// Exactly 32 lowercase hex digits.
    pub fn parse(text: &str) -> Option<DocumentId> {
        let hex = text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| u128::from_str_radix(text, 16).ok())
            .flatten()
            .map(DocumentId)
    }

    /// The id of the `number`th document added to the sandbox at `at`: the time in
    /// milliseconds, the version nibble 7, and the number where a UUIDv7 has random bits.
    fn new(at: Timestamp, number: Id) -> DocumentId {
        let millis = at.epoch_seconds() as u128 * 1000;
        let variant = 0b10 << 62;
        DocumentId(millis << 80 | 0x7 << 76 | variant | u128::from(number))
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl<'de> Deserialize<'de> for DocumentId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DocumentId::parse(&text)
            .ok_or_else(|| D::Error::custom(format!("not a document id: {text}")))
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Document {
    pub id: DocumentId,
    /// How many documents the sandbox had added before this one (0 for seeded ones).
    #[serde(skip)]
    pub number: Id,
    pub project_id: Id,
    pub title: String,
    /// The content as Markdown.
    pub plain: String,
    /// The content as ProseMirror JSON, serialized; made from `plain`.
    #[serde(skip)]
    pub json: String,
    #[serde(default = "normal_status")]
    pub status_id: u32,
    pub emoji: Option<String>,
    pub parent_id: Option<DocumentId>,
    /// The place among its siblings, smallest first.
    pub display_order: i64,
    pub in_trash: bool,
    pub tags: Vec<Tag>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated_user_id: Id,
    pub updated: Timestamp,
}

/// The status in Nulab's examples; no sandbox write sets another.
fn normal_status() -> u32 {
    1
}

impl Row for Document {
    type Key = DocumentId;

    fn key(&self) -> DocumentId {
        self.id
    }

    /// Ids are not allocated from the table but made from the clock and this number.
    fn id(&self) -> Id {
        self.number
    }
}

impl InProject for Document {
    fn project_id(&self) -> Id {
        self.project_id
    }
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/documents",
            get(get_documents).post(writes::add_document),
        )
        .route("/api/v2/documents/count", get(count_documents))
        .route("/api/v2/documents/tree", get(tree::get_tree))
        .route(
            "/api/v2/documents/{documentId}",
            get(get_document).delete(writes::delete_document),
        )
        .route(
            "/api/v2/documents/{documentId}/attachments/{attachmentId}",
            get(get_attachment),
        )
}

/// Fills the seeded documents' `json`.
pub fn seed(state: &mut Store) {
    for document in state.documents.iter_mut() {
        document.json = prose_mirror::from_markdown(&document.plain);
    }
}

/// `{documentId}`: the id of a document, in the trash or not.
pub fn find<'a>(state: &'a Store, document_id: &str) -> ApiResult<&'a Document> {
    DocumentId::parse(document_id)
        .and_then(|id| state.documents.get(id))
        .ok_or_else(|| ApiError::not_found("No document."))
}

/// The documents directly under `parent` (`None`: the project's top level) that are in
/// the trash or not, in their order.
fn children(
    state: &Store,
    project_id: Id,
    parent: Option<DocumentId>,
    in_trash: bool,
) -> Vec<&Document> {
    let mut children: Vec<&Document> = state
        .documents
        .of_project(project_id)
        .filter(|d| d.parent_id == parent && d.in_trash == in_trash)
        .collect();
    children.sort_by_key(|d| (d.display_order, d.created, d.id));
    children
}

fn render(state: &Store, document: &Document) -> Value {
    let child_ids: Vec<String> = children(
        state,
        document.project_id,
        Some(document.id),
        document.in_trash,
    )
    .iter()
    .map(|d| d.id.to_string())
    .collect();
    json!({
        "id": document.id.to_string(),
        "projectId": document.project_id,
        "title": document.title,
        "plain": document.plain,
        "json": document.json,
        "statusId": document.status_id,
        "emoji": document.emoji,
        "attachments": attachments::rendered(state, Parent::Document(document.id)),
        "tags": document.tags,
        "createdUser": state.users.get(document.created_user_id),
        "created": document.created,
        "updatedUser": state.users.get(document.updated_user_id),
        "updated": document.updated,
        "childDocumentIds": child_ids,
    })
}

/// The documents outside the trash of the `projectId[]` projects (at least one, each
/// existing) whose title or Markdown contains `keyword`.
fn matching<'a>(state: &'a Store, params: &Params) -> ApiResult<Vec<&'a Document>> {
    let project_ids = params
        .int_list("projectId")?
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing("projectId[]"))?;
    if project_ids
        .iter()
        .any(|id| state.projects.get(*id).is_none())
    {
        return Err(ApiError::no_project());
    }
    let keyword = params.keyword();
    Ok(state
        .documents
        .iter()
        .filter(|d| !d.in_trash && project_ids.contains(&d.project_id))
        .filter(|d| keyword.matches(&[&d.title, &d.plain]))
        .collect())
}

/// `offset` is required; `sort` is `created` or `updated` (the default), newest first
/// unless `order=asc`.
async fn get_documents(app: App, params: Params) -> ApiResult<Json<Value>> {
    let offset = params
        .int("offset")?
        .ok_or_else(|| ApiError::missing("offset"))? as usize;
    let by: fn(&Document) -> Timestamp = match params.get("sort") {
        None | Some("") | Some("updated") => |d| d.updated,
        Some("created") => |d| d.created,
        Some(_) => return Err(ApiError::invalid("sort")),
    };
    let ascending = ascending_param(&params)?;
    let count = count_param(&params)?;
    let state = app.state();
    let mut found = matching(&state, &params)?;
    sort_by(&mut found, ascending, |d| (by(d), d.id));
    let page = found.into_iter().skip(offset).take(count);
    Ok(Json(page.map(|d| render(&state, d)).collect()))
}

async fn count_documents(app: App, params: Params) -> ApiResult<Response> {
    Ok(count(matching(&app.state(), &params)?.len()))
}

async fn get_document(app: App, Segment(document): Segment) -> ApiResult<Json<Value>> {
    let state = app.state();
    Ok(Json(render(&state, find(&state, &document)?)))
}

async fn get_attachment(
    app: App,
    Segments([document, attachment]): Segments<2>,
) -> ApiResult<Response> {
    let state = app.state();
    let document = find(&state, &document)?;
    attachments::serve(&state, Parent::Document(document.id), &attachment)
}
