//! The declarations: every tool of `tools.toml`, plus one module per toolset
//! for the tools that are `#[backlog_tool]` fns. A toolset's fns compile only
//! with its cargo feature.

backlog_mcp_macros::tools_toml!("../../../tools.toml");

#[cfg(feature = "issue")]
pub mod issue;
