backlog_mcp_macros::tools_toml!("toml_set_entry_with_keys.toml");

fn main() {}
