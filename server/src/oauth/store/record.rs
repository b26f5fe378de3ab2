//! What both stores share: the record kinds they key by, the JSON a record
//! is kept as, and when a record counts as expired.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{StoreError, StoreResult, Timestamp};

/// A record kind: a SQLite `kind` column value, a Redis key segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Client,
    Pending,
    Code,
    Grant,
    Access,
    Refresh,
}

impl Kind {
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::Client => "client",
            Kind::Pending => "pending",
            Kind::Code => "code",
            Kind::Grant => "grant",
            Kind::Access => "access",
            Kind::Refresh => "refresh",
        }
    }
}

pub(super) fn encode<T: Serialize>(kind: Kind, record: &T) -> StoreResult<String> {
    serde_json::to_string(record)
        .map_err(|e| StoreError(format!("cannot encode a {} record: {e}", kind.name())))
}

/// A record that does not decode is an error, not an absent record: the
/// store was written by an incompatible version or altered.
pub(super) fn decode<T: DeserializeOwned>(kind: Kind, json: &str) -> StoreResult<T> {
    serde_json::from_str(json).map_err(|e| {
        StoreError(format!(
            "a stored {} record does not decode ({e}); was the store written by another \
             version of backlog-mcp?",
            kind.name()
        ))
    })
}

/// A record is live strictly before its `expires_at` second, as Redis's
/// `EXAT` expires a key at that second.
pub(super) fn live(expires_at: Timestamp, now: Timestamp) -> bool {
    now < expires_at
}
