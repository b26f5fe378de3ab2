//! How a request reaches a resource: the route table the resources fill, the intake in
//! front of every route and fallback, and the extractors and answers handlers share.

use std::convert::Infallible;
use std::sync::{Arc, MutexGuard};

use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::{Json, Router, middleware};
use serde::Serialize;

use crate::auth::Myself;
use crate::error::{ApiError, code};
use crate::fault::RateWindow;
use crate::intake::{self, RouteIntake};
use crate::params::Params;
use crate::store::State as Store;
use crate::{AppState, resources};

/// Routes as the resources declare them: a path template, its handlers, and who may call.
#[derive(Default)]
pub(crate) struct Routes(Vec<(&'static str, MethodRouter<AppState>, Access)>);

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// A request presenting a valid credential (`auth.rs`), as every API route.
    Credential,
    /// Anyone: OAuth's consent page and token endpoint, where the user and the client
    /// prove who they are by other means.
    Open,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `template` (axum syntax, `/api/v2/issues/{issueIdOrKey}`) with `methods`, to
    /// requests presenting a valid credential.
    pub fn route(self, template: &'static str, methods: MethodRouter<AppState>) -> Self {
        self.route_for(Access::Credential, template, methods)
    }

    /// Serves `template` with `methods` to anyone.
    pub fn open_route(self, template: &'static str, methods: MethodRouter<AppState>) -> Self {
        self.route_for(Access::Open, template, methods)
    }

    fn route_for(
        mut self,
        access: Access,
        template: &'static str,
        methods: MethodRouter<AppState>,
    ) -> Self {
        self.0.push((template, methods, access));
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.0.extend(other.0);
        self
    }

    /// The path templates, in the order declared.
    #[cfg(test)]
    pub fn templates(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(template, _, _)| *template)
    }
}

/// The sandbox's router: every resource's routes, each behind the intake that records its
/// template, and the two fallbacks, which pass the same intake with no template.
pub(crate) fn router(app: AppState) -> Router {
    let mut router = Router::new();
    for (template, methods, access) in resources::routes().0 {
        let intake = RouteIntake {
            app: app.clone(),
            template,
            access,
        };
        // A route layer, so the method-not-allowed fallback stays outside it.
        let layer = middleware::from_fn_with_state(intake, intake::route);
        router = router.route(template, methods.route_layer(layer));
    }
    router
        .fallback(undefined_resource)
        .method_not_allowed_fallback(method_not_allowed)
        // The intake decodes multipart bodies of up to what it buffers, not axum's 2 MB.
        .layer(DefaultBodyLimit::max(intake::MAX_BODY_BYTES))
        .with_state(app)
}

async fn undefined_resource(State(app): State<AppState>, request: Request) -> Response {
    let error = undefined(request.uri());
    let access = Access::Credential;
    intake::admit(&app, None, access, request, async |_| error.into_response()).await
}

async fn method_not_allowed(State(app): State<AppState>, request: Request) -> Response {
    let message = format!(
        "Method {} is not allowed on {}.",
        request.method(),
        request.uri().path()
    );
    let status = StatusCode::METHOD_NOT_ALLOWED;
    let error = ApiError::new(status, code::INVALID_REQUEST, message);
    let access = Access::Credential;
    intake::admit(&app, None, access, request, async |_| error.into_response()).await
}

/// A 200 answer with `body` as JSON, serialized at once, so a handler can answer with rows
/// it borrows from the locked state. A `Value` built under the lock is better returned as
/// `Json`, which serializes it after the lock is released.
pub(crate) fn json(body: impl Serialize) -> Response {
    Json(body).into_response()
}

/// Backlog's answer to every `…/count` endpoint: `{"count": n}`.
pub(crate) fn count(n: usize) -> Response {
    #[derive(Serialize)]
    struct Count {
        count: usize,
    }
    json(Count { count: n })
}

/// The one `{…}` segment of a route, percent-decoded (`..%2Fusers` → `../users`): ids and
/// keys are looked up literally, never re-routed.
pub(crate) struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(segment)) => Ok(Segment(segment)),
            Err(_) => Err(undefined(&parts.uri)),
        }
    }
}

/// Every `{…}` segment of a route with `N` of them, in order, each percent-decoded like a
/// [`Segment`]: `/projects/{projectIdOrKey}/git/repositories/{repoIdOrName}`.
pub(crate) struct Segments<const N: usize>(pub [String; N]);

impl<S: Send + Sync, const N: usize> FromRequestParts<S> for Segments<N> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let segments = Path::<Vec<String>>::from_request_parts(parts, state).await;
        match segments.map(|Path(all)| <[String; N]>::try_from(all)) {
            Ok(Ok(segments)) => Ok(Segments(segments)),
            _ => Err(undefined(&parts.uri)),
        }
    }
}

/// Backlog's answer to a path that names no resource, and to a segment that does not
/// decode.
fn undefined(uri: &Uri) -> ApiError {
    ApiError::not_found(format!("Undefined resource. {}", uri.path()))
}

/// The sandbox as one request sees it: every handler's way to the space, which it locks
/// with the request's user acting, so `/users/myself` and the author of every write follow
/// the credential presented.
pub(crate) struct App {
    shared: AppState,
    myself: Myself,
}

impl App {
    /// The space, locked, with this request's user acting ([`crate::Shared::state_as`]).
    pub fn state(&self) -> MutexGuard<'_, Store> {
        self.shared.state_as(self.myself.0)
    }

    pub fn rate(&self) -> MutexGuard<'_, RateWindow> {
        self.shared.rate()
    }
}

impl FromRequestParts<AppState> for App {
    type Rejection = ApiError;

    /// Fails only on an [`Access::Open`] route, where no one is authenticated.
    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let myself = parts.extensions.get::<Myself>().copied();
        let myself = myself.ok_or_else(ApiError::unauthorized)?;
        let shared = Arc::clone(app);
        Ok(App { shared, myself })
    }
}

/// The parameters the intake decoded for this request.
impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(parts.extensions.remove::<Params>().unwrap_or_default())
    }
}
