//! `/projects/{projectIdOrKey}/versions`: versions and milestones, one resource in Backlog.

use serde::{Deserialize, Serialize};

use super::projects;
use crate::routing::Routes;
use crate::table::{Id, in_project, keyed_by_id};
use crate::time::Date;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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

keyed_by_id!(Version);
in_project!(Version);

pub(crate) fn routes() -> Routes {
    Routes::new().route(
        "/api/v2/projects/{projectIdOrKey}/versions",
        projects::list(|state| &state.versions),
    )
}
