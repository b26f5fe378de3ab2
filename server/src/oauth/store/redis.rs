//! The store for replicas: every server process points at one Redis (6.2 or
//! later: `GETDEL`, `KEEPTTL`). A record is one string key
//! `backlog-mcp:oauth:<kind>:<key>` holding its JSON, with Redis's own expiry
//! set from the record's `expires_at` (client registrations never expire).
//! Changes to a stored record go through a compare-and-set script, so two
//! replicas changing one record cannot lose either change.

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client as RedisClient, RedisError, Script};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::LazyLock;
use std::time::Duration;

use super::record::{Kind, decode, encode, live};
use super::{
    Access, BacklogTokens, Client, Code, Grant, Pending, Refresh, RefreshUse, Store, StoreError,
    StoreResult, Timestamp, TokenHash,
};

const PREFIX: &str = "backlog-mcp:oauth:";

/// A request to Redis fails after this, instead of holding the HTTP request.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);
/// Reconnection attempts (100 ms, then doubling) before a call fails: a
/// request fails in well under a second while Redis is away, and the next
/// one tries again.
const RECONNECT_RETRIES: usize = 2;

/// Compare-and-set attempts before giving up: each retry means another
/// replica changed the record in between, so a few always suffice in practice.
const CAS_ATTEMPTS: usize = 16;

/// Replaces KEYS[1] with ARGV[2] if it still holds ARGV[1], keeping its TTL.
static COMPARE_AND_SET: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then \
           redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') \
           return 1 \
         end \
         return 0",
    )
});

/// A Redis [`Store`]. Cloning shares the connection, which reconnects by
/// itself after Redis restarts or the network drops.
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    /// host:port, for messages: the URL may hold a password.
    addr: String,
}

// The URL's password must never reach a log line.
impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `redis://[user:password@]host[:port][/db]` (or
    /// `rediss://` for TLS) and checks that Redis answers.
    pub async fn connect(url: &str) -> StoreResult<RedisStore> {
        let client = RedisClient::open(url).map_err(|e| {
            StoreError(format!(
                "the Redis URL does not parse ({e}); write it as \
                 redis://[user:password@]host[:port][/db], or rediss://… for TLS"
            ))
        })?;
        let addr = client.get_connection_info().addr().to_string();
        if url.starts_with("rediss://") {
            // rustls needs one process-wide crypto provider; a second install is a no-op.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECTION_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(RECONNECT_RETRIES);
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| {
                StoreError(format!(
                    "cannot connect to Redis at {addr}: {e}; check that it runs and that \
                     this host may reach it"
                ))
            })?;
        let store = RedisStore { conn, addr };
        let _: String = store.query(&mut ::redis::cmd("PING")).await?;
        Ok(store)
    }

    async fn query<T: ::redis::FromRedisValue>(&self, cmd: &mut ::redis::Cmd) -> StoreResult<T> {
        let mut conn = self.conn.clone();
        cmd.query_async(&mut conn).await.map_err(|e| self.failed(e))
    }

    fn failed(&self, e: RedisError) -> StoreError {
        StoreError(format!("Redis at {}: {e}", self.addr))
    }

    /// Stores the record, expiring at `expires_at` (never, for `None`).
    async fn put<T: Serialize>(
        &self,
        kind: Kind,
        key: &str,
        record: &T,
        expires_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        let mut set = ::redis::cmd("SET");
        set.arg(redis_key(kind, key)).arg(encode(kind, record)?);
        if let Some(at) = expires_at {
            // EXAT 0 is refused; 1 is as long past. A past time deletes the key.
            set.arg("EXAT").arg(at.max(1));
        }
        self.query::<()>(&mut set).await
    }

    async fn get_raw(&self, kind: Kind, key: &str) -> StoreResult<Option<String>> {
        self.query(::redis::cmd("GET").arg(redis_key(kind, key)))
            .await
    }

    /// Redis expires by its own clock; `now` is checked too, so that a record
    /// is never returned past `expires_at` by the caller's clock either.
    async fn get<T: DeserializeOwned + Expiring>(
        &self,
        kind: Kind,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<Option<T>> {
        let raw = self.get_raw(kind, key).await?;
        unexpired(kind, raw, now)
    }

    /// GETDEL: of two replicas taking one key, exactly one gets it.
    async fn take<T: DeserializeOwned + Expiring>(
        &self,
        kind: Kind,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<Option<T>> {
        let raw = self
            .query(::redis::cmd("GETDEL").arg(redis_key(kind, key)))
            .await?;
        unexpired(kind, raw, now)
    }

    /// Writes `new` if the key still holds `old`; false if it changed.
    async fn compare_and_set(&self, key: &str, old: &str, new: &str) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let swapped: i64 = COMPARE_AND_SET
            .key(key)
            .arg(old)
            .arg(new)
            .invoke_async(&mut conn)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(swapped == 1)
    }

    /// Read-modify-write of a grant that keeps its TTL; a grant that is gone
    /// (expired) stays gone.
    async fn update_grant(&self, grant_id: &str, change: impl Fn(&mut Grant)) -> StoreResult<()> {
        let key = redis_key(Kind::Grant, grant_id);
        for _ in 0..CAS_ATTEMPTS {
            let Some(old) = self.get_raw(Kind::Grant, grant_id).await? else {
                return Ok(());
            };
            let mut grant: Grant = decode(Kind::Grant, &old)?;
            change(&mut grant);
            if self
                .compare_and_set(&key, &old, &encode(Kind::Grant, &grant)?)
                .await?
            {
                return Ok(());
            }
        }
        Err(self.contended(Kind::Grant))
    }

    fn contended(&self, kind: Kind) -> StoreError {
        StoreError(format!(
            "Redis at {}: a {} record kept changing during {CAS_ATTEMPTS} attempts to update it",
            self.addr,
            kind.name()
        ))
    }
}

impl Store for RedisStore {
    async fn put_client(&self, client: &Client) -> StoreResult<()> {
        self.put(Kind::Client, &client.client_id, client, None)
            .await
    }

    async fn client(&self, client_id: &str) -> StoreResult<Option<Client>> {
        let raw = self.get_raw(Kind::Client, client_id).await?;
        raw.map(|r| decode(Kind::Client, &r)).transpose()
    }

    async fn put_pending(&self, state: &TokenHash, pending: &Pending) -> StoreResult<()> {
        self.put(Kind::Pending, &state.0, pending, Some(pending.expires_at))
            .await
    }

    async fn take_pending(
        &self,
        state: &TokenHash,
        now: Timestamp,
    ) -> StoreResult<Option<Pending>> {
        self.take(Kind::Pending, &state.0, now).await
    }

    async fn put_code(&self, code: &TokenHash, record: &Code) -> StoreResult<()> {
        self.put(Kind::Code, &code.0, record, Some(record.expires_at))
            .await
    }

    async fn take_code(&self, code: &TokenHash, now: Timestamp) -> StoreResult<Option<Code>> {
        self.take(Kind::Code, &code.0, now).await
    }

    async fn put_grant(&self, grant: &Grant) -> StoreResult<()> {
        self.put(Kind::Grant, &grant.grant_id, grant, Some(grant.expires_at))
            .await
    }

    async fn grant(&self, grant_id: &str, now: Timestamp) -> StoreResult<Option<Grant>> {
        self.get(Kind::Grant, grant_id, now).await
    }

    async fn update_backlog_tokens(
        &self,
        grant_id: &str,
        tokens: &BacklogTokens,
    ) -> StoreResult<()> {
        self.update_grant(grant_id, |grant| grant.backlog = tokens.clone())
            .await
    }

    async fn revoke_grant(&self, grant_id: &str) -> StoreResult<()> {
        self.update_grant(grant_id, |grant| grant.revoked = true)
            .await
    }

    async fn put_access(&self, token: &TokenHash, access: &Access) -> StoreResult<()> {
        self.put(Kind::Access, &token.0, access, Some(access.expires_at))
            .await
    }

    async fn access(&self, token: &TokenHash, now: Timestamp) -> StoreResult<Option<Access>> {
        self.get(Kind::Access, &token.0, now).await
    }

    async fn put_refresh(&self, token: &TokenHash, refresh: &Refresh) -> StoreResult<()> {
        self.put(Kind::Refresh, &token.0, refresh, Some(refresh.expires_at))
            .await
    }

    /// Compare-and-set from unused to used: of two replicas presenting one
    /// token, one swaps it (Fresh) and the other then reads it used (Reused).
    async fn use_refresh(&self, token: &TokenHash, now: Timestamp) -> StoreResult<RefreshUse> {
        let key = redis_key(Kind::Refresh, &token.0);
        for _ in 0..CAS_ATTEMPTS {
            let Some(old) = self.get_raw(Kind::Refresh, &token.0).await? else {
                return Ok(RefreshUse::Unknown);
            };
            let found: Refresh = decode(Kind::Refresh, &old)?;
            if !live(found.expires_at, now) {
                return Ok(RefreshUse::Unknown);
            }
            if found.used {
                return Ok(RefreshUse::Reused(found));
            }
            let used = Refresh {
                used: true,
                ..found.clone()
            };
            if self
                .compare_and_set(&key, &old, &encode(Kind::Refresh, &used)?)
                .await?
            {
                return Ok(RefreshUse::Fresh(found));
            }
        }
        Err(self.contended(Kind::Refresh))
    }

    /// Redis deletes expired keys itself (every record but a client
    /// registration has a TTL), so there is nothing to purge: always 0.
    async fn purge_expired(&self, _now: Timestamp) -> StoreResult<u64> {
        Ok(0)
    }
}

fn redis_key(kind: Kind, key: &str) -> String {
    format!("{PREFIX}{}:{key}", kind.name())
}

/// Records that carry their own expiry.
trait Expiring {
    fn expires_at(&self) -> Timestamp;
}

macro_rules! expiring {
    ($($record:ty),*) => {$(
        impl Expiring for $record {
            fn expires_at(&self) -> Timestamp {
                self.expires_at
            }
        }
    )*};
}
expiring!(Pending, Code, Grant, Access, Refresh);

fn unexpired<T: DeserializeOwned + Expiring>(
    kind: Kind,
    raw: Option<String>,
    now: Timestamp,
) -> StoreResult<Option<T>> {
    let Some(raw) = raw else { return Ok(None) };
    let record: T = decode(kind, &raw)?;
    Ok(live(record.expires_at(), now).then_some(record))
}
