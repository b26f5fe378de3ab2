backlog_mcp_macros::tools_toml!("toml_optional_path_param.toml");

fn main() {}
