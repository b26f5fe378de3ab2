//! OAuth mode: each user signs in with their own Backlog account. The server
//! is an OAuth 2.1 authorization server for MCP clients (discovery,
//! registration, authorize, token) and an OAuth client of Backlog; the MCP
//! endpoint takes the bearer tokens it issues and calls Backlog with the
//! user's Backlog token. What must outlive a process (registrations, grants,
//! tokens) is in a [`store::Store`]: SQLite by default, Redis for replicas.

pub mod backlog;
pub mod bearer;
pub mod crypto;
mod pages;
pub mod server;
pub mod store;
