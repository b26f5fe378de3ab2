//! Parses a `tools.toml` file into the IR, and finds the `tools.toml` a
//! `#[backlog_tool]` fn belongs to (for its list of toolsets and tool names).

use std::path::{Path, PathBuf};

use proc_macro2::Span;
use serde::Deserialize;

use crate::ast::{AnnotationOverrides, Literal, Origin, Param, Spanned, Tool};

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// The toolsets, in the order tools are listed; each is a cargo feature.
    pub toolsets: Vec<String>,
    #[serde(default)]
    pub tools: Vec<TomlTool>,
}

// Everything a validator checks is optional here, so that a missing key is
// reported by the validator with the tool's name, not by serde.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlTool {
    #[serde(default)]
    name: String,
    #[serde(default)]
    toolset: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    params: Vec<TomlParam>,
    read_only_hint: Option<bool>,
    destructive_hint: Option<bool>,
    idempotent_hint: Option<bool>,
    open_world_hint: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlParam {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    ty: String,
    rust_type: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    description: String,
    location: Option<String>,
    source_of: Option<String>,
    format: Option<String>,
    min: Option<i64>,
    max: Option<i64>,
    values: Option<Vec<String>>,
    default: Option<toml::Value>,
    #[serde(default)]
    clear_when_empty: bool,
}

/// Reads and parses `path`; `shown` is the name used in error messages.
pub fn read(path: &Path, shown: &str) -> Result<File, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{shown}: cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{shown}: {e}"))
}

/// The IR of every tool of the file. Tokens have no place in a TOML file, so
/// everything is reported at the macro call.
pub fn tools(file: File, shown: &str) -> Result<Vec<Tool>, String> {
    let span = Span::call_site();
    let at = |value: String| Spanned::new(value, span);
    let mut tools = Vec::new();
    for tool in file.tools {
        let mut params = Vec::new();
        for p in tool.params {
            let rust_type = match p.rust_type {
                Some(text) => Some(Spanned::new(
                    syn::parse_str::<syn::Type>(&text).map_err(|e| {
                        format!(
                            "{shown}: tool {:?}: parameter {:?}: rust_type is not a Rust type: {e}",
                            tool.name, p.name
                        )
                    })?,
                    span,
                )),
                None => None,
            };
            let default = match p.default {
                None => None,
                Some(value) => Some(Spanned::new(
                    match value {
                        toml::Value::String(s) => Literal::Str(s),
                        toml::Value::Integer(i) => Literal::Int(i),
                        toml::Value::Float(f) => Literal::Float(f),
                        toml::Value::Boolean(b) => Literal::Bool(b),
                        other => {
                            return Err(format!(
                                "{shown}: tool {:?}: parameter {:?}: a default is a string, number or boolean, not {}",
                                tool.name,
                                p.name,
                                other.type_str()
                            ));
                        }
                    },
                    span,
                )),
            };
            params.push(Param {
                name: at(p.name),
                ty: at(p.ty),
                rust_type,
                required: p.required,
                description: at(p.description),
                location: p.location.map(at),
                source_of: p.source_of.map(at),
                format: p.format.map(at),
                min: p.min.map(|v| Spanned::new(v, span)),
                max: p.max.map(|v| Spanned::new(v, span)),
                values: p.values.map(|v| Spanned::new(v, span)),
                default,
                clear_when_empty: p.clear_when_empty,
                span,
            });
        }
        tools.push(Tool {
            origin: Origin::Toml {
                file: shown.to_owned(),
            },
            name: at(tool.name),
            toolset: at(tool.toolset),
            title: at(tool.title),
            description: at(tool.description),
            method: at(tool.method),
            path: at(tool.path),
            params,
            annotations: AnnotationOverrides {
                read_only: tool.read_only_hint,
                destructive: tool.destructive_hint,
                idempotent: tool.idempotent_hint,
                open_world: tool.open_world_hint,
            },
            span,
        });
    }
    Ok(tools)
}

/// The file a macro call refers to: relative to the file holding the call
/// (as `include_str!` resolves), else to the crate's manifest directory.
pub fn resolve(relative: &str) -> PathBuf {
    let relative = Path::new(relative);
    if relative.is_absolute() {
        return relative.to_owned();
    }
    if let Some(dir) = calling_file().and_then(|f| f.parent().map(Path::to_owned)) {
        return dir.join(relative);
    }
    manifest_dir().join(relative)
}

/// The `tools.toml` nearest above the file holding the call: the one a
/// `#[backlog_tool]` fn belongs to.
pub fn find_above_caller() -> Option<PathBuf> {
    let start = calling_file()
        .and_then(|f| f.parent().map(Path::to_owned))
        .unwrap_or_else(manifest_dir);
    start
        .ancestors()
        .map(|dir| dir.join("tools.toml"))
        .find(|candidate| candidate.is_file())
}

fn calling_file() -> Option<PathBuf> {
    let file = proc_macro::Span::call_site().local_file()?;
    if file.is_absolute() {
        Some(file)
    } else {
        Some(std::env::current_dir().ok()?.join(file))
    }
}

fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

impl TomlTool {
    pub fn name(&self) -> &str {
        &self.name
    }
}
