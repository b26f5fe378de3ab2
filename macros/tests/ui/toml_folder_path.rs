backlog_mcp_macros::tools_toml!("toml_folder_path.toml");

fn main() {}
