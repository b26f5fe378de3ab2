backlog_mcp_macros::tools_toml!("toml_unknown_method.toml");

fn main() {}
