//! Command-line flags and environment variables, compatible with the official
//! Node server (`MCP_TRANSPORT`, `MCP_HTTP_*`, `BACKLOG_DOMAIN`, …).

use std::net::IpAddr;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::backlog::{ConfigError, Credential, Space, SpaceConfig};
use crate::context::Spaces;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    Stdio,
    Http,
}

/// backlog-mcp: an MCP server for a Nulab Backlog space.
#[derive(Clone, Debug, Parser)]
#[command(version, about)]
pub struct Config {
    /// How MCP clients connect: stdio (a client starts this process) or http (Streamable HTTP).
    #[arg(long, env = "MCP_TRANSPORT", value_enum, default_value = "stdio")]
    pub transport: Transport,
    /// Address to listen on with --transport http.
    #[arg(long, env = "MCP_HTTP_HOST", default_value = "127.0.0.1")]
    pub http_host: IpAddr,
    /// Port to listen on with --transport http (0 picks a free one).
    #[arg(long, env = "MCP_HTTP_PORT", default_value_t = 3333)]
    pub http_port: u16,
    /// Path of the MCP endpoint.
    #[arg(long, env = "MCP_HTTP_PATH", default_value = "/mcp")]
    pub http_path: String,
    /// Host names (or host:port) accepted in the Host header, comma-separated. Default on a
    /// loopback address: localhost, 127.0.0.1, ::1. Set it when serving under a public name.
    #[arg(long, env = "MCP_HTTP_ALLOWED_HOSTS", value_delimiter = ',')]
    pub http_allowed_hosts: Vec<String>,
    /// Browser origins accepted in the Origin header (e.g. https://app.example.com:443),
    /// comma-separated. Default: loopback origins on a loopback address, none otherwise.
    #[arg(long, env = "MCP_HTTP_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub http_allowed_origins: Vec<String>,
    /// Only these toolsets, comma-separated (space, project, issue, …); default: all compiled in.
    #[arg(long, env = "ENABLE_TOOLSETS", value_delimiter = ',')]
    pub enable_toolsets: Vec<String>,
    /// Backlog space host name, e.g. yourspace.backlog.com.
    #[arg(long, env = "BACKLOG_DOMAIN", hide_env_values = true)]
    pub backlog_domain: Option<String>,
    /// Full Backlog API base URL instead of BACKLOG_DOMAIN, e.g. http://127.0.0.1:8080/api/v2.
    #[arg(long, env = "BACKLOG_BASE_URL", hide_env_values = true)]
    pub backlog_base_url: Option<String>,
    /// Backlog API key (Personal settings → API).
    #[arg(long, env = "BACKLOG_API_KEY", hide_env_values = true)]
    pub backlog_api_key: Option<String>,
    /// Seconds to wait for a connection to Backlog.
    #[arg(long, env = "BACKLOG_CONNECT_TIMEOUT", default_value_t = 10)]
    pub backlog_connect_timeout: u64,
    /// Seconds to wait for a whole Backlog reply.
    #[arg(long, env = "BACKLOG_TIMEOUT", default_value_t = 30)]
    pub backlog_timeout: u64,
    /// Largest Backlog reply accepted, in bytes (larger ones fail with advice to page).
    #[arg(long, env = "BACKLOG_MAX_RESPONSE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub backlog_max_response_bytes: usize,
    /// Calls to Backlog in flight at once per API key or signed-in user.
    #[arg(long, env = "BACKLOG_MAX_CONCURRENCY", default_value_t = 8)]
    pub backlog_max_concurrency: usize,
    /// Calls of one API key or user waiting for a free slot before new ones fail fast as busy.
    #[arg(long, env = "BACKLOG_MAX_QUEUE", default_value_t = 64)]
    pub backlog_max_queue: usize,
    /// Calls to one Backlog space in flight at once, all users together.
    #[arg(long, env = "BACKLOG_MAX_SPACE_CONCURRENCY", default_value_t = 32)]
    pub backlog_max_space_concurrency: usize,
    /// Calls to one Backlog space waiting for a free slot, all users together.
    #[arg(long, env = "BACKLOG_MAX_SPACE_QUEUE", default_value_t = 256)]
    pub backlog_max_space_queue: usize,
    /// Seconds a read may spend retrying (on 429, 502, 503, 504, connection failures).
    #[arg(long, env = "BACKLOG_RETRY_BUDGET", default_value_t = 10)]
    pub backlog_retry_budget: u64,
    /// Run against a built-in demo Backlog space (no account needed).
    #[arg(long)]
    pub sandbox: bool,
}

/// A startup problem, said once, plainly, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "no Backlog space configured: set BACKLOG_DOMAIN (e.g. yourspace.backlog.com) and BACKLOG_API_KEY, \
         or run with --sandbox to try the server on a built-in demo space"
    )]
    MissingDomain,
    #[error(
        "BACKLOG_API_KEY is not set: create a key in Backlog under Personal settings → API, then set BACKLOG_API_KEY"
    )]
    MissingApiKey,
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("--http-path must start with '/', got {0:?}")]
    HttpPath(String),
}

impl Config {
    /// The Backlog space from BACKLOG_BASE_URL or BACKLOG_DOMAIN, called with BACKLOG_API_KEY.
    pub fn spaces(&self) -> Result<Spaces, StartupError> {
        let base_url = match (&self.backlog_base_url, &self.backlog_domain) {
            (Some(url), _) if !url.trim().is_empty() => url.trim().to_owned(),
            (_, Some(domain)) if !domain.trim().is_empty() => {
                SpaceConfig::base_url_for_domain(domain)?
            }
            _ => return Err(StartupError::MissingDomain),
        };
        let api_key = self
            .backlog_api_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or(StartupError::MissingApiKey)?;
        let credential =
            Credential::api_key(api_key, "BACKLOG_API_KEY").map_err(ConfigError::from)?;
        let space = Space::new(self.space_config(base_url))?;
        Ok(Spaces::single(space, Some(credential)))
    }

    /// A space's client configuration for `base_url` with this config's timeouts and limits.
    pub fn space_config(&self, base_url: String) -> SpaceConfig {
        SpaceConfig {
            connect_timeout: Duration::from_secs(self.backlog_connect_timeout.max(1)),
            request_timeout: Duration::from_secs(self.backlog_timeout.max(1)),
            max_response_bytes: self.backlog_max_response_bytes,
            max_concurrency: self.backlog_max_concurrency.max(1),
            max_queue: self.backlog_max_queue,
            max_space_concurrency: self.backlog_max_space_concurrency.max(1),
            max_space_queue: self.backlog_max_space_queue,
            retry_budget: Duration::from_secs(self.backlog_retry_budget),
            ..SpaceConfig::new(base_url)
        }
    }

    /// The toolsets chosen at run time, if narrowed.
    pub fn toolsets(&self) -> Option<Vec<String>> {
        let chosen: Vec<String> = self
            .enable_toolsets
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        (!chosen.is_empty()).then_some(chosen)
    }

    pub fn check_http_path(&self) -> Result<(), StartupError> {
        if self.http_path.starts_with('/') {
            Ok(())
        } else {
            Err(StartupError::HttpPath(self.http_path.clone()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Config {
        Config::try_parse_from(std::iter::once("backlog-mcp").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn defaults_match_the_official_server() {
        let config = parse(&[]);
        assert_eq!(config.transport, Transport::Stdio);
        assert_eq!(config.http_host.to_string(), "127.0.0.1");
        assert_eq!(config.http_port, 3333);
        assert_eq!(config.http_path, "/mcp");
    }

    #[test]
    fn missing_credentials_say_what_to_set() {
        let error = parse(&["--backlog-api-key", "k"])
            .spaces()
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("BACKLOG_DOMAIN") && error.contains("--sandbox"),
            "{error}"
        );
        let error = parse(&["--backlog-domain", "x.backlog.com"])
            .spaces()
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("BACKLOG_API_KEY"), "{error}");
    }

    #[test]
    fn domain_becomes_an_https_base_url() {
        let spaces = parse(&[
            "--backlog-domain",
            "demo.backlog.com",
            "--backlog-api-key",
            "k",
        ])
        .spaces()
        .unwrap();
        let organization = spaces.default_organization();
        assert_eq!(
            organization.space.base_url(),
            "https://demo.backlog.com/api/v2"
        );
        assert!(!format!("{:?}", organization.credential).contains("\"k\""));
    }
}
