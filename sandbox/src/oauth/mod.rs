//! Backlog's OAuth 2.0 (backlog-api.md §1.2; RFC 6749's authorization code grant), for the
//! apps a sandbox is configured with ([`Sandbox::with_oauth_app`](crate::Sandbox::with_oauth_app)):
//!
//! 1. The app sends the user to `GET /OAuth2AccessRequest.action?client_id=…&
//!    response_type=code&redirect_uri=…&state=…` (`state` optional). An unknown
//!    `client_id`, a `response_type` other than `code` or a `redirect_uri` other than the
//!    app's, exactly, answers 400 with an HTML page: nothing is sent to an unverified URI.
//!    Otherwise the consent page: a form to pick one of the space's users and approve or
//!    deny.
//! 2. The form posts to `POST /OAuth2AccessRequest.action`
//!    (`application/x-www-form-urlencoded`), which a test can send without reading the
//!    page. Its fields:
//!
//!    | field | value |
//!    |---|---|
//!    | `client_id`, `redirect_uri` | as in step 1, checked again |
//!    | `state` | as in step 1, if it was given |
//!    | `user_id` | the numeric id of the user who approves (not needed to deny) |
//!    | `decision` | `approve` or `deny` |
//!
//!    Approving answers `302 Found` to `redirect_uri?code=…&state=…`: the code is good
//!    for one exchange within [`CODE_TTL`], by that app, with that redirect URI, for that
//!    user. Denying answers `302` to `redirect_uri?error=access_denied&state=…`.
//! 3. The app exchanges the code at `POST /api/v2/oauth2/token` (`token.rs`) for an access
//!    token and a refresh token, and each refresh token for a new pair.
//! 4. `Authorization: Bearer ACCESS_TOKEN` then acts as that user on the API (`auth.rs`);
//!    an unknown, expired or revoked token answers 401 with
//!    `WWW-Authenticate: Bearer error="invalid_token"`.
//!
//! Neither page nor endpoint needs a credential ([`Access::Open`](crate::routing::Access)).

mod consent;
mod grants;
mod token;

use std::fmt;
use std::time::Duration;

use axum::routing::{get, post};

use crate::routing::Routes;

pub(crate) use grants::Grants;

/// How long an access token lives unless told otherwise: an hour, as at Backlog.
pub const DEFAULT_OAUTH_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// How long an authorization code may wait for its exchange.
pub(crate) const CODE_TTL: Duration = Duration::from_secs(600);

/// The consent page's path, which Backlog serves outside `/api/v2`.
const CONSENT_PATH: &str = "/OAuth2AccessRequest.action";

/// An application registered for OAuth 2.0, as on Backlog's developer site.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: String,
    /// Where the consent page sends the user back; requests must name it exactly.
    pub redirect_uri: String,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("client_secret", &crate::REDACTED)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

pub(crate) fn routes() -> Routes {
    let consent = get(consent::consent).post(consent::decide);
    Routes::new()
        .open_route(CONSENT_PATH, consent)
        .open_route("/api/v2/oauth2/token", post(token::token))
}
