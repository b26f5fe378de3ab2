//! One Backlog space: its connection pool (rustls, HTTP/2 when offered),
//! timeouts, a cap on reply size, retries of reads (never of writes), and the
//! limits on calls in flight. The credential comes with each call. Replies
//! become [`ToolOutput`] or [`ToolError`].

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::HeaderMap;

use super::error::LimitScope;
use super::limits::{self, Limiter, PerCredential};
use super::{
    BacklogErrorBody, BacklogRequest, Credential, Download, Method, ToolError, ToolOutput,
};

/// Where and how to reach one Backlog space, and the limits of its client.
#[derive(Clone, Debug)]
pub struct SpaceConfig {
    /// `https://{space}/api/v2`, or any full base URL (http allowed) for the sandbox and tests.
    pub base_url: String,
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub request_timeout: Duration,
    /// Replies larger than this are refused, read no further.
    pub max_response_bytes: usize,
    /// Calls of one credential in flight at once (Backlog limits each user).
    pub max_concurrency: usize,
    /// Calls of one credential waiting for a free slot; past this a call fails fast as busy.
    pub max_queue: usize,
    /// Calls to the space in flight at once, all credentials together.
    pub max_space_concurrency: usize,
    /// Calls to the space waiting for a free slot, all credentials together.
    pub max_space_queue: usize,
    /// Total time a read may spend on retries (waits included).
    pub retry_budget: Duration,
    /// Certificates trusted besides the system's (BACKLOG_CA_FILE: a TLS proxy's CA).
    pub ca_certificates: Vec<reqwest::Certificate>,
}

impl SpaceConfig {
    /// A configuration with the default limits.
    pub fn new(base_url: impl Into<String>) -> Self {
        SpaceConfig {
            base_url: base_url.into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_response_bytes: 4 * 1024 * 1024,
            max_concurrency: 8,
            max_queue: 64,
            max_space_concurrency: 32,
            max_space_queue: 256,
            retry_budget: Duration::from_secs(10),
            ca_certificates: Vec::new(),
        }
    }

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
    #[error(transparent)]
    Credential(#[from] super::credential::InvalidCredential),
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
    #[error(
        "BACKLOG_CA_FILE {path}: {problem}; give a PEM file of the CA certificates to trust \
         (-----BEGIN CERTIFICATE----- blocks)"
    )]
    CaFile { path: String, problem: String },
}

/// The certificates of a PEM file (BACKLOG_CA_FILE), to trust besides the system's.
pub fn ca_certificates(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    let fail = |problem: String| ConfigError::CaFile {
        path: path.display().to_string(),
        problem,
    };
    let pem = std::fs::read(path).map_err(|e| fail(format!("cannot be read ({e})")))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| fail(format!("is not PEM ({e})")))?;
    if certificates.is_empty() {
        return Err(fail("holds no certificate".to_owned()));
    }
    Ok(certificates)
}

/// The client of one Backlog space, shared by every call to it.
pub struct Space {
    /// Built on first use (or by [`Space::prepare`]): loading the system's
    /// certificates is most of a cold start's work, and a server answers
    /// tools/list without ever calling Backlog.
    http: OnceLock<Result<reqwest::Client, String>>,
    client: ClientSettings,
    base_url: String,
    max_response_bytes: usize,
    per_credential: PerCredential,
    space: Limiter,
    retry_budget: Duration,
}

impl fmt::Debug for Space {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Space")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// What the HTTP client of a space is built with.
struct ClientSettings {
    connect_timeout: Duration,
    request_timeout: Duration,
    ca_certificates: Vec<reqwest::Certificate>,
}

impl ClientSettings {
    fn build(&self) -> Result<reqwest::Client, String> {
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .tcp_nodelay(true)
            .tls_certs_merge(self.ca_certificates.iter().cloned())
            .build()
            .map_err(|e| e.to_string())
    }
}

/// How this server names itself to Backlog.
pub const USER_AGENT: &str = concat!("backlog-mcp/", env!("CARGO_PKG_VERSION"));

/// A read is tried at most this many times.
const MAX_ATTEMPTS: u32 = 3;
/// First backoff; doubled per attempt, with ±50% jitter.
const BASE_BACKOFF: Duration = Duration::from_millis(200);

impl Space {
    pub fn new(config: SpaceConfig) -> Result<Self, ConfigError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        let scheme_ok = base_url.starts_with("https://") || base_url.starts_with("http://");
        if !scheme_ok || base_url.contains(['?', '#']) || base_url.contains(char::is_whitespace) {
            return Err(ConfigError::BaseUrl(config.base_url));
        }
        // rustls needs one process-wide crypto provider (any client of the
        // process, not only ours); a second install is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Space {
            http: OnceLock::new(),
            client: ClientSettings {
                connect_timeout: config.connect_timeout,
                request_timeout: config.request_timeout,
                ca_certificates: config.ca_certificates,
            },
            base_url,
            max_response_bytes: config.max_response_bytes,
            per_credential: PerCredential::new(config.max_concurrency, config.max_queue),
            space: Limiter::new(
                config.max_space_concurrency,
                config.max_space_queue,
                LimitScope::Space,
            ),
            retry_budget: config.retry_budget,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Builds the HTTP client now (it loads the system's certificates), so
    /// that the first call does not wait for it and a failure shows at start.
    pub fn prepare(&self) -> Result<(), ConfigError> {
        self.http().map(|_| ())
    }

    fn http(&self) -> Result<&reqwest::Client, ConfigError> {
        self.http
            .get_or_init(|| self.client.build())
            .as_ref()
            .map_err(|e| ConfigError::Client(e.clone()))
    }

    /// Sends one tool call's request as `credential`; the reply is Backlog's
    /// JSON. Reads (GET) are retried on 429, 502, 503, 504 and connection
    /// failures, with backoff and jitter, honouring Retry-After /
    /// X-RateLimit-Reset, within the retry budget. Writes are sent exactly
    /// once, whatever happens.
    pub async fn send(
        &self,
        credential: &Credential,
        request: BacklogRequest,
    ) -> Result<ToolOutput, ToolError> {
        self.call(credential, &request, Reply::Json).await
    }

    /// Downloads a file (a read, retried as reads are), reading at most
    /// `max_bytes` of it: a larger file is refused, read no further.
    pub async fn download(
        &self,
        credential: &Credential,
        request: BacklogRequest,
        max_bytes: u64,
    ) -> Result<ToolOutput, ToolError> {
        self.call(credential, &request, Reply::File { max_bytes })
            .await
    }

    async fn call(
        &self,
        credential: &Credential,
        request: &BacklogRequest,
        reply: Reply,
    ) -> Result<ToolOutput, ToolError> {
        let deadline = Instant::now() + self.retry_budget;
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(credential, request, reply).await;
            if request.method != Method::Get || attempt >= MAX_ATTEMPTS {
                return outcome.map_err(|failure| failure.error);
            }
            let failure = match outcome {
                Ok(output) => return Ok(output),
                Err(failure) if failure.retryable => failure,
                Err(failure) => return Err(failure.error),
            };
            let wait = failure.retry_after.unwrap_or_else(|| backoff(attempt));
            if Instant::now() + wait > deadline {
                return Err(failure.error);
            }
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                error = failure.error.kind(),
                "retrying a read"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        credential: &Credential,
        request: &BacklogRequest,
        reply: Reply,
    ) -> Result<ToolOutput, Failure> {
        let _slots = limits::acquire(&self.per_credential, &self.space, credential.fingerprint())
            .await
            .map_err(Failure::final_)?;
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
        let (name, value) = credential.header();
        let http = self
            .http()
            .map_err(|e| Failure::final_(ToolError::Transport(e.to_string())))?;
        let mut builder = http.request(method, &url).header(name, value);
        if let Some(upload) = &request.upload {
            let part = reqwest::multipart::Part::stream(upload.bytes.clone())
                .file_name(upload.file_name.clone())
                .mime_str(&upload.content_type)
                .map_err(|e| {
                    Failure::final_(ToolError::InvalidArguments(e.without_url().to_string()))
                })?;
            builder =
                builder.multipart(reqwest::multipart::Form::new().part(upload.field.clone(), part));
        } else if request.method != Method::Get {
            builder = builder
                .header(
                    http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(request.encoded_form());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let success = (200..300).contains(&status);
        if let (true, Reply::File { max_bytes }) = (success, reply) {
            let (file_name, content_type) = file_metadata(response.headers(), request);
            let bytes = self
                .read_capped(&mut response, max_bytes as usize, || {
                    ToolError::FileTooLarge {
                        size: None,
                        max_bytes,
                    }
                })
                .await
                .map_err(|failure| match failure.error {
                    // Content-Length tells the size before any byte is read.
                    ToolError::FileTooLarge { max_bytes, .. } => {
                        Failure::final_(ToolError::FileTooLarge {
                            size: failure.content_length,
                            max_bytes,
                        })
                    }
                    _ => failure,
                })?;
            return Ok(ToolOutput::File(Download {
                status,
                file_name,
                content_type,
                source: request.encoded_path(),
                bytes,
            }));
        }
        let limit = self.max_response_bytes;
        let body = self
            .read_capped(&mut response, limit, || ToolError::TooLarge {
                limit_bytes: limit,
            })
            .await?;
        if success {
            // Passed through as is, so it must look like JSON (or be empty, as 204 is).
            if !body.is_empty() && !looks_like_json(&body) {
                return Err(Failure::final_(ToolError::UnexpectedReply {
                    status,
                    detail: describe_body(&body, "a body that is not JSON"),
                }));
            }
            return Ok(ToolOutput::Json { status, body });
        }
        let error = match serde_json::from_slice::<BacklogErrorBody>(&body) {
            Ok(parsed) if !parsed.errors.is_empty() => ToolError::Backlog {
                status,
                errors: parsed.errors,
                retry_after_secs: (status == 429)
                    .then(|| retry_after.map(|d| d.as_secs().max(1)))
                    .flatten(),
                credential: credential.kind().clone(),
            },
            _ => ToolError::UnexpectedReply {
                status,
                detail: describe_body(&body, "a body that is not Backlog's error JSON"),
            },
        };
        Err(Failure {
            error,
            retryable: matches!(status, 429 | 502 | 503 | 504),
            retry_after: if status == 429 { retry_after } else { None },
            content_length: None,
        })
    }

    /// Reads the body, refusing more than `limit` bytes with `too_large`.
    async fn read_capped(
        &self,
        response: &mut reqwest::Response,
        limit: usize,
        too_large: impl Fn() -> ToolError,
    ) -> Result<Vec<u8>, Failure> {
        let length = response.content_length();
        if length.is_some_and(|length| length > limit as u64) {
            return Err(Failure {
                content_length: length,
                ..Failure::final_(too_large())
            });
        }
        let mut body = Vec::with_capacity(length.unwrap_or(0).min(limit as u64) as usize);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_failure(e))?
        {
            if body.len() + chunk.len() > limit {
                return Err(Failure::final_(too_large()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// reqwest's errors name the URL; ours never do.
    fn transport_failure(&self, error: reqwest::Error) -> Failure {
        let error = error.without_url();
        if error.is_timeout() {
            return Failure::final_(ToolError::Timeout {
                secs: self.client.request_timeout.as_secs().max(1),
            });
        }
        let what = if error.is_connect() {
            "the connection to Backlog failed"
        } else {
            "the connection to Backlog broke"
        };
        let mut detail = String::new();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            detail = cause.to_string();
            source = cause.source();
        }
        let text = if detail.is_empty() {
            what.to_owned()
        } else if detail.contains("certificate") {
            format!(
                "{what}: {detail} (if Backlog is reached through a TLS-inspecting proxy, \
                 set BACKLOG_CA_FILE to a PEM file of its CA)"
            )
        } else {
            format!("{what}: {detail}")
        };
        Failure {
            error: ToolError::Transport(text),
            retryable: true,
            retry_after: None,
            content_length: None,
        }
    }
}

/// What a successful reply is read as.
#[derive(Clone, Copy)]
enum Reply {
    /// Backlog's JSON, up to the space's reply cap.
    Json,
    /// A file, up to the call's own cap.
    File { max_bytes: u64 },
}

/// A failed attempt, and whether a read may try again.
struct Failure {
    error: ToolError,
    retryable: bool,
    retry_after: Option<Duration>,
    /// The Content-Length of a reply refused for its size.
    content_length: Option<u64>,
}

impl Failure {
    fn final_(error: ToolError) -> Self {
        Failure {
            error,
            retryable: false,
            retry_after: None,
            content_length: None,
        }
    }
}

/// A download's file name (`Content-Disposition`, `filename*` preferred, else
/// the last path segment) and content type (`application/octet-stream` when
/// Backlog sends none).
fn file_metadata(headers: &HeaderMap, request: &BacklogRequest) -> (String, String) {
    let disposition = headers
        .get(http::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .map(|header| {
            // RFC 6266: `filename*` wins over `filename`; the parser keeps the plain
            // one when both are there, so it is given the extended one alone.
            let extended = header
                .split(';')
                .map(str::trim)
                .find(|p| p.to_ascii_lowercase().starts_with("filename*="));
            match extended {
                Some(param) => {
                    content_disposition::parse_content_disposition(&format!("attachment; {param}"))
                }
                None => content_disposition::parse_content_disposition(header),
            }
        });
    let file_name = disposition
        .and_then(|d| d.filename_full())
        // A name is only a label: never a path.
        .map(|name| {
            name.rsplit(['/', '\\'])
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|name| !name.is_empty())
        .or_else(|| request.path.last().cloned())
        .unwrap_or_else(|| "file".to_owned());
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or("application/octet-stream")
        .to_owned();
    (file_name, content_type)
}

/// `BASE_BACKOFF * 2^(attempt-1)`, ±50%.
fn backoff(attempt: u32) -> Duration {
    let base = BASE_BACKOFF * 2u32.saturating_pow(attempt - 1);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(attempt);
    let jitter = (hasher.finish() % 1000) as f64 / 1000.0; // 0..1
    base.mul_f64(0.5 + jitter)
}

/// When Backlog says to come back: `Retry-After` (seconds), else `X-RateLimit-Reset` (epoch seconds).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    if let Some(secs) = number("retry-after") {
        return Some(Duration::from_secs(secs));
    }
    let reset = number("x-ratelimit-reset")?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(reset.saturating_sub(now)))
}

/// Whether a reply passed through unparsed is JSON, by its ends: an object or
/// array must close, so a proxy's page, plain text and a reply cut short are
/// caught without reading it all (a full parse costs more than the rest of a
/// large reply's trip). Anything else, scalars, is small and parsed.
fn looks_like_json(body: &[u8]) -> bool {
    let trimmed = body.trim_ascii();
    match (trimmed.first(), trimmed.last()) {
        (Some(b'{'), Some(b'}')) | (Some(b'['), Some(b']')) => true,
        (Some(b'{' | b'['), _) => false,
        _ => serde_json::from_slice::<serde::de::IgnoredAny>(trimmed).is_ok(),
    }
}

/// A short, safe description of a body that is not what was expected.
fn describe_body(body: &[u8], what: &str) -> String {
    if body.is_empty() {
        return "an empty body".to_owned();
    }
    let text = String::from_utf8_lossy(body);
    if text.trim_start().starts_with('<') {
        return format!(
            "an HTML page instead of Backlog's JSON ({} bytes)",
            body.len()
        );
    }
    let snippet: String = text.chars().filter(|c| !c.is_control()).take(80).collect();
    format!("{what} ({} bytes, starting {snippet:?})", body.len())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn a_reply_is_json_by_its_ends_and_a_scalar_by_a_parse() {
        let cases: [(&[u8], bool); 12] = [
            (b" {\"id\":1}\n", true),
            (b"[]", true),
            (b"[{\"a\":[1]}]", true),
            (b"42", true),
            (b"\"text\"", true),
            (b"null", true),
            (b"[{\"id\":1,\"summary\":\"cut off", false),
            (b"{\"id\":1", false),
            (b"<html><body>502</body></html>", false),
            (b"Service Unavailable", false),
            (b"{\"a\":1]", false),
            (b"   ", false),
        ];
        for (body, json) in cases {
            assert_eq!(
                looks_like_json(body),
                json,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_file_name_prefers_filename_star_and_is_never_a_path() {
        let request = BacklogRequest::new(Method::Get);
        let name = |disposition: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                http::header::CONTENT_DISPOSITION,
                HeaderValue::from_str(disposition).unwrap(),
            );
            file_metadata(&headers, &request).0
        };
        assert_eq!(
            name(
                "attachment; filename=\"___.txt\"; filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.txt"
            ),
            "議事録.txt"
        );
        assert_eq!(name("attachment; filename=\"report.pdf\""), "report.pdf");
        assert_eq!(name("attachment; filename=\"../../etc/passwd\""), "passwd");
    }

    #[test]
    fn backoff_grows_with_jitter() {
        for attempt in 1..=3 {
            let base = BASE_BACKOFF * 2u32.pow(attempt - 1);
            let wait = backoff(attempt);
            assert!(
                wait >= base / 2 && wait <= base * 3 / 2,
                "{attempt}: {wait:?}"
            );
        }
    }

    #[test]
    fn retry_after_prefers_the_header_then_the_reset_time() {
        let mut headers = HeaderMap::new();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        headers.insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&(now + 30).to_string()).unwrap(),
        );
        let wait = retry_after(&headers).unwrap();
        assert!((29..=30).contains(&wait.as_secs()), "{wait:?}");
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
    }
}
