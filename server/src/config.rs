//! Command-line flags and environment variables, compatible with the official
//! Node server (`MCP_TRANSPORT`, `MCP_HTTP_*`, `BACKLOG_DOMAIN`, …).

use std::net::IpAddr;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Parser, ValueEnum};

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::backlog::{ConfigError, Credential, Space, SpaceConfig};
use crate::context::{Organization, Spaces};

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
    /// Single tools to offer besides the toolsets', comma-separated.
    #[arg(long, env = "TOOLS", value_delimiter = ',')]
    pub tools: Vec<String>,
    /// Tools never to offer, comma-separated; wins over everything else.
    #[arg(long, env = "EXCLUDE_TOOLS", value_delimiter = ',')]
    pub exclude_tools: Vec<String>,
    /// Only tools that read (annotated read-only), whatever else is chosen.
    #[arg(long, env = "READ_ONLY", value_parser = BoolishValueParser::new(), num_args = 0..=1,
          default_value = "false", default_missing_value = "true")]
    pub read_only: bool,
    /// No tool that deletes or removes (annotated destructive); writes stay allowed.
    #[arg(long, env = "DISABLE_DESTRUCTIVE", value_parser = BoolishValueParser::new(), num_args = 0..=1,
          default_value = "false", default_missing_value = "true")]
    pub disable_destructive: bool,
    /// A prefix for every tool name, e.g. backlog_.
    #[arg(long, env = "PREFIX", default_value = "")]
    pub prefix: String,
    /// Only these Backlog projects, by key or ID, comma-separated: a call that
    /// would touch another is refused before anything is sent.
    #[arg(long, env = "BACKLOG_PROJECTS", value_delimiter = ',')]
    pub backlog_projects: Vec<String>,
    /// Start with only the discovery tools (list_available_toolsets,
    /// get_toolset_tools, enable_toolset); each client enables what it needs.
    /// DYNAMIC_TOOLSETS=1 is accepted too.
    #[arg(long, env = "ENABLE_DYNAMIC_TOOLSETS", value_parser = BoolishValueParser::new(), num_args = 0..=1,
          default_value = "false", default_missing_value = "true")]
    pub dynamic_toolsets: bool,
    /// Tools that read take `fields`, a selection of the reply's fields such as
    /// "{ id summary assignee { name } }".
    #[arg(long, env = "OPTIMIZE_RESPONSE", value_parser = BoolishValueParser::new(), num_args = 0..=1,
          default_value = "false", default_missing_value = "true")]
    pub optimize_response: bool,
    /// Largest reply in tokens (cl100k_base); a longer one is cut and says so. 0: no limit.
    #[arg(long, env = "MAX_TOKENS", default_value_t = crate::shape::tokens::DEFAULT_MAX_TOKENS)]
    pub max_tokens: usize,
    /// Print every description key with its current text as JSON, and exit.
    #[arg(long, alias = "export-descriptions")]
    pub export_translations: bool,
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
    /// A PEM file of CA certificates to trust besides the system's, for Backlog behind a
    /// TLS-inspecting proxy (or a test stand-in).
    #[arg(long, env = "BACKLOG_CA_FILE")]
    pub backlog_ca_file: Option<std::path::PathBuf>,
    /// Seconds a read may spend retrying (on 429, 502, 503, 504, connection failures).
    #[arg(long, env = "BACKLOG_RETRY_BUDGET", default_value_t = 10)]
    pub backlog_retry_budget: u64,
    /// OAuth mode: the client ID of this server's app in Backlog (Space settings → Apps);
    /// with BACKLOG_OAUTH_CLIENT_SECRET and MCP_SERVER_BASE_URL, each user signs in as themselves.
    #[arg(long, env = "BACKLOG_OAUTH_CLIENT_ID", hide_env_values = true)]
    pub backlog_oauth_client_id: Option<String>,
    /// OAuth mode: the client secret of the Backlog app.
    #[arg(long, env = "BACKLOG_OAUTH_CLIENT_SECRET", hide_env_values = true)]
    pub backlog_oauth_client_secret: Option<String>,
    /// OAuth mode: the URL MCP clients reach this server at, e.g. https://mcp.example.com
    /// (Backlog redirects to <it>/callback).
    #[arg(long, env = "MCP_SERVER_BASE_URL")]
    pub server_base_url: Option<String>,
    /// OAuth mode: where sign-ins are kept: a SQLite file, or redis://… shared by replicas.
    /// Default: oauth.sqlite3 in the user's data directory.
    #[arg(long, env = "OAUTH_STORE")]
    pub oauth_store: Option<String>,
    /// OAuth mode: 64 hex characters (32 bytes) that encrypt Backlog's tokens in the store
    /// (make one with `openssl rand -hex 32`).
    #[arg(long, env = "OAUTH_STORE_KEY", hide_env_values = true)]
    pub oauth_store_key: Option<String>,
    /// OAuth mode: seconds an access token issued to an MCP client lasts (it is refreshed after).
    #[arg(long, env = "OAUTH_ACCESS_TOKEN_TTL", default_value_t = crate::oauth::server::DEFAULT_ACCESS_TTL)]
    pub oauth_access_token_ttl: u64,
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
    #[error(
        "organization {0}: set BACKLOG_ORG_{0}_DOMAIN (e.g. yourspace.backlog.com) or BACKLOG_ORG_{0}_BASE_URL"
    )]
    MissingOrgDomain(String),
    #[error("{0} is not set: every organization needs its API key")]
    MissingOrgApiKey(String),
    #[error(
        "BACKLOG_DEFAULT_ORG is not set: with organizations configured, name the one calls go to by default (one of {0})"
    )]
    MissingDefaultOrg(String),
    #[error("{0} (BACKLOG_DEFAULT_ORG)")]
    Organizations(crate::context::SpacesError),
    #[error(
        "OAuth mode needs {0} too (BACKLOG_OAUTH_CLIENT_ID, BACKLOG_OAUTH_CLIENT_SECRET and MCP_SERVER_BASE_URL go together)"
    )]
    OAuthIncomplete(&'static str),
    #[error("OAuth mode serves MCP over HTTP only: run with --transport http (MCP_TRANSPORT=http)")]
    OAuthNeedsHttp,
    #[error(
        "MCP_SERVER_BASE_URL must be an http(s) URL without a query, e.g. https://mcp.example.com; got {0:?}"
    )]
    ServerBaseUrl(String),
    #[error(
        "organization {0}: set BACKLOG_ORG_{0}_OAUTH_CLIENT_ID and BACKLOG_ORG_{0}_OAUTH_CLIENT_SECRET for OAuth mode"
    )]
    MissingOrgOAuth(String),
    #[error(
        "OAUTH_STORE_KEY is not set: OAuth mode encrypts Backlog's tokens in its store with it; make one with `openssl rand -hex 32`"
    )]
    MissingStoreKey,
    #[error("OAUTH_STORE_KEY: {0}")]
    StoreKey(String),
    #[error(
        "no OAUTH_STORE given and no data directory found for the default; set OAUTH_STORE to a file path or redis://…"
    )]
    NoStorePath,
}

/// What OAuth mode runs with, once the configuration is checked.
pub struct OAuthSetup {
    pub base_url: String,
    /// One Backlog app per organization (`default` for one space).
    pub apps: Vec<crate::oauth::backlog::BacklogApp>,
    /// A SQLite file path or a redis:// URL.
    pub store: String,
    pub key: crate::oauth::crypto::StoreKey,
    pub access_ttl: u64,
    /// BACKLOG_CA_FILE's certificates, for Backlog's token endpoint.
    pub ca_certificates: Vec<reqwest::Certificate>,
}

impl Config {
    /// The Backlog spaces: the organizations of `BACKLOG_ORG_<NAME>_DOMAIN` (or
    /// `_BASE_URL`) with `_API_KEY` and `BACKLOG_DEFAULT_ORG` when any is set,
    /// else the one space of BACKLOG_BASE_URL or BACKLOG_DOMAIN with BACKLOG_API_KEY.
    pub fn spaces(&self) -> Result<Spaces, StartupError> {
        self.spaces_from(std::env::vars())
    }

    /// [`Config::spaces`] with the organizations read from `env`.
    pub fn spaces_from(
        &self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Spaces, StartupError> {
        let env: BTreeMap<String, String> = env.into_iter().collect();
        let mut names: Vec<String> = env
            .keys()
            .filter_map(|key| {
                let rest = key.strip_prefix("BACKLOG_ORG_")?;
                rest.strip_suffix("_DOMAIN")
                    .or_else(|| rest.strip_suffix("_BASE_URL"))
                    .map(str::to_owned)
            })
            .filter(|name| !name.is_empty())
            .collect();
        names.sort();
        names.dedup();
        let oauth = self.oauth_requested(&env);
        if names.is_empty() {
            return self.single_space(oauth);
        }
        let value = |key: String| env.get(&key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let mut organizations = Vec::new();
        for name in &names {
            let base_url = match (
                value(format!("BACKLOG_ORG_{name}_BASE_URL")),
                value(format!("BACKLOG_ORG_{name}_DOMAIN")),
            ) {
                (Some(url), _) => url.to_owned(),
                (None, Some(domain)) => SpaceConfig::base_url_for_domain(domain)?,
                (None, None) => return Err(StartupError::MissingOrgDomain(name.clone())),
            };
            let setting = format!("BACKLOG_ORG_{name}_API_KEY");
            // In OAuth mode each call brings its user's token.
            let credential = match value(setting.clone()) {
                Some(key) => Some(Credential::api_key(key, &setting).map_err(ConfigError::from)?),
                None if oauth => None,
                None => return Err(StartupError::MissingOrgApiKey(setting)),
            };
            organizations.push(Organization {
                name: name.clone(),
                space: Arc::new(Space::new(self.space_config(base_url)?)?),
                credential,
            });
        }
        let default = value("BACKLOG_DEFAULT_ORG".to_owned())
            .ok_or_else(|| StartupError::MissingDefaultOrg(names.join(", ")))?;
        Spaces::organizations(organizations, default).map_err(StartupError::Organizations)
    }

    fn single_space(&self, oauth: bool) -> Result<Spaces, StartupError> {
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
            .filter(|k| !k.is_empty());
        let credential = match api_key {
            Some(key) => {
                Some(Credential::api_key(key, "BACKLOG_API_KEY").map_err(ConfigError::from)?)
            }
            None if oauth => None,
            None => return Err(StartupError::MissingApiKey),
        };
        let space = Space::new(self.space_config(base_url)?)?;
        Ok(Spaces::single(space, credential))
    }

    /// Whether any OAuth setting is given (the rest is checked by [`Config::oauth_from`]).
    fn oauth_requested(&self, env: &BTreeMap<String, String>) -> bool {
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        given(&self.backlog_oauth_client_id)
            || given(&self.backlog_oauth_client_secret)
            || given(&self.server_base_url)
            || env
                .keys()
                .any(|k| k.starts_with("BACKLOG_ORG_") && k.ends_with("_OAUTH_CLIENT_ID"))
    }

    /// OAuth mode's setup from the options and the environment, `None` when
    /// it is off; `spaces` are the configured spaces (their base URLs).
    pub fn oauth_from(
        &self,
        env: impl IntoIterator<Item = (String, String)>,
        spaces: &Spaces,
    ) -> Result<Option<OAuthSetup>, StartupError> {
        let env: BTreeMap<String, String> = env.into_iter().collect();
        if !self.oauth_requested(&env) {
            return Ok(None);
        }
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let base_url = text(&self.server_base_url)
            .ok_or(StartupError::OAuthIncomplete("MCP_SERVER_BASE_URL"))?;
        let parsed = url::Url::parse(&base_url)
            .map_err(|_| StartupError::ServerBaseUrl(base_url.clone()))?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(StartupError::ServerBaseUrl(base_url));
        }
        if self.transport != Transport::Http {
            return Err(StartupError::OAuthNeedsHttp);
        }
        let value = |key: String| {
            env.get(&key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut apps = Vec::new();
        for organization in spaces.all() {
            let (id, secret) = if spaces.is_multi() {
                let name = &organization.name;
                match (
                    value(format!("BACKLOG_ORG_{name}_OAUTH_CLIENT_ID")),
                    value(format!("BACKLOG_ORG_{name}_OAUTH_CLIENT_SECRET")),
                ) {
                    (Some(id), Some(secret)) => (id, secret),
                    _ => return Err(StartupError::MissingOrgOAuth(name.clone())),
                }
            } else {
                (
                    text(&self.backlog_oauth_client_id)
                        .ok_or(StartupError::OAuthIncomplete("BACKLOG_OAUTH_CLIENT_ID"))?,
                    text(&self.backlog_oauth_client_secret)
                        .ok_or(StartupError::OAuthIncomplete("BACKLOG_OAUTH_CLIENT_SECRET"))?,
                )
            };
            apps.push(crate::oauth::backlog::BacklogApp::new(
                &organization.name,
                organization.space.base_url(),
                &id,
                &secret,
            ));
        }
        let key = text(&self.oauth_store_key).ok_or(StartupError::MissingStoreKey)?;
        let key = crate::oauth::crypto::StoreKey::from_hex(&key)
            .map_err(|e| StartupError::StoreKey(e.to_string()))?;
        let store = match text(&self.oauth_store) {
            Some(store) => store,
            None => crate::oauth::store::default_sqlite_path()
                .ok_or(StartupError::NoStorePath)?
                .to_string_lossy()
                .into_owned(),
        };
        Ok(Some(OAuthSetup {
            base_url: base_url.trim_end_matches('/').to_owned(),
            apps,
            store,
            key,
            access_ttl: self.oauth_access_token_ttl,
            ca_certificates: self.ca_certificates()?,
        }))
    }

    /// A space's client configuration for `base_url` with this config's timeouts, limits
    /// and trusted certificates.
    pub fn space_config(&self, base_url: String) -> Result<SpaceConfig, ConfigError> {
        Ok(SpaceConfig {
            connect_timeout: Duration::from_secs(self.backlog_connect_timeout.max(1)),
            request_timeout: Duration::from_secs(self.backlog_timeout.max(1)),
            max_response_bytes: self.backlog_max_response_bytes,
            max_concurrency: self.backlog_max_concurrency.max(1),
            max_queue: self.backlog_max_queue,
            max_space_concurrency: self.backlog_max_space_concurrency.max(1),
            max_space_queue: self.backlog_max_space_queue,
            retry_budget: Duration::from_secs(self.backlog_retry_budget),
            ca_certificates: self.ca_certificates()?,
            ..SpaceConfig::new(base_url)
        })
    }

    /// The certificates of BACKLOG_CA_FILE (none when unset).
    pub fn ca_certificates(&self) -> Result<Vec<reqwest::Certificate>, ConfigError> {
        match &self.backlog_ca_file {
            Some(path) => crate::backlog::ca_certificates(path),
            None => Ok(Vec::new()),
        }
    }

    /// The options of what this server offers (the descriptions come separately).
    pub fn inventory(&self) -> crate::inventory::Builder {
        let list = |values: &[String]| -> Vec<String> {
            values
                .iter()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect()
        };
        crate::inventory::Inventory::builder()
            .toolsets(self.toolsets())
            .tools(list(&self.tools))
            .exclude_tools(list(&self.exclude_tools))
            .read_only(self.read_only)
            .disable_destructive(self.disable_destructive)
            .prefix(self.prefix.trim())
            .dynamic(self.dynamic())
            .fields(self.optimize_response)
    }

    /// MAX_TOKENS, `None` for no limit.
    pub fn max_tokens(&self) -> Option<usize> {
        (self.max_tokens > 0).then_some(self.max_tokens)
    }

    /// Whether toolsets are enabled by each client (`--dynamic-toolsets`,
    /// ENABLE_DYNAMIC_TOOLSETS, or DYNAMIC_TOOLSETS as the official README says).
    pub fn dynamic(&self) -> bool {
        let truthy = |v: String| matches!(v.trim(), "1" | "true" | "yes" | "on");
        self.dynamic_toolsets || std::env::var("DYNAMIC_TOOLSETS").is_ok_and(truthy)
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
    fn boolean_switches_take_a_flag_or_a_value() {
        assert!(!parse(&[]).read_only);
        assert!(parse(&["--read-only"]).read_only);
        assert!(parse(&["--read-only", "true"]).read_only);
        assert!(!parse(&["--disable-destructive=false"]).disable_destructive);
        let config = parse(&[
            "--tools",
            "get_issue, get_wiki",
            "--exclude-tools",
            "delete_issue",
        ]);
        assert_eq!(config.tools, ["get_issue", " get_wiki"]);
        assert_eq!(config.exclude_tools, ["delete_issue"]);
    }

    #[test]
    fn the_readme_lists_every_option() {
        use clap::CommandFactory as _;
        let readme = include_str!("../../README.md");
        let table = &readme[readme.find("## Options").expect("an Options section")..];
        for arg in Config::command().get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            assert!(
                table.contains(&format!("`--{long}")),
                "README Options lacks --{long}"
            );
            if let Some(env) = arg.get_env() {
                let env = env.to_string_lossy();
                assert!(
                    table.contains(&format!("`{env}`")),
                    "README Options lacks {env}"
                );
            }
        }
    }

    #[test]
    fn defaults_match_the_official_server() {
        let config = parse(&[]);
        assert_eq!(config.transport, Transport::Stdio);
        assert_eq!(config.http_host.to_string(), "127.0.0.1");
        assert_eq!(config.http_port, 3333);
        assert_eq!(config.http_path, "/mcp");
        assert_eq!(config.max_tokens(), Some(50_000));
        assert!(!config.optimize_response);
        assert_eq!(parse(&["--max-tokens", "0"]).max_tokens(), None);
        assert!(parse(&["--optimize-response"]).optimize_response);
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
    fn organizations_come_from_backlog_org_variables() {
        let env = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let config = parse(&[]);
        let spaces = config
            .spaces_from(env(&[
                ("BACKLOG_ORG_ACME_DOMAIN", "acme.backlog.com"),
                ("BACKLOG_ORG_ACME_API_KEY", "a"),
                ("BACKLOG_ORG_BETA_BASE_URL", "http://127.0.0.1:9/api/v2"),
                ("BACKLOG_ORG_BETA_API_KEY", "b"),
                ("BACKLOG_DEFAULT_ORG", "BETA"),
            ]))
            .unwrap();
        assert!(spaces.is_multi());
        assert_eq!(spaces.names(), ["ACME", "BETA"]);
        assert_eq!(spaces.default_organization().name, "BETA");
        assert_eq!(
            spaces.all()[0].space.base_url(),
            "https://acme.backlog.com/api/v2"
        );
        let error =
            |pairs: &[(&str, &str)]| config.spaces_from(env(pairs)).err().unwrap().to_string();
        let text = error(&[
            ("BACKLOG_ORG_ACME_DOMAIN", "acme.backlog.com"),
            ("BACKLOG_ORG_ACME_API_KEY", "a"),
        ]);
        assert!(
            text.contains("BACKLOG_DEFAULT_ORG") && text.contains("ACME"),
            "{text}"
        );
        let text = error(&[
            ("BACKLOG_ORG_ACME_DOMAIN", "acme.backlog.com"),
            ("BACKLOG_ORG_ACME_API_KEY", "a"),
            ("BACKLOG_DEFAULT_ORG", "GAMMA"),
        ]);
        assert!(text.contains("GAMMA") && text.contains("ACME"), "{text}");
        let text = error(&[
            ("BACKLOG_ORG_ACME_DOMAIN", "acme.backlog.com"),
            ("BACKLOG_DEFAULT_ORG", "ACME"),
        ]);
        assert!(text.contains("BACKLOG_ORG_ACME_API_KEY"), "{text}");
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
