//! `/projects/{projectIdOrKey}/categories`.

use serde::{Deserialize, Serialize};

use super::projects;
use crate::routing::Routes;
use crate::table::{Id, in_project, keyed_by_id};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Category {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub display_order: u32,
}

keyed_by_id!(Category);
in_project!(Category);

pub(crate) fn routes() -> Routes {
    Routes::new().route(
        "/api/v2/projects/{projectIdOrKey}/categories",
        projects::list(|state| &state.categories),
    )
}
