//! The declarations as written: a `tools.toml` entry and a `#[backlog_tool]`
//! attribute both parse into a [`Tool`] of plain, unchecked values, each with
//! the [`Site`] it came from. The validator turns it into the typed
//! [`crate::model::Tool`] that code is generated from.

use proc_macro2::Span;

/// Where a declaration came from; error messages and the generated call differ.
pub enum Origin {
    /// A `[[tools]]` entry of a TOML file (its name as the user wrote it).
    Toml { file: String },
    /// A `#[backlog_tool]` on this async fn.
    Fn { ident: syn::Ident },
}

/// Where a value was written: a token span (the macro call for TOML) and, for
/// TOML, the line and column in the file.
#[derive(Clone, Copy)]
pub struct Site {
    pub span: Span,
    pub pos: Option<Pos>,
}

impl Site {
    pub fn span(span: Span) -> Self {
        Site { span, pos: None }
    }
}

/// A 1-based line and column in a TOML file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub site: Site,
}

impl<T> Spanned<T> {
    pub fn new(value: T, site: Site) -> Self {
        Spanned { value, site }
    }
}

pub struct Tool {
    pub origin: Origin,
    pub name: Spanned<String>,
    pub toolset: Spanned<String>,
    pub title: Spanned<String>,
    pub description: Spanned<String>,
    pub method: Spanned<String>,
    pub path: Spanned<String>,
    pub params: Vec<Param>,
    /// Named parameter sets of tools.toml (`[param_sets]`) used by a fn, each
    /// with the number of its own params written before it; resolved into
    /// `params` before validation (a TOML tool's sets are resolved as parsed).
    pub param_sets: Vec<(usize, Spanned<String>)>,
    pub annotations: AnnotationOverrides,
    /// `reply = "file"` on a fn that downloads; `None` is a JSON reply.
    pub reply: Option<Spanned<String>>,
    /// Where the declaration as a whole is reported.
    pub site: Site,
}

/// Explicit annotation values; `None` keeps the one derived from the method.
#[derive(Default)]
pub struct AnnotationOverrides {
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

#[derive(Clone)]
pub struct Param {
    /// The wire name, exactly as Backlog and the official server spell it.
    pub name: Spanned<String>,
    /// As written: `integer`, `string[]`, `enum`, … (checked by the validator).
    pub ty: Spanned<String>,
    /// A Rust type implementing `Encode`, which checks and encodes the value itself.
    pub rust_type: Option<Spanned<syn::Type>>,
    pub required: bool,
    pub description: Spanned<String>,
    /// `path`, `query`, `form`, or `tool` (used by a fn's body, never sent); derived when absent.
    pub location: Option<Spanned<String>>,
    /// The name it is sent under, when Backlog's differs from the argument's
    /// (`projectIds` sent as `projectId[]`).
    pub wire_name: Option<Spanned<String>>,
    /// The path variable, or the query/form parameter, this parameter is one
    /// of the sources of (`issueId` and `issueKey` are both sources of
    /// `{issueIdOrKey}`; `projectIdOrKey` of `GET /wikis` is a query parameter).
    pub source_of: Option<Spanned<String>>,
    /// A named string format (`issue_key`, `project_key`).
    pub format: Option<Spanned<String>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    /// The values of an `enum` parameter.
    pub values: Option<Spanned<Vec<String>>>,
    /// Sent when the caller omits the parameter (the official server's zod defaults).
    pub default: Option<Spanned<Literal>>,
    /// An empty array is sent as `name[]=`, Backlog's "clear this list".
    pub clear_when_empty: bool,
    /// Longest string accepted (default [`DEFAULT_MAX_LENGTH`]; a format brings its own).
    pub max_length: Option<Spanned<i64>>,
    /// Most array items accepted (default [`DEFAULT_MAX_ITEMS`]).
    pub max_items: Option<Spanned<i64>>,
    pub site: Site,
}

#[derive(Clone, Debug)]
pub enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A toolset of `tools.toml`: a group of tools and a cargo feature of the server crate.
#[derive(Clone)]
pub struct Toolset {
    pub name: Spanned<String>,
    pub description: Spanned<String>,
    /// What the server's instructions say about this toolset when it is enabled.
    pub instructions: Option<Spanned<String>>,
    pub site: Site,
}

pub const TYPE_NAMES: &str =
    "string, integer, number, boolean, date, enum, or an array of one of them such as integer[]";

/// Bounds every string and array gets unless its declaration says otherwise,
/// so that no argument is unbounded. Enforced, but not published in schemas:
/// a model learns nothing from them.
pub const DEFAULT_MAX_LENGTH: i64 = 100_000;
pub const DEFAULT_MAX_ITEMS: i64 = 100;

/// Argument names the server itself adds to schemas when an option is on
/// (`organization` with several spaces, `fields` for reply shaping); no
/// declaration may use them.
pub const RESERVED_PARAMS: &[&str] = &["organization", "fields"];

/// The path variables of a path template, in order: `issues/{issueIdOrKey}` →
/// `issueIdOrKey`; `files/metadata/{path*}` → `path` (a variable of several segments).
pub fn path_variables(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(variable)
        .map(|(name, _)| name)
        .collect()
}

/// The variable of one path segment and whether it spans several segments
/// (`{path*}`), or `None` for a literal segment.
pub fn variable(segment: &str) -> Option<(&str, bool)> {
    let inner = segment.strip_prefix('{')?.strip_suffix('}')?;
    Some(match inner.strip_suffix('*') {
        Some(name) => (name, true),
        None => (inner, false),
    })
}

/// `issueIdOrKey` → `issue_id_or_key`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Rust's keywords, strict and reserved: none can name a generated module.
pub fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}
