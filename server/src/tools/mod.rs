//! The declarations: every tool of `tools.toml`, the parameter types that
//! encode themselves (named by `rust_type` there), and one module per
//! toolset for the tools that are `#[backlog_tool]` fns (none yet). A
//! toolset's tools compile only with its cargo feature.

mod custom_fields;

pub use custom_fields::{CustomFieldFilter, CustomFieldInput, CustomFieldValue, ListItems};

backlog_mcp_macros::tools_toml!("../../../tools.toml");
