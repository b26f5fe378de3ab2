//! Shared files: a project's tree of directories and files,
//! `/projects/{projectIdOrKey}/files/metadata/{path}` (one directory's entries) and
//! `/projects/{projectIdOrKey}/files/{sharedFileId}` (a file's bytes, by
//! `crate::download`); and the files linked to an issue, `/issues/{issueIdOrKey}/sharedFiles`,
//! or to a wiki page, which `wikis` serves.

use axum::body::Bytes;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{issues, projects};
use crate::App;
use crate::download::download;
use crate::error::{ApiError, ApiResult};
use crate::paging::{ascending_param, count_param, sort_by};
use crate::params::Params;
use crate::routing::{Routes, Segment, Segments, json};
use crate::seed::SpaceData;
use crate::store::State as Store;
use crate::table::{Id, Table, in_project, keyed_by_id};
use crate::time::Timestamp;

#[derive(Clone, Debug)]
pub struct SharedFile {
    pub id: Id,
    pub project_id: Id,
    /// Where it is: `/` for the root, else `/docs/specs/`, with both slashes.
    pub dir: String,
    pub name: String,
    /// The bytes of a file, typed by its name; `None` for a directory.
    pub content: Option<Bytes>,
    /// The issues it is linked to.
    pub issue_ids: Vec<Id>,
    /// The wiki pages it is linked to.
    pub wiki_ids: Vec<Id>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated_user_id: Id,
    pub updated: Timestamp,
}

keyed_by_id!(SharedFile);
in_project!(SharedFile);

impl SharedFile {
    /// Its own path as a directory, `/docs/` for `docs` in `/`.
    fn path(&self) -> String {
        format!("{}{}/", self.dir, self.name)
    }
}

/// A shared file as `shared_files.json` gives it: a file names its bytes under `files/`,
/// a directory none.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SharedFileRow {
    id: Id,
    project_id: Id,
    #[serde(rename = "type")]
    kind: String,
    dir: String,
    name: String,
    file: Option<String>,
    #[serde(default)]
    issue_ids: Vec<Id>,
    #[serde(default)]
    wiki_ids: Vec<Id>,
    created_user_id: Id,
    created: Timestamp,
    updated_user_id: Id,
    updated: Timestamp,
}

/// The seeded shared files.
pub fn seed(data: &SpaceData) -> Table<SharedFile> {
    let rows: Vec<SharedFileRow> = data.shared_files.load();
    let files = rows.into_iter().map(|row| {
        let content = match (row.kind.as_str(), row.file) {
            ("file", Some(file)) => Some(data.file(&file)),
            ("directory", None) => None,
            _ => panic!(
                "shared file {}: a file has a file, a directory none",
                row.id
            ),
        };
        SharedFile {
            id: row.id,
            project_id: row.project_id,
            dir: row.dir,
            name: row.name,
            content,
            issue_ids: row.issue_ids,
            wiki_ids: row.wiki_ids,
            created_user_id: row.created_user_id,
            created: row.created,
            updated_user_id: row.updated_user_id,
            updated: row.updated,
        }
    });
    Table::new(files.collect())
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        // The root is `metadata/` with nothing after it, which a `{*path}` cannot match.
        .route(
            "/api/v2/projects/{projectIdOrKey}/files/metadata/",
            get(get_root_directory),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/files/metadata/{*path}",
            get(get_directory),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/files/{sharedFileId}",
            get(download_file),
        )
        .route(
            "/api/v2/issues/{issueIdOrKey}/sharedFiles",
            get(get_issue_shared_files),
        )
}

/// Backlog's SharedFile object.
pub fn render(state: &Store, file: &SharedFile) -> Value {
    json!({
        "id": file.id,
        "projectId": file.project_id,
        "type": if file.content.is_some() { "file" } else { "directory" },
        "dir": file.dir,
        "name": file.name,
        "size": file.content.as_ref().map(Bytes::len),
        "createdUser": state.users.get(file.created_user_id),
        "created": file.created,
        "updatedUser": state.users.get(file.updated_user_id),
        "updated": file.updated,
    })
}

/// The shared files linked to an issue.
pub fn linked(state: &Store, issue_id: Id) -> impl Iterator<Item = &SharedFile> {
    state
        .shared_files
        .iter()
        .filter(move |f| f.issue_ids.contains(&issue_id))
}

/// The shared files linked to an issue, as its `sharedFiles` field shows them.
pub fn of_issue(state: &Store, issue_id: Id) -> Vec<Value> {
    linked(state, issue_id).map(|f| render(state, f)).collect()
}

/// The shared files linked to a wiki page, as its `sharedFiles` field shows them.
pub fn of_wiki(state: &Store, wiki_id: Id) -> Vec<Value> {
    let linked = state
        .shared_files
        .iter()
        .filter(|f| f.wiki_ids.contains(&wiki_id));
    linked.map(|f| render(state, f)).collect()
}

/// Unlinks a deleted issue.
pub fn unlink_issue(state: &mut Store, issue_id: Id) {
    for file in state.shared_files.iter_mut() {
        file.issue_ids.retain(|id| *id != issue_id);
    }
}

/// The directory path after `files/metadata/`, split at each `/` of the raw path and each
/// segment percent-decoded, so an encoded `%2F` stays inside a name (and so matches none).
fn directory_segments(uri: &Uri) -> Vec<String> {
    let rest = uri
        .path()
        .split_once("/files/metadata/")
        .map_or("", |(_, r)| r);
    rest.split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .collect()
}

async fn get_root_directory(
    app: App,
    Segment(project): Segment,
    params: Params,
) -> ApiResult<Response> {
    list_directory(&app.state(), &project, &[], &params)
}

async fn get_directory(
    app: App,
    Segments([project, _]): Segments<2>,
    uri: Uri,
    params: Params,
) -> ApiResult<Response> {
    list_directory(&app.state(), &project, &directory_segments(&uri), &params)
}

/// The entries directly in the directory `names` (none for the root), by name, with
/// `order` (default desc), `offset` and `count` (default 20).
fn list_directory(
    state: &Store,
    project: &str,
    names: &[String],
    params: &Params,
) -> ApiResult<Response> {
    let project_id = projects::find(state, project)?.id;
    let ascending = ascending_param(params)?;
    let count = count_param(params)?;
    let offset = params.int("offset")?.unwrap_or(0) as usize;
    let in_project = || state.shared_files.of_project(project_id);
    let mut dir = String::from("/");
    for name in names {
        let is_directory = |f: &&SharedFile| f.content.is_none() && f.dir == dir && f.name == *name;
        let directory = in_project().find(is_directory);
        dir = directory
            .map(SharedFile::path)
            .ok_or_else(|| ApiError::not_found("No directory."))?;
    }
    let mut entries: Vec<&SharedFile> = in_project().filter(|f| f.dir == dir).collect();
    sort_by(&mut entries, ascending, |&f| (f.name.as_str(), f.id));
    let page: Vec<Value> = entries
        .into_iter()
        .skip(offset)
        .take(count)
        .map(|f| render(state, f))
        .collect();
    Ok(json(page))
}

/// `GET …/files/{sharedFileId}`: a file's bytes; a directory has none (404).
async fn download_file(app: App, Segments([project, file]): Segments<2>) -> ApiResult<Response> {
    let state = app.state();
    let project_id = projects::find(&state, &project)?.id;
    let file = file
        .parse()
        .ok()
        .and_then(|id| state.shared_files.get(id))
        .filter(|f| f.project_id == project_id);
    let (file, content) = file
        .and_then(|f| Some((f, f.content.as_ref()?)))
        .ok_or_else(|| ApiError::not_found("No file."))?;
    Ok(download(&file.name, content.clone()))
}

async fn get_issue_shared_files(app: App, Segment(issue): Segment) -> ApiResult<Response> {
    let state = app.state();
    let issue = issues::find(&state, &issue)?;
    Ok(json(of_issue(&state, issue.id)))
}
