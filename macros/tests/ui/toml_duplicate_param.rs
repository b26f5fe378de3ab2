backlog_mcp_macros::tools_toml!("toml_duplicate_param.toml");

fn main() {}
