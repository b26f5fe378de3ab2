//! `backlog-mcp`: parse the configuration, build the server, serve.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use backlog_mcp::config::{Config, Transport};
use backlog_mcp::context::Spaces;
use backlog_mcp::descriptions::Descriptions;
use backlog_mcp::guard::ProjectGuard;
use backlog_mcp::http::{self, HttpOptions};
use backlog_mcp::mcp::BacklogMcp;
use backlog_mcp::oauth::server::{OAuth, OAuthConfig};
use backlog_mcp::oauth::store::AnyStore;
use clap::Parser;
use rmcp::ServiceExt;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let config = Config::parse();
    let log = backlog_mcp::log::Log::stderr();
    // A panic's report comes after the lines before it.
    let flushing = log.clone();
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        flushing.flush_from_panic();
        report(info);
    }));
    // Logs go to stderr always: on stdio, stdout carries the protocol. By
    // default our lines only: rmcp logs three per stateless HTTP request (a
    // session made up for the one request), ~47k instructions of the ~430k a
    // get_issue costs (callgrind). Colours only on a terminal, not in a log file.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn")),
        )
        .with_writer(log.clone())
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("backlog-mcp: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(config));
    log.close();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("backlog-mcp: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    config.check_http_path()?;
    let loaded = Descriptions::load(std::env::vars(), std::env::home_dir().as_deref());
    if let Some(problem) = &loaded.unreadable {
        tracing::warn!("description overrides not used: {problem}");
    }
    for key in &loaded.unknown {
        tracing::warn!(
            "unknown description key {key}: no tool or parameter has it (see --export-translations)"
        );
    }
    if config.export_translations {
        let keys = loaded.descriptions.export();
        println!("{}", serde_json::to_string_pretty(&keys)?);
        return Ok(());
    }
    let spaces = if config.sandbox {
        sandbox_spaces(&config).await?
    } else {
        config.spaces()?
    };
    // Meanwhile the rest starts: a server lists its tools before any call.
    let clients: Vec<_> = spaces.all().iter().map(|o| Arc::clone(&o.space)).collect();
    tokio::task::spawn_blocking(move || {
        for space in clients {
            if let Err(error) = space.prepare() {
                tracing::error!("{error}: tool calls to {} will fail", space.base_url());
            }
        }
    });
    let oauth = config.oauth_from(std::env::vars(), &spaces)?;
    let mut builder = config.inventory().descriptions(loaded.descriptions);
    if spaces.is_multi() {
        let names = spaces.names().iter().map(|n| n.to_string()).collect();
        builder = builder.organizations(names, spaces.default_organization().name.clone());
    }
    let inventory = builder.build()?;
    tracing::info!(
        base_url = spaces.default_organization().space.base_url(),
        organizations = spaces.names().len(),
        tools = inventory.tools().len(),
        "Backlog space"
    );
    let guard = ProjectGuard::new(&config.backlog_projects);
    if guard.is_some() {
        tracing::info!(
            projects = config.backlog_projects.join(","),
            "project allow-list"
        );
    }
    let mcp = BacklogMcp::new(Arc::new(inventory), Arc::new(spaces))
        .with_guard(guard)
        .with_max_tokens(config.max_tokens());
    match config.transport {
        Transport::Stdio => {
            let running = mcp
                .serve(rmcp::transport::stdio())
                .await
                .context("stdio transport")?;
            tokio::select! {
                result = running.waiting() => { result.context("stdio transport")?; }
                () = shutdown_signal() => {}
            }
        }
        Transport::Http => {
            let bind = std::net::SocketAddr::new(config.http_host, config.http_port);
            let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| {
                format!(
                    "cannot listen on {bind} (is another server using the port? set --http-port)"
                )
            })?;
            let options = HttpOptions::for_bind(
                config.http_host,
                &config.http_path,
                &config.http_allowed_hosts,
                &config.http_allowed_origins,
            );
            let address = listener.local_addr()?;
            tracing::info!("MCP endpoint: http://{address}{}", config.http_path);
            let router = match oauth {
                None => http::router(mcp, &options),
                Some(setup) => {
                    let oauth = oauth_server(setup, &config.http_path).await?;
                    http::router_with_oauth(mcp, &options, oauth)
                }
            };
            http::serve(listener, router, shutdown_signal()).await?;
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// OAuth mode's authorization server on its store, which is purged of
/// expired records every ten minutes.
async fn oauth_server(
    setup: backlog_mcp::config::OAuthSetup,
    mcp_path: &str,
) -> anyhow::Result<Arc<OAuth>> {
    let store = AnyStore::open(&setup.store).await.with_context(|| {
        format!(
            "opening the OAuth store (OAUTH_STORE={})",
            store_shown(&setup.store)
        )
    })?;
    tracing::info!(
        store = store_shown(&setup.store),
        organizations = setup.apps.len(),
        base_url = setup.base_url,
        "OAuth mode"
    );
    let config = OAuthConfig {
        base_url: setup.base_url,
        mcp_path: mcp_path.to_owned(),
        apps: setup.apps,
        key: setup.key,
        access_ttl: setup.access_ttl,
        ca_certificates: setup.ca_certificates,
    };
    let oauth = Arc::new(OAuth::new(config, store).map_err(anyhow::Error::msg)?);
    let purging = Arc::clone(&oauth);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(error) = purging.purge_expired().await {
                tracing::warn!(%error, "purging expired OAuth records");
            }
        }
    });
    Ok(oauth)
}

/// A store's spec for a log line: a Redis URL without its password.
fn store_shown(spec: &str) -> String {
    match url::Url::parse(spec) {
        Ok(mut url) if url.scheme().starts_with("redis") => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        _ => spec.to_owned(),
    }
}

#[cfg(feature = "sandbox")]
async fn sandbox_spaces(config: &Config) -> anyhow::Result<Spaces> {
    use backlog_mcp::backlog::{Credential, Space};
    let mut sandbox = backlog_sandbox::Sandbox::new(backlog_sandbox::DEFAULT_API_KEY);
    // With OAuth mode's settings the sandbox has this server's app, so that
    // the whole sign-in can be tried locally (its consent page picks a user).
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let oauth = match (
        text(&config.backlog_oauth_client_id),
        text(&config.backlog_oauth_client_secret),
        text(&config.server_base_url),
    ) {
        (Some(client_id), Some(client_secret), Some(base)) => {
            sandbox = sandbox.with_oauth_app(backlog_sandbox::OAuthApp {
                client_id,
                client_secret,
                redirect_uri: format!("{}/callback", base.trim_end_matches('/')),
            });
            true
        }
        _ => false,
    };
    let sandbox = sandbox.spawn().await.context("starting the sandbox")?;
    tracing::info!(
        "sandbox: a demo Backlog space at {}",
        sandbox.api_base_url()
    );
    let space = Space::new(config.space_config(sandbox.api_base_url())?)?;
    if oauth {
        // Every call brings its signed-in user's token.
        return Ok(Spaces::single(space, None));
    }
    let credential = Credential::api_key(&sandbox.api_key(), "the sandbox's API key")?;
    Ok(Spaces::single(space, Some(credential)))
}

#[cfg(not(feature = "sandbox"))]
async fn sandbox_spaces(_config: &Config) -> anyhow::Result<Spaces> {
    anyhow::bail!(
        "this build has no sandbox: rebuild with the `sandbox` cargo feature (on by default)"
    )
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
