backlog_mcp_macros::tools_toml!("toml_unknown_type.toml");

fn main() {}
