//! `/projects/{projectIdOrKey}/categories`.

use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::projects;
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::routing::{Routes, Segment, json};
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
        projects::list(|state| &state.categories).post(add_category),
    )
}

/// `name*`, unique in the project; the new category comes last.
async fn add_category(app: App, Segment(project): Segment, params: Params) -> ApiResult<Response> {
    let mut state = app.state();
    let project_id = projects::find(&state, &project)?.id;
    let name = params.required_text("name")?;
    let siblings = || state.categories.of_project(project_id);
    if siblings().any(|c| c.name == name) {
        return Err(ApiError::bad_request(format!(
            "Category name '{name}' is already used."
        )));
    }
    let display_order = projects::next_display_order(siblings(), |c| c.display_order);
    let category = state.categories.insert(|id| Category {
        id,
        project_id,
        name: name.to_owned(),
        display_order,
    });
    Ok(json(category))
}
