backlog_mcp_macros::tools_toml!("toml_unknown_toolset.toml");

fn main() {}
