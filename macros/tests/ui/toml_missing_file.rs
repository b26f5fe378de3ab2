backlog_mcp_macros::tools_toml!("no_such_tools.toml");

fn main() {}
