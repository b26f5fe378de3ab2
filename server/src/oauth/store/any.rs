//! The store a server runs with, chosen by one setting: a Redis URL, or
//! else a SQLite file path.

use std::path::{Path, PathBuf};

use super::redis::RedisStore;
use super::sqlite::SqliteStore;
use super::{
    Access, BacklogTokens, Client, Code, Grant, Pending, Refresh, RefreshUse, Store, StoreResult,
    Timestamp, TokenHash,
};

/// One of the stores, so the rest of the server is not generic over it.
#[derive(Clone, Debug)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Redis(RedisStore),
}

impl AnyStore {
    /// `redis://…` or `rediss://…` connects to Redis; anything else is the
    /// path of a SQLite file (created when missing).
    pub async fn open(spec: &str) -> StoreResult<AnyStore> {
        if is_redis_url(spec) {
            RedisStore::connect(spec).await.map(AnyStore::Redis)
        } else {
            SqliteStore::open(Path::new(spec)).map(AnyStore::Sqlite)
        }
    }
}

fn is_redis_url(spec: &str) -> bool {
    let scheme = spec.split_once("://").map(|(scheme, _)| scheme);
    scheme.is_some_and(|s| s.eq_ignore_ascii_case("redis") || s.eq_ignore_ascii_case("rediss"))
}

/// Where the SQLite store lives unless told otherwise: the user's data
/// directory (`~/.local/share` on Linux), `backlog-mcp/oauth.sqlite3`.
/// `None` when the platform has no such directory (no home).
pub fn default_sqlite_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("backlog-mcp").join("oauth.sqlite3"))
}

/// Calls the same method on whichever store this is.
macro_rules! delegate {
    ($self:ident.$method:ident($($arg:expr),*)) => {
        match $self {
            AnyStore::Sqlite(store) => store.$method($($arg),*).await,
            AnyStore::Redis(store) => store.$method($($arg),*).await,
        }
    };
}

impl Store for AnyStore {
    async fn put_client(&self, client: &Client) -> StoreResult<()> {
        delegate!(self.put_client(client))
    }
    async fn client(&self, client_id: &str) -> StoreResult<Option<Client>> {
        delegate!(self.client(client_id))
    }
    async fn put_pending(&self, state: &TokenHash, pending: &Pending) -> StoreResult<()> {
        delegate!(self.put_pending(state, pending))
    }
    async fn take_pending(
        &self,
        state: &TokenHash,
        now: Timestamp,
    ) -> StoreResult<Option<Pending>> {
        delegate!(self.take_pending(state, now))
    }
    async fn put_code(&self, code: &TokenHash, record: &Code) -> StoreResult<()> {
        delegate!(self.put_code(code, record))
    }
    async fn take_code(&self, code: &TokenHash, now: Timestamp) -> StoreResult<Option<Code>> {
        delegate!(self.take_code(code, now))
    }
    async fn put_grant(&self, grant: &Grant) -> StoreResult<()> {
        delegate!(self.put_grant(grant))
    }
    async fn grant(&self, grant_id: &str, now: Timestamp) -> StoreResult<Option<Grant>> {
        delegate!(self.grant(grant_id, now))
    }
    async fn update_backlog_tokens(
        &self,
        grant_id: &str,
        tokens: &BacklogTokens,
    ) -> StoreResult<()> {
        delegate!(self.update_backlog_tokens(grant_id, tokens))
    }
    async fn revoke_grant(&self, grant_id: &str) -> StoreResult<()> {
        delegate!(self.revoke_grant(grant_id))
    }
    async fn put_access(&self, token: &TokenHash, access: &Access) -> StoreResult<()> {
        delegate!(self.put_access(token, access))
    }
    async fn access(&self, token: &TokenHash, now: Timestamp) -> StoreResult<Option<Access>> {
        delegate!(self.access(token, now))
    }
    async fn put_refresh(&self, token: &TokenHash, refresh: &Refresh) -> StoreResult<()> {
        delegate!(self.put_refresh(token, refresh))
    }
    async fn use_refresh(&self, token: &TokenHash, now: Timestamp) -> StoreResult<RefreshUse> {
        delegate!(self.use_refresh(token, now))
    }
    async fn purge_expired(&self, now: Timestamp) -> StoreResult<u64> {
        delegate!(self.purge_expired(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_urls_go_to_redis_and_everything_else_is_a_file() {
        for url in [
            "redis://127.0.0.1:6379",
            "rediss://cache:6380/2",
            "REDIS://h",
        ] {
            assert!(is_redis_url(url), "{url}");
        }
        for path in [
            "oauth.sqlite3",
            "/var/lib/backlog-mcp/oauth.sqlite3",
            "redis.db",
            "./redis:x",
        ] {
            assert!(!is_redis_url(path), "{path}");
        }
    }

    #[test]
    fn the_default_file_is_under_the_data_directory() {
        let path = default_sqlite_path().expect("this machine has a home directory");
        assert!(
            path.ends_with("backlog-mcp/oauth.sqlite3"),
            "{}",
            path.display()
        );
        assert!(path.starts_with(dirs::data_dir().unwrap()));
    }
}
