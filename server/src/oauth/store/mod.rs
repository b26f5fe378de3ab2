//! Where OAuth state lives: client registrations, pending authorizations,
//! authorization codes, grants (a user's sign-in, with their Backlog tokens),
//! access and refresh tokens. Two implementations: SQLite (a file, the
//! default) and Redis (shared by replicas). Tokens this server issues are
//! stored only as SHA-256 hashes ([`TokenHash`]); Backlog's tokens only
//! encrypted ([`Sealed`], by the caller, with `OAUTH_STORE_KEY`).
//!
//! Every record carries its expiry; a store never returns an expired record,
//! and [`Store::purge_expired`] deletes them. `take_*` methods are atomic:
//! of two concurrent takes (two replicas), at most one gets the record.

use serde::{Deserialize, Serialize};

mod any;
mod record;
pub mod redis;
pub mod sqlite;

pub use any::{AnyStore, default_sqlite_path};

/// Seconds since the Unix epoch.
pub type Timestamp = u64;

/// The SHA-256 of a token or code this server issued, in lowercase hex: what
/// the store keys it by (a leaked store yields no usable token).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TokenHash(pub String);

/// Bytes encrypted with the store key (nonce + ciphertext + tag), as the
/// store keeps Backlog's tokens.
/// Stored as base64 text (a JSON array of numbers would be four times larger).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed(pub Vec<u8>);

impl Serialize for Sealed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Sealed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = String::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Sealed)
            .map_err(serde::de::Error::custom)
    }
}

/// An MCP client registered with RFC 7591 dynamic registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub client_id: String,
    /// `None` for a public client (token_endpoint_auth_method "none").
    pub client_secret_hash: Option<TokenHash>,
    pub redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub created_at: Timestamp,
}

/// An authorization in progress: between our `/authorize` (which sent the
/// user to Backlog with `state`) and Backlog's redirect to `/callback`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub client_id: String,
    pub redirect_uri: String,
    /// PKCE S256 challenge of the MCP client.
    pub code_challenge: String,
    /// The MCP client's own `state`, handed back with the code.
    pub client_state: Option<String>,
    /// RFC 8707 resource the client asked for (checked to be this server).
    pub resource: Option<String>,
    /// The organization (Backlog space) the user signs in to.
    pub organization: String,
    pub expires_at: Timestamp,
}

/// The tokens Backlog issued for one sign-in, sealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacklogTokens {
    pub access_token: Sealed,
    pub refresh_token: Sealed,
    /// When Backlog's access token expires.
    pub expires_at: Timestamp,
}

/// A code issued to the MCP client at `/callback`, exchanged once at `/token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub resource: Option<String>,
    pub organization: String,
    pub backlog: BacklogTokens,
    pub expires_at: Timestamp,
}

/// One user's sign-in through one client: the Backlog tokens every access
/// token of the grant calls Backlog with. Refresh tokens rotate within it;
/// revoking it ends all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub grant_id: String,
    pub client_id: String,
    pub organization: String,
    pub resource: Option<String>,
    pub backlog: BacklogTokens,
    pub revoked: bool,
    /// The grant ends when its last refresh token would.
    pub expires_at: Timestamp,
}

/// An access token issued to an MCP client (stored by its hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub grant_id: String,
    pub expires_at: Timestamp,
}

/// A refresh token issued to an MCP client (stored by its hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refresh {
    pub grant_id: String,
    /// Set when it was exchanged: presenting it again revokes the grant.
    pub used: bool,
    pub expires_at: Timestamp,
}

/// What presenting a refresh token found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshUse {
    /// Unused until now; marked used by this call.
    Fresh(Refresh),
    /// Used before: a replay, the caller revokes the grant.
    Reused(Refresh),
    /// Unknown or expired.
    Unknown,
}

/// A store failed (unreachable, corrupt record): the request fails with a
/// server error, never as if the record did not exist.
#[derive(Debug, thiserror::Error)]
#[error("OAuth store: {0}")]
pub struct StoreError(pub String);

pub type StoreResult<T> = Result<T, StoreError>;

/// The operations OAuth needs, each one round trip where the engine allows.
/// `now` is passed in (seconds) so that expiry is testable.
pub trait Store: Send + Sync {
    fn put_client(&self, client: &Client) -> impl Future<Output = StoreResult<()>> + Send;
    fn client(&self, client_id: &str) -> impl Future<Output = StoreResult<Option<Client>>> + Send;

    fn put_pending(
        &self,
        state: &TokenHash,
        pending: &Pending,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes and returns it: a state is used once.
    fn take_pending(
        &self,
        state: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<Pending>>> + Send;

    fn put_code(
        &self,
        code: &TokenHash,
        record: &Code,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes and returns it: a code is used once.
    fn take_code(
        &self,
        code: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<Code>>> + Send;

    fn put_grant(&self, grant: &Grant) -> impl Future<Output = StoreResult<()>> + Send;
    fn grant(
        &self,
        grant_id: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<Grant>>> + Send;
    /// Replaces the grant's Backlog tokens (after Backlog refreshed them).
    fn update_backlog_tokens(
        &self,
        grant_id: &str,
        tokens: &BacklogTokens,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Marks the grant revoked; its tokens stop working.
    fn revoke_grant(&self, grant_id: &str) -> impl Future<Output = StoreResult<()>> + Send;

    fn put_access(
        &self,
        token: &TokenHash,
        access: &Access,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn access(
        &self,
        token: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<Access>>> + Send;

    fn put_refresh(
        &self,
        token: &TokenHash,
        refresh: &Refresh,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Marks it used and says whether it was fresh (atomic across replicas).
    fn use_refresh(
        &self,
        token: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<RefreshUse>> + Send;

    /// Deletes every expired record; returns how many.
    fn purge_expired(&self, now: Timestamp) -> impl Future<Output = StoreResult<u64>> + Send;
}

#[cfg(test)]
mod tests {
    use super::Sealed;

    #[test]
    fn sealed_bytes_are_stored_as_base64_text() {
        let sealed = Sealed(vec![0, 1, 2, 250, 255]);
        let json = serde_json::to_string(&sealed).unwrap();
        assert_eq!(json, r#""AAEC+v8=""#);
        assert_eq!(serde_json::from_str::<Sealed>(&json).unwrap(), sealed);
        assert!(serde_json::from_str::<Sealed>(r#""not base64!""#).is_err());
    }
}
