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
pub use error::{BacklogErrorBody, Download, LimitScope, ToolError, ToolOutput};
pub use request::{BacklogRequest, Location, Method, Upload, Wire};
pub use space::{ConfigError, Space, SpaceConfig, USER_AGENT, ca_certificates};

/// The largest file a download may read (`maxBytes` of the download tools, as
/// the official server allows).
pub const MAX_DOWNLOAD_BYTES: u64 = 7 * 1024 * 1024;
/// What a download reads when the call does not say (the official default).
pub const DEFAULT_DOWNLOAD_BYTES: u64 = 5 * 1024 * 1024;
