//! `/wikis…`: a project's wiki pages, their tags, attachments (rows of `attachments`),
//! linked shared files (rows of `shared_files`) and history. Every write keeps the page's
//! history (version 1 is the page as created, each update one more) and is logged as an
//! activity (types 5 and 6).
//!
//! In the data file a page's `history` lists its earlier versions only; the seed adds
//! the page as it is now as the latest.

use axum::Json;
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::activities::{self, activity_type};
use super::attachments::{self, Parent};
use super::{projects, shared_files, stars};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::Cursor;
use crate::params::Params;
use crate::routing::{Routes, Segment, Segments, count, json};
use crate::store::State as Store;
use crate::table::{Id, in_project, keyed_by_id};
use crate::time::Timestamp;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Wiki {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub content: String,
    pub tags: Vec<Tag>,
    /// Every version, oldest first; the last is the page as it is.
    pub history: Vec<WikiVersion>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated_user_id: Id,
    pub updated: Timestamp,
}

keyed_by_id!(Wiki);
in_project!(Wiki);

/// A tag, `{id, name}`, as wiki pages and documents carry them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub id: Id,
    pub name: String,
}

/// One saved version of a page.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WikiVersion {
    pub version: u64,
    pub name: String,
    pub content: String,
    pub created_user_id: Id,
    pub created: Timestamp,
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/wikis", get(get_wikis).post(add_wiki))
        .route("/api/v2/wikis/count", get(count_wikis))
        .route("/api/v2/wikis/tags", get(get_tags))
        .route("/api/v2/wikis/{wikiId}", get(get_wiki).patch(update_wiki))
        .route("/api/v2/wikis/{wikiId}/attachments", get(get_attachments))
        .route(
            "/api/v2/wikis/{wikiId}/attachments/{attachmentId}",
            get(get_attachment),
        )
        .route("/api/v2/wikis/{wikiId}/history", get(get_history))
        .route("/api/v2/wikis/{wikiId}/sharedFiles", get(get_shared_files))
}

/// Adds each seeded page as it is to its history.
pub fn seed(state: &mut Store) {
    for wiki in state.wikis.iter_mut() {
        wiki.save_version();
    }
}

impl Wiki {
    /// Adds the page as it now is to its history, as the latest version.
    fn save_version(&mut self) {
        let version = WikiVersion {
            version: self.history.len() as u64 + 1,
            name: self.name.clone(),
            content: self.content.clone(),
            created_user_id: self.updated_user_id,
            created: self.updated,
        };
        self.history.push(version);
    }
}

/// `{wikiId}`: the numeric id of an existing page.
pub fn find<'a>(state: &'a Store, wiki_id: &str) -> ApiResult<&'a Wiki> {
    wiki_id
        .parse()
        .ok()
        .and_then(|id| state.wikis.get(id))
        .ok_or_else(|| ApiError::not_found("No wiki."))
}

/// The project named by the required `projectIdOrKey` query parameter.
fn project_param(state: &Store, params: &Params) -> ApiResult<Id> {
    let project = params.required_text("projectIdOrKey")?;
    Ok(projects::find(state, project)?.id)
}

/// `WikiListItem`: the page without its content, attachments, shared files and stars.
fn render_item(state: &Store, wiki: &Wiki) -> Value {
    json!({
        "id": wiki.id,
        "projectId": wiki.project_id,
        "name": wiki.name,
        "tags": wiki.tags,
        "createdUser": state.users.get(wiki.created_user_id),
        "created": wiki.created,
        "updatedUser": state.users.get(wiki.updated_user_id),
        "updated": wiki.updated,
    })
}

fn render(state: &Store, wiki: &Wiki) -> Value {
    let stars: Vec<Value> = state
        .stars
        .iter()
        .filter(|s| s.wiki_id == Some(wiki.id))
        .map(|s| stars::render(state, s))
        .collect();
    json!({
        "id": wiki.id,
        "projectId": wiki.project_id,
        "name": wiki.name,
        "content": wiki.content,
        "tags": wiki.tags,
        "attachments": attachments::rendered(state, Parent::Wiki(wiki.id)),
        "sharedFiles": shared_files::of_wiki(state, wiki.id),
        "stars": stars,
        "createdUser": state.users.get(wiki.created_user_id),
        "created": wiki.created,
        "updatedUser": state.users.get(wiki.updated_user_id),
        "updated": wiki.updated,
    })
}

/// The pages of the project in id order; `keyword` matches the name or the content.
fn matching<'a>(state: &'a Store, params: &Params) -> ApiResult<Vec<&'a Wiki>> {
    let project_id = project_param(state, params)?;
    let keyword = params.keyword();
    Ok(state
        .wikis
        .of_project(project_id)
        .filter(|w| keyword.matches(&[&w.name, &w.content]))
        .collect())
}

async fn get_wikis(app: App, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let wikis = matching(&state, &params)?;
    Ok(Json(
        wikis.into_iter().map(|w| render_item(&state, w)).collect(),
    ))
}

async fn count_wikis(app: App, params: Params) -> ApiResult<Response> {
    Ok(count(matching(&app.state(), &params)?.len()))
}

/// The tags of the project's pages, each once, in id order.
async fn get_tags(app: App, params: Params) -> ApiResult<Response> {
    let state = app.state();
    let project_id = project_param(&state, &params)?;
    let mut tags: Vec<&Tag> = state
        .wikis
        .of_project(project_id)
        .flat_map(|w| &w.tags)
        .collect();
    tags.sort_by_key(|t| t.id);
    tags.dedup_by_key(|t| t.id);
    Ok(json(tags))
}

async fn get_wiki(app: App, Segment(wiki): Segment) -> ApiResult<Json<Value>> {
    let state = app.state();
    Ok(Json(render(&state, find(&state, &wiki)?)))
}

async fn get_attachments(app: App, Segment(wiki): Segment) -> ApiResult<Response> {
    let state = app.state();
    let wiki = find(&state, &wiki)?;
    Ok(json(attachments::rendered(&state, Parent::Wiki(wiki.id))))
}

async fn get_attachment(
    app: App,
    Segments([wiki, attachment]): Segments<2>,
) -> ApiResult<Response> {
    let state = app.state();
    let wiki = find(&state, &wiki)?;
    attachments::serve(&state, Parent::Wiki(wiki.id), &attachment)
}

async fn get_shared_files(app: App, Segment(wiki): Segment) -> ApiResult<Response> {
    let state = app.state();
    let wiki = find(&state, &wiki)?;
    Ok(json(shared_files::of_wiki(&state, wiki.id)))
}

/// The page's versions, newest first, paged by version with `minId`/`maxId`.
async fn get_history(app: App, Segment(wiki): Segment, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let wiki = find(&state, &wiki)?;
    let cursor = Cursor::parse(&params)?;
    let page = cursor.page(wiki.history.iter().collect(), |v| v.version);
    let versions = page.into_iter().map(|v| {
        json!({
            "pageId": wiki.id,
            "version": v.version,
            "name": v.name,
            "content": v.content,
            "createdUser": state.users.get(v.created_user_id),
            "created": v.created,
        })
    });
    Ok(Json(versions.collect()))
}

/// A page name is unique within its project.
fn check_name(state: &Store, project_id: Id, name: &str, except: Option<Id>) -> ApiResult<()> {
    let taken = state
        .wikis
        .of_project(project_id)
        .any(|w| w.name == name && Some(w.id) != except);
    if taken {
        return Err(ApiError::bad_request(format!(
            "Wiki page name '{name}' is already used."
        )));
    }
    Ok(())
}

/// `content` must be sent, but a page may be empty.
fn content_param(params: &Params) -> ApiResult<&str> {
    params
        .get("content")
        .ok_or_else(|| ApiError::missing("content"))
}

async fn add_wiki(app: App, params: Params) -> ApiResult<Json<Value>> {
    let project_id = params.required_int("projectId")?;
    let name = params.required_text("name")?;
    let content = content_param(&params)?;
    // Nobody is mailed from the sandbox; the flag is only checked.
    params.boolean("mailNotify")?;
    let mut state = app.state();
    state
        .projects
        .get(project_id)
        .ok_or_else(ApiError::no_project)?;
    check_name(&state, project_id, name, None)?;

    let now = state.tick();
    let myself = state.myself_id;
    let mut draft = Wiki {
        id: 0,
        project_id,
        name: name.to_owned(),
        content: content.to_owned(),
        tags: Vec::new(),
        history: Vec::new(),
        created_user_id: myself,
        created: now,
        updated_user_id: myself,
        updated: now,
    };
    draft.save_version();
    let wiki = state.wikis.insert(|id| Wiki { id, ..draft }).clone();
    record(&mut state, activity_type::WIKI_CREATED, &wiki);
    Ok(Json(render(&state, &wiki)))
}

/// Changes only the fields sent; each update is one more version in the history.
async fn update_wiki(app: App, Segment(wiki): Segment, params: Params) -> ApiResult<Json<Value>> {
    let mut state = app.state();
    let mut wiki = find(&state, &wiki)?.clone();
    if params.contains("name") {
        let name = params.required_text("name")?;
        check_name(&state, wiki.project_id, name, Some(wiki.id))?;
        wiki.name = name.to_owned();
    }
    if params.contains("content") {
        wiki.content = content_param(&params)?.to_owned();
    }
    params.boolean("mailNotify")?;

    let now = state.tick();
    (wiki.updated, wiki.updated_user_id) = (now, state.myself_id);
    wiki.save_version();
    record(&mut state, activity_type::WIKI_UPDATED, &wiki);
    let body = Json(render(&state, &wiki));
    state.wikis.replace(wiki);
    Ok(body)
}

/// Logs a wiki write by the key's owner, with the page as it now is.
fn record(state: &mut Store, type_id: u32, wiki: &Wiki) {
    let content = json!({ "id": wiki.id, "name": wiki.name, "content": wiki.content });
    activities::record(state, wiki.project_id, type_id, content, wiki.updated);
}
