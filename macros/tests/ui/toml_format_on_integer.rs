backlog_mcp_macros::tools_toml!("toml_format_on_integer.toml");

fn main() {}
