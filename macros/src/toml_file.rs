//! Parses a `tools.toml` file into the IR, and finds the `tools.toml` a
//! `#[backlog_tool]` fn belongs to (for its list of toolsets and tool names).

use std::path::{Path, PathBuf};

use proc_macro2::Span;
use serde::Deserialize;

use crate::ast::{AnnotationOverrides, Literal, Origin, Param, Spanned, Tool};
use crate::errors::Errors;

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
    max_length: Option<i64>,
    max_items: Option<i64>,
    values: Option<Vec<String>>,
    default: Option<toml::Value>,
    #[serde(default)]
    clear_when_empty: bool,
}

/// Reads and parses `path`; `shown` is the name used in error messages (never
/// the absolute path, which differs between checkouts).
pub fn read(path: &Path, shown: &str) -> Result<File, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read the file: {e}"))?;
    toml::from_str(&text).map_err(|e| format!("{shown}: {}", e.to_string().trim_end()))
}

/// The IR of every tool of the file. Tokens have no place in a TOML file, so
/// everything is reported at `span`, the file name in the macro call. A tool
/// with a value that cannot go in the IR is reported here and left out, so
/// that the validator does not report it again as missing.
pub fn tools(file: File, shown: &str, span: Span, errors: &mut Errors) -> Vec<Tool> {
    let at = |value: String| Spanned::new(value, span);
    let mut tools = Vec::new();
    for tool in file.tools {
        let mut complete = true;
        let mut params = Vec::new();
        for p in tool.params {
            let mut report = |message: String| {
                let name = if tool.name.is_empty() {
                    "<unnamed>"
                } else {
                    &tool.name
                };
                let param = if p.name.is_empty() {
                    "<unnamed>"
                } else {
                    &p.name
                };
                errors.at(
                    span,
                    format!("{shown}: tool {name:?}: parameter {param:?}: {message}"),
                );
                complete = false;
            };
            let rust_type = match &p.rust_type {
                Some(text) => match syn::parse_str::<syn::Type>(text) {
                    Ok(ty) => Some(Spanned::new(ty, span)),
                    Err(e) => {
                        report(format!("rust_type {text:?} is not a Rust type: {e}"));
                        None
                    }
                },
                None => None,
            };
            let default = match &p.default {
                None => None,
                Some(value) => match value {
                    toml::Value::String(s) => Some(Literal::Str(s.clone())),
                    toml::Value::Integer(i) => Some(Literal::Int(*i)),
                    toml::Value::Float(f) => Some(Literal::Float(*f)),
                    toml::Value::Boolean(b) => Some(Literal::Bool(*b)),
                    other => {
                        report(format!(
                            "`default` is a string, number or boolean, not {}",
                            other.type_str()
                        ));
                        None
                    }
                }
                .map(|literal| Spanned::new(literal, span)),
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
                max_length: p.max_length.map(|v| Spanned::new(v, span)),
                max_items: p.max_items.map(|v| Spanned::new(v, span)),
                span,
            });
        }
        if !complete {
            continue;
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
    tools
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
