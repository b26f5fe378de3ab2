//! The Backlog HTTP client every tool call goes through: request building and
//! encoding (`request`), argument checks (`check`), the client with auth,
//! timeouts and error mapping (`client`), and the error a tool call ends with
//! (`error`).

pub mod check;
mod client;
mod error;
mod request;

pub use client::{Backlog, BacklogConfig, ConfigError};
pub use error::{BacklogErrorBody, ToolError, ToolOutput};
pub use request::{BacklogRequest, Location, Method, Wire};
