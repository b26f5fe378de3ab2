backlog_mcp_macros::tools_toml!("toml_unknown_param_set.toml");

fn main() {}
