//! The inventory served over MCP: an rmcp [`ServerHandler`] that lists the
//! inventory's tools and runs `tools/call`: it finds the tool, takes the
//! reserved arguments out, resolves the call's context (space, credential,
//! options), runs the tool's generated code and turns the outcome into the
//! MCP result (`output`).

mod output;

use std::sync::Arc;
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Map, Value};

use crate::backlog::{Credential, ToolError, ToolOutput};
use crate::context::{CallContext, CallOptions, Spaces};
use crate::guard::ProjectGuard;
use crate::inventory::{Inventory, Local, Narrowing, Reserved};

/// One MCP server over its configured Backlog spaces. Cheap to clone: a
/// handler is made per HTTP request in stateless mode.
#[derive(Clone)]
pub struct BacklogMcp {
    inventory: Arc<Inventory>,
    spaces: Arc<Spaces>,
    guard: Option<Arc<ProjectGuard>>,
}

impl BacklogMcp {
    pub fn new(inventory: Arc<Inventory>, spaces: Arc<Spaces>) -> Self {
        BacklogMcp {
            inventory,
            spaces,
            guard: None,
        }
    }

    /// Calls may touch only the projects the guard allows.
    pub fn with_guard(mut self, guard: Option<ProjectGuard>) -> Self {
        self.guard = guard.map(Arc::new);
        self
    }

    /// Runs one tool call: the outcome as MCP sees it, or a protocol error for
    /// an unknown tool. `request` is the HTTP request it came in (none on
    /// stdio); a credential an HTTP layer put there is the call's credential.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<Map<String, Value>>,
        request: Option<&http::request::Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        if let Some(narrowing) = narrowing(request)? {
            self.inventory
                .check(&narrowing)
                .map_err(|e| ErrorData::invalid_request(e, None))?;
            if !self.inventory.allows(&narrowing, name) {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool: {name:?} (not offered to this request)"),
                    None,
                ));
            }
        }
        let Some(tool) = self.inventory.get(name) else {
            if let Some(local) = self.inventory.local(name) {
                return Ok(self.local(local));
            }
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {name:?}"),
                None,
            ));
        };
        let started = Instant::now();
        let credential = request.and_then(|parts| parts.extensions.get::<Credential>());
        let mut arguments = arguments.unwrap_or_default();
        let outcome = match self.context(&mut arguments, credential) {
            Ok(context) => self.run(tool, arguments, context).await,
            Err(error) => Err(error),
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(match outcome {
            Ok((output, options)) => {
                tracing::info!(
                    tool = tool.name,
                    status = output.status(),
                    elapsed_ms,
                    "tool call"
                );
                output::success(output, &options)
            }
            Err(error) => {
                tracing::info!(
                    tool = tool.name,
                    status = error.status(),
                    error = error.kind(),
                    elapsed_ms,
                    "tool call failed"
                );
                output::failure(&error)
            }
        })
    }

    /// Runs a declared tool in its context, inside the project guard if there is one.
    async fn run(
        &self,
        tool: &'static crate::registry::ToolDef,
        mut arguments: Map<String, Value>,
        context: CallContext,
    ) -> Result<(ToolOutput, CallOptions), ToolError> {
        let Some(guard) = &self.guard else {
            let output = (tool.call)(&context, arguments).await?;
            return Ok((output, context.options));
        };
        guard.check(tool, &mut arguments, &context).await?;
        let output = (tool.call)(&context, arguments).await?;
        let output = guard.filter(tool, output, &context).await?;
        Ok((output, context.options))
    }

    /// A tool the server answers itself.
    fn local(&self, local: Local) -> CallToolResult {
        match local {
            Local::ListOrganizations => {
                let default = &self.spaces.default_organization().name;
                let organizations: Vec<Value> = self
                    .spaces
                    .all()
                    .iter()
                    .map(|o| {
                        serde_json::json!({
                            "name": o.name,
                            "domain": host_of(o.space.base_url()),
                            "isDefault": &o.name == default,
                        })
                    })
                    .collect();
                CallToolResult::success(vec![rmcp::model::ContentBlock::text(
                    Value::Array(organizations).to_string(),
                )])
            }
        }
    }

    /// Takes the reserved arguments out and resolves the call's context.
    fn context(
        &self,
        arguments: &mut Map<String, Value>,
        credential: Option<&Credential>,
    ) -> Result<CallContext, ToolError> {
        let mut organization = None;
        for reserved in self.inventory.reserved() {
            let Some(value) = arguments.remove(reserved.name()) else {
                continue;
            };
            match (reserved, value) {
                (Reserved::Organization { .. }, Value::String(name)) => organization = Some(name),
                (Reserved::Organization { .. }, _) => {
                    return Err(ToolError::InvalidArguments(
                        "organization: expected the name of an organization (a string)".to_owned(),
                    ));
                }
            }
        }
        self.spaces.context(organization.as_deref(), credential)
    }
}

/// What the HTTP request's `X-MCP-*` headers narrow the offer to (none on stdio).
fn narrowing(request: Option<&http::request::Parts>) -> Result<Option<Narrowing>, ErrorData> {
    match request {
        None => Ok(None),
        Some(parts) => {
            Narrowing::from_headers(&parts.headers).map_err(|e| ErrorData::invalid_request(e, None))
        }
    }
}

/// `https://acme.backlog.com/api/v2` → `acme.backlog.com`.
fn host_of(base_url: &str) -> &str {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

impl ServerHandler for BacklogMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "backlog-mcp",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(self.inventory.instructions())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let parts = context.extensions.get::<http::request::Parts>();
        let tools = match narrowing(parts)? {
            None => self.inventory.descriptors().as_ref().clone(),
            Some(narrowing) => {
                self.inventory
                    .check(&narrowing)
                    .map_err(|e| ErrorData::invalid_request(e, None))?;
                self.inventory.narrowed(&narrowing)
            }
        };
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let parts = context.extensions.get::<http::request::Parts>();
        self.call(&request.name, request.arguments, parts)
            .await
            .map(CallToolResponse::from)
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        self.inventory.descriptor(name).cloned()
    }
}
