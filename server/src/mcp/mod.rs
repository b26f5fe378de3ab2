//! The inventory served over MCP: an rmcp [`ServerHandler`] that lists the
//! inventory's tools and runs `tools/call`: it finds the tool, takes the
//! reserved arguments out, resolves the call's context (space, credential,
//! options), runs the tool's generated code and turns the outcome into the
//! MCP result (`output`).

mod output;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use crate::backlog::{Credential, ToolError, ToolOutput};
use crate::context::{CallContext, CallOptions, Spaces};
use crate::guard::ProjectGuard;
use crate::http::ListedTools;
use crate::inventory::{Inventory, Local, Narrowing, Reserved};
use crate::oauth::bearer::{BacklogRejected, SignedIn};
use crate::registry::Reply;
use crate::shape::fields::Selection;

/// The target of the one log line per tool call (INFO; failures too), which
/// the log writes in batches ([`crate::log`]).
pub const LOG_TARGET: &str = module_path!();

/// One MCP server over its configured Backlog spaces. Cheap to clone: a
/// handler is made per HTTP request in stateless mode.
#[derive(Clone)]
pub struct BacklogMcp {
    inventory: Arc<Inventory>,
    spaces: Arc<Spaces>,
    guard: Option<Arc<ProjectGuard>>,
    /// MAX_TOKENS: the largest reply, in tokens (`None`: no limit).
    max_tokens: Option<usize>,
    /// Dynamic toolsets: the toolsets this client enabled. One per client: a
    /// stdio process, an HTTP session (2025-11-25), or, statelessly, one request.
    enabled: Arc<Mutex<BTreeSet<String>>>,
}

impl BacklogMcp {
    pub fn new(inventory: Arc<Inventory>, spaces: Arc<Spaces>) -> Self {
        BacklogMcp {
            inventory,
            spaces,
            guard: None,
            max_tokens: Some(crate::shape::tokens::DEFAULT_MAX_TOKENS),
            enabled: Arc::default(),
        }
    }

    /// The handler of a new client: the same server, nothing enabled yet.
    pub fn for_client(&self) -> Self {
        BacklogMcp {
            enabled: Arc::default(),
            ..self.clone()
        }
    }

    /// Whether clients enable toolsets themselves (HTTP then keeps a session
    /// per 2025-11-25 client, to remember them).
    pub fn is_dynamic(&self) -> bool {
        self.inventory.is_dynamic()
    }

    /// Replies are cut to at most this many tokens (`None`: never cut).
    pub fn with_max_tokens(mut self, max_tokens: Option<usize>) -> Self {
        self.max_tokens = max_tokens;
        self
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
        self.call_in(name, arguments, request, None).await
    }

    /// [`BacklogMcp::call`], with the client to notify when its tool list changes.
    async fn call_in(
        &self,
        name: &str,
        arguments: Option<Map<String, Value>>,
        request: Option<&http::request::Parts>,
        peer: Option<&rmcp::Peer<RoleServer>>,
    ) -> Result<CallToolResult, ErrorData> {
        if let Some(narrowing) = narrowing(request)? {
            self.inventory
                .check(&narrowing)
                .map_err(|e| ErrorData::invalid_request(e, None))?;
            // With dynamic toolsets, X-MCP-Toolsets enables, it does not narrow.
            let narrowing = if self.inventory.is_dynamic() {
                narrowing.without_toolsets()
            } else {
                narrowing
            };
            if !self.inventory.allows(&narrowing, name) {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool: {name:?} (not offered to this request)"),
                    None,
                ));
            }
        }
        let Some(tool) = self.inventory.get(name) else {
            if let Some(local) = self.inventory.local(name) {
                return self
                    .local(local, arguments.unwrap_or_default(), request, peer)
                    .await;
            }
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {name:?}"),
                None,
            ));
        };
        let started = Instant::now();
        let credential = request.and_then(|parts| parts.extensions.get::<Credential>());
        let signed_in = request.and_then(|parts| parts.extensions.get::<SignedIn>());
        let mut arguments = arguments.unwrap_or_default();
        let outcome = match self.context(tool, &mut arguments, credential, signed_in) {
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
                let shape = output::Shape {
                    fields: options.fields.as_ref(),
                    max_tokens: self.max_tokens.filter(|_| tool.reply == Reply::Json),
                    hint: self.inventory.cut_hint(name),
                };
                output::success(output, &shape)
            }
            Err(error) => {
                // Backlog refused a signed-in user's token: the HTTP layer
                // refreshes it and sends the request again, or asks the client
                // to sign in again.
                if error.status() == Some(401)
                    && let Some(rejected) =
                        request.and_then(|parts| parts.extensions.get::<BacklogRejected>())
                {
                    rejected.set();
                }
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
    async fn local(
        &self,
        local: Local,
        arguments: Map<String, Value>,
        request: Option<&http::request::Parts>,
        peer: Option<&rmcp::Peer<RoleServer>>,
    ) -> Result<CallToolResult, ErrorData> {
        let json =
            |value: Value| CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
        let toolset = || -> Result<&'static crate::registry::Toolset, String> {
            let name = arguments
                .get("toolset")
                .and_then(Value::as_str)
                .unwrap_or_default();
            self.inventory
                .toolsets()
                .iter()
                .copied()
                .find(|t| t.name == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = self.inventory.toolsets().iter().map(|t| t.name).collect();
                    format!(
                        "Invalid arguments: toolset: {name:?} is not a toolset here; the toolsets are: {}",
                        known.join(", ")
                    )
                })
        };
        Ok(match local {
            Local::ListOrganizations => {
                let default = &self.spaces.default_organization().name;
                let organizations: Vec<Value> = self
                    .spaces
                    .all()
                    .iter()
                    .map(|o| {
                        json!({
                            "name": o.name,
                            "domain": host_of(o.space.base_url()),
                            "isDefault": &o.name == default,
                        })
                    })
                    .collect();
                json(Value::Array(organizations))
            }
            Local::ListAvailableToolsets => {
                let enabled = self.enabled_toolsets(request);
                let toolsets: Vec<Value> = self
                    .inventory
                    .toolsets()
                    .iter()
                    .map(|t| {
                        json!({
                            "name": t.name,
                            "description": t.description,
                            "currentlyEnabled": enabled.contains(t.name),
                            "tools": self.inventory.toolset_tools(t.name).len(),
                        })
                    })
                    .collect();
                json(Value::Array(toolsets))
            }
            Local::GetToolsetTools => match toolset() {
                Err(error) => CallToolResult::error(vec![ContentBlock::text(error)]),
                Ok(toolset) => {
                    let tools: Vec<Value> = self
                        .inventory
                        .toolset_tools(toolset.name)
                        .into_iter()
                        .map(|(name, tool)| {
                            json!({"name": name, "description": tool.description, "readOnly": tool.annotations.read_only})
                        })
                        .collect();
                    json(Value::Array(tools))
                }
            },
            Local::EnableToolset => match toolset() {
                Err(error) => CallToolResult::error(vec![ContentBlock::text(error)]),
                Ok(toolset) => {
                    let added = self
                        .enabled
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(toolset.name.to_owned());
                    let remembered =
                        request.is_none_or(|parts| parts.headers.contains_key("mcp-session-id"));
                    if added
                        && remembered
                        && let Some(peer) = peer
                        && let Err(error) = peer.notify_tool_list_changed().await
                    {
                        tracing::debug!(%error, "tools/list_changed not sent");
                    }
                    let count = self.inventory.toolset_tools(toolset.name).len();
                    let text = if remembered {
                        format!(
                            "Toolset {} enabled: {count} tools added to tools/list.",
                            toolset.name
                        )
                    } else {
                        format!(
                            "Toolset {} has {count} tools, which you can call now. This connection keeps no \
                             session (protocol 2026-07-28), so tools/list shows them when a request carries \
                             the header X-MCP-Toolsets: {}.",
                            toolset.name, toolset.name
                        )
                    };
                    CallToolResult::success(vec![ContentBlock::text(text)])
                }
            },
        })
    }

    /// The toolsets this client enabled, and those its request names in X-MCP-Toolsets.
    fn enabled_toolsets(&self, request: Option<&http::request::Parts>) -> BTreeSet<String> {
        let mut enabled = self
            .enabled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(toolsets) = request
            .and_then(|parts| parts.headers.get("x-mcp-toolsets"))
            .and_then(|v| v.to_str().ok())
        {
            enabled.extend(toolsets.split(',').map(|t| t.trim().to_owned()));
        }
        enabled
    }

    /// Takes the reserved arguments out and resolves the call's context.
    /// A selection is parsed here, before any Backlog call: a malformed one
    /// changes nothing.
    fn context(
        &self,
        tool: &crate::registry::ToolDef,
        arguments: &mut Map<String, Value>,
        credential: Option<&Credential>,
        signed_in: Option<&SignedIn>,
    ) -> Result<CallContext, ToolError> {
        let mut organization = None;
        let mut fields = None;
        for reserved in self.inventory.reserved() {
            if !reserved.applies_to(tool) {
                continue;
            }
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
                // An empty selection is no selection.
                (Reserved::Fields, Value::String(text)) if text.trim().is_empty() => {}
                (Reserved::Fields, Value::String(text)) => {
                    let selection = Selection::parse(&text)
                        .map_err(|e| ToolError::InvalidArguments(e.to_string()))?;
                    fields = Some(selection);
                }
                (Reserved::Fields, _) => {
                    return Err(ToolError::InvalidArguments(
                        "fields: expected a selection as text, e.g. \"{ id summary assignee { name } }\""
                            .to_owned(),
                    ));
                }
            }
        }
        // A signed-in user's token belongs to the space they signed in to.
        if let Some(signed_in) = signed_in {
            match &organization {
                Some(name) if *name != signed_in.organization => {
                    return Err(ToolError::InvalidArguments(format!(
                        "organization: you signed in to {}; to use {name}, sign in to it (connect again and choose it)",
                        signed_in.organization
                    )));
                }
                _ => organization = Some(signed_in.organization.clone()),
            }
        }
        let mut context = self.spaces.context(organization.as_deref(), credential)?;
        context.options.fields = fields;
        Ok(context)
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
        let capabilities = if self.inventory.is_dynamic() {
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .build()
        } else {
            ServerCapabilities::builder().enable_tools().build()
        };
        ServerConfig::new(capabilities)
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
        let narrowing = narrowing(parts)?;
        if let Some(narrowing) = &narrowing {
            self.inventory
                .check(narrowing)
                .map_err(|e| ErrorData::invalid_request(e, None))?;
        }
        let tools = match (self.inventory.is_dynamic(), &narrowing) {
            (false, None) => {
                // Over HTTP, the full list goes as bytes serialized once: rmcp
                // sends an empty list, which the HTTP layer fills in.
                if let Some(listed) = parts.and_then(|p| p.extensions.get::<ListedTools>()) {
                    listed.set(self.inventory.descriptors_json());
                    return Ok(ListToolsResult::with_all_items(Vec::new()));
                }
                self.inventory.descriptors().as_ref().clone()
            }
            (false, Some(narrowing)) => self.inventory.narrowed(narrowing),
            (true, narrowing) => {
                let mut tools = self.inventory.enabled(&self.enabled_toolsets(parts));
                if let Some(narrowing) = narrowing {
                    let rest = narrowing.without_toolsets();
                    tools.retain(|t| self.inventory.allows(&rest, &t.name));
                }
                tools
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
        // Boxed: rmcp spawns a task per request holding this future, and tokio moves
        // (memcpy) a task's future as it spawns and polls it. Inline, the whole call's
        // state machine (arguments, context, guard, Backlog call, shaping) was copied
        // several times per call, ~100k instructions (callgrind); boxed, one pointer.
        Box::pin(self.call_in(&request.name, request.arguments, parts, Some(&context.peer)))
            .await
            .map(CallToolResponse::from)
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        self.inventory.descriptor(name).cloned()
    }
}
