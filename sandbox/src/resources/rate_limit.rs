//! `GET /rateLimit`: the caller's rate limits per class. The sandbox counts one window for
//! every request (`fault.rs`), so the four classes report the same numbers, those of the
//! `X-RateLimit-*` headers on this very answer.

use axum::Json;
use axum::routing::get;
use serde_json::{Value, json};

use crate::App;
use crate::fault::RATE_LIMIT_PER_MINUTE;
use crate::routing::Routes;

pub(crate) fn routes() -> Routes {
    Routes::new().route("/api/v2/rateLimit", get(get_rate_limit))
}

async fn get_rate_limit(app: App) -> Json<Value> {
    let (remaining, reset) = app.rate().current();
    let window = json!({ "limit": RATE_LIMIT_PER_MINUTE, "remaining": remaining, "reset": reset });
    Json(json!({
        "rateLimit": { "read": window, "update": window, "search": window, "icon": window }
    }))
}
