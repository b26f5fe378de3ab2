//! Everything about talking to Backlog: a space's client with its pool,
//! limits, timeouts and retries (`space`, `limits`), the credential of a
//! call (`credential`), requests and their encoding (`request`, `encode`),
//! argument checks (`check`), and the error a tool call ends with (`error`).

pub mod check;
mod credential;
mod encode;
mod error;
mod limits;
mod request;
mod space;

pub use credential::{Credential, CredentialKind, InvalidCredential};
pub use encode::Encode;
pub use error::{BacklogErrorBody, LimitScope, ToolError, ToolOutput};
pub use request::{BacklogRequest, Location, Method, Wire};
pub use space::{ConfigError, Space, SpaceConfig};
