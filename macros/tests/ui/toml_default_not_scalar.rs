backlog_mcp_macros::tools_toml!("toml_default_not_scalar.toml");

fn main() {}
