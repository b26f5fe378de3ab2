backlog_mcp_macros::tools_toml!("toml_rust_type_in_path.toml");

fn main() {}
