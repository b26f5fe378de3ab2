//! The tool registry: every declared tool as static data ([`ToolDef`]),
//! collected at link time from the code `backlog-mcp-macros` generates, the
//! index of all declarations ([`DECLARED`], compiled in or not) and the
//! toolsets of `tools.toml` ([`crate::tools::TOOLSETS`]). What a server
//! offers is chosen from it by [`crate::inventory`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::backlog::{Method, ToolError, ToolOutput};
use crate::context::CallContext;

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
    /// What the call returns: Backlog's JSON, or a downloaded file.
    pub reply: Reply,
    /// The input JSON Schema (draft 2020-12).
    pub input_schema: fn() -> Map<String, Value>,
    /// The query or form parameters the call may send (a rust_type's own keys,
    /// such as `customField_{id}`, are its encoder's).
    pub sends: &'static [&'static str],
    /// Validates the arguments, then makes the Backlog call(s).
    pub call: for<'a> fn(&'a CallContext, Map<String, Value>) -> CallFuture<'a>,
}

impl ToolDef {
    /// The input schema, made once per process: descriptions and the
    /// inventory both read every tool's, and schemars is a start's largest
    /// cost after loading certificates.
    /// Shared, so that a descriptor without changes to it does not copy it.
    pub fn schema(&self) -> &'static Arc<Map<String, Value>> {
        static SCHEMAS: std::sync::OnceLock<
            std::collections::HashMap<&'static str, Arc<Map<String, Value>>>,
        > = std::sync::OnceLock::new();
        let schemas = SCHEMAS.get_or_init(|| {
            TOOLS
                .iter()
                .map(|tool| (tool.name, Arc::new((tool.input_schema)())))
                .collect()
        });
        match schemas.get(self.name) {
            Some(schema) => schema,
            None => unreachable!("{} is not in TOOLS", self.name),
        }
    }
}

/// What a tool returns. Reply shaping (`fields`, `MAX_TOKENS`) applies to
/// JSON; a file is bounded by its own `maxBytes` and never cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Backlog's JSON (or a tool's own), an object or an array.
    Json,
    /// A download (`reply = "file"`): MCP content by what its bytes are.
    File,
}

/// A toolset of `tools.toml`: a group of tools and a cargo feature.
#[derive(Debug)]
pub struct Toolset {
    pub name: &'static str,
    /// What its tools are for, for assistants choosing toolsets.
    pub description: &'static str,
    /// Added to the server's instructions when the toolset is enabled (may be empty).
    pub instructions: &'static str,
    /// Whether its cargo feature is on in this build.
    pub compiled: bool,
}

/// One declaration, whether or not its toolset is compiled in.
#[derive(Debug)]
pub struct Declared {
    pub name: &'static str,
    pub toolset: &'static str,
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

/// Every tool declared, compiled in or not: tests and startup errors use it
/// to name what a build left out.
#[linkme::distributed_slice]
pub static DECLARED: [Declared];

/// The toolsets of `tools.toml`, in its order.
pub fn toolsets() -> &'static [Toolset] {
    crate::tools::TOOLSETS
}

/// The input schema of an argument struct: draft 2020-12, compact (no
/// `$schema`, no `title`, no integer width formats).
pub fn input_schema<T: JsonSchema>() -> Map<String, Value> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.meta_schema = None;
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = Value::from(schema);
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
                map.shift_remove("title");
                map.shift_remove("description");
            }
            // Unknown arguments are refused with an error naming them; like the
            // default bounds, that is enforced, not published.
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.shift_remove("additionalProperties");
            }
            // A constant says its type: `"const": "text"` needs no `"type": "string"`.
            if map.contains_key("const") {
                map.shift_remove("type");
            }
            // `#[serde(default)]` on an Option publishes `"default": null`.
            if map.get("default").is_some_and(Value::is_null) {
                map.shift_remove("default");
            }
            if let Some(Value::String(format)) = map.get("format")
                && matches!(
                    format.as_str(),
                    "int64" | "int32" | "uint64" | "uint32" | "double" | "float"
                )
            {
                map.shift_remove("format");
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
