// A rust_type must implement Encode: the error says so, at the declaration.
#![allow(unexpected_cfgs)]

/// Labels, deserializable and with a schema, but no Encode impl.
#[derive(
    backlog_mcp::__private::serde::Deserialize, backlog_mcp::__private::schemars::JsonSchema, Debug,
)]
#[serde(crate = "backlog_mcp::__private::serde")]
#[schemars(crate = "backlog_mcp::__private::schemars")]
pub struct Labels(Vec<String>);

backlog_mcp_macros::tools_toml!("toml_rust_type_not_encoder.toml");

fn main() {}
