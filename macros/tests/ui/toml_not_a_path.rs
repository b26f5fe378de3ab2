backlog_mcp_macros::tools_toml!(tools);

fn main() {}
