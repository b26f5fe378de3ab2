//! `/users…`: the space's users. Their activities and stars are served by `activities.rs`
//! and `stars.rs`.

use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::routing::{Routes, Segment, json};
use crate::store::State as Store;
use crate::table::{Id, keyed_by_id};
use crate::time::Timestamp;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    pub id: Id,
    pub user_id: String,
    pub name: String,
    pub role_type: u8,
    pub lang: Option<String>,
    pub mail_address: String,
    pub nulab_account: Option<NulabAccount>,
    pub keyword: String,
    pub last_login_time: Timestamp,
}

keyed_by_id!(User);

/// The Nulab account a user signs in with, when there is one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NulabAccount {
    pub nulab_id: String,
    pub name: String,
    pub unique_id: String,
}

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/users", get(get_users))
        .route("/api/v2/users/myself", get(get_myself))
        .route("/api/v2/users/{userId}", get(get_user))
}

/// `{userId}`: the numeric id of an existing user.
pub fn find<'a>(state: &'a Store, user_id: &str) -> ApiResult<&'a User> {
    user_id
        .parse()
        .ok()
        .and_then(|id| state.users.get(id))
        .ok_or_else(ApiError::no_user)
}

async fn get_users(app: App) -> Response {
    json(&app.state().users)
}

async fn get_myself(app: App) -> Response {
    let state = app.state();
    json(state.users.get(state.myself_id))
}

async fn get_user(app: App, Segment(user): Segment) -> ApiResult<Response> {
    find(&app.state(), &user).map(json)
}
