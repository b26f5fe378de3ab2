backlog_mcp_macros::tools_toml!("toml_path_param_bounds.toml");

fn main() {}
