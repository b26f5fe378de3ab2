backlog_mcp_macros::tools_toml!("toml_rust_type.toml");

fn main() {}
