//! Parses a `tools.toml` file into the IR, and finds the `tools.toml` a
//! `#[backlog_tool]` fn belongs to (for its list of toolsets and tool names).

use std::collections::BTreeMap;
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
    /// Named lists of parameters that tools share (`param_sets = ["name"]`).
    #[serde(default)]
    pub param_sets: BTreeMap<String, Vec<TomlParam>>,
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
    #[serde(default)]
    param_sets: Vec<String>,
    read_only_hint: Option<bool>,
    destructive_hint: Option<bool>,
    idempotent_hint: Option<bool>,
    open_world_hint: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlParam {
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
    for tool in &file.tools {
        let name = if tool.name.is_empty() {
            "<unnamed>"
        } else {
            &tool.name
        };
        let mut complete = true;
        let mut params = Vec::new();
        for set in &tool.param_sets {
            match set_params(&file, set, span) {
                Ok(set_params) => params.extend(set_params),
                Err(message) => {
                    errors.at(span, format!("{shown}: tool {name:?}: {message}"));
                    complete = false;
                }
            }
        }
        for p in &tool.params {
            params.push(convert(p, span, &mut |message| {
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
            }));
        }
        if !complete {
            continue;
        }
        tools.push(Tool {
            origin: Origin::Toml {
                file: shown.to_owned(),
            },
            name: at(tool.name.clone()),
            toolset: at(tool.toolset.clone()),
            title: at(tool.title.clone()),
            description: at(tool.description.clone()),
            method: at(tool.method.clone()),
            path: at(tool.path.clone()),
            params,
            param_sets: Vec::new(),
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

/// The parameters of the set `name` of `file`, as IR.
pub fn set_params(file: &File, name: &str, span: Span) -> Result<Vec<Param>, String> {
    let Some(set) = file.param_sets.get(name) else {
        let known: Vec<&str> = file.param_sets.keys().map(String::as_str).collect();
        return Err(format!(
            "unknown param set {name:?}; tools.toml's [param_sets] has: {}",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ));
    };
    let mut problems = Vec::new();
    let params = set
        .iter()
        .map(|p| {
            convert(p, span, &mut |message| {
                problems.push(format!("parameter {:?}: {message}", p.name))
            })
        })
        .collect();
    if problems.is_empty() {
        Ok(params)
    } else {
        Err(format!("in param set {name:?}: {}", problems.join("; ")))
    }
}

/// One TOML parameter as IR; what cannot be converted goes to `report`.
fn convert(p: &TomlParam, span: Span, report: &mut dyn FnMut(String)) -> Param {
    let at = |value: String| Spanned::new(value, span);
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
    Param {
        name: at(p.name.clone()),
        ty: at(p.ty.clone()),
        rust_type,
        required: p.required,
        description: at(p.description.clone()),
        location: p.location.clone().map(at),
        source_of: p.source_of.clone().map(at),
        format: p.format.clone().map(at),
        min: p.min.map(|v| Spanned::new(v, span)),
        max: p.max.map(|v| Spanned::new(v, span)),
        values: p.values.clone().map(|v| Spanned::new(v, span)),
        default,
        clear_when_empty: p.clear_when_empty,
        max_length: p.max_length.map(|v| Spanned::new(v, span)),
        max_items: p.max_items.map(|v| Spanned::new(v, span)),
        span,
    }
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
