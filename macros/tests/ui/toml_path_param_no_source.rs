backlog_mcp_macros::tools_toml!("toml_path_param_no_source.toml");

fn main() {}
