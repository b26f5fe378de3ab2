//! The `/api/v2` route table and what the handlers share: path segments, parameters, and
//! the id-cursor pagination of activities and comments.

mod issues;
mod projects;
mod space;
mod users;

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use axum::routing::get;
use axum::{Router, middleware};

use crate::AppState;
use crate::error::{ApiError, ApiResult, code};
use crate::params::Params;
use crate::recording::intake;

pub fn router(app: AppState) -> Router {
    Router::new()
        .route("/api/v2/space", get(space::get_space))
        .route("/api/v2/space/activities", get(space::get_space_activities))
        .route("/api/v2/priorities", get(space::get_priorities))
        .route("/api/v2/resolutions", get(space::get_resolutions))
        .route("/api/v2/users", get(users::get_users))
        .route("/api/v2/users/myself", get(users::get_myself))
        .route("/api/v2/users/{userId}", get(users::get_user))
        .route(
            "/api/v2/users/{userId}/activities",
            get(users::get_user_activities),
        )
        .route(
            "/api/v2/users/{userId}/stars/count",
            get(users::get_user_stars_count),
        )
        .route(
            "/api/v2/projects",
            get(projects::get_projects).post(projects::add_project),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}",
            get(projects::get_project).patch(projects::update_project),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/users",
            get(projects::get_project_users),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/statuses",
            get(projects::get_statuses),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/issueTypes",
            get(projects::get_issue_types),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/categories",
            get(projects::get_categories),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/versions",
            get(projects::get_versions),
        )
        .route(
            "/api/v2/projects/{projectIdOrKey}/customFields",
            get(projects::get_custom_fields),
        )
        .route(
            "/api/v2/issues",
            get(issues::get_issues).post(issues::add_issue),
        )
        .route("/api/v2/issues/count", get(issues::count_issues))
        .route(
            "/api/v2/issues/{issueIdOrKey}",
            get(issues::get_issue)
                .patch(issues::update_issue)
                .delete(issues::delete_issue),
        )
        .route(
            "/api/v2/issues/{issueIdOrKey}/comments",
            get(issues::get_comments).post(issues::add_comment),
        )
        .route(
            "/api/v2/issues/{issueIdOrKey}/comments/count",
            get(issues::count_comments),
        )
        .fallback(undefined_resource)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), intake))
        .with_state(app)
}

async fn undefined_resource(uri: Uri) -> ApiError {
    ApiError::not_found(format!("Undefined resource. {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    let message = format!("Method {method} is not allowed on {}.", uri.path());
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        code::INVALID_REQUEST,
        message,
    )
}

/// The one `{…}` segment of a route, percent-decoded (`..%2Fusers` → `../users`): ids and
/// keys are looked up literally, never re-routed.
pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(segment)) => Ok(Segment(segment)),
            Err(_) => Err(ApiError::not_found(format!(
                "Undefined resource. {}",
                parts.uri.path()
            ))),
        }
    }
}

/// The parameters the intake middleware decoded for this request.
impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(parts.extensions.remove::<Params>().unwrap_or_default())
    }
}

/// `count`: 1–100, default 20.
pub fn count_param(params: &Params) -> ApiResult<usize> {
    match params.int("count")? {
        None => Ok(20),
        Some(count @ 1..=100) => Ok(count as usize),
        Some(_) => Err(ApiError::invalid("count")),
    }
}

/// `order`: `asc` or `desc` (the default). True for ascending.
pub fn ascending_param(params: &Params) -> ApiResult<bool> {
    match params.get("order") {
        None | Some("") | Some("desc") => Ok(false),
        Some("asc") => Ok(true),
        Some(_) => Err(ApiError::invalid("order")),
    }
}

/// `minId` / `maxId` / `count` / `order` paging over id-ordered items.
pub struct Cursor {
    min_id: Option<u64>,
    max_id: Option<u64>,
    count: usize,
    ascending: bool,
}

impl Cursor {
    pub fn parse(params: &Params) -> ApiResult<Self> {
        Ok(Self {
            min_id: params.int("minId")?,
            max_id: params.int("maxId")?,
            count: count_param(params)?,
            ascending: ascending_param(params)?,
        })
    }

    /// Keeps ids strictly between `minId` and `maxId` (both exclusive, so the last id
    /// seen pages on without repeats), newest first unless ascending, at most `count`.
    pub fn page<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> u64) -> Vec<T> {
        items.retain(|item| {
            let id = id(item);
            self.min_id.is_none_or(|min| id > min) && self.max_id.is_none_or(|max| id < max)
        });
        items.sort_by_key(&id);
        if !self.ascending {
            items.reverse();
        }
        items.truncate(self.count);
        items
    }
}
