//! The sandbox's state: Backlog's domain objects as plain structs, plus the lookups and
//! id/clock allocation every route shares. JSON rendering lives in `render.rs`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
pub use crate::time::{Date, Timestamp};

pub type Id = u64;

#[derive(Clone, Debug)]
pub struct Space {
    pub space_key: String,
    pub name: String,
    pub owner_id: Id,
    pub lang: String,
    pub timezone: String,
    pub report_send_time: String,
    pub text_formatting_rule: String,
    pub created: Timestamp,
    pub updated: Timestamp,
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: Id,
    pub user_id: String,
    pub name: String,
    pub role_type: u8,
    pub lang: Option<String>,
    pub mail_address: String,
    pub last_login_time: Timestamp,
}

#[derive(Clone, Debug)]
pub struct Project {
    pub id: Id,
    pub key: String,
    pub name: String,
    pub chart_enabled: bool,
    pub use_resolved_for_chart: bool,
    pub subtasking_enabled: bool,
    pub project_leader_can_edit_project_leader: bool,
    pub use_wiki: bool,
    pub use_file_sharing: bool,
    pub use_wiki_tree_view: bool,
    pub use_original_image_size_at_wiki: bool,
    pub use_subversion: bool,
    pub use_git: bool,
    pub use_dev_attributes: bool,
    pub grandchild_issue_enabled: bool,
    pub text_formatting_rule: String,
    pub archived: bool,
    pub display_order: u32,
    pub member_ids: Vec<Id>,
    /// The `keyId` the next issue gets (`DEMO-41` after `DEMO-40`), never reused.
    pub next_key_id: u64,
}

/// A project status. The four defaults share ids 1–4 across projects, as in Backlog,
/// so a status is identified by `(project_id, id)`.
#[derive(Clone, Debug)]
pub struct Status {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub color: String,
    pub display_order: u32,
}

#[derive(Clone, Debug)]
pub struct IssueType {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub color: String,
    pub display_order: u32,
}

/// A priority or resolution: space-wide, id + name only.
#[derive(Clone, Debug)]
pub struct Named {
    pub id: Id,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Category {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub display_order: u32,
}

/// A version or milestone (one resource in Backlog).
#[derive(Clone, Debug)]
pub struct Version {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub description: String,
    pub start_date: Option<Date>,
    pub release_due_date: Option<Date>,
    pub archived: bool,
    pub display_order: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    TextArea,
    Numeric,
    Date,
    SingleList,
    MultipleList,
    CheckBox,
    Radio,
}

impl FieldKind {
    /// Backlog's `typeId` / `fieldTypeId`.
    pub fn type_id(self) -> u8 {
        match self {
            FieldKind::Text => 1,
            FieldKind::TextArea => 2,
            FieldKind::Numeric => 3,
            FieldKind::Date => 4,
            FieldKind::SingleList => 5,
            FieldKind::MultipleList => 6,
            FieldKind::CheckBox => 7,
            FieldKind::Radio => 8,
        }
    }

    pub fn has_items(self) -> bool {
        matches!(
            self,
            Self::SingleList | Self::MultipleList | Self::CheckBox | Self::Radio
        )
    }

    /// Several items at once (rendered as an array).
    pub fn is_multi(self) -> bool {
        matches!(self, Self::MultipleList | Self::CheckBox)
    }

    /// Checkbox and radio carry a free-text `otherValue`.
    pub fn has_other_value(self) -> bool {
        matches!(self, Self::CheckBox | Self::Radio)
    }
}

#[derive(Clone, Debug)]
pub struct ListItem {
    pub id: Id,
    pub name: String,
    pub display_order: u32,
}

#[derive(Clone, Debug)]
pub struct CustomField {
    pub id: Id,
    pub project_id: Id,
    pub kind: FieldKind,
    pub name: String,
    pub description: String,
    pub required: bool,
    pub display_order: u32,
    pub unit: Option<String>,
    pub items: Vec<ListItem>,
    pub allow_add_item: bool,
    pub allow_input: bool,
}

impl CustomField {
    pub fn item(&self, id: Id) -> Option<&ListItem> {
        self.items.iter().find(|item| item.id == id)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Text(String),
    Numeric(f64),
    Date(Date),
    /// Item ids, for every list kind (single kinds hold exactly one).
    Items(Vec<Id>),
}

/// One custom field's value on an issue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredValue {
    pub value: Option<FieldValue>,
    pub other_value: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Issue {
    pub id: Id,
    pub project_id: Id,
    pub key_id: u64,
    pub issue_type_id: Id,
    pub summary: String,
    pub description: String,
    pub resolution_id: Option<Id>,
    pub priority_id: Id,
    pub status_id: Id,
    pub assignee_id: Option<Id>,
    pub category_ids: Vec<Id>,
    pub version_ids: Vec<Id>,
    pub milestone_ids: Vec<Id>,
    pub start_date: Option<Date>,
    pub due_date: Option<Date>,
    pub estimated_hours: Option<f64>,
    pub actual_hours: Option<f64>,
    pub parent_issue_id: Option<Id>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated_user_id: Id,
    pub updated: Timestamp,
    /// Values by custom field id; a field without an entry is unset.
    pub custom: BTreeMap<Id, StoredValue>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChangeLog {
    pub field: String,
    pub new_value: String,
    pub original_value: String,
}

#[derive(Clone, Debug)]
pub struct Comment {
    pub id: Id,
    pub issue_id: Id,
    pub project_id: Id,
    /// `None` for an update that changed fields without a comment text.
    pub content: Option<String>,
    pub change_log: Vec<ChangeLog>,
    pub notified_user_ids: Vec<Id>,
    pub created_user_id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
}

/// Backlog activity types the sandbox produces.
pub mod activity_type {
    pub const ISSUE_CREATED: u32 = 1;
    pub const ISSUE_UPDATED: u32 = 2;
    pub const ISSUE_COMMENTED: u32 = 3;
    pub const ISSUE_DELETED: u32 = 4;
}

#[derive(Clone, Debug)]
pub struct Activity {
    pub id: Id,
    pub project_id: Id,
    pub type_id: u32,
    /// Type-specific payload, already in Backlog's (snake_case) shape.
    pub content: Value,
    pub created_user_id: Id,
    pub created: Timestamp,
}

/// A star received by `user_id` (only counted, via `/users/{id}/stars/count`).
#[derive(Clone, Debug)]
pub struct Star {
    pub user_id: Id,
    pub created: Timestamp,
}

/// The whole emulated space.
#[derive(Clone, Debug)]
pub struct State {
    pub space: Space,
    /// The owner of the API key: what `/users/myself` returns and who writes.
    pub myself_id: Id,
    pub users: Vec<User>,
    pub projects: Vec<Project>,
    pub statuses: Vec<Status>,
    pub issue_types: Vec<IssueType>,
    pub priorities: Vec<Named>,
    pub resolutions: Vec<Named>,
    pub categories: Vec<Category>,
    pub versions: Vec<Version>,
    pub custom_fields: Vec<CustomField>,
    pub issues: Vec<Issue>,
    pub comments: Vec<Comment>,
    pub activities: Vec<Activity>,
    pub stars: Vec<Star>,
    pub next_issue_id: Id,
    pub next_comment_id: Id,
    pub next_activity_id: Id,
    /// The sandbox clock: deterministic, advanced one minute per write.
    pub now: Timestamp,
}

impl State {
    /// The time of a write; each call is one minute later than the previous one, so
    /// `created`/`updated` order follows write order.
    pub fn tick(&mut self) -> Timestamp {
        self.now = self.now.plus_seconds(60);
        self.now
    }

    pub fn user(&self, id: Id) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// `{userId}` path segment: a numeric id of an existing user.
    pub fn user_by_segment(&self, segment: &str) -> ApiResult<&User> {
        segment
            .parse()
            .ok()
            .and_then(|id| self.user(id))
            .ok_or_else(ApiError::no_user)
    }

    pub fn project(&self, id: Id) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    /// `{projectIdOrKey}`: a numeric id, else a project key.
    pub fn project_index(&self, id_or_key: &str) -> ApiResult<usize> {
        let by_id = id_or_key.parse::<Id>().ok();
        self.projects
            .iter()
            .position(|p| by_id.map_or(p.key == id_or_key, |id| p.id == id))
            .ok_or_else(ApiError::no_project)
    }

    pub fn project_by_segment(&self, id_or_key: &str) -> ApiResult<&Project> {
        self.project_index(id_or_key).map(|i| &self.projects[i])
    }

    /// `{issueIdOrKey}`: a numeric id, else `PROJECTKEY-keyId`.
    pub fn issue_index(&self, id_or_key: &str) -> ApiResult<usize> {
        let found = match id_or_key.parse::<Id>() {
            Ok(id) => self.issues.iter().position(|i| i.id == id),
            Err(_) => id_or_key
                .rsplit_once('-')
                .and_then(|(project_key, key_id)| {
                    let project = self.projects.iter().find(|p| p.key == project_key)?;
                    let key_id = key_id.parse::<u64>().ok()?;
                    self.issues
                        .iter()
                        .position(|i| i.project_id == project.id && i.key_id == key_id)
                }),
        };
        found.ok_or_else(ApiError::no_issue)
    }

    pub fn issue(&self, id: Id) -> Option<&Issue> {
        self.issues.iter().find(|i| i.id == id)
    }

    /// The issues whose parent is `issue_id`.
    pub fn children(&self, issue_id: Id) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(move |i| i.parent_issue_id == Some(issue_id))
    }

    pub fn issue_key(&self, issue: &Issue) -> String {
        let project_key = self
            .project(issue.project_id)
            .map_or("", |p| p.key.as_str());
        format!("{project_key}-{}", issue.key_id)
    }

    pub fn status(&self, project_id: Id, id: Id) -> Option<&Status> {
        self.statuses
            .iter()
            .find(|s| s.project_id == project_id && s.id == id)
    }

    pub fn issue_type(&self, id: Id) -> Option<&IssueType> {
        self.issue_types.iter().find(|t| t.id == id)
    }

    pub fn priority(&self, id: Id) -> Option<&Named> {
        self.priorities.iter().find(|p| p.id == id)
    }

    pub fn resolution(&self, id: Id) -> Option<&Named> {
        self.resolutions.iter().find(|r| r.id == id)
    }

    pub fn category(&self, id: Id) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn version(&self, id: Id) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    pub fn custom_field(&self, id: Id) -> Option<&CustomField> {
        self.custom_fields.iter().find(|f| f.id == id)
    }

    pub fn project_custom_fields(&self, project_id: Id) -> impl Iterator<Item = &CustomField> {
        self.custom_fields
            .iter()
            .filter(move |f| f.project_id == project_id)
    }

    pub fn add_activity(&mut self, project_id: Id, type_id: u32, content: Value, at: Timestamp) {
        let id = self.next_activity_id;
        self.next_activity_id += 1;
        let created_user_id = self.myself_id;
        self.activities.push(Activity {
            id,
            project_id,
            type_id,
            content,
            created_user_id,
            created: at,
        });
    }
}
