backlog_mcp_macros::tools_toml!("toml_read_only_destructive.toml");

fn main() {}
