//! Parameters whose value is more than a scalar: a declaration names a Rust
//! type (`rust_type = "..."`) that checks itself before any call and then
//! encodes itself into the Backlog request. Custom fields are the example:
//! one argument becomes a family of `customField_{id}…` keys.

use super::{BacklogRequest, Location, ToolError};

/// A parameter type that checks and encodes its own value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is the rust_type of a parameter, so it must implement `Encode`",
    label = "named by a rust_type in a tool declaration",
    note = "implement backlog_mcp::backlog::Encode for it: `check` refuses bad values before any call, `encode` adds its pairs to the request"
)]
pub trait Encode {
    /// Refuses a value that must not reach Backlog; `name` is the parameter's wire name.
    fn check(&self, name: &str) -> Result<(), ToolError>;

    /// Adds the value to the request at `location` (the query of a GET, else the form).
    fn encode(
        &self,
        request: &mut BacklogRequest,
        location: Location,
        name: &str,
    ) -> Result<(), ToolError>;
}
