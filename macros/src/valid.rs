//! Checks declarations before any code is generated. Every mistake becomes a
//! compile error naming the tool and the field; all are collected at once.

use std::collections::{BTreeSet, HashMap};

use crate::ast::{
    self, FORMATS, Literal, METHODS, Origin, Param, Scalar, TYPE_NAMES, Tool, WireType,
};
use crate::errors::Errors;

/// What the declarations are checked against.
pub struct Context {
    /// The toolsets of `tools.toml`; each is a cargo feature of the server crate.
    pub toolsets: Vec<String>,
    /// Tools declared in `tools.toml`, when checking a fn (a fn may not reuse one).
    pub toml_tool_names: BTreeSet<String>,
}

/// Where a parameter ends up, once resolved.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Location {
    /// Fills the path variable of the same name.
    Path,
    /// One of the sources of a variable (`issueId` for `{issueIdOrKey}`).
    Source,
    Query,
    Form,
    /// A Rust-typed parameter the fn body encodes.
    Body,
}

pub struct CheckedParam {
    pub wire: Option<WireType>,
    pub location: Location,
}

pub enum Segment {
    Literal(String),
    /// A variable and the indices of the parameters that can fill it, in order.
    Variable {
        name: String,
        sources: Vec<usize>,
    },
}

/// A declaration that passed every check, with what the checks resolved.
pub struct Checked {
    pub tool: Tool,
    pub params: Vec<CheckedParam>,
    pub segments: Vec<Segment>,
}

pub fn validate(tools: Vec<Tool>, context: &Context, errors: &mut Errors) -> Vec<Checked> {
    let mut seen = BTreeSet::new();
    let mut checked = Vec::new();
    for tool in tools {
        let mut report = Reporter {
            tool: &tool,
            errors,
            failed: false,
        };
        if !tool.name.value.is_empty() && !seen.insert(tool.name.value.clone()) {
            report.at(
                tool.name.span,
                "is declared twice; tool names are unique: \
                 rename or remove one of the [[tools]] entries",
            );
        }
        let (params, segments) = check_tool(&tool, context, &mut report);
        if !report.failed {
            checked.push(Checked {
                tool,
                params,
                segments,
            });
        }
    }
    checked
}

struct Reporter<'a> {
    tool: &'a Tool,
    errors: &'a mut Errors,
    failed: bool,
}

impl Reporter<'_> {
    fn at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.failed = true;
        let name = if self.tool.name.value.is_empty() {
            "<unnamed>"
        } else {
            &self.tool.name.value
        };
        let text = match &self.tool.origin {
            Origin::Toml { file } => format!("{file}: tool {name:?}: {message}"),
            Origin::Fn { .. } => format!("tool {name:?}: {message}"),
        };
        self.errors.at(span, text);
    }
}

fn check_tool(
    tool: &Tool,
    context: &Context,
    report: &mut Reporter,
) -> (Vec<CheckedParam>, Vec<Segment>) {
    let is_fn = matches!(tool.origin, Origin::Fn { .. });
    let name = &tool.name.value;
    if name.is_empty() {
        report.at(
            tool.span,
            "missing `name`: add name = \"...\", the snake_case tool name",
        );
    } else if !is_snake_case(name) {
        report.at(
            tool.name.span,
            "a tool name is snake_case: lowercase letters, digits and underscores, \
             starting with a letter",
        );
    } else if ast::is_keyword(name) {
        report.at(
            tool.name.span,
            "a Rust keyword cannot name a tool (it names the generated module); choose another name",
        );
    }
    if is_fn && context.toml_tool_names.contains(name) {
        report.at(
            tool.name.span,
            "is already declared in tools.toml; tool names are unique: \
             rename this one or remove the tools.toml entry",
        );
    }
    if tool.toolset.value.is_empty() {
        report.at(
            tool.span,
            format!(
                "missing `toolset`: add toolset = \"...\", one of {}",
                context.toolsets.join(", ")
            ),
        );
    } else if !context.toolsets.contains(&tool.toolset.value) {
        let file = match &tool.origin {
            Origin::Toml { file } => file.as_str(),
            Origin::Fn { .. } => "tools.toml",
        };
        report.at(
            tool.toolset.span,
            format!(
                "unknown toolset {:?}; use one of {} (a new toolset is added to `toolsets` \
                 in {file} and as a cargo feature of the server crate)",
                tool.toolset.value,
                context.toolsets.join(", ")
            ),
        );
    }
    if tool.title.value.trim().is_empty() {
        report.at(
            tool.span,
            "missing `title`: add title = \"...\", a short human-readable name",
        );
    }
    if tool.description.value.trim().is_empty() {
        let hint = if is_fn {
            "missing description: add a /// doc comment to the fn"
        } else {
            "missing `description`: add description = \"...\", \
             what the tool does (the model reads it)"
        };
        report.at(tool.description.span, hint);
    }
    let method = tool.method.value.as_str();
    if method.is_empty() {
        report.at(
            tool.span,
            format!(
                "missing `method`: add method = \"...\", one of {}",
                METHODS.join(", ")
            ),
        );
    } else if !METHODS.contains(&method) {
        report.at(
            tool.method.span,
            format!(
                "unknown method {method:?}; expected one of {} (in capitals)",
                METHODS.join(", ")
            ),
        );
    }
    let path = &tool.path.value;
    if path.is_empty() {
        report.at(
            tool.span,
            "missing `path`: add path = \"...\", \
             relative to /api/v2, e.g. \"issues/{issueIdOrKey}\"",
        );
    } else if path.starts_with('/')
        || path.ends_with('/')
        || path.contains("//")
        || path.contains(['?', '#', ' '])
    {
        report.at(
            tool.path.span,
            format!("path {path:?} must be relative to /api/v2, without a leading slash or query"),
        );
    }
    for segment in path.split('/') {
        let braces = segment.matches(['{', '}']).count();
        let variable =
            segment.starts_with('{') && segment.ends_with('}') && braces == 2 && segment.len() > 2;
        if braces > 0 && !variable {
            report.at(
                tool.path.span,
                format!("path segment {segment:?} must be a literal or exactly one {{variable}}"),
            );
        }
    }
    let path_variables = ast::path_variables(path);

    let mut params = Vec::new();
    // Parameters become fields named in snake_case: `issueId` and `issue_id` would collide.
    let mut fields: HashMap<String, &str> = HashMap::new();
    for param in &tool.params {
        let field = ast::snake_case(&param.name.value);
        if param.name.value.is_empty() {
        } else if let Some(first) = fields.get(&field) {
            let message = if *first == param.name.value {
                format!("parameter {first:?} is declared twice; rename or remove one")
            } else {
                format!(
                    "parameters {first:?} and {:?} are both the field `{field}` of the generated Args; rename one",
                    param.name.value
                )
            };
            report.at(param.name.span, message);
        } else {
            fields.insert(field, &param.name.value);
        }
        params.push(check_param(param, is_fn, method, &path_variables, report));
    }

    let mut segments = Vec::new();
    for segment in path.split('/') {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(variable) => {
                let direct: Vec<usize> = tool
                    .params
                    .iter()
                    .enumerate()
                    .filter(|(i, p)| {
                        p.name.value == variable && params[*i].location == Location::Path
                    })
                    .map(|(i, _)| i)
                    .collect();
                let sources: Vec<usize> = tool
                    .params
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.source_of.as_ref().is_some_and(|s| s.value == variable))
                    .map(|(i, _)| i)
                    .collect();
                if direct.is_empty() && sources.is_empty() {
                    report.at(
                        tool.path.span,
                        format!(
                            "path parameter {{{variable}}} has no source: declare a required parameter named \
                             {variable:?}, or parameters with source_of = {variable:?}"
                        ),
                    );
                } else if !direct.is_empty() && !sources.is_empty() {
                    report.at(
                        tool.path.span,
                        format!(
                            "path parameter {{{variable}}} has both a parameter of that name \
                             and source_of parameters; keep one or the other"
                        ),
                    );
                }
                segments.push(Segment::Variable {
                    name: variable.to_owned(),
                    sources: if direct.is_empty() { sources } else { direct },
                });
            }
            None => segments.push(Segment::Literal(segment.to_owned())),
        }
    }
    (params, segments)
}

fn check_param(
    param: &Param,
    is_fn: bool,
    method: &str,
    path_variables: &[&str],
    report: &mut Reporter,
) -> CheckedParam {
    let name = &param.name.value;
    let label = if name.is_empty() {
        "<unnamed>".to_owned()
    } else {
        name.clone()
    };
    let mut at = |span, message: String| report.at(span, format!("parameter {label:?}: {message}"));
    if name.is_empty() {
        at(
            param.span,
            "missing `name`: add name = \"...\", Backlog's wire name".to_owned(),
        );
    } else if matches!(
        ast::snake_case(name).as_str(),
        "self" | "super" | "crate" | "args"
    ) {
        at(
            param.name.span,
            "this name is reserved in the generated code (self, super, crate, args)".to_owned(),
        );
    } else if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        at(
            param.name.span,
            "a parameter name is Backlog's camelCase wire name (letters, digits, underscores)"
                .to_owned(),
        );
    }
    if param.description.value.trim().is_empty() {
        at(
            param.span,
            "missing `description`: add description = \"...\" (the model reads it)".to_owned(),
        );
    }

    let wire = if let Some(rust_type) = &param.rust_type {
        if !is_fn {
            at(
                rust_type.span,
                "rust_type is only for #[backlog_tool] fn declarations, whose body encodes \
                 the value; give a `type` here, or declare the tool as a fn"
                    .to_owned(),
            );
        }
        if !param.ty.value.is_empty() {
            at(
                param.ty.span,
                "give either `type` or `rust_type`, not both".to_owned(),
            );
        }
        None
    } else if param.ty.value.is_empty() {
        at(
            param.span,
            format!("missing `type`: add type = \"...\", one of {TYPE_NAMES}"),
        );
        None
    } else {
        match WireType::parse(&param.ty.value) {
            Some(wire) => Some(wire),
            None => {
                at(
                    param.ty.span,
                    format!("unknown type {:?}; expected {TYPE_NAMES}", param.ty.value),
                );
                None
            }
        }
    };

    if let Some(wire) = wire {
        let is_enum = wire.scalar == Scalar::Enum;
        match &param.values {
            Some(values) if !is_enum => {
                at(values.span, "`values` is only for type enum".to_owned())
            }
            Some(values) if values.value.is_empty() => at(
                values.span,
                "an enum needs at least one of its `values`".to_owned(),
            ),
            None if is_enum => at(
                param.ty.span,
                "an enum needs `values`, e.g. values = [\"asc\", \"desc\"]".to_owned(),
            ),
            _ => {}
        }
        if let Some(format) = &param.format {
            if wire.scalar != Scalar::String {
                at(
                    format.span,
                    format!(
                        "`format` is only for string parameters, not {}; \
                         remove it or change the type",
                        param.ty.value
                    ),
                );
            } else if !FORMATS.iter().any(|(n, _)| *n == format.value) {
                let known: Vec<&str> = FORMATS.iter().map(|(n, _)| *n).collect();
                at(
                    format.span,
                    format!(
                        "unknown format {:?}; expected one of {}",
                        format.value,
                        known.join(", ")
                    ),
                );
            }
        }
        for bound in [&param.min, &param.max].into_iter().flatten() {
            if wire.scalar != Scalar::Integer || wire.array {
                at(
                    bound.span,
                    format!(
                        "`min`/`max` are only for integer parameters, not {}; \
                         remove it or change the type",
                        param.ty.value
                    ),
                );
            }
        }
        if let (Some(min), Some(max)) = (&param.min, &param.max)
            && min.value > max.value
        {
            at(min.span, "`min` is greater than `max`".to_owned());
        }
        if let Some(max_length) = &param.max_length
            && (wire.scalar != Scalar::String || max_length.value < 1)
        {
            at(
                max_length.span,
                "`max_length` is a positive bound for string parameters".to_owned(),
            );
        }
        if let Some(max_items) = &param.max_items
            && (!wire.array || max_items.value < 1)
        {
            at(
                max_items.span,
                "`max_items` is a positive bound for array parameters".to_owned(),
            );
        }
        if param.clear_when_empty && !wire.array {
            at(
                param.ty.span,
                "`clear_when_empty` is only for array parameters".to_owned(),
            );
        }
        if let Some(default) = &param.default {
            let fits = match (&default.value, wire.scalar, wire.array) {
                (_, _, true) => false,
                // Without values, the enum is already reported.
                (Literal::Str(s), Scalar::Enum, _) => {
                    param.values.as_ref().is_none_or(|v| v.value.contains(s))
                }
                (Literal::Str(s), Scalar::Date, _) => s.len() == 10,
                (Literal::Str(_), Scalar::String, _) => true,
                (Literal::Int(_), Scalar::Integer | Scalar::Number, _) => true,
                (Literal::Float(_), Scalar::Number, _) => true,
                (Literal::Bool(_), Scalar::Boolean, _) => true,
                _ => false,
            };
            if !fits {
                let shown = show(&default.value);
                let message = match wire.scalar {
                    Scalar::Enum if !wire.array => {
                        format!("default {shown} is not one of the enum's `values`")
                    }
                    Scalar::Date if !wire.array => {
                        format!("default {shown} is not a date (\"yyyy-MM-dd\")")
                    }
                    _ => format!("default {shown} does not fit type {}", param.ty.value),
                };
                at(default.span, message);
            }
            if param.required {
                at(
                    default.span,
                    "a required parameter cannot have a default (the caller always gives it); \
                     remove one of them"
                        .to_owned(),
                );
            }
        }
    } else if param.rust_type.is_some() {
        let spans = [
            param.default.as_ref().map(|d| ("default", d.span)),
            param.values.as_ref().map(|v| ("values", v.span)),
            param.format.as_ref().map(|f| ("format", f.span)),
        ];
        for (key, span) in spans.into_iter().flatten() {
            at(
                span,
                format!(
                    "`{key}` is for a parameter with a `type`, not a rust_type (the fn body \
                     encodes the value); remove it"
                ),
            );
        }
    }

    let is_path_variable = path_variables.contains(&name.as_str());
    let location = match param.location.as_ref().map(|l| l.value.as_str()) {
        _ if param.source_of.is_some() => {
            let target = param
                .source_of
                .as_ref()
                .map(|s| s.value.as_str())
                .unwrap_or_default();
            if !path_variables.contains(&target) {
                at(
                    param.source_of.as_ref().map_or(param.span, |s| s.span),
                    format!(
                        "source_of {target:?} is not a variable of the path; \
                         its path variables are: {}",
                        if path_variables.is_empty() {
                            "none".to_owned()
                        } else {
                            path_variables.join(", ")
                        }
                    ),
                );
            }
            if param.required {
                at(
                    param.name.span,
                    "a source_of parameter is optional (any one of the sources fills the \
                     variable); remove `required`"
                        .to_owned(),
                );
            }
            if param.location.is_some() {
                at(
                    param.location.as_ref().map_or(param.span, |l| l.span),
                    "a source_of parameter has no `location` (it fills the path); remove it"
                        .to_owned(),
                );
            }
            if wire
                .is_some_and(|w| w.array || !matches!(w.scalar, Scalar::String | Scalar::Integer))
            {
                at(
                    param.ty.span,
                    "a source_of parameter is a string or an integer; change its type".to_owned(),
                );
            }
            Location::Source
        }
        _ if param.rust_type.is_some() => {
            if param.location.is_some() {
                at(
                    param.location.as_ref().map_or(param.span, |l| l.span),
                    "a rust_type parameter has no `location` (the fn body encodes it); remove it"
                        .to_owned(),
                );
            }
            Location::Body
        }
        Some("path") | None if is_path_variable => {
            if !param.required {
                at(
                    param.name.span,
                    format!(
                        "fills the path variable {{{name}}}, so it must be required: {}",
                        if is_fn {
                            "add `required`"
                        } else {
                            "add required = true"
                        }
                    ),
                );
            }
            if wire.is_some_and(|w| w.array) {
                at(
                    param.ty.span,
                    "a path parameter cannot be an array".to_owned(),
                );
            }
            Location::Path
        }
        Some("path") => {
            at(
                param.location.as_ref().map_or(param.span, |l| l.span),
                "location is path, but the path has no variable of this name".to_owned(),
            );
            Location::Path
        }
        Some("query") => Location::Query,
        Some("form") => {
            if method == "GET" {
                at(
                    param.location.as_ref().map_or(param.span, |l| l.span),
                    "location is form, but a GET request has no form body; \
                     use location = \"query\" (the default for GET)"
                        .to_owned(),
                );
            }
            Location::Form
        }
        Some(other) => {
            at(
                param.location.as_ref().map_or(param.span, |l| l.span),
                format!("unknown location {other:?}; expected path, query or form"),
            );
            Location::Query
        }
        None if method == "GET" => Location::Query,
        None => Location::Form,
    };
    // A string in the URL path is checked against a format before any call,
    // so that no value can reach Backlog as another path.
    if matches!(location, Location::Path | Location::Source)
        && wire.is_some_and(|w| w.scalar == Scalar::String)
        && param.format.is_none()
    {
        let known: Vec<&str> = FORMATS.iter().map(|(n, _)| *n).collect();
        at(
            param.name.span,
            format!(
                "goes into the URL path, so it needs a `format` ({}) that refuses hostile values before any call",
                known.join(", ")
            ),
        );
    }
    if location == Location::Path
        && wire.is_some_and(|w| w.scalar == Scalar::Integer)
        && param.min.as_ref().is_none_or(|min| min.value < 1)
    {
        at(
            param.name.span,
            "an id that goes into the URL path is a positive integer: add min = 1".to_owned(),
        );
    }
    CheckedParam { wire, location }
}

/// A default as the user wrote it.
fn show(literal: &Literal) -> String {
    match literal {
        Literal::Str(s) => format!("{s:?}"),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
    }
}

fn is_snake_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
