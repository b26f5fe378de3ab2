//! `/resolutions`: space-wide, the same in every space; ids start at 0 (Fixed).

use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::routing::{Routes, json};
use crate::table::{Id, keyed_by_id};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    pub id: Id,
    pub name: String,
}

keyed_by_id!(Resolution);

pub(crate) fn routes() -> Routes {
    Routes::new().route("/api/v2/resolutions", get(get_resolutions))
}

async fn get_resolutions(app: App) -> Response {
    json(&app.state().resolutions)
}
