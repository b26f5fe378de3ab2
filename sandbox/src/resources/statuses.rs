//! `/projects/{projectIdOrKey}/statuses`.

use serde::{Deserialize, Serialize};

use super::projects;
use crate::routing::Routes;
use crate::table::{Id, Row, in_project};

/// A project status. The four defaults share ids 1–4 across projects, as in Backlog,
/// so a status is identified by `(project_id, id)`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Status {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub color: String,
    pub display_order: u32,
}

impl Row for Status {
    type Key = (Id, Id);

    fn key(&self) -> (Id, Id) {
        (self.project_id, self.id)
    }

    fn id(&self) -> Id {
        self.id
    }
}

in_project!(Status);

pub(crate) fn routes() -> Routes {
    Routes::new().route(
        "/api/v2/projects/{projectIdOrKey}/statuses",
        projects::list(|state| &state.statuses),
    )
}

/// Open 1, In Progress 2, Resolved 3, Closed 4: what Backlog gives every new project.
pub fn defaults(project_id: Id) -> impl Iterator<Item = Status> {
    const DEFAULTS: [(&str, &str); 4] = [
        ("Open", "#ea2c00"),
        ("In Progress", "#3b9dbd"),
        ("Resolved", "#4caf93"),
        ("Closed", "#393939"),
    ];
    DEFAULTS
        .into_iter()
        .zip(1..)
        .map(move |((name, color), id)| Status {
            id,
            project_id,
            name: name.into(),
            color: color.into(),
            display_order: id as u32 - 1,
        })
}
