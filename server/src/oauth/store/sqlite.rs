//! The default store: one SQLite file, for a single server process (or a
//! few on one host). One table `records(kind, key, value, expires_at)`, the
//! value a record's JSON; the expiry is a column so that lookups and
//! [`Store::purge_expired`] filter on it through an index.

use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::record::{Kind, decode, encode};
use super::{
    Access, BacklogTokens, Client, Code, Grant, Pending, Refresh, RefreshUse, Store, StoreError,
    StoreResult, Timestamp, TokenHash,
};

/// The schema this code writes, in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    -- NULL: never expires (client registrations).
    expires_at INTEGER,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
";

/// How long a write waits for another process holding the file's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A SQLite-file [`Store`]. Cloning shares the connection.
#[derive(Clone)]
pub struct SqliteStore {
    path: PathBuf,
    /// One connection: SQLite serializes writers anyway, and this store's
    /// queries are each a few microseconds.
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the file, creating it, its parent directories and the schema
    /// when missing. The file holds hashed tokens and sealed Backlog tokens:
    /// on Unix it is made readable by its owner only (0600, directories
    /// created 0700). Blocks: call it at startup.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        let failed = |what: &str, e: &dyn std::fmt::Display| {
            StoreError(format!(
                "cannot {what} the SQLite file {}: {e}; choose a path this user can write",
                path.display()
            ))
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dirs(dir).map_err(|e| {
                StoreError(format!(
                    "cannot create the directory {} for the SQLite file: {e}; \
                     choose a path this user can write",
                    dir.display()
                ))
            })?;
        }
        make_private_file(path).map_err(|e| failed("create", &e))?;
        let mut conn = Connection::open(path).map_err(|e| failed("open", &e))?;
        prepare(&mut conn, path)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The file this store keeps its records in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the connection on tokio's blocking pool: SQLite calls
    /// block, and must not stall the async workers.
    async fn with_conn<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves nothing half-done: an
            // open transaction rolls back when dropped. So a poisoned lock is
            // still a usable connection.
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError(format!("a SQLite call did not finish: {e}")))?
    }

    async fn put(
        &self,
        kind: Kind,
        key: &str,
        value: String,
        expires_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        let key = key.to_owned();
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO records (kind, key, value, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut put| {
                put.execute(params![kind.name(), key, value, expires_at.map(seconds)])
            })
            .map_err(sql)?;
            Ok(())
        })
        .await
    }

    /// The record's JSON, if it is there and not expired at `now` (a record
    /// without expiry is always live).
    async fn get(&self, kind: Kind, key: &str, now: Timestamp) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "SELECT value FROM records
                 WHERE kind = ?1 AND key = ?2 AND (expires_at IS NULL OR expires_at > ?3)",
            )
            .and_then(|mut get| {
                get.query_row(params![kind.name(), key, seconds(now)], |row| row.get(0))
                    .optional()
            })
            .map_err(sql)
        })
        .await
    }

    /// Deletes the record and returns its JSON if it was live: one
    /// statement, so two takers (threads or processes) cannot both get it.
    async fn take(&self, kind: Kind, key: &str, now: Timestamp) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        let taken: Option<(String, Option<i64>)> = self
            .with_conn(move |conn| {
                conn.prepare_cached(
                    "DELETE FROM records WHERE kind = ?1 AND key = ?2
                     RETURNING value, expires_at",
                )
                .and_then(|mut take| {
                    take.query_row(params![kind.name(), key], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .optional()
                })
                .map_err(sql)
            })
            .await?;
        Ok(taken.and_then(|(value, expires_at)| {
            expires_at.is_none_or(|t| t > seconds(now)).then_some(value)
        }))
    }

    /// Sets one field of a grant's JSON in place, keeping its expiry; a
    /// grant that is gone stays gone.
    async fn set_grant_field(
        &self,
        grant_id: &str,
        field: &'static str,
        json: String,
    ) -> StoreResult<()> {
        let key = grant_id.to_owned();
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "UPDATE records SET value = json_set(value, ?3, json(?4))
                 WHERE kind = ?1 AND key = ?2",
            )
            .and_then(|mut set| set.execute(params![Kind::Grant.name(), key, field, json]))
            .map_err(sql)?;
            Ok(())
        })
        .await
    }
}

impl Store for SqliteStore {
    async fn put_client(&self, client: &Client) -> StoreResult<()> {
        let value = encode(Kind::Client, client)?;
        self.put(Kind::Client, &client.client_id, value, None).await
    }

    async fn client(&self, client_id: &str) -> StoreResult<Option<Client>> {
        let json = self.get(Kind::Client, client_id, 0).await?;
        json.map(|j| decode(Kind::Client, &j)).transpose()
    }

    async fn put_pending(&self, state: &TokenHash, pending: &Pending) -> StoreResult<()> {
        let value = encode(Kind::Pending, pending)?;
        self.put(Kind::Pending, &state.0, value, Some(pending.expires_at))
            .await
    }

    async fn take_pending(
        &self,
        state: &TokenHash,
        now: Timestamp,
    ) -> StoreResult<Option<Pending>> {
        let json = self.take(Kind::Pending, &state.0, now).await?;
        json.map(|j| decode(Kind::Pending, &j)).transpose()
    }

    async fn put_code(&self, code: &TokenHash, record: &Code) -> StoreResult<()> {
        let value = encode(Kind::Code, record)?;
        self.put(Kind::Code, &code.0, value, Some(record.expires_at))
            .await
    }

    async fn take_code(&self, code: &TokenHash, now: Timestamp) -> StoreResult<Option<Code>> {
        let json = self.take(Kind::Code, &code.0, now).await?;
        json.map(|j| decode(Kind::Code, &j)).transpose()
    }

    async fn put_grant(&self, grant: &Grant) -> StoreResult<()> {
        let value = encode(Kind::Grant, grant)?;
        self.put(Kind::Grant, &grant.grant_id, value, Some(grant.expires_at))
            .await
    }

    async fn grant(&self, grant_id: &str, now: Timestamp) -> StoreResult<Option<Grant>> {
        let json = self.get(Kind::Grant, grant_id, now).await?;
        json.map(|j| decode(Kind::Grant, &j)).transpose()
    }

    async fn update_backlog_tokens(
        &self,
        grant_id: &str,
        tokens: &BacklogTokens,
    ) -> StoreResult<()> {
        let json = encode(Kind::Grant, tokens)?;
        self.set_grant_field(grant_id, "$.backlog", json).await
    }

    async fn revoke_grant(&self, grant_id: &str) -> StoreResult<()> {
        self.set_grant_field(grant_id, "$.revoked", "true".to_owned())
            .await
    }

    async fn put_access(&self, token: &TokenHash, access: &Access) -> StoreResult<()> {
        let value = encode(Kind::Access, access)?;
        self.put(Kind::Access, &token.0, value, Some(access.expires_at))
            .await
    }

    async fn access(&self, token: &TokenHash, now: Timestamp) -> StoreResult<Option<Access>> {
        let json = self.get(Kind::Access, &token.0, now).await?;
        json.map(|j| decode(Kind::Access, &j)).transpose()
    }

    async fn put_refresh(&self, token: &TokenHash, refresh: &Refresh) -> StoreResult<()> {
        let value = encode(Kind::Refresh, refresh)?;
        self.put(Kind::Refresh, &token.0, value, Some(refresh.expires_at))
            .await
    }

    /// Read and mark in one IMMEDIATE transaction: it takes the write lock
    /// first, so two processes on the file cannot both read "unused".
    async fn use_refresh(&self, token: &TokenHash, now: Timestamp) -> StoreResult<RefreshUse> {
        let key = token.0.clone();
        self.with_conn(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sql)?;
            let json: Option<String> = tx
                .prepare_cached(
                    "SELECT value FROM records
                     WHERE kind = ?1 AND key = ?2 AND expires_at > ?3",
                )
                .and_then(|mut get| {
                    get.query_row(params![Kind::Refresh.name(), key, seconds(now)], |row| {
                        row.get(0)
                    })
                    .optional()
                })
                .map_err(sql)?;
            let Some(json) = json else {
                return Ok(RefreshUse::Unknown);
            };
            let found: Refresh = decode(Kind::Refresh, &json)?;
            if found.used {
                return Ok(RefreshUse::Reused(found));
            }
            let used = encode(
                Kind::Refresh,
                &Refresh {
                    used: true,
                    ..found.clone()
                },
            )?;
            tx.prepare_cached("UPDATE records SET value = ?3 WHERE kind = ?1 AND key = ?2")
                .and_then(|mut mark| mark.execute(params![Kind::Refresh.name(), key, used]))
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
            Ok(RefreshUse::Fresh(found))
        })
        .await
    }

    async fn purge_expired(&self, now: Timestamp) -> StoreResult<u64> {
        self.with_conn(move |conn| {
            let purged = conn
                .prepare_cached("DELETE FROM records WHERE expires_at <= ?1")
                .and_then(|mut purge| purge.execute(params![seconds(now)]))
                .map_err(sql)?;
            Ok(purged as u64)
        })
        .await
    }
}

/// WAL lets readers go on while one writes; NORMAL sync is safe with WAL
/// (a power cut can lose the last commits, never corrupt the file).
fn prepare(conn: &mut Connection, path: &Path) -> StoreResult<()> {
    let failed = |e: rusqlite::Error| {
        StoreError(format!(
            "cannot set up the SQLite file {}: {e}; choose a path this user can write",
            path.display()
        ))
    };
    conn.busy_timeout(BUSY_TIMEOUT).map_err(failed)?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(failed)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError(format!(
            "the SQLite file {} cannot use WAL mode (journal_mode stays {mode}); \
             put it on a local file system",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(failed)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    let version: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(failed)?;
    match version {
        0 => {
            tx.execute_batch(SCHEMA).map_err(failed)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(failed)?;
        }
        SCHEMA_VERSION => {}
        newer => {
            return Err(StoreError(format!(
                "the SQLite file {} has schema version {newer}, this backlog-mcp knows \
                 {SCHEMA_VERSION}: run a newer backlog-mcp, or use another file",
                path.display()
            )));
        }
    }
    tx.commit().map_err(failed)
}

/// SQLite integers are signed; a time past `i64::MAX` seconds is as good
/// as never.
fn seconds(t: Timestamp) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError(format!("SQLite: {e}"))
}

#[cfg(unix)]
fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Creates the file owner-only before SQLite opens it (so it is never
/// readable by others, even for a moment), and tightens an existing one.
/// SQLite gives its `-wal` and `-shm` files the same mode.
#[cfg(unix)]
fn make_private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn make_private_file(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
