//! The typed form of a checked declaration: what the validator resolved and
//! the code generator reads. Nothing here is a string to be matched again.

use proc_macro2::{Ident, Span};

use crate::ast::{Literal, Origin};

pub struct Tool {
    pub origin: Origin,
    pub name: String,
    /// The generated module (the tool's name as an identifier).
    pub module: Ident,
    pub toolset: String,
    pub title: String,
    pub description: String,
    pub method: Method,
    /// The path template below `/api/v2`, as declared.
    pub path: String,
    pub segments: Vec<Segment>,
    /// Query or form parameters filled by the first given of several sources.
    pub derived: Vec<Derived>,
    pub params: Vec<Param>,
    pub annotations: Annotations,
    pub reply: Reply,
}

/// What a tool's call returns, for the output pipeline: reply shaping
/// (`fields`, `MAX_TOKENS`) applies to JSON, never to a downloaded file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reply {
    Json,
    File,
}

impl Reply {
    pub const ALL: [(&'static str, Reply); 2] = [("json", Reply::Json), ("file", Reply::File)];

    pub fn parse(text: &str) -> Option<Reply> {
        Self::ALL.iter().find(|(n, _)| *n == text).map(|(_, r)| *r)
    }

    /// The variant of the runtime's `Reply`.
    pub fn variant(self) -> Ident {
        let name = match self {
            Reply::Json => "Json",
            Reply::File => "File",
        };
        Ident::new(name, Span::call_site())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [(&'static str, Method); 5] = [
        ("GET", Method::Get),
        ("POST", Method::Post),
        ("PUT", Method::Put),
        ("PATCH", Method::Patch),
        ("DELETE", Method::Delete),
    ];

    pub fn parse(text: &str) -> Option<Method> {
        Self::ALL.iter().find(|(n, _)| *n == text).map(|(_, m)| *m)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(n, _)| *n)
            .unwrap_or_default()
    }

    /// The variant of the runtime's `Method`.
    pub fn variant(self) -> Ident {
        let name = match self {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Patch => "Patch",
            Method::Delete => "Delete",
        };
        Ident::new(name, Span::call_site())
    }

    /// The annotations a method implies: reads are read-only, deletes
    /// destructive, everything but POST idempotent.
    pub fn annotations(self) -> Annotations {
        Annotations {
            read_only: self == Method::Get,
            destructive: self == Method::Delete,
            idempotent: self != Method::Post,
            open_world: true,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

/// A named string format and the runtime constant (`check::ISSUE_KEY`) that checks it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    IssueKey,
    ProjectKey,
    RepoName,
    DocumentId,
    /// A path below a directory: in the URL path it is several segments.
    FilePath,
}

impl Format {
    pub const ALL: [(&'static str, Format); 5] = [
        ("issue_key", Format::IssueKey),
        ("project_key", Format::ProjectKey),
        ("repo_name", Format::RepoName),
        ("document_id", Format::DocumentId),
        ("file_path", Format::FilePath),
    ];

    pub fn parse(text: &str) -> Option<Format> {
        Self::ALL.iter().find(|(n, _)| *n == text).map(|(_, f)| *f)
    }

    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|(n, _)| *n).collect()
    }

    pub fn constant(self) -> Ident {
        let name = match self {
            Format::IssueKey => "ISSUE_KEY",
            Format::ProjectKey => "PROJECT_KEY",
            Format::RepoName => "REPO_NAME",
            Format::DocumentId => "DOCUMENT_ID",
            Format::FilePath => "FILE_PATH",
        };
        Ident::new(name, Span::call_site())
    }
}

/// The scalar types of the declaration language.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scalar {
    String,
    Integer,
    Number,
    Boolean,
    Date,
    Enum,
}

impl Scalar {
    /// `integer` → Integer; `integer[]` → (Integer, array).
    pub fn parse(text: &str) -> Option<(Scalar, bool)> {
        let (base, array) = match text.strip_suffix("[]") {
            Some(base) => (base, true),
            None => (text, false),
        };
        let scalar = match base {
            "string" => Scalar::String,
            "integer" => Scalar::Integer,
            "number" => Scalar::Number,
            "boolean" => Scalar::Boolean,
            "date" => Scalar::Date,
            "enum" => Scalar::Enum,
            _ => return None,
        };
        Some((scalar, array))
    }
}

pub enum ParamType {
    /// A declared scalar or array of one.
    Wire { scalar: Scalar, array: bool },
    /// A Rust type implementing `Encode`: it checks and encodes itself.
    Encoded(Box<syn::Type>),
}

/// Where a parameter's value goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Location {
    /// Fills the path variable of the same name.
    Path,
    /// One of the sources of a path variable (`issueId` for `{issueIdOrKey}`).
    Source,
    Query,
    Form,
    /// Used by a fn's body, never sent.
    Tool,
}

/// A length or item bound; the declaration's own bounds are published in the
/// schema, the defaults only enforced.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    pub value: i64,
    pub published: bool,
}

pub struct Param {
    /// The argument's name in the schema.
    pub name: String,
    /// The name Backlog receives it under (usually the same).
    pub wire_name: String,
    pub field: Ident,
    pub description: String,
    pub ty: ParamType,
    pub required: bool,
    pub location: Location,
    pub format: Option<Format>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Strings without a format (a format carries its own bound).
    pub max_length: Option<Bound>,
    /// Arrays.
    pub max_items: Option<Bound>,
    /// The values of an enum, and the type generated for them.
    pub values: Vec<String>,
    pub enum_ident: Option<Ident>,
    pub default: Option<Literal>,
    pub clear_when_empty: bool,
}

impl Param {
    pub fn wire(&self) -> Option<(Scalar, bool)> {
        match self.ty {
            ParamType::Wire { scalar, array } => Some((scalar, array)),
            ParamType::Encoded(_) => None,
        }
    }
}

pub enum Segment {
    Literal(String),
    /// A variable filled by one required parameter of its name.
    Direct {
        param: usize,
    },
    /// A variable filled by the first given of several optional parameters.
    Sources {
        variable: String,
        sources: Vec<usize>,
    },
}

/// A query or form parameter filled by the first given of several optional
/// parameters (`projectIdOrKey` of `GET /wikis` from projectId or projectKey).
pub struct Derived {
    pub name: String,
    pub location: Location,
    pub sources: Vec<usize>,
}
