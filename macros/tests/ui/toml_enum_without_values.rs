backlog_mcp_macros::tools_toml!("toml_enum_without_values.toml");

fn main() {}
