// A rust_type must implement Encode, and Wire when it fills the path: the
// errors say so.
#![allow(unexpected_cfgs)]

/// Labels, deserializable and with a schema, but no Encode impl.
#[derive(
    backlog_mcp::__private::serde::Deserialize, backlog_mcp::__private::schemars::JsonSchema, Debug,
)]
#[serde(crate = "backlog_mcp::__private::serde")]
#[schemars(crate = "backlog_mcp::__private::schemars")]
pub struct Labels(Vec<String>);

/// A path value that checks itself but has no Wire form.
#[derive(
    backlog_mcp::__private::serde::Deserialize, backlog_mcp::__private::schemars::JsonSchema, Debug,
)]
#[serde(crate = "backlog_mcp::__private::serde")]
#[schemars(crate = "backlog_mcp::__private::schemars")]
pub struct LabelId(i64);

impl backlog_mcp::backlog::Encode for LabelId {
    fn check(&self, _: &str) -> Result<(), backlog_mcp::backlog::ToolError> {
        Ok(())
    }

    fn encode(
        &self,
        _: &mut backlog_mcp::backlog::BacklogRequest,
        _: backlog_mcp::backlog::Location,
        _: &str,
    ) -> Result<(), backlog_mcp::backlog::ToolError> {
        Ok(())
    }
}

backlog_mcp_macros::tools_toml!("toml_rust_type_not_encoder.toml");

fn main() {}
