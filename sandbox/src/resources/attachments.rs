//! Attachments, one id space for the whole space: the files of issues and pull requests,
//! which `POST /space/attachment` uploads (pending until an issue, an issue comment or a
//! pull request names it in `attachmentId[]`; from then on it belongs to that issue or pull
//! request, under the same id), and the seeded files of wiki pages and documents. Each is
//! listed as a FileInfo in its parent's `attachments` and downloaded by `crate::download`.
//! An issue's attachments are served here (`/issues/{issueIdOrKey}/attachments…`), the
//! others by their parent's module.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::activities::{self, activity_type};
use super::comments::{self, ChangeLog};
use super::documents::DocumentId;
use super::issues::{self, Issue};
use crate::App;
use crate::download::download;
use crate::error::{ApiError, ApiResult, code};
use crate::multipart::FormParts;
use crate::params::Params;
use crate::routing::{Routes, Segment, Segments, json};
use crate::seed::SpaceData;
use crate::store::State as Store;
use crate::table::{Id, Table, keyed_by_id};
use crate::time::Timestamp;

/// Backlog's limit on one uploaded file.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// What an attachment belongs to once it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parent {
    Issue(Id),
    PullRequest(Id),
    Wiki(Id),
    Document(DocumentId),
}

#[derive(Clone, Debug)]
pub struct Attachment {
    pub id: Id,
    /// The name a user gave it, which is what downloads are named and typed by.
    pub name: String,
    pub content: Bytes,
    /// `None` while pending: uploaded, not yet used.
    pub parent: Option<Parent>,
    pub created_user_id: Id,
    pub created: Timestamp,
}

keyed_by_id!(Attachment);

/// An attachment as `attachments.json` gives it: the bytes are a file under `files/`,
/// and it belongs to exactly one issue, pull request, wiki page or document.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AttachmentRow {
    id: Id,
    name: String,
    file: String,
    issue_id: Option<Id>,
    pull_request_id: Option<Id>,
    wiki_id: Option<Id>,
    document_id: Option<DocumentId>,
    created_user_id: Id,
    created: Timestamp,
}

impl AttachmentRow {
    fn parent(&self) -> Parent {
        let parents = [
            self.issue_id.map(Parent::Issue),
            self.pull_request_id.map(Parent::PullRequest),
            self.wiki_id.map(Parent::Wiki),
            self.document_id.map(Parent::Document),
        ];
        let mut given = parents.into_iter().flatten();
        match (given.next(), given.next()) {
            (Some(parent), None) => parent,
            _ => panic!(
                "attachment {}: give one of issueId, pullRequestId, wikiId, documentId",
                self.id
            ),
        }
    }
}

/// The seeded attachments.
pub fn seed(data: &SpaceData) -> Table<Attachment> {
    let rows: Vec<AttachmentRow> = data.attachments.load();
    let attachments = rows.into_iter().map(|row| {
        let parent = row.parent();
        Attachment {
            id: row.id,
            name: row.name,
            content: data.file(&row.file),
            parent: Some(parent),
            created_user_id: row.created_user_id,
            created: row.created,
        }
    });
    Table::new(attachments.collect())
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/space/attachment", post(upload))
        .route(
            "/api/v2/issues/{issueIdOrKey}/attachments",
            get(get_issue_attachments),
        )
        .route(
            "/api/v2/issues/{issueIdOrKey}/attachments/{attachmentId}",
            get(download_issue_attachment).delete(delete_issue_attachment),
        )
}

/// Backlog's FileInfo: `{id, name, size, createdUser, created}`.
pub fn render(state: &Store, attachment: &Attachment) -> Value {
    json!({
        "id": attachment.id,
        "name": attachment.name,
        "size": attachment.content.len(),
        "createdUser": state.users.get(attachment.created_user_id),
        "created": attachment.created,
    })
}

/// The attachments of `parent`, in id order.
pub fn of(state: &Store, parent: Parent) -> impl Iterator<Item = &Attachment> {
    state
        .attachments
        .iter()
        .filter(move |a| a.parent == Some(parent))
}

/// The FileInfo list of `parent`, as its `attachments` field shows it.
pub fn rendered(state: &Store, parent: Parent) -> Vec<Value> {
    of(state, parent).map(|a| render(state, a)).collect()
}

/// The ids of `attachmentId[]`, each a pending upload named once; checked, not yet used.
pub fn pending(state: &Store, params: &Params) -> ApiResult<Vec<Id>> {
    let ids = params.int_list("attachmentId")?.unwrap_or_default();
    let mut unique = Vec::with_capacity(ids.len());
    for id in ids {
        let pending = state
            .attachments
            .get(id)
            .is_some_and(|a| a.parent.is_none());
        if !pending || unique.contains(&id) {
            return Err(ApiError::invalid("attachmentId[]"));
        }
        unique.push(id);
    }
    Ok(unique)
}

/// Gives the [`pending`] uploads `ids` to `parent`; returns the change log entries that
/// say so, for an issue's comment.
pub fn attach(state: &mut Store, ids: &[Id], parent: Parent) -> Vec<ChangeLog> {
    let mut changes = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(attachment) = state.attachments.get_mut(*id) {
            attachment.parent = Some(parent);
            changes.push(change(attachment, true));
        }
    }
    changes
}

/// The change log entry Backlog writes when an attachment is added to an issue or removed.
fn change(attachment: &Attachment, added: bool) -> ChangeLog {
    let (new_value, original_value) = if added {
        (attachment.name.clone(), String::new())
    } else {
        (String::new(), attachment.name.clone())
    };
    ChangeLog {
        field: "attachment".into(),
        new_value,
        original_value,
        attachment_id: Some(attachment.id),
    }
}

/// `POST /space/attachment`: the part named `file` becomes a pending upload, answered
/// as `{id, name, size}`. The part's own type is not kept: every download is typed by
/// its name.
async fn upload(app: App, FormParts(parts): FormParts) -> ApiResult<Response> {
    let file = parts
        .into_iter()
        .find(|p| p.name.as_deref() == Some("file"))
        .ok_or_else(|| ApiError::missing("file"))?;
    let name = file
        .file_name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::missing("file"))?;
    if file.bytes.len() > MAX_FILE_BYTES {
        let message = format!(
            "The file is too large: {} bytes, the limit is {MAX_FILE_BYTES}.",
            file.bytes.len()
        );
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            code::TOO_LARGE_FILE,
            message,
        ));
    }
    let mut state = app.state();
    let now = state.tick();
    let created_user_id = state.myself_id;
    let attachment = state.attachments.insert(|id| Attachment {
        id,
        name,
        content: file.bytes,
        parent: None,
        created_user_id,
        created: now,
    });
    Ok(json(json!({
        "id": attachment.id,
        "name": attachment.name,
        "size": attachment.content.len(),
    })))
}

/// `{attachmentId}` of `parent`: an id of one of its attachments.
fn find<'a>(state: &'a Store, parent: Parent, id: &str) -> ApiResult<&'a Attachment> {
    id.parse()
        .ok()
        .and_then(|id| state.attachments.get(id))
        .filter(|a| a.parent == Some(parent))
        .ok_or_else(|| ApiError::not_found("No attachment."))
}

/// The download of `{attachmentId}` of `parent`.
pub fn serve(state: &Store, parent: Parent, id: &str) -> ApiResult<Response> {
    let attachment = find(state, parent, id)?;
    Ok(download(&attachment.name, attachment.content.clone()))
}

/// Deletes `{attachmentId}` of `parent`; returns it, and its FileInfo as the answer.
pub fn remove(state: &mut Store, parent: Parent, id: &str) -> ApiResult<(Attachment, Response)> {
    let found = find(state, parent, id)?;
    let (id, body) = (found.id, json(render(state, found)));
    let attachment = state.attachments.remove(id).expect("found");
    Ok((attachment, body))
}

async fn get_issue_attachments(app: App, Segment(issue): Segment) -> ApiResult<Response> {
    let state = app.state();
    let issue = issues::find(&state, &issue)?;
    Ok(json(rendered(&state, Parent::Issue(issue.id))))
}

async fn download_issue_attachment(
    app: App,
    Segments([issue, attachment]): Segments<2>,
) -> ApiResult<Response> {
    let state = app.state();
    let issue = issues::find(&state, &issue)?;
    serve(&state, Parent::Issue(issue.id), &attachment)
}

/// Removes the attachment and, as Backlog does, leaves a comment whose change log says so.
async fn delete_issue_attachment(
    app: App,
    Segments([issue, attachment]): Segments<2>,
) -> ApiResult<Response> {
    let mut state = app.state();
    let mut issue: Issue = issues::find(&state, &issue)?.clone();
    let (attachment, body) = remove(&mut state, Parent::Issue(issue.id), &attachment)?;
    let now = state.tick();
    issue.updated = now;
    issue.updated_user_id = state.myself_id;
    let changes = vec![change(&attachment, false)];
    let comment = comments::add(&mut state, &issue, None, changes.clone(), Vec::new(), now);
    let comment = comment.clone();
    let updated = activity_type::ISSUE_UPDATED;
    activities::record_issue(&mut state, updated, &issue, Some(&comment), &changes, now);
    state.issues.replace(issue);
    Ok(body)
}
