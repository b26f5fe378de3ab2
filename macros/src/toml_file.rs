//! Parses a `tools.toml` file into the IR, keeping the line and column of
//! every value (toml's spans) for the error messages, and finds the
//! `tools.toml` a `#[backlog_tool]` fn belongs to.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use proc_macro2::Span;
use serde::Deserialize;
use toml::Spanned as At;

use crate::ast::{AnnotationOverrides, Literal, Origin, Param, Pos, Site, Spanned, Tool, Toolset};
use crate::errors::Errors;
use crate::valid::located;

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    /// The toolsets, in the order tools are listed; each is a cargo feature.
    #[serde(default)]
    toolsets: Vec<At<TomlToolset>>,
    /// Named lists of parameters that tools share (`{ set = "name" }` in params).
    #[serde(default)]
    param_sets: BTreeMap<String, Vec<At<TomlParam>>>,
    #[serde(default)]
    tools: Vec<At<TomlTool>>,
}

// Everything a validator checks is optional here, so that a missing key is
// reported by the validator with the tool's name, not by serde.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlToolset {
    name: Option<At<String>>,
    description: Option<At<String>>,
    instructions: Option<At<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlTool {
    name: Option<At<String>>,
    toolset: Option<At<String>>,
    title: Option<At<String>>,
    description: Option<At<String>>,
    method: Option<At<String>>,
    path: Option<At<String>>,
    /// Parameters and `{ set = "..." }` entries, in order.
    #[serde(default)]
    params: Vec<At<TomlParam>>,
    read_only_hint: Option<bool>,
    destructive_hint: Option<bool>,
    idempotent_hint: Option<bool>,
    open_world_hint: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlParam {
    /// A `[param_sets]` entry whose parameters go here (alone in its table).
    set: Option<At<String>>,
    name: Option<At<String>>,
    #[serde(rename = "type")]
    ty: Option<At<String>>,
    rust_type: Option<At<String>>,
    #[serde(default)]
    required: bool,
    description: Option<At<String>>,
    location: Option<At<String>>,
    wire_name: Option<At<String>>,
    source_of: Option<At<String>>,
    format: Option<At<String>>,
    min: Option<At<i64>>,
    max: Option<At<i64>>,
    max_length: Option<At<i64>>,
    max_items: Option<At<i64>>,
    values: Option<At<Vec<String>>>,
    default: Option<At<toml::Value>>,
    #[serde(default)]
    clear_when_empty: bool,
}

/// A parsed file, with what turns its byte offsets into sites.
pub struct File {
    data: FileData,
    /// The name shown in messages (never the absolute path, which differs between checkouts).
    pub shown: String,
    /// Where every error is reported in Rust terms: the file name in the macro call,
    /// or the attribute of a fn.
    span: Span,
    line_starts: Vec<usize>,
}

/// Reads and parses `path`.
pub fn read(path: &Path, shown: &str, span: Span) -> Result<File, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read the file: {e}"))?;
    let line_starts = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut file = File {
        data: FileData {
            toolsets: Vec::new(),
            param_sets: BTreeMap::new(),
            tools: Vec::new(),
        },
        shown: shown.to_owned(),
        span,
        line_starts,
    };
    match toml::from_str::<FileData>(&text) {
        Ok(data) => {
            file.data = data;
            Ok(file)
        }
        Err(error) => {
            let site = error
                .span()
                .map_or(Site::span(span), |range| file.at(range));
            Err(located(Some(shown), site, error.message().trim_end()))
        }
    }
}

impl File {
    /// The line and column of a byte offset; columns count bytes, which is
    /// exact for the ASCII keys and values errors point at.
    fn at(&self, range: Range<usize>) -> Site {
        let line = self
            .line_starts
            .partition_point(|&start| start <= range.start);
        let column = range.start - self.line_starts[line - 1] + 1;
        Site {
            span: self.span,
            pos: Some(Pos { line, column }),
        }
    }

    fn spanned<T: Clone>(&self, value: &At<T>) -> Spanned<T> {
        Spanned::new(value.get_ref().clone(), self.at(value.span()))
    }

    /// A value, or an empty one at `site`, its table (reported as missing by the validator).
    fn text(&self, value: &Option<At<String>>, site: Site) -> Spanned<String> {
        value
            .as_ref()
            .map_or_else(|| Spanned::new(String::new(), site), |v| self.spanned(v))
    }

    pub fn toolsets(&self) -> Vec<Toolset> {
        self.data
            .toolsets
            .iter()
            .map(|toolset| {
                let site = self.at(toolset.span());
                let t = toolset.get_ref();
                Toolset {
                    name: self.text(&t.name, site),
                    description: self.text(&t.description, site),
                    instructions: t.instructions.as_ref().map(|i| self.spanned(i)),
                    site,
                }
            })
            .collect()
    }

    pub fn toolset_names(&self) -> Vec<String> {
        self.data
            .toolsets
            .iter()
            .filter_map(|t| t.get_ref().name.as_ref().map(|n| n.get_ref().clone()))
            .collect()
    }

    pub fn tool_names(&self) -> Vec<String> {
        self.data
            .tools
            .iter()
            .filter_map(|t| t.get_ref().name.as_ref().map(|n| n.get_ref().clone()))
            .collect()
    }

    /// The IR of every tool of the file. A tool with a value that cannot go
    /// in the IR is reported here and left out, so that the validator does
    /// not report it again as missing.
    pub fn tools(&self, errors: &mut Errors) -> Vec<Tool> {
        let mut tools = Vec::new();
        for entry in &self.data.tools {
            let site = self.at(entry.span());
            let tool = entry.get_ref();
            let name = self.text(&tool.name, site);
            let shown_name = if name.value.is_empty() {
                "<unnamed>".to_owned()
            } else {
                name.value.clone()
            };
            let mut complete = true;
            let mut params = Vec::new();
            for p in &tool.params {
                let outcome = match &p.get_ref().set {
                    Some(set) => self.set_entry(p, set),
                    None => self.param(p).map(|param| vec![param]).map_err(|e| vec![e]),
                };
                match outcome {
                    Ok(more) => params.extend(more),
                    Err(problems) => {
                        for (site, message) in problems {
                            let message = format!("tool {shown_name:?}: {message}");
                            errors.at(site.span, located(Some(&self.shown), site, message));
                        }
                        complete = false;
                    }
                }
            }
            if !complete {
                continue;
            }
            tools.push(Tool {
                origin: Origin::Toml {
                    file: self.shown.clone(),
                },
                name,
                toolset: self.text(&tool.toolset, site),
                title: self.text(&tool.title, site),
                description: self.text(&tool.description, site),
                method: self.text(&tool.method, site),
                path: self.text(&tool.path, site),
                params,
                param_sets: Vec::new(),
                annotations: AnnotationOverrides {
                    read_only: tool.read_only_hint,
                    destructive: tool.destructive_hint,
                    idempotent: tool.idempotent_hint,
                    open_world: tool.open_world_hint,
                },
                reply: None,
                site,
            });
        }
        tools
    }

    /// A `{ set = "..." }` entry of a tool's params: the set's parameters.
    fn set_entry(
        &self,
        entry: &At<TomlParam>,
        set: &At<String>,
    ) -> Result<Vec<Param>, Vec<(Site, String)>> {
        let p = entry.get_ref();
        let alone = [
            p.name.is_some(),
            p.ty.is_some(),
            p.rust_type.is_some(),
            p.required,
            p.description.is_some(),
            p.location.is_some(),
            p.wire_name.is_some(),
            p.source_of.is_some(),
            p.format.is_some(),
            p.min.is_some(),
            p.max.is_some(),
            p.max_length.is_some(),
            p.max_items.is_some(),
            p.values.is_some(),
            p.default.is_some(),
            p.clear_when_empty,
        ]
        .iter()
        .all(|given| !given);
        if !alone {
            let message = format!(
                "a params entry with `set` names a param set and nothing else: {{ set = {:?} }}",
                set.get_ref()
            );
            return Err(vec![(self.at(entry.span()), message)]);
        }
        self.set_params(set.get_ref(), self.at(set.span()))
    }

    /// The parameters of the set `name`, as IR; `site` is where it was named.
    pub fn set_params(&self, name: &str, site: Site) -> Result<Vec<Param>, Vec<(Site, String)>> {
        let Some(set) = self.data.param_sets.get(name) else {
            let known: Vec<&str> = self.data.param_sets.keys().map(String::as_str).collect();
            let message = format!(
                "unknown param set {name:?}; tools.toml's [param_sets] has: {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
            return Err(vec![(site, message)]);
        };
        let mut problems = Vec::new();
        let mut params = Vec::new();
        for p in set {
            if p.get_ref().set.is_some() {
                problems.push((
                    self.at(p.span()),
                    format!("in param set {name:?}: a param set cannot name another set"),
                ));
                continue;
            }
            match self.param(p) {
                Ok(param) => params.push(param),
                Err((site, message)) => {
                    problems.push((site, format!("in param set {name:?}: {message}")))
                }
            }
        }
        if problems.is_empty() {
            Ok(params)
        } else {
            Err(problems)
        }
    }

    /// One TOML parameter as IR.
    fn param(&self, entry: &At<TomlParam>) -> Result<Param, (Site, String)> {
        let site = self.at(entry.span());
        let p = entry.get_ref();
        let name = self.text(&p.name, site);
        let label = if name.value.is_empty() {
            "<unnamed>"
        } else {
            &name.value
        };
        let fail = |at: Site, message: String| Err((at, format!("parameter {label:?}: {message}")));
        let rust_type = match &p.rust_type {
            Some(text) => match syn::parse_str::<syn::Type>(text.get_ref()) {
                Ok(ty) => Some(Spanned::new(ty, self.at(text.span()))),
                Err(e) => {
                    return fail(
                        self.at(text.span()),
                        format!("rust_type {:?} is not a Rust type: {e}", text.get_ref()),
                    );
                }
            },
            None => None,
        };
        let default = match &p.default {
            None => None,
            Some(value) => {
                let at = self.at(value.span());
                let literal = match value.get_ref() {
                    toml::Value::String(s) => Literal::Str(s.clone()),
                    toml::Value::Integer(i) => Literal::Int(*i),
                    toml::Value::Float(f) => Literal::Float(*f),
                    toml::Value::Boolean(b) => Literal::Bool(*b),
                    other => {
                        return fail(
                            at,
                            format!(
                                "`default` is a string, number or boolean, not {}",
                                other.type_str()
                            ),
                        );
                    }
                };
                Some(Spanned::new(literal, at))
            }
        };
        Ok(Param {
            ty: self.text(&p.ty, site),
            rust_type,
            required: p.required,
            description: self.text(&p.description, site),
            location: p.location.as_ref().map(|v| self.spanned(v)),
            wire_name: p.wire_name.as_ref().map(|v| self.spanned(v)),
            source_of: p.source_of.as_ref().map(|v| self.spanned(v)),
            format: p.format.as_ref().map(|v| self.spanned(v)),
            min: p.min.as_ref().map(|v| self.spanned(v)),
            max: p.max.as_ref().map(|v| self.spanned(v)),
            values: p.values.as_ref().map(|v| self.spanned(v)),
            default,
            clear_when_empty: p.clear_when_empty,
            max_length: p.max_length.as_ref().map(|v| self.spanned(v)),
            max_items: p.max_items.as_ref().map(|v| self.spanned(v)),
            name,
            site,
        })
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
