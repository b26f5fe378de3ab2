backlog_mcp_macros::tools_toml!("toml_missing_keys.toml");

fn main() {}
