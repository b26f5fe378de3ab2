backlog_mcp_macros::tools_toml!("toml_reserved_param.toml");

fn main() {}
