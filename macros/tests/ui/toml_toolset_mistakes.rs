backlog_mcp_macros::tools_toml!("toml_toolset_mistakes.toml");

fn main() {}
