//! The one path every request takes, whether a route or a fallback answers it: buffer the
//! body (and decode a multipart one into its parts), record the request as received (its
//! OAuth secrets redacted), apply a programmable fault, authenticate, and hand the decoded parameters
//! on. Faults (`fault.rs`) apply between recording and authentication, so a faulted
//! request is still visible to tests. Every answer that is not a fault carries
//! Backlog's `X-RateLimit-*` headers.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Credential;
use crate::error::{ApiError, code};
use crate::fault::{self, Fault};
use crate::multipart::{self, FormParts};
use crate::params::Params;
use crate::recording::RecordedRequest;
use crate::routing::Access;
use crate::{AppState, Shared};

/// Bodies beyond this are refused; Backlog's own upload limit is far below it.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What the intake in front of one route knows: the sandbox, the route's template, and who
/// may call it.
#[derive(Clone)]
pub(crate) struct RouteIntake {
    pub app: AppState,
    pub template: &'static str,
    pub access: Access,
}

/// The middleware in front of each route's handlers (not of its method-not-allowed answer,
/// which is a fallback).
pub(crate) async fn route(
    State(intake): State<RouteIntake>,
    request: Request,
    next: Next,
) -> Response {
    let template = Some(intake.template);
    admit(
        &intake.app,
        template,
        intake.access,
        request,
        async |request| next.run(request).await,
    )
    .await
}

/// Takes `request` in for the route `template` (`None` for a fallback) that `access` may
/// call; `answer` gives the normal answer once the request is let in.
pub(crate) async fn admit(
    app: &Shared,
    template: Option<&'static str>,
    access: Access,
    request: Request,
    answer: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        let message = "Request body too large.";
        let status = StatusCode::PAYLOAD_TOO_LARGE;
        return ApiError::new(status, code::INVALID_REQUEST, message).into_response();
    };
    let form_parts = multipart::decode(&parts, &body).await;
    let recorded = RecordedRequest::new(&parts, &body, form_parts.clone(), template);
    // Backlog's encoding (§1.3) puts GET parameters in the query and write parameters in
    // the form body; reading only those makes a client that mixes them up fail here.
    let params = if matches!(parts.method, Method::GET | Method::HEAD) {
        recorded.query.clone()
    } else {
        recorded.form.clone()
    };
    app.record(recorded.redacted());
    let fault = app.faults().take(parts.method.as_str(), parts.uri.path());
    match fault {
        None => {}
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(fault) => return fault::respond(fault).await,
    }
    // After a delay, so a token that expires meanwhile is refused.
    let myself = match access {
        Access::Credential => app
            .authenticate(Credential::presented(&parts).as_ref())
            .map(Some),
        // An open route ignores whatever credential comes along.
        Access::Open => Ok(None),
    };
    // Counted before the answer, so `/rateLimit` reports the window its own headers carry.
    let rate_limit = app.rate().count();
    let mut response = match myself {
        Ok(myself) => {
            if let Some(myself) = myself {
                parts.extensions.insert(myself);
            }
            parts.extensions.insert(Params::new(params));
            parts.extensions.insert(FormParts(form_parts));
            answer(Request::from_parts(parts, Body::from(body))).await
        }
        Err(refusal) => refusal.into_response(),
    };
    response.headers_mut().extend(rate_limit);
    response
}
