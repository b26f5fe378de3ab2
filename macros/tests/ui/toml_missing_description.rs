backlog_mcp_macros::tools_toml!("toml_missing_description.toml");

fn main() {}
