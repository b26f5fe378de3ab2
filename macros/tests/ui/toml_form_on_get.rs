backlog_mcp_macros::tools_toml!("toml_form_on_get.toml");

fn main() {}
