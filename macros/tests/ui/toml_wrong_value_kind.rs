backlog_mcp_macros::tools_toml!("toml_wrong_value_kind.toml");

fn main() {}
