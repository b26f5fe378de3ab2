backlog_mcp_macros::tools_toml!("toml_location_and_wire_name.toml");

fn main() {}
