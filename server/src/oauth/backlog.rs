//! This server as an OAuth client of Backlog: the consent page a user is sent
//! to, and Backlog's token endpoint (a code, or a refresh token, for tokens).
//! backlog-api.md §1.2: authorize at `https://{host}/OAuth2AccessRequest.action`,
//! tokens at `POST /api/v2/oauth2/token`.

use std::time::Duration;

use serde::Deserialize;

/// One Backlog space this server signs users in to, with the app registered
/// there (Backlog: Space settings → Apps).
#[derive(Clone)]
pub struct BacklogApp {
    /// The organization's name (`BACKLOG_ORG_<NAME>`, or `default` for one space).
    pub organization: String,
    /// The API base URL, `https://{host}/api/v2`.
    pub api_base_url: String,
    pub client_id: String,
    client_secret: String,
}

impl std::fmt::Debug for BacklogApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BacklogApp")
            .field("organization", &self.organization)
            .field("api_base_url", &self.api_base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// Backlog's answer at its token endpoint.
#[derive(Deserialize)]
pub struct TokenReply {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token lasts.
    pub expires_in: u64,
}

/// Why Backlog gave no tokens.
#[derive(Debug, thiserror::Error)]
pub enum BacklogOAuthError {
    /// Backlog refused the code or refresh token (expired, revoked, reused).
    #[error("Backlog refused the grant: {0}")]
    Refused(String),
    /// Backlog could not be reached, or answered something unexpected.
    #[error("Backlog's token endpoint failed: {0}")]
    Failed(String),
}

impl BacklogApp {
    pub fn new(
        organization: &str,
        api_base_url: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Self {
        BacklogApp {
            organization: organization.to_owned(),
            api_base_url: api_base_url.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
        }
    }

    /// Where the user approves this server: Backlog's consent page.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        let host = self
            .api_base_url
            .strip_suffix("/api/v2")
            .unwrap_or(&self.api_base_url);
        let mut url = url::Url::parse(&format!("{host}/OAuth2AccessRequest.action"))
            .expect("a base URL checked at startup");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state);
        url.into()
    }

    /// Exchanges the code of Backlog's redirect for tokens.
    pub async fn exchange_code(
        &self,
        http: &reqwest::Client,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenReply, BacklogOAuthError> {
        self.token(
            http,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ],
        )
        .await
    }

    /// New tokens for a refresh token (Backlog rotates the refresh token too).
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        refresh_token: &str,
    ) -> Result<TokenReply, BacklogOAuthError> {
        self.token(
            http,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    async fn token(
        &self,
        http: &reqwest::Client,
        grant: &[(&str, &str)],
    ) -> Result<TokenReply, BacklogOAuthError> {
        let mut form: Vec<(&str, &str)> = grant.to_vec();
        form.push(("client_id", &self.client_id));
        form.push(("client_secret", &self.client_secret));
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let reply = http
            .post(format!("{}/oauth2/token", self.api_base_url))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .timeout(Duration::from_secs(30))
            .body(body)
            .send()
            .await
            .map_err(|e| BacklogOAuthError::Failed(e.without_url().to_string()))?;
        let status = reply.status();
        let bytes = reply
            .bytes()
            .await
            .map_err(|e| BacklogOAuthError::Failed(e.without_url().to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| BacklogOAuthError::Failed(format!("unexpected token reply: {e}")));
        }
        // RFC 6749 §5.2: {error, error_description}; never echo tokens back.
        let reason = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
            .unwrap_or_else(|| format!("HTTP {status}"));
        if status.is_client_error() {
            Err(BacklogOAuthError::Refused(reason))
        } else {
            Err(BacklogOAuthError::Failed(reason))
        }
    }
}
