//! The registry served over MCP: an rmcp [`ServerHandler`] that lists the
//! registry's tools and dispatches `tools/call` to their generated code.

use std::sync::Arc;
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::backlog::Backlog;
use crate::registry::Registry;

/// What an assistant is told about this server at initialize/discover.
const INSTRUCTIONS: &str = "Tools for a Nulab Backlog space: projects, issues, users and activities. \
Tools take Backlog ids or keys (projectId or projectKey, issueId or issueKey); \
results are Backlog's own JSON.";

/// One MCP server over one Backlog space. Cheap to clone: a handler is made
/// per HTTP request in stateless mode.
#[derive(Clone)]
pub struct BacklogMcp {
    registry: Arc<Registry>,
    backlog: Arc<Backlog>,
}

impl BacklogMcp {
    pub fn new(registry: Arc<Registry>, backlog: Arc<Backlog>) -> Self {
        BacklogMcp { registry, backlog }
    }

    /// Runs one tool call: the outcome as MCP sees it, or a protocol error for
    /// an unknown tool.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> Result<CallToolResult, ErrorData> {
        let Some(tool) = self.registry.get(name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {name:?}"),
                None,
            ));
        };
        let started = Instant::now();
        let outcome = (tool.call)(&self.backlog, arguments.unwrap_or_default()).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(match outcome {
            Ok(output) => {
                tracing::info!(
                    tool = tool.name,
                    status = output.status,
                    elapsed_ms,
                    "tool call"
                );
                CallToolResult::success(vec![ContentBlock::text(body_text(&output.body))])
            }
            Err(error) => {
                let status = error.status();
                let kind = error.kind();
                tracing::info!(
                    tool = tool.name,
                    status,
                    error = kind,
                    elapsed_ms,
                    "tool call failed"
                );
                CallToolResult::error(vec![ContentBlock::text(error.to_string())])
            }
        })
    }
}

fn body_text(body: &[u8]) -> String {
    if body.is_empty() {
        return r#"{"success":true}"#.to_owned();
    }
    String::from_utf8_lossy(body).into_owned()
}

impl ServerHandler for BacklogMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "backlog-mcp",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.registry.descriptors().as_ref().clone(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.call(&request.name, request.arguments)
            .await
            .map(CallToolResponse::from)
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        self.registry.descriptor(name).cloned()
    }
}
