//! `/projects/{projectIdOrKey}/issueTypes`.

use serde::{Deserialize, Serialize};

use super::projects;
use crate::routing::Routes;
use crate::table::{Id, Table, in_project, keyed_by_id};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueType {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub color: String,
    pub display_order: u32,
    pub template_summary: Option<String>,
    pub template_description: Option<String>,
}

keyed_by_id!(IssueType);
in_project!(IssueType);

pub(crate) fn routes() -> Routes {
    Routes::new().route(
        "/api/v2/projects/{projectIdOrKey}/issueTypes",
        projects::list(|state| &state.issue_types),
    )
}

/// Bug, Task, Request, Other: what Backlog gives every new project, with fresh ids.
pub fn add_defaults(issue_types: &mut Table<IssueType>, project_id: Id) {
    const DEFAULTS: [(&str, &str); 4] = [
        ("Bug", "#e30000"),
        ("Task", "#7ea800"),
        ("Request", "#ff9200"),
        ("Other", "#2779ca"),
    ];
    for ((name, color), display_order) in DEFAULTS.into_iter().zip(0..) {
        issue_types.insert(|id| IssueType {
            id,
            project_id,
            name: name.into(),
            color: color.into(),
            display_order,
            template_summary: None,
            template_description: None,
        });
    }
}
