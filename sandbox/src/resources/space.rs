//! `/space`: the space itself.

use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::routing::{Routes, json};
use crate::table::Id;
use crate::time::Timestamp;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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

pub(crate) fn routes() -> Routes {
    Routes::new().route("/api/v2/space", get(get_space))
}

async fn get_space(app: App) -> Response {
    json(&app.state().space)
}
