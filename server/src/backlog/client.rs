//! One HTTP client per Backlog space: a shared connection pool (rustls,
//! HTTP/2 when the server offers it), the API key as a sensitive header,
//! timeouts, and Backlog's replies turned into [`ToolOutput`] or [`ToolError`].

use std::fmt;
use std::time::Duration;

use http::HeaderValue;

use super::{BacklogErrorBody, BacklogRequest, Method, ToolError, ToolOutput};

/// Where and how to reach one Backlog space.
#[derive(Clone)]
pub struct BacklogConfig {
    /// `https://{space}/api/v2`, or any full base URL (http allowed) for the sandbox and tests.
    pub base_url: String,
    pub api_key: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

// The API key must never reach a log line, even through `{:?}`.
impl fmt::Debug for BacklogConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BacklogConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl BacklogConfig {
    /// The base URL of a space given by its host name, as `BACKLOG_DOMAIN` is
    /// (`example.backlog.com`, no scheme).
    pub fn base_url_for_domain(domain: &str) -> Result<String, ConfigError> {
        let domain = domain.trim().trim_end_matches('/');
        if domain.is_empty()
            || domain.contains("://")
            || domain.contains('/')
            || domain.contains(char::is_whitespace)
        {
            return Err(ConfigError::Domain(domain.to_owned()));
        }
        Ok(format!("https://{domain}/api/v2"))
    }
}

/// A configuration the client cannot work with.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "BACKLOG_DOMAIN must be a host name such as yourspace.backlog.com (no scheme, no path), got {0:?}"
    )]
    Domain(String),
    #[error(
        "BACKLOG_BASE_URL must be an http(s) URL such as https://yourspace.backlog.com/api/v2, got {0:?}"
    )]
    BaseUrl(String),
    #[error("BACKLOG_API_KEY contains characters that cannot be sent in an HTTP header")]
    ApiKey,
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

/// The client of one Backlog space.
pub struct Backlog {
    http: reqwest::Client,
    base_url: String,
    api_key: HeaderValue,
}

impl fmt::Debug for Backlog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backlog")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

const USER_AGENT: &str = concat!("backlog-mcp/", env!("CARGO_PKG_VERSION"));

impl Backlog {
    pub fn new(config: BacklogConfig) -> Result<Self, ConfigError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        let scheme_ok = base_url.starts_with("https://") || base_url.starts_with("http://");
        if !scheme_ok || base_url.contains(['?', '#']) || base_url.contains(char::is_whitespace) {
            return Err(ConfigError::BaseUrl(config.base_url));
        }
        let mut api_key =
            HeaderValue::from_str(&config.api_key).map_err(|_| ConfigError::ApiKey)?;
        api_key.set_sensitive(true);
        // rustls needs one process-wide crypto provider; a second install is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| ConfigError::Client(e.to_string()))?;
        Ok(Backlog {
            http,
            base_url,
            api_key,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one request and reads the whole reply.
    pub async fn send(&self, request: BacklogRequest) -> Result<ToolOutput, ToolError> {
        let mut url = format!("{}{}", self.base_url, request.encoded_path());
        let query = request.encoded_query();
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .http
            .request(method, &url)
            .header("Backlog-API-Key", self.api_key.clone());
        if request.method != Method::Get {
            builder = builder
                .header(
                    http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(request.encoded_form());
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport_error)?;
        if (200..300).contains(&status) {
            return Ok(ToolOutput { status, body });
        }
        match serde_json::from_slice::<BacklogErrorBody>(&body) {
            Ok(parsed) if !parsed.errors.is_empty() => Err(ToolError::Backlog {
                status,
                errors: parsed.errors,
            }),
            _ => Err(ToolError::UnexpectedReply {
                status,
                detail: describe_body(&body),
            }),
        }
    }
}

/// reqwest's errors name the URL; ours never do (it may carry a key as `apiKey=`).
fn transport_error(error: reqwest::Error) -> ToolError {
    let error = error.without_url();
    let what = if error.is_timeout() {
        "Backlog did not answer in time".to_owned()
    } else if error.is_connect() {
        "the connection to Backlog failed".to_owned()
    } else {
        "the request to Backlog failed".to_owned()
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    ToolError::Transport(if detail.is_empty() {
        what
    } else {
        format!("{what}: {detail}")
    })
}

/// A short, safe description of an error body that is not Backlog's JSON.
fn describe_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "an empty body".to_owned();
    }
    let text = String::from_utf8_lossy(body);
    let looks_html = text.trim_start().starts_with('<');
    let snippet: String = text.chars().filter(|c| !c.is_control()).take(120).collect();
    if looks_html {
        format!(
            "an HTML page instead of Backlog's JSON ({} bytes)",
            body.len()
        )
    } else {
        format!("a body that is not Backlog's error JSON: {snippet:?}")
    }
}
