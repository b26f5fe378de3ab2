backlog_mcp_macros::tools_toml!("toml_unknown_key.toml");

fn main() {}
