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

use crate::registry::{self, Annotations, DECLARED, TOOLS, ToolDef, Toolset};

/// The tools (and what they need) one server offers, built once.
pub struct Inventory {
    tools: Vec<&'static ToolDef>,
    by_name: HashMap<&'static str, usize>,
    descriptors: Arc<Vec<rmcp::model::Tool>>,
    toolsets: Vec<&'static Toolset>,
    reserved: Vec<Reserved>,
    instructions: String,
}

/// A runtime parameter the server adds to schemas when its option is on; the
/// MCP layer takes it out of the arguments before the tool parses them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reserved {
    /// Which of several organizations (Backlog spaces) a call goes to.
    Organization { names: Vec<String>, default: String },
}

impl Reserved {
    pub fn name(&self) -> &'static str {
        match self {
            Reserved::Organization { .. } => "organization",
        }
    }

    fn schema(&self) -> Value {
        match self {
            Reserved::Organization { names, default } => json!({
                "type": "string",
                "enum": names,
                "description": format!("The organization (Backlog space) to call; default {default}"),
            }),
        }
    }

    /// Whether the parameter is added to this tool's schema.
    fn applies_to(&self, _tool: &ToolDef) -> bool {
        match self {
            Reserved::Organization { .. } => true,
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
    #[error("tool {0:?} is declared twice")]
    DuplicateTool(&'static str),
}

/// The options an inventory is built from.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    toolsets: Option<Vec<String>>,
    reserved: Vec<Reserved>,
}

impl Builder {
    /// Only these toolsets (`all` for every compiled one); default: all compiled in.
    pub fn toolsets(mut self, toolsets: Option<Vec<String>>) -> Self {
        self.toolsets = toolsets;
        self
    }

    /// Calls choose one of several organizations with the `organization` argument.
    pub fn organizations(mut self, names: Vec<String>, default: String) -> Self {
        self.reserved
            .push(Reserved::Organization { names, default });
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
        let enabled = |toolset: &Toolset| {
            toolset.compiled
                && self
                    .toolsets
                    .as_ref()
                    .is_none_or(|wanted| wanted.iter().any(|w| w == "all" || w == toolset.name))
        };
        let toolsets: Vec<&'static Toolset> = all.iter().filter(|t| enabled(t)).collect();
        let rank = |name: &str| toolsets.iter().position(|t| t.name == name);
        let mut tools: Vec<&'static ToolDef> =
            TOOLS.iter().filter(|t| rank(t.toolset).is_some()).collect();
        tools.sort_by_key(|t| (rank(t.toolset), t.name));
        let mut by_name = HashMap::new();
        for (index, tool) in tools.iter().enumerate() {
            if by_name.insert(tool.name, index).is_some() {
                return Err(InventoryError::DuplicateTool(tool.name));
            }
        }
        let descriptors = tools
            .iter()
            .map(|tool| descriptor(tool, &self.reserved))
            .collect();
        let instructions = instructions(&toolsets, &self.reserved);
        Ok(Inventory {
            tools,
            by_name,
            descriptors: Arc::new(descriptors),
            toolsets,
            reserved: self.reserved,
            instructions,
        })
    }
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

    pub fn get(&self, name: &str) -> Option<&'static ToolDef> {
        self.by_name.get(name).map(|&index| self.tools[index])
    }

    /// The MCP descriptor of one tool.
    pub fn descriptor(&self, name: &str) -> Option<&rmcp::model::Tool> {
        self.by_name
            .get(name)
            .map(|&index| &self.descriptors[index])
    }

    /// The tools, in listing order (toolsets in tools.toml's order, then by name).
    pub fn tools(&self) -> &[&'static ToolDef] {
        &self.tools
    }

    /// The MCP descriptors, in listing order.
    pub fn descriptors(&self) -> Arc<Vec<rmcp::model::Tool>> {
        Arc::clone(&self.descriptors)
    }

    /// The enabled toolsets, in tools.toml's order.
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
        }
    }
    text
}

/// The MCP `Tool` descriptor of a declaration under these options.
fn descriptor(tool: &ToolDef, reserved: &[Reserved]) -> rmcp::model::Tool {
    let mut schema = (tool.input_schema)();
    for option in reserved.iter().filter(|r| r.applies_to(tool)) {
        let properties = schema
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(properties) = properties {
            properties.insert(option.name().to_owned(), option.schema());
        }
    }
    rmcp::model::Tool::new(tool.name, tool.description, Arc::new(schema))
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
