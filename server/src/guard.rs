//! The project allow-list (`BACKLOG_PROJECTS=KEY1,KEY2`, IDs accepted too): a
//! call that would read or change anything of another project is refused
//! before any request reaches Backlog but the lookups that tell which project
//! a resource belongs to; searches are narrowed to the allowed projects; and
//! the replies of space-wide lists (projects, activities, notifications,
//! watchings, related issues) keep only the allowed projects' items.
//!
//! Which project a call touches is read from its arguments by Backlog's own
//! names (projectId/projectKey, issueId/issueKey, wikiId, documentId,
//! watchId, targetIssueId, …); every tool is classified, which a test checks
//! from the registry, so a new tool cannot slip past unguarded.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::backlog::{BacklogRequest, Method, ToolError, ToolOutput};
use crate::context::CallContext;
use crate::registry::ToolDef;

/// How long a lookup (issue → project, …) is trusted, and how many are kept.
const TTL: Duration = Duration::from_secs(600);
const MAX_ENTRIES: usize = 10_000;

/// Tools that touch no project: nothing to check, nothing to filter.
pub const NEUTRAL: &[&str] = &[
    "get_space",
    "get_users",
    "get_myself",
    "get_user_stars_count",
    "get_priorities",
    "get_resolutions",
    "get_rate_limit",
    // An upload belongs to no project until a guarded write attaches it.
    "add_attachment",
    // Counts and read flags of the user's own notifications and watches
    // reveal no project's content.
    "count_notifications",
    "reset_unread_notification_count",
    "mark_notification_as_read",
    "get_watching_list_count",
];

/// Tools that always touch a project outside the list: a new project is one.
pub const OUTSIDE: &[&str] = &["add_project"];

/// Space-wide lists whose items are filtered: the tool, and where an item
/// says its project ID.
pub const FILTERED: &[(&str, &[&str])] = &[
    ("get_project_list", &["id"]),
    ("get_space_activities", &["project", "id"]),
    ("get_user_recent_updates", &["project", "id"]),
    ("get_notifications", &["project", "id"]),
    ("get_watching_list_items", &["issue", "projectId"]),
    ("get_related_issues", &["projectId"]),
];

/// A resource a call names, whose project must be allowed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reference {
    /// A project by ID or key.
    Project(String),
    /// An issue by ID or key (a key names its project itself).
    Issue(String),
    Wiki(String),
    Document(String),
    Watching(String),
}

/// The allow-list and what it has looked up.
pub struct ProjectGuard {
    /// As configured: project keys or IDs.
    allowed: Vec<String>,
    cache: Mutex<HashMap<(String, Reference), (Instant, Project)>>,
}

/// A project's ID and key.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Project {
    id: u64,
    key: String,
}

impl ProjectGuard {
    /// `None` when the list is empty (every project allowed).
    pub fn new(allowed: &[String]) -> Option<Self> {
        let allowed: Vec<String> = allowed
            .iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        (!allowed.is_empty()).then(|| ProjectGuard {
            allowed,
            cache: Mutex::default(),
        })
    }

    fn allows(&self, project: &Project) -> bool {
        self.allowed
            .iter()
            .any(|a| *a == project.key || a.parse::<u64>() == Ok(project.id))
    }

    /// Whether a project key (or an issue key's project) is allowed, when that
    /// is decided without a lookup: it is listed, or every entry is a key.
    fn decided_by_key(&self, reference: &Reference) -> Option<bool> {
        let key = key_of(reference);
        if key.is_empty() || key.parse::<u64>().is_ok() {
            return None;
        }
        if self.allowed.iter().any(|a| a == key) {
            return Some(true);
        }
        let all_keys = self.allowed.iter().all(|a| a.parse::<u64>().is_err());
        all_keys.then_some(false)
    }

    fn refused(&self, what: &str) -> ToolError {
        ToolError::ProjectNotAllowed {
            what: what.to_owned(),
            allowed: self.allowed.join(", "),
        }
    }

    /// Checks every project the call names, and narrows a search without a
    /// project to the allowed ones. Makes no write: at most lookups (GET).
    pub async fn check(
        &self,
        tool: &ToolDef,
        arguments: &mut Map<String, Value>,
        context: &CallContext,
    ) -> Result<(), ToolError> {
        if NEUTRAL.contains(&tool.name) || FILTERED.iter().any(|(t, _)| *t == tool.name) {
            return Ok(());
        }
        if OUTSIDE.contains(&tool.name) {
            return Err(self.refused("a new project"));
        }
        for reference in references(tool, arguments) {
            match self.decided_by_key(&reference) {
                Some(true) => continue,
                Some(false) => return Err(self.refused(&format!("project {}", key_of(&reference)))),
                None => {}
            }
            let project = self.project_of(&reference, context).await?;
            if !self.allows(&project) {
                return Err(self.refused(&format!("project {}", project.key)));
            }
        }
        // A search of issues names its projects, or is narrowed to the allowed ones.
        if matches!(tool.name, "get_issues" | "count_issues") {
            let given = arguments.get("projectId").and_then(Value::as_array);
            if given.is_none_or(|ids| ids.is_empty()) {
                let mut ids = Vec::new();
                for allowed in self.allowed.clone() {
                    let project = self
                        .project_of(&Reference::Project(allowed), context)
                        .await?;
                    ids.push(Value::from(project.id));
                }
                arguments.insert("projectId".to_owned(), Value::Array(ids));
            }
        }
        Ok(())
    }

    /// The reply of a space-wide list, with only the allowed projects' items.
    pub async fn filter(
        &self,
        tool: &ToolDef,
        output: ToolOutput,
        context: &CallContext,
    ) -> Result<ToolOutput, ToolError> {
        let Some((_, path)) = FILTERED.iter().find(|(t, _)| *t == tool.name) else {
            return Ok(output);
        };
        let ToolOutput::Json { status, body } = output else {
            return Ok(output);
        };
        let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&body) else {
            return Ok(ToolOutput::Json { status, body });
        };
        let mut allowed_ids = Vec::new();
        for allowed in self.allowed.clone() {
            allowed_ids.push(
                self.project_of(&Reference::Project(allowed), context)
                    .await?
                    .id,
            );
        }
        let kept: Vec<Value> = items
            .into_iter()
            .filter(|item| {
                let id = path.iter().try_fold(item, |v, key| v.get(*key));
                id.and_then(Value::as_u64)
                    .is_some_and(|id| allowed_ids.contains(&id))
            })
            .collect();
        Ok(ToolOutput::Json {
            status,
            body: Value::Array(kept).to_string().into_bytes(),
        })
    }

    /// The project a reference belongs to: from the key itself when it says
    /// so, else from a lookup (cached).
    async fn project_of(
        &self,
        reference: &Reference,
        context: &CallContext,
    ) -> Result<Project, ToolError> {
        if let Reference::Issue(key) = reference
            && let Some((project_key, _)) = key.rsplit_once('-')
            && key.parse::<u64>().is_err()
        {
            let project = Reference::Project(project_key.to_owned());
            return Box::pin(self.project_of(&project, context)).await;
        }
        let cache_key = (context.space.base_url().to_owned(), reference.clone());
        if let Some((at, project)) = self.lock().get(&cache_key)
            && at.elapsed() < TTL
        {
            return Ok(project.clone());
        }
        let project = self.look_up(reference, context).await?;
        let mut cache = self.lock();
        if cache.len() >= MAX_ENTRIES {
            cache.retain(|_, (at, _)| at.elapsed() < TTL);
            if cache.len() >= MAX_ENTRIES {
                cache.clear();
            }
        }
        cache.insert(cache_key, (Instant::now(), project.clone()));
        Ok(project)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Reference), (Instant, Project)>> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn look_up(
        &self,
        reference: &Reference,
        context: &CallContext,
    ) -> Result<Project, ToolError> {
        let (resource, id, project_id_at) = match reference {
            Reference::Project(id) => ("projects", id, None),
            Reference::Issue(id) => ("issues", id, Some(&["projectId"][..])),
            Reference::Wiki(id) => ("wikis", id, Some(&["projectId"][..])),
            Reference::Document(id) => ("documents", id, Some(&["projectId"][..])),
            Reference::Watching(id) => ("watchings", id, Some(&["issue", "projectId"][..])),
        };
        let json = get(context, resource, id).await?;
        let Some(path) = project_id_at else {
            return project(&json);
        };
        let project_id = path
            .iter()
            .try_fold(&json, |v, key| v.get(*key))
            .and_then(Value::as_u64)
            .ok_or_else(|| unexpected(resource))?;
        Box::pin(self.project_of(&Reference::Project(project_id.to_string()), context)).await
    }
}

/// The project key a reference names itself (a project key, an issue key's
/// prefix), or `""`.
fn key_of(reference: &Reference) -> &str {
    match reference {
        Reference::Project(key) if key.parse::<u64>().is_err() => key,
        Reference::Issue(key) if key.parse::<u64>().is_err() => {
            key.rsplit_once('-').map_or("", |(project, _)| project)
        }
        _ => "",
    }
}

async fn get(context: &CallContext, resource: &str, id: &str) -> Result<Value, ToolError> {
    let mut request = BacklogRequest::new(Method::Get);
    request.segment(resource);
    request.path_param("id", id)?;
    match context.send(request).await? {
        ToolOutput::Json { body, .. } => {
            serde_json::from_slice(&body).map_err(|_| unexpected(resource))
        }
        ToolOutput::File(_) => Err(unexpected(resource)),
    }
}

fn project(json: &Value) -> Result<Project, ToolError> {
    match (json["id"].as_u64(), json["projectKey"].as_str()) {
        (Some(id), Some(key)) => Ok(Project {
            id,
            key: key.to_owned(),
        }),
        _ => Err(unexpected("projects")),
    }
}

fn unexpected(resource: &str) -> ToolError {
    ToolError::UnexpectedReply {
        status: 200,
        detail: format!("a {resource} reply without its project"),
    }
}

/// The resources a call names, by Backlog's argument names.
pub fn references(tool: &ToolDef, arguments: &Map<String, Value>) -> Vec<Reference> {
    let text = |name: &str| -> Option<String> {
        match arguments.get(name)? {
            Value::Number(n) if n.as_i64().is_some_and(|n| n > 0) => Some(n.to_string()),
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    };
    let first = |names: &[&str]| names.iter().find_map(|n| text(n));
    let in_path = |variable: &str| tool.path.contains(&format!("{{{variable}}}"));
    let mut references = Vec::new();
    // projectIdOrKey: a path variable or a query parameter, from projectId or projectKey.
    if in_path("projectIdOrKey") || tool.sends.contains(&"projectIdOrKey") {
        if let Some(project) = first(&["projectId", "projectKey", "projectIdOrKey"]) {
            references.push(Reference::Project(project));
        }
    } else if let Some(project) = text("projectId") {
        references.push(Reference::Project(project));
    }
    for name in ["projectId", "projectIds"] {
        for id in arguments
            .get(name)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = id.as_u64() {
                references.push(Reference::Project(id.to_string()));
            }
        }
    }
    if in_path("issueIdOrKey") {
        if let Some(issue) = first(&["issueId", "issueKey"]) {
            references.push(Reference::Issue(issue));
        }
    } else if let Some(issue) = first(&["issueIdOrKey", "issueId"]) {
        references.push(Reference::Issue(issue));
    }
    for name in ["targetIssueId", "relatedIssueId", "parentIssueId"] {
        if let Some(issue) = text(name) {
            references.push(Reference::Issue(issue));
        }
    }
    if let Some(wiki) = text("wikiId") {
        references.push(Reference::Wiki(wiki));
    }
    for name in ["documentId", "parentId"] {
        if let Some(document) = text(name) {
            references.push(Reference::Document(document));
        }
    }
    if let Some(watching) = text("watchId") {
        references.push(Reference::Watching(watching));
    }
    references
}
