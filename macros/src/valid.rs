//! Checks declarations before any code is generated and resolves them into
//! the typed [`model`] form. Every mistake becomes a compile error naming
//! the tool and the field (and, for TOML, the line and column); all are
//! collected at once.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::Ident;
use quote::format_ident;

use crate::ast::{
    self, DEFAULT_MAX_ITEMS, DEFAULT_MAX_LENGTH, Literal, Origin, Param, RESERVED_PARAMS, Site,
    TYPE_NAMES, Tool,
};
use crate::errors::Errors;
use crate::model::{self, Bound, Derived, Format, Location, Method, ParamType, Scalar, Segment};

/// What the declarations are checked against.
pub struct Context {
    /// The toolsets of `tools.toml`; each is a cargo feature of the server crate.
    pub toolsets: Vec<String>,
    /// Tools declared in `tools.toml`, when checking a fn (a fn may not reuse one).
    pub toml_tool_names: BTreeSet<String>,
}

/// The message prefix of a site: `tools.toml:12:3: ` for TOML, nothing for Rust
/// (rustc shows where).
pub fn located(file: Option<&str>, site: Site, message: impl std::fmt::Display) -> String {
    match (file, site.pos) {
        (Some(file), Some(pos)) => format!("{file}:{}:{}: {message}", pos.line, pos.column),
        (Some(file), None) => format!("{file}: {message}"),
        (None, _) => message.to_string(),
    }
}

pub fn validate(tools: Vec<Tool>, context: &Context, errors: &mut Errors) -> Vec<model::Tool> {
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
                tool.name.site,
                "is declared twice; tool names are unique: \
                 rename or remove one of the [[tools]] entries",
            );
        }
        let resolved = check_tool(&tool, context, &mut report);
        if !report.failed {
            checked.push(resolved.finish(tool));
        }
    }
    checked
}

/// Checks the `[[toolsets]]` of a TOML file: names unique and snake_case,
/// each with a description.
pub fn toolsets(file: &str, toolsets: &[ast::Toolset], errors: &mut Errors) {
    let mut seen = BTreeSet::new();
    for toolset in toolsets {
        let name = &toolset.name.value;
        let mut at = |site: Site, message: String| {
            errors.at(site.span, located(Some(file), site, message));
        };
        if name.is_empty() {
            at(
                toolset.site,
                "toolset: missing `name`: add name = \"...\", its cargo feature".to_owned(),
            );
            continue;
        }
        let feature_like = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !feature_like {
            at(
                toolset.name.site,
                format!(
                    "toolset {name:?}: a toolset name is a cargo feature name: lowercase \
                     letters, digits, '_' and '-', starting with a letter"
                ),
            );
        }
        if !seen.insert(name.clone()) {
            at(
                toolset.name.site,
                format!("toolset {name:?} is listed twice; remove one"),
            );
        }
        if toolset.description.value.trim().is_empty() {
            at(
                toolset.site,
                format!(
                    "toolset {name:?}: missing `description`: add description = \"...\", \
                     what its tools are for (assistants read it)"
                ),
            );
        }
    }
}

struct Reporter<'a> {
    tool: &'a Tool,
    errors: &'a mut Errors,
    failed: bool,
}

impl Reporter<'_> {
    fn at(&mut self, site: Site, message: impl std::fmt::Display) {
        self.failed = true;
        let name = if self.tool.name.value.is_empty() {
            "<unnamed>"
        } else {
            &self.tool.name.value
        };
        let file = match &self.tool.origin {
            Origin::Toml { file } => Some(file.as_str()),
            Origin::Fn { .. } => None,
        };
        let text = located(file, site, format!("tool {name:?}: {message}"));
        self.errors.at(site.span, text);
    }
}

/// What checking resolved, before the declaration is moved into the model.
struct Resolved {
    method: Method,
    params: Vec<model::Param>,
    segments: Vec<Segment>,
    derived: Vec<Derived>,
    annotations: model::Annotations,
    reply: model::Reply,
}

impl Resolved {
    fn finish(self, tool: Tool) -> model::Tool {
        let module = Ident::new(&tool.name.value, tool.name.site.span);
        model::Tool {
            origin: tool.origin,
            module,
            name: tool.name.value,
            toolset: tool.toolset.value,
            title: tool.title.value,
            description: tool.description.value,
            method: self.method,
            path: tool.path.value,
            segments: self.segments,
            derived: self.derived,
            params: self.params,
            annotations: self.annotations,
            reply: self.reply,
        }
    }
}

fn check_tool(tool: &Tool, context: &Context, report: &mut Reporter) -> Resolved {
    let is_fn = matches!(tool.origin, Origin::Fn { .. });
    let name = &tool.name.value;
    if name.is_empty() {
        report.at(
            tool.site,
            "missing `name`: add name = \"...\", the snake_case tool name",
        );
    } else if !is_snake_case(name) {
        report.at(
            tool.name.site,
            "a tool name is snake_case: lowercase letters, digits and underscores, \
             starting with a letter",
        );
    } else if ast::is_keyword(name) {
        report.at(
            tool.name.site,
            "a Rust keyword cannot name a tool (it names the generated module); choose another name",
        );
    }
    if is_fn && context.toml_tool_names.contains(name) {
        report.at(
            tool.name.site,
            "is already declared in tools.toml; tool names are unique: \
             rename this one or remove the tools.toml entry",
        );
    }
    if tool.toolset.value.is_empty() {
        report.at(
            tool.site,
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
            tool.toolset.site,
            format!(
                "unknown toolset {:?}; use one of {} (a new toolset is a [[toolsets]] entry \
                 in {file} and a cargo feature of the server crate)",
                tool.toolset.value,
                context.toolsets.join(", ")
            ),
        );
    }
    if tool.title.value.trim().is_empty() {
        report.at(
            tool.site,
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
        report.at(tool.description.site, hint);
    }
    let method_names: Vec<&str> = Method::ALL.iter().map(|(n, _)| *n).collect();
    let method = if tool.method.value.is_empty() {
        report.at(
            tool.site,
            format!(
                "missing `method`: add method = \"...\", one of {}",
                method_names.join(", ")
            ),
        );
        Method::Get
    } else {
        Method::parse(&tool.method.value).unwrap_or_else(|| {
            report.at(
                tool.method.site,
                format!(
                    "unknown method {:?}; expected one of {} (in capitals)",
                    tool.method.value,
                    method_names.join(", ")
                ),
            );
            Method::Get
        })
    };
    let path = &tool.path.value;
    if path.is_empty() {
        report.at(
            tool.site,
            "missing `path`: add path = \"...\", \
             relative to /api/v2, e.g. \"issues/{issueIdOrKey}\"",
        );
    } else if path.starts_with('/')
        || path.ends_with('/')
        || path.contains("//")
        || path.contains(['?', '#', ' '])
    {
        report.at(
            tool.path.site,
            format!("path {path:?} must be relative to /api/v2, without a leading slash or query"),
        );
    }
    for segment in path.split('/') {
        let braces = segment.matches(['{', '}']).count();
        let variable =
            braces == 2 && ast::variable(segment).is_some_and(|(name, _)| !name.is_empty());
        if braces > 0 && !variable {
            report.at(
                tool.path.site,
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
            report.at(param.name.site, message);
        } else {
            fields.insert(field, &param.name.value);
        }
        params.push(check_param(param, is_fn, method, &path_variables, report));
    }

    let mut segments = Vec::new();
    let last = path.split('/').count().saturating_sub(1);
    for (position, segment) in path.split('/').enumerate() {
        let Some((variable, rest)) = ast::variable(segment) else {
            segments.push(Segment::Literal(segment.to_owned()));
            continue;
        };
        // A folder path fills the rest of the path, and only a file_path can.
        let file_path = tool.params.iter().any(|p| {
            p.name.value == variable && p.format.as_ref().is_some_and(|f| f.value == "file_path")
        });
        if rest && position != last {
            report.at(
                tool.path.site,
                format!("{{{variable}*}} spans the rest of the path, so it is its last segment"),
            );
        }
        if rest != file_path {
            report.at(
                tool.path.site,
                format!(
                    "a folder path is written {{{variable}*}} and filled by a parameter with \
                     format = \"file_path\", one with the other"
                ),
            );
        }
        let direct =
            tool.params.iter().enumerate().position(|(i, p)| {
                p.name.value == variable && params[i].location == Location::Path
            });
        let sources: Vec<usize> = tool
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.source_of.as_ref().is_some_and(|s| s.value == variable))
            .map(|(i, _)| i)
            .collect();
        match direct {
            None if sources.is_empty() => report.at(
                tool.path.site,
                format!(
                    "path parameter {{{variable}}} has no source: declare a required parameter named \
                     {variable:?}, or parameters with source_of = {variable:?}"
                ),
            ),
            Some(_) if !sources.is_empty() => report.at(
                tool.path.site,
                format!(
                    "path parameter {{{variable}}} has both a parameter of that name \
                     and source_of parameters; keep one or the other"
                ),
            ),
            Some(param) => segments.push(Segment::Direct { param }),
            None => segments.push(Segment::Sources {
                variable: variable.to_owned(),
                sources,
            }),
        }
    }

    // Sources of a name that is no path variable fill a query or form parameter.
    let mut derived: Vec<Derived> = Vec::new();
    for (index, param) in tool.params.iter().enumerate() {
        let Some(target) = &param.source_of else {
            continue;
        };
        if path_variables.contains(&target.value.as_str()) {
            continue;
        }
        match derived.iter_mut().find(|d| d.name == target.value) {
            Some(existing) => existing.sources.push(index),
            None => {
                if tool.params.iter().any(|p| p.name.value == target.value) {
                    report.at(
                        target.site,
                        format!(
                            "source_of {:?} names a parameter declared here too; \
                             keep the parameter or its sources",
                            target.value
                        ),
                    );
                }
                derived.push(Derived {
                    name: target.value.clone(),
                    location: if method == Method::Get {
                        Location::Query
                    } else {
                        Location::Form
                    },
                    sources: vec![index],
                });
            }
        }
    }

    let implied = method.annotations();
    let overrides = &tool.annotations;
    let annotations = model::Annotations {
        read_only: overrides.read_only.unwrap_or(implied.read_only),
        destructive: overrides.destructive.unwrap_or(implied.destructive),
        idempotent: overrides.idempotent.unwrap_or(implied.idempotent),
        open_world: overrides.open_world.unwrap_or(implied.open_world),
    };
    if annotations.read_only && annotations.destructive {
        report.at(
            tool.site,
            "a tool cannot be both read-only and destructive; fix read_only_hint or destructive_hint",
        );
    }
    let reply = match &tool.reply {
        None => model::Reply::Json,
        Some(written) => model::Reply::parse(&written.value).unwrap_or_else(|| {
            report.at(
                written.site,
                format!(
                    "unknown reply {:?}; expected \"json\" (the default) or \"file\" (a download)",
                    written.value
                ),
            );
            model::Reply::Json
        }),
    };
    Resolved {
        method,
        params,
        segments,
        derived,
        annotations,
        reply,
    }
}

fn check_param(
    param: &Param,
    is_fn: bool,
    method: Method,
    path_variables: &[&str],
    report: &mut Reporter,
) -> model::Param {
    let name = &param.name.value;
    let label = if name.is_empty() {
        "<unnamed>".to_owned()
    } else {
        name.clone()
    };
    let mut at =
        |site: Site, message: String| report.at(site, format!("parameter {label:?}: {message}"));
    if name.is_empty() {
        at(
            param.site,
            "missing `name`: add name = \"...\", Backlog's wire name".to_owned(),
        );
    } else if matches!(
        ast::snake_case(name).as_str(),
        "self" | "super" | "crate" | "args"
    ) {
        at(
            param.name.site,
            "this name is reserved in the generated code (self, super, crate, args)".to_owned(),
        );
    } else if RESERVED_PARAMS.contains(&name.as_str()) {
        at(
            param.name.site,
            format!(
                "{name:?} is a runtime parameter the server adds to schemas itself when its \
                 option is on (reserved: {}); choose another name",
                RESERVED_PARAMS.join(", ")
            ),
        );
    } else if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        at(
            param.name.site,
            "a parameter name is Backlog's camelCase wire name (letters, digits, underscores)"
                .to_owned(),
        );
    }
    // A parameter's description is optional: `summary` needs none, and every
    // byte of a schema sits in the assistant's context. Say what the name does not.

    let ty = if let Some(rust_type) = &param.rust_type {
        if !param.ty.value.is_empty() {
            at(
                param.ty.site,
                "give either `type` or `rust_type`, not both".to_owned(),
            );
        }
        let declared = [
            param.default.as_ref().map(|d| ("default", d.site)),
            param.values.as_ref().map(|v| ("values", v.site)),
            param.format.as_ref().map(|f| ("format", f.site)),
            param.min.as_ref().map(|m| ("min", m.site)),
            param.max.as_ref().map(|m| ("max", m.site)),
            param.max_length.as_ref().map(|m| ("max_length", m.site)),
            param.max_items.as_ref().map(|m| ("max_items", m.site)),
        ];
        for (key, site) in declared.into_iter().flatten() {
            at(
                site,
                format!(
                    "`{key}` is for a parameter with a `type`; a rust_type checks and encodes \
                     its own value (its Encode impl); remove it"
                ),
            );
        }
        if param.clear_when_empty {
            at(
                param.site,
                "`clear_when_empty` is for array types; a rust_type encodes its own value"
                    .to_owned(),
            );
        }
        Some(ParamType::Encoded(Box::new(rust_type.value.clone())))
    } else if param.ty.value.is_empty() {
        at(
            param.site,
            format!("missing `type`: add type = \"...\", one of {TYPE_NAMES}"),
        );
        None
    } else {
        match Scalar::parse(&param.ty.value) {
            Some((scalar, array)) => Some(ParamType::Wire { scalar, array }),
            None => {
                at(
                    param.ty.site,
                    format!("unknown type {:?}; expected {TYPE_NAMES}", param.ty.value),
                );
                None
            }
        }
    };
    let wire = match &ty {
        Some(ParamType::Wire { scalar, array }) => Some((*scalar, *array)),
        _ => None,
    };

    let mut format = None;
    if let Some((scalar, array)) = wire {
        let is_enum = scalar == Scalar::Enum;
        match &param.values {
            Some(values) if !is_enum => {
                at(values.site, "`values` is only for type enum".to_owned())
            }
            Some(values) if values.value.is_empty() => at(
                values.site,
                "an enum needs at least one of its `values`".to_owned(),
            ),
            None if is_enum => at(
                param.ty.site,
                "an enum needs `values`, e.g. values = [\"asc\", \"desc\"]".to_owned(),
            ),
            _ => {}
        }
        if let Some(declared) = &param.format {
            if scalar != Scalar::String {
                at(
                    declared.site,
                    format!(
                        "`format` is only for string parameters, not {}; \
                         remove it or change the type",
                        param.ty.value
                    ),
                );
            } else {
                format = Format::parse(&declared.value);
                if format.is_none() {
                    at(
                        declared.site,
                        format!(
                            "unknown format {:?}; expected one of {}",
                            declared.value,
                            Format::names().join(", ")
                        ),
                    );
                }
            }
        }
        for bound in [&param.min, &param.max].into_iter().flatten() {
            if scalar != Scalar::Integer || array {
                at(
                    bound.site,
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
            at(min.site, "`min` is greater than `max`".to_owned());
        }
        if let Some(max_length) = &param.max_length
            && (scalar != Scalar::String || max_length.value < 1)
        {
            at(
                max_length.site,
                "`max_length` is a positive bound for string parameters".to_owned(),
            );
        }
        if let Some(max_items) = &param.max_items
            && (!array || max_items.value < 1)
        {
            at(
                max_items.site,
                "`max_items` is a positive bound for array parameters".to_owned(),
            );
        }
        if param.clear_when_empty && !array {
            at(
                param.ty.site,
                "`clear_when_empty` is only for array parameters".to_owned(),
            );
        }
        if let Some(default) = &param.default {
            let fits = match (&default.value, scalar, array) {
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
                let message = match scalar {
                    Scalar::Enum if !array => {
                        format!("default {shown} is not one of the enum's `values`")
                    }
                    Scalar::Date if !array => {
                        format!("default {shown} is not a date (\"yyyy-MM-dd\")")
                    }
                    _ => format!("default {shown} does not fit type {}", param.ty.value),
                };
                at(default.site, message);
            }
            if param.required {
                at(
                    default.site,
                    "a required parameter cannot have a default (the caller always gives it); \
                     remove one of them"
                        .to_owned(),
                );
            }
        }
    }

    let is_path_variable = path_variables.contains(&name.as_str());
    let location_site = param.location.as_ref().map_or(param.site, |l| l.site);
    let location = match param.location.as_ref().map(|l| l.value.as_str()) {
        _ if param.source_of.is_some() => {
            let source_of = param.source_of.as_ref().expect("matched above");
            if source_of.value.is_empty() || source_of.value.contains(['/', '{', '}']) {
                at(
                    source_of.site,
                    "source_of names a path variable, or a query/form parameter (e.g. \
                     \"projectIdOrKey\")"
                        .to_owned(),
                );
            }
            if param.required {
                at(
                    param.name.site,
                    "a source_of parameter is optional (any one of the sources fills the \
                     variable); remove `required`"
                        .to_owned(),
                );
            }
            if param.location.is_some() {
                at(
                    location_site,
                    "a source_of parameter has no `location` (it fills the path); remove it"
                        .to_owned(),
                );
            }
            let fits = match &ty {
                Some(ParamType::Wire { scalar, array }) => {
                    !array && matches!(scalar, Scalar::String | Scalar::Integer)
                }
                Some(ParamType::Encoded(_)) => false,
                None => true,
            };
            if !fits {
                at(
                    param.ty.site,
                    "a source_of parameter is a string or an integer; change its type".to_owned(),
                );
            }
            Location::Source
        }
        Some("tool") => {
            if !is_fn {
                at(
                    location_site,
                    "location tool is for a #[backlog_tool] fn, whose body uses the value; \
                     a tools.toml tool sends every parameter"
                        .to_owned(),
                );
            }
            if is_path_variable {
                at(
                    location_site,
                    "fills a path variable, so it cannot be location tool".to_owned(),
                );
            }
            Location::Tool
        }
        Some("path") | None if is_path_variable => {
            if !param.required {
                at(
                    param.name.site,
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
            if let Some(ParamType::Wire { array: true, .. }) = &ty {
                at(
                    param.ty.site,
                    "a path parameter cannot be an array".to_owned(),
                );
            }
            Location::Path
        }
        Some("path") => {
            at(
                location_site,
                "location is path, but the path has no variable of this name".to_owned(),
            );
            Location::Path
        }
        Some("query") => Location::Query,
        Some("form") => {
            if method == Method::Get {
                at(
                    location_site,
                    "location is form, but a GET request has no form body; \
                     use location = \"query\" (the default for GET)"
                        .to_owned(),
                );
            }
            Location::Form
        }
        Some(other) => {
            at(
                location_site,
                format!("unknown location {other:?}; expected path, query, form or tool"),
            );
            Location::Query
        }
        None if method == Method::Get => Location::Query,
        None => Location::Form,
    };
    if let Some(wire_name) = &param.wire_name {
        let sent = matches!(location, Location::Query | Location::Form);
        let well_formed = wire_name
            .value
            .starts_with(|c: char| c.is_ascii_alphabetic())
            && wire_name
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !sent {
            at(
                wire_name.site,
                "wire_name is for a parameter sent in the query or the form body".to_owned(),
            );
        } else if !well_formed {
            at(
                wire_name.site,
                "wire_name is Backlog's camelCase name (letters, digits, underscores)".to_owned(),
            );
        }
    }
    // A string in the URL path is checked against a format before any call,
    // so that no value can reach Backlog as another path.
    let source_in_path = param
        .source_of
        .as_ref()
        .is_some_and(|s| path_variables.contains(&s.value.as_str()));
    let in_path = location == Location::Path || (location == Location::Source && source_in_path);
    if in_path && wire.is_some_and(|(s, _)| s == Scalar::String) && param.format.is_none() {
        at(
            param.name.site,
            format!(
                "goes into the URL path, so it needs a `format` ({}) that refuses hostile values before any call",
                Format::names().join(", ")
            ),
        );
    }
    if location == Location::Path
        && wire.is_some_and(|(s, _)| s == Scalar::Integer)
        && param.min.as_ref().is_none_or(|min| min.value < 1)
    {
        at(
            param.name.site,
            "an id that goes into the URL path is a positive integer: add min = 1".to_owned(),
        );
    }

    let declared_bound = |declared: &Option<ast::Spanned<i64>>, default: i64| {
        Some(match declared {
            Some(bound) => Bound {
                value: bound.value,
                published: true,
            },
            None => Bound {
                value: default,
                published: false,
            },
        })
    };
    let max_length = match wire {
        Some((Scalar::String, _)) if format.is_none() => {
            declared_bound(&param.max_length, DEFAULT_MAX_LENGTH)
        }
        _ => None,
    };
    let max_items = match wire {
        Some((_, true)) => declared_bound(&param.max_items, DEFAULT_MAX_ITEMS),
        _ => None,
    };
    let values = param
        .values
        .as_ref()
        .map(|v| v.value.clone())
        .unwrap_or_default();
    let enum_ident = (wire.is_some_and(|(s, _)| s == Scalar::Enum))
        .then(|| format_ident!("{}", pascal_case(name)));
    model::Param {
        name: name.clone(),
        wire_name: param
            .wire_name
            .as_ref()
            .map_or_else(|| name.clone(), |w| w.value.clone()),
        field: field_ident(name),
        description: param.description.value.clone(),
        // A parameter whose type was reported stays out of the model (the tool fails).
        ty: ty.unwrap_or(ParamType::Wire {
            scalar: Scalar::String,
            array: false,
        }),
        required: param.required,
        location,
        format,
        min: param.min.as_ref().map(|m| m.value),
        max: param.max.as_ref().map(|m| m.value),
        max_length,
        max_items,
        values,
        enum_ident,
        default: param.default.as_ref().map(|d| d.value.clone()),
        clear_when_empty: param.clear_when_empty,
    }
}

fn field_ident(name: &str) -> Ident {
    let snake = ast::snake_case(name);
    if snake.is_empty() {
        return format_ident!("unnamed");
    }
    syn::parse_str::<Ident>(&snake).unwrap_or_else(|_| format_ident!("r#{}", snake))
}

pub fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
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
