// The tools that pass are expanded; their toolsets are no features of this crate.
#![allow(unexpected_cfgs)]

backlog_mcp_macros::tools_toml!("toml_duplicate_tool.toml");

fn main() {}
