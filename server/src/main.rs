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
use clap::Parser;
use rmcp::ServiceExt;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let config = Config::parse();
    // Logs go to stderr always: on stdio, stdout carries the protocol.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("backlog-mcp: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
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
            http::serve(listener, http::router(mcp, &options), shutdown_signal()).await?;
        }
    }
    tracing::info!("stopped");
    Ok(())
}

#[cfg(feature = "sandbox")]
async fn sandbox_spaces(config: &Config) -> anyhow::Result<Spaces> {
    use backlog_mcp::backlog::{Credential, Space};
    let sandbox = backlog_sandbox::Sandbox::new(backlog_sandbox::DEFAULT_API_KEY)
        .spawn()
        .await
        .context("starting the sandbox")?;
    tracing::info!(
        "sandbox: a demo Backlog space at {}",
        sandbox.api_base_url()
    );
    let space = Space::new(config.space_config(sandbox.api_base_url()))?;
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
