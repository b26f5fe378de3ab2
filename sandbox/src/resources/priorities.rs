//! `/priorities`: space-wide, the same in every space.

use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::routing::{Routes, json};
use crate::table::{Id, keyed_by_id};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    pub id: Id,
    pub name: String,
}

keyed_by_id!(Priority);

pub(crate) fn routes() -> Routes {
    Routes::new().route("/api/v2/priorities", get(get_priorities))
}

async fn get_priorities(app: App) -> Response {
    json(&app.state().priorities)
}
