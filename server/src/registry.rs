//! The tool registry: every declared tool as data ([`ToolDef`]), collected at
//! link time from the code `backlog-mcp-macros` generates, and narrowed by
//! one function ([`Registry::new`]) to the toolsets a user enables.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::backlog::{Backlog, Method, ToolError, ToolOutput};

/// The future a tool call returns.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<ToolOutput, ToolError>> + Send + 'a>>;

/// One declared tool, as generated from `tools.toml` or `#[backlog_tool]`.
pub struct ToolDef {
    pub name: &'static str,
    pub toolset: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub method: Method,
    /// The path template below `/api/v2`, e.g. `issues/{issueIdOrKey}`.
    pub path: &'static str,
    pub annotations: Annotations,
    /// The input JSON Schema (draft 2020-12).
    pub input_schema: fn() -> Map<String, Value>,
    /// Validates the arguments, then makes the Backlog call(s).
    pub call: for<'a> fn(&'a Backlog, Map<String, Value>) -> CallFuture<'a>,
}

/// MCP tool annotations, derived from the method unless a declaration overrides them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

/// Every tool compiled into this binary (the toolsets enabled as cargo features).
#[linkme::distributed_slice]
pub static TOOLS: [ToolDef];

/// The input schema of an argument struct: draft 2020-12, compact (no
/// `$schema`, no `title`, no integer width formats).
pub fn input_schema<T: JsonSchema>() -> Map<String, Value> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.meta_schema = None;
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = schema.to_value();
    compact(&mut value, true);
    match value {
        Value::Object(map) => map,
        other => unreachable!("an argument struct's schema is an object, got {other}"),
    }
}

fn compact(value: &mut Value, root: bool) {
    match value {
        Value::Object(map) => {
            if root {
                // The argument struct's name and doc say nothing to a client.
                map.remove("title");
                map.remove("description");
            }
            // `#[serde(default)]` on an Option publishes `"default": null`.
            if map.get("default").is_some_and(Value::is_null) {
                map.remove("default");
            }
            if let Some(Value::String(format)) = map.get("format")
                && matches!(
                    format.as_str(),
                    "int64" | "int32" | "uint64" | "uint32" | "double" | "float"
                )
            {
                map.remove("format");
            }
            for child in map.values_mut() {
                compact(child, false);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| compact(item, false)),
        _ => {}
    }
}

/// Deserializes tool arguments into a generated argument struct; the error
/// names the offending field.
pub fn parse_arguments<T: DeserializeOwned>(arguments: Map<String, Value>) -> Result<T, ToolError> {
    serde_path_to_error::deserialize(Value::Object(arguments)).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner().to_string();
        ToolError::InvalidArguments(if path == "." {
            inner
        } else {
            format!("{path}: {inner}")
        })
    })
}

/// Why a registry could not be built from the user's choice of toolsets.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(
        "unknown toolset {name:?} in ENABLE_TOOLSETS / --enable-toolsets; this binary has: {available}"
    )]
    UnknownToolset { name: String, available: String },
    #[error("tool {0:?} is declared twice")]
    DuplicateTool(&'static str),
}

/// The tools this server offers, with their MCP descriptors built once.
pub struct Registry {
    tools: Vec<&'static ToolDef>,
    descriptors: Arc<Vec<rmcp::model::Tool>>,
    by_name: HashMap<&'static str, usize>,
}

impl Registry {
    /// All compiled tools, or only those of `toolsets` (which must all be
    /// compiled in: a run-time choice can narrow, never widen).
    pub fn new(toolsets: Option<&[String]>) -> Result<Self, RegistryError> {
        let compiled = compiled_toolsets();
        if let Some(wanted) = toolsets {
            for name in wanted {
                if name != "all" && !compiled.contains(&name.as_str()) {
                    return Err(RegistryError::UnknownToolset {
                        name: name.clone(),
                        available: compiled.join(", "),
                    });
                }
            }
        }
        let enabled = |toolset: &str| match toolsets {
            None => true,
            Some(wanted) => wanted.iter().any(|w| w == "all" || w == toolset),
        };
        let mut tools: Vec<&'static ToolDef> =
            TOOLS.iter().filter(|t| enabled(t.toolset)).collect();
        tools.sort_by_key(|t| (toolset_rank(t.toolset), t.name));
        let mut by_name = HashMap::new();
        for (index, tool) in tools.iter().enumerate() {
            if by_name.insert(tool.name, index).is_some() {
                return Err(RegistryError::DuplicateTool(tool.name));
            }
        }
        let descriptors = Arc::new(tools.iter().map(|t| descriptor(t)).collect());
        Ok(Registry {
            tools,
            descriptors,
            by_name,
        })
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

    pub fn tools(&self) -> &[&'static ToolDef] {
        &self.tools
    }

    /// The MCP descriptors, in toolset order.
    pub fn descriptors(&self) -> Arc<Vec<rmcp::model::Tool>> {
        Arc::clone(&self.descriptors)
    }
}

/// Toolsets listed in the order of `tools.toml`'s `toolsets`.
const TOOLSET_ORDER: &[&str] = crate::tools::TOOLSETS;

fn toolset_rank(toolset: &str) -> usize {
    TOOLSET_ORDER
        .iter()
        .position(|t| *t == toolset)
        .unwrap_or(TOOLSET_ORDER.len())
}

/// The toolsets compiled into this binary.
pub fn compiled_toolsets() -> Vec<&'static str> {
    let mut toolsets: Vec<&'static str> = TOOLS.iter().map(|t| t.toolset).collect();
    toolsets.sort_by_key(|t| (toolset_rank(t), *t));
    toolsets.dedup();
    toolsets
}

/// The MCP `Tool` descriptor of a declaration.
pub fn descriptor(tool: &ToolDef) -> rmcp::model::Tool {
    let a = tool.annotations;
    let annotations = rmcp::model::ToolAnnotations::new()
        .read_only(a.read_only)
        .destructive(a.destructive)
        .idempotent(a.idempotent)
        .open_world(a.open_world);
    rmcp::model::Tool::new(tool.name, tool.description, Arc::new((tool.input_schema)()))
        .with_title(tool.title)
        .with_annotations(annotations)
}
