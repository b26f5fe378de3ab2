//! The declarations: every tool of `tools.toml`, the parameter types that
//! encode themselves (named by `rust_type` there), and one module per
//! toolset for the tools that are `#[backlog_tool]` fns. A toolset's tools
//! compile only with its cargo feature.

mod custom_fields;
pub mod files;
mod ids;

pub use custom_fields::{CustomFieldFilter, CustomFieldInput, CustomFieldValue, ListItems};
pub use ids::{IssueIdOrKey, NumericId, ProjectIdOrKey};

backlog_mcp_macros::tools_toml!("../../../tools.toml");

#[cfg(feature = "document")]
pub mod document;
#[cfg(feature = "git")]
pub mod git;
#[cfg(feature = "issue")]
pub mod issue;
#[cfg(feature = "notifications")]
pub mod notifications;
#[cfg(feature = "project")]
pub mod project;
#[cfg(feature = "wiki")]
pub mod wiki;
