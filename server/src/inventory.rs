//! What a server offers: one builder over the registry's static tool data
//! and the options decides which tools are listed and callable, builds their
//! MCP descriptors once (compact: only what helps a client choose and call a
//! tool), adds the reserved runtime parameters an option turns on, and
//! writes the server's instructions from the enabled toolsets.
//!
//! Tools are its only kind of item today; resources and prompts would be
//! built here beside them, from the same options.

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::model::ToolAnnotations;
use serde_json::{Map, Value, json};

use crate::descriptions::Descriptions;
use crate::registry::{self, Annotations, DECLARED, Reply, TOOLS, ToolDef, Toolset};

/// The tools (and what they need) one server offers, built once.
pub struct Inventory {
    tools: Vec<&'static ToolDef>,
    /// The names tools are offered under (the prefix included), in listing order.
    names: Vec<String>,
    by_name: HashMap<String, usize>,
    descriptors: Arc<Vec<rmcp::model::Tool>>,
    /// `descriptors` as the JSON array tools/list sends, serialized on the
    /// first HTTP tools/list (see [`crate::http::ListedTools`]).
    descriptors_json: std::sync::OnceLock<bytes::Bytes>,
    /// Per tool, how to ask for less when its reply is cut at MAX_TOKENS.
    cut_hints: Vec<String>,
    toolsets: Vec<&'static Toolset>,
    reserved: Vec<Reserved>,
    /// Tools the server answers itself, by the names they are offered under.
    locals: Vec<(String, Local)>,
    /// Whether tools/list shows only the toolsets a client enabled.
    dynamic: bool,
    instructions: String,
}

/// A tool the server answers itself, without a Backlog call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Local {
    /// The configured organizations (names, domains, the default; never keys).
    ListOrganizations,
    /// Dynamic toolsets: the toolsets, and whether each is enabled.
    ListAvailableToolsets,
    /// Dynamic toolsets: the tools of one toolset.
    GetToolsetTools,
    /// Dynamic toolsets: adds a toolset's tools to tools/list.
    EnableToolset,
}

impl Local {
    pub fn name(self) -> &'static str {
        match self {
            Local::ListOrganizations => "list_organizations",
            Local::ListAvailableToolsets => "list_available_toolsets",
            Local::GetToolsetTools => "get_toolset_tools",
            Local::EnableToolset => "enable_toolset",
        }
    }

    fn descriptor(self, name: &str) -> rmcp::model::Tool {
        let (title, description) = match self {
            Local::ListOrganizations => (
                "List organizations",
                "Returns the Backlog organizations this server can call (name, domain, default); give one as organization.",
            ),
            Local::ListAvailableToolsets => (
                "List available toolsets",
                "Returns the toolsets of tools this server has, and which are enabled.",
            ),
            Local::GetToolsetTools => (
                "Get toolset tools",
                "Returns the tools of one toolset, to see what enable_toolset would add.",
            ),
            Local::EnableToolset => (
                "Enable toolset",
                "Adds a toolset's tools to the tools you can list and call.",
            ),
        };
        let schema = match self {
            Local::GetToolsetTools | Local::EnableToolset => json!({
                "type": "object",
                "properties": {"toolset": {"type": "string", "description": "Toolset name, from list_available_toolsets"}},
                "required": ["toolset"],
            }),
            _ => json!({"type": "object"}),
        };
        let read_only = self != Local::EnableToolset;
        let Value::Object(schema) = schema else {
            unreachable!("an object")
        };
        rmcp::model::Tool::new(name.to_owned(), description, Arc::new(schema))
            .with_title(title)
            .with_annotations(annotations(Annotations {
                read_only,
                destructive: false,
                idempotent: true,
                open_world: false,
            }))
    }
}

/// A runtime parameter the server adds to schemas when its option is on; the
/// MCP layer takes it out of the arguments before the tool parses them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reserved {
    /// Which of several organizations (Backlog spaces) a call goes to.
    Organization { names: Vec<String>, default: String },
    /// `--optimize-response`: which fields of a read's reply to keep.
    Fields,
}

impl Reserved {
    pub fn name(&self) -> &'static str {
        match self {
            Reserved::Organization { .. } => "organization",
            Reserved::Fields => "fields",
        }
    }

    fn schema(&self) -> Value {
        match self {
            Reserved::Organization { names, default } => json!({
                "type": "string",
                "enum": names,
                "description": format!("The organization (Backlog space) to call; default {default}"),
            }),
            Reserved::Fields => json!({
                "type": "string",
                "description": "Only these fields, e.g. { id summary assignee { name } }",
            }),
        }
    }

    /// Whether the parameter is added to this tool's schema (and taken out of
    /// its arguments). `fields` is a read's: its mistakes show only against
    /// the reply, and after a write an error would hide that the write was made.
    pub fn applies_to(&self, tool: &ToolDef) -> bool {
        match self {
            Reserved::Organization { .. } => true,
            Reserved::Fields => tool.reply == Reply::Json && tool.annotations.read_only,
        }
    }
}

/// Why an inventory cannot be built from the user's options.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error(
        "unknown toolset {name:?} in ENABLE_TOOLSETS / --enable-toolsets; the toolsets are: {known}"
    )]
    UnknownToolset { name: String, known: String },
    #[error(
        "toolset {name:?} is not compiled into this binary; build with `--features {name}` (compiled in: {compiled})"
    )]
    NotCompiled { name: String, compiled: String },
    #[error("unknown tool {name:?} in {setting}; {hint}")]
    UnknownTool {
        name: String,
        setting: &'static str,
        hint: String,
    },
    #[error("tool {0:?} is declared twice")]
    DuplicateTool(&'static str),
}

/// The options an inventory is built from. The precedence: the toolsets
/// (all compiled in by default) plus single `tools`, minus `exclude_tools`
/// (always), then `read_only` and `disable_destructive` filter what is left;
/// the prefix and the description overrides rewrite it.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    toolsets: Option<Vec<String>>,
    tools: Vec<String>,
    exclude_tools: Vec<String>,
    read_only: bool,
    disable_destructive: bool,
    prefix: String,
    descriptions: Descriptions,
    reserved: Vec<Reserved>,
    locals: Vec<Local>,
    dynamic: bool,
}

impl Builder {
    /// Only these toolsets (`all` for every compiled one); default: all compiled in.
    pub fn toolsets(mut self, toolsets: Option<Vec<String>>) -> Self {
        self.toolsets = toolsets;
        self
    }

    /// Single tools offered besides the toolsets'.
    pub fn tools(mut self, tools: Vec<String>) -> Self {
        self.tools = tools;
        self
    }

    /// Tools never offered, whatever else says so.
    pub fn exclude_tools(mut self, tools: Vec<String>) -> Self {
        self.exclude_tools = tools;
        self
    }

    /// Only tools whose annotations say read-only.
    pub fn read_only(mut self, on: bool) -> Self {
        self.read_only = on;
        self
    }

    /// No tool whose annotations say destructive (deletes, removals).
    pub fn disable_destructive(mut self, on: bool) -> Self {
        self.disable_destructive = on;
        self
    }

    /// Every tool is offered as `{prefix}{name}`.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_owned();
        self
    }

    /// Dynamic toolsets: tools/list starts with the discovery tools only, and
    /// each client enables the toolsets it needs.
    pub fn dynamic(mut self, on: bool) -> Self {
        if on {
            self.locals.extend([
                Local::ListAvailableToolsets,
                Local::GetToolsetTools,
                Local::EnableToolset,
            ]);
        }
        self.dynamic = on;
        self
    }

    /// Tools that read take `fields`, which keeps only the selected fields of the reply.
    pub fn fields(mut self, on: bool) -> Self {
        if on {
            self.reserved.push(Reserved::Fields);
        }
        self
    }

    /// Descriptions of tools and parameters to use instead of the declared ones.
    pub fn descriptions(mut self, descriptions: Descriptions) -> Self {
        self.descriptions = descriptions;
        self
    }

    /// Calls choose one of several organizations with the `organization` argument,
    /// and list_organizations lists them.
    pub fn organizations(mut self, names: Vec<String>, default: String) -> Self {
        self.reserved
            .push(Reserved::Organization { names, default });
        self.locals.push(Local::ListOrganizations);
        self
    }

    pub fn build(self) -> Result<Inventory, InventoryError> {
        let all = registry::toolsets();
        let compiled: Vec<&str> = all.iter().filter(|t| t.compiled).map(|t| t.name).collect();
        if let Some(wanted) = &self.toolsets {
            for name in wanted.iter().filter(|n| *n != "all") {
                match all.iter().find(|t| t.name == name) {
                    None => {
                        return Err(InventoryError::UnknownToolset {
                            name: name.clone(),
                            known: all.iter().map(|t| t.name).collect::<Vec<_>>().join(", "),
                        });
                    }
                    Some(toolset) if !toolset.compiled => {
                        return Err(InventoryError::NotCompiled {
                            name: name.clone(),
                            compiled: compiled.join(", "),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        check_tool_names(&self.tools, "TOOLS / --tools")?;
        check_tool_names(&self.exclude_tools, "EXCLUDE_TOOLS / --exclude-tools")?;
        let chosen = |toolset: &Toolset| {
            toolset.compiled
                && self
                    .toolsets
                    .as_ref()
                    .is_none_or(|wanted| wanted.iter().any(|w| w == "all" || w == toolset.name))
        };
        let offered = |tool: &ToolDef| {
            let listed = all.iter().any(|t| t.name == tool.toolset && chosen(t))
                || self.tools.iter().any(|n| n == tool.name);
            listed
                && !self.exclude_tools.iter().any(|n| n == tool.name)
                && (!self.read_only || tool.annotations.read_only)
                && (!self.disable_destructive || !tool.annotations.destructive)
        };
        let rank = |toolset: &str| all.iter().position(|t| t.name == toolset);
        let mut tools: Vec<&'static ToolDef> = TOOLS.iter().filter(|t| offered(t)).collect();
        tools.sort_by_key(|t| (rank(t.toolset), t.name));
        let toolsets: Vec<&'static Toolset> = all
            .iter()
            .filter(|t| tools.iter().any(|tool| tool.toolset == t.name))
            .collect();
        let names: Vec<String> = tools
            .iter()
            .map(|t| format!("{}{}", self.prefix, t.name))
            .collect();
        let mut by_name = HashMap::new();
        for (index, name) in names.iter().enumerate() {
            if by_name.insert(name.clone(), index).is_some() {
                return Err(InventoryError::DuplicateTool(tools[index].name));
            }
        }
        let mut descriptors: Vec<rmcp::model::Tool> = tools
            .iter()
            .zip(&names)
            .map(|(tool, name)| descriptor(tool, name, &self.reserved, &self.descriptions))
            .collect();
        let locals: Vec<(String, Local)> = self
            .locals
            .iter()
            .map(|local| (format!("{}{}", self.prefix, local.name()), *local))
            .collect();
        let cut_hints = descriptors.iter().map(cut_hint).collect();
        descriptors.extend(locals.iter().map(|(name, local)| local.descriptor(name)));
        let mut instructions = instructions(&toolsets, &self.reserved);
        if self.dynamic {
            instructions.push_str(&format!(
                "\nTools come in toolsets: {prefix}list_available_toolsets shows them, {prefix}enable_toolset adds one's tools.",
                prefix = self.prefix
            ));
        }
        Ok(Inventory {
            tools,
            names,
            by_name,
            descriptors: Arc::new(descriptors),
            descriptors_json: std::sync::OnceLock::new(),
            cut_hints,
            toolsets,
            reserved: self.reserved,
            locals,
            dynamic: self.dynamic,
            instructions,
        })
    }
}

/// Every name must be a declared tool, and compiled in.
fn check_tool_names(names: &[String], setting: &'static str) -> Result<(), InventoryError> {
    for name in names {
        if TOOLS.iter().any(|t| t.name == name) {
            continue;
        }
        let hint = match DECLARED.iter().find(|d| d.name == name) {
            Some(declared) => format!(
                "it is in toolset {:?}, which is not compiled into this binary: build with `--features {}`",
                declared.toolset, declared.toolset
            ),
            None => "the tools are listed by tools/list and in the README".to_owned(),
        };
        return Err(InventoryError::UnknownTool {
            name: name.clone(),
            setting,
            hint,
        });
    }
    Ok(())
}

impl Inventory {
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Every compiled tool, with no option on.
    pub fn all() -> Inventory {
        Self::builder()
            .build()
            .expect("the compiled tools form an inventory")
    }

    /// The tool offered under `name` (its prefix included).
    pub fn get(&self, name: &str) -> Option<&'static ToolDef> {
        self.by_name.get(name).map(|&index| self.tools[index])
    }

    /// The MCP descriptor of one tool, by the name it is offered under.
    pub fn descriptor(&self, name: &str) -> Option<&rmcp::model::Tool> {
        match self.by_name.get(name) {
            Some(&index) => self.descriptors.get(index),
            // Local tools come after the declared ones.
            None => self.descriptors[self.tools.len()..]
                .iter()
                .find(|d| d.name == name),
        }
    }

    /// How to ask a tool for less, for the note of a reply cut at MAX_TOKENS
    /// (empty for the server's own tools).
    pub fn cut_hint(&self, name: &str) -> &str {
        self.by_name
            .get(name)
            .map_or("", |&index| self.cut_hints[index].as_str())
    }

    /// Whether tools/list shows only the toolsets a client enabled.
    pub fn is_dynamic(&self) -> bool {
        self.dynamic
    }

    /// The descriptors a dynamic client sees: the server's own tools, and the
    /// tools of the toolsets it enabled.
    pub fn enabled(&self, toolsets: &std::collections::BTreeSet<String>) -> Vec<rmcp::model::Tool> {
        self.descriptors
            .iter()
            .filter(|d| match self.get(&d.name) {
                Some(tool) => toolsets.contains(tool.toolset),
                None => true,
            })
            .cloned()
            .collect()
    }

    /// The tools offered in a toolset, by the names they are offered under.
    pub fn toolset_tools(&self, toolset: &str) -> Vec<(&str, &'static ToolDef)> {
        self.tools
            .iter()
            .zip(&self.names)
            .filter(|(tool, _)| tool.toolset == toolset)
            .map(|(tool, name)| (name.as_str(), *tool))
            .collect()
    }

    /// The tool the server answers itself under `name`, if it is one.
    pub fn local(&self, name: &str) -> Option<Local> {
        self.locals.iter().find(|(n, _)| n == name).map(|(_, l)| *l)
    }

    /// The tools, in listing order (toolsets in tools.toml's order, then by name).
    pub fn tools(&self) -> &[&'static ToolDef] {
        &self.tools
    }

    /// The names the tools are offered under, in listing order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The MCP descriptors, in listing order.
    pub fn descriptors(&self) -> Arc<Vec<rmcp::model::Tool>> {
        Arc::clone(&self.descriptors)
    }

    /// [`Inventory::descriptors`] as JSON, made once: serializing them is
    /// ~85% of a tools/list's cost (callgrind), and they never change.
    pub fn descriptors_json(&self) -> bytes::Bytes {
        self.descriptors_json
            .get_or_init(|| match serde_json::to_vec(&*self.descriptors) {
                Ok(json) => json.into(),
                Err(error) => unreachable!("descriptors are JSON values: {error}"),
            })
            .clone()
    }

    /// The toolsets with at least one tool offered, in tools.toml's order.
    pub fn toolsets(&self) -> &[&'static Toolset] {
        &self.toolsets
    }

    /// The reserved parameters this inventory's options turned on.
    pub fn reserved(&self) -> &[Reserved] {
        &self.reserved
    }

    /// What an assistant is told about this server at initialize/discover.
    pub fn instructions(&self) -> &str {
        &self.instructions
    }
}

/// What one HTTP request narrows the server's offer to, from its headers
/// (`X-MCP-Toolsets`, `X-MCP-Tools`, `X-MCP-Exclude-Tools`, `X-MCP-Read-Only`):
/// a gateway serves different clients different subsets of one deployment,
/// never more than the server's own options allow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    toolsets: Option<Vec<String>>,
    tools: Option<Vec<String>>,
    exclude_tools: Vec<String>,
    read_only: bool,
}

impl Narrowing {
    /// The same, naming no toolsets (dynamic toolsets take them as enabled).
    pub fn without_toolsets(&self) -> Narrowing {
        Narrowing {
            toolsets: None,
            ..self.clone()
        }
    }

    /// The narrowing of a request's headers; `None` when it has none of them.
    pub fn from_headers(headers: &http::HeaderMap) -> Result<Option<Narrowing>, String> {
        let list = |name: &str| -> Result<Option<Vec<String>>, String> {
            let Some(value) = headers.get(name) else {
                return Ok(None);
            };
            let text = value
                .to_str()
                .map_err(|_| format!("{name}: not ASCII text"))?;
            Ok(Some(
                text.split(',')
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .collect(),
            ))
        };
        let toolsets = list("x-mcp-toolsets")?;
        let tools = list("x-mcp-tools")?;
        let exclude_tools = list("x-mcp-exclude-tools")?;
        let read_only = match headers.get("x-mcp-read-only") {
            None => None,
            Some(value) => match value.to_str().unwrap_or_default().trim() {
                "1" | "true" | "yes" | "on" => Some(true),
                "0" | "false" | "no" | "off" | "" => Some(false),
                other => {
                    return Err(format!("X-MCP-Read-Only: {other:?} is not true or false"));
                }
            },
        };
        if toolsets.is_none() && tools.is_none() && exclude_tools.is_none() && read_only.is_none() {
            return Ok(None);
        }
        Ok(Some(Narrowing {
            toolsets,
            tools,
            exclude_tools: exclude_tools.unwrap_or_default(),
            read_only: read_only.unwrap_or(false),
        }))
    }
}

impl Inventory {
    /// Checks a narrowing against what this server offers: it may name only
    /// toolsets and tools the server has.
    pub fn check(&self, narrowing: &Narrowing) -> Result<(), String> {
        for toolset in narrowing.toolsets.iter().flatten() {
            if !self.toolsets.iter().any(|t| t.name == toolset) {
                let offered: Vec<&str> = self.toolsets.iter().map(|t| t.name).collect();
                return Err(format!(
                    "X-MCP-Toolsets: {toolset:?} is not offered here; this server offers: {}",
                    offered.join(", ")
                ));
            }
        }
        let header_tools = [
            (
                "X-MCP-Tools",
                narrowing.tools.iter().flatten().collect::<Vec<_>>(),
            ),
            (
                "X-MCP-Exclude-Tools",
                narrowing.exclude_tools.iter().collect(),
            ),
        ];
        for (header, names) in header_tools {
            for name in names {
                if self.get(name).is_none() && self.local(name).is_none() {
                    return Err(format!(
                        "{header}: {name:?} is not a tool this server offers"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether the tool offered as `name` stays under `narrowing`.
    pub fn allows(&self, narrowing: &Narrowing, name: &str) -> bool {
        if narrowing.exclude_tools.iter().any(|n| n == name) {
            return false;
        }
        let (toolset, read_only) = match (self.get(name), self.local(name)) {
            (Some(tool), _) => (Some(tool.toolset), tool.annotations.read_only),
            (None, Some(_)) => (None, true),
            (None, None) => return false,
        };
        if narrowing.read_only && !read_only {
            return false;
        }
        let Some(toolset) = toolset else {
            // The server's own tools (list_organizations) belong to no toolset.
            return true;
        };
        if narrowing.toolsets.is_none() && narrowing.tools.is_none() {
            return true;
        }
        let named = |list: &Option<Vec<String>>, value: &str| {
            list.as_ref().is_some_and(|l| l.iter().any(|v| v == value))
        };
        named(&narrowing.toolsets, toolset) || named(&narrowing.tools, name)
    }

    /// The descriptors left under `narrowing`, in listing order.
    pub fn narrowed(&self, narrowing: &Narrowing) -> Vec<rmcp::model::Tool> {
        self.descriptors
            .iter()
            .filter(|d| self.allows(narrowing, &d.name))
            .cloned()
            .collect()
    }
}

/// The names of the declared tools of a toolset, compiled in or not.
pub fn declared_in(toolset: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = DECLARED
        .iter()
        .filter(|d| d.toolset == toolset)
        .map(|d| d.name)
        .collect();
    names.sort_unstable();
    names
}

fn instructions(toolsets: &[&Toolset], reserved: &[Reserved]) -> String {
    let mut text = String::from(
        "Tools for a Nulab Backlog space. Tools take Backlog ids or keys \
         (projectId or projectKey, issueId or issueKey); results are Backlog's own JSON.",
    );
    for toolset in toolsets {
        text.push_str(&format!("\n- {}: {}", toolset.name, toolset.description));
        if !toolset.instructions.is_empty() {
            text.push(' ');
            text.push_str(toolset.instructions);
        }
    }
    for option in reserved {
        match option {
            Reserved::Organization { names, default } => text.push_str(&format!(
                "\nSeveral Backlog organizations are configured ({}): give `organization` to choose one; without it, calls go to {default}.",
                names.join(", ")
            )),
            Reserved::Fields => text.push_str(
                "\nTools that read take `fields`, e.g. \"{ id summary assignee { name } }\", to return only those fields: use it for long lists.",
            ),
        }
    }
    text
}

/// What the note of a cut reply tells the assistant to do, from the
/// parameters the tool takes: page, ask for fewer, select fewer fields.
fn cut_hint(descriptor: &rmcp::model::Tool) -> String {
    let takes = |name: &str| {
        descriptor
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.contains_key(name))
    };
    let mut ways = Vec::new();
    if takes("offset") && takes("count") {
        ways.push("get the rest with offset and count");
    } else if takes("maxId") && takes("count") {
        ways.push("get older items with maxId (the last ID shown) and count");
    } else if takes("count") {
        ways.push("ask for fewer with count");
    }
    if takes("fields") {
        ways.push("keep only the fields you need with fields");
    }
    let mut hint = ways.join(", or ");
    if let Some(first) = hint.get(..1) {
        hint = format!("{}{}.", first.to_uppercase(), &hint[1..]);
    }
    hint
}

/// The MCP `Tool` descriptor of a declaration under these options.
fn descriptor(
    tool: &ToolDef,
    name: &str,
    reserved: &[Reserved],
    descriptions: &Descriptions,
) -> rmcp::model::Tool {
    let mut schema = Arc::clone(tool.schema());
    let mut options = reserved.iter().filter(|r| r.applies_to(tool)).peekable();
    if !descriptions.is_empty() || options.peek().is_some() {
        let schema = Arc::make_mut(&mut schema);
        descriptions.apply_to_schema(tool.name, schema);
        for option in options {
            let properties = schema
                .entry("properties")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(properties) = properties {
                properties.insert(option.name().to_owned(), option.schema());
            }
        }
    }
    let description = descriptions.tool(tool.name).unwrap_or(tool.description);
    rmcp::model::Tool::new(name.to_owned(), description.to_owned(), schema)
        .with_title(tool.title)
        .with_annotations(annotations(tool.annotations))
}

/// The annotations that differ from MCP's defaults (readOnlyHint false,
/// destructiveHint true, idempotentHint false, openWorldHint true).
/// destructiveHint and idempotentHint mean something only for a tool that
/// writes; destructiveHint is always explicit there, true or false.
fn annotations(a: Annotations) -> ToolAnnotations {
    let mut hints = ToolAnnotations::new();
    if a.read_only {
        hints.read_only_hint = Some(true);
    } else {
        hints.destructive_hint = Some(a.destructive);
        if a.idempotent {
            hints.idempotent_hint = Some(true);
        }
    }
    if !a.open_world {
        hints.open_world_hint = Some(false);
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(read_only: bool, destructive: bool, idempotent: bool, open_world: bool) -> Value {
        let a = Annotations {
            read_only,
            destructive,
            idempotent,
            open_world,
        };
        serde_json::to_value(annotations(a)).unwrap()
    }

    #[test]
    fn annotations_leave_out_what_equals_the_mcp_defaults() {
        assert_eq!(
            hints(true, false, true, true),
            json!({"readOnlyHint": true})
        );
        assert_eq!(
            hints(false, false, false, true),
            json!({"destructiveHint": false})
        );
        assert_eq!(
            hints(false, true, true, true),
            json!({"destructiveHint": true, "idempotentHint": true})
        );
        assert_eq!(
            hints(false, false, true, false),
            json!({"destructiveHint": false, "idempotentHint": true, "openWorldHint": false})
        );
    }
}
