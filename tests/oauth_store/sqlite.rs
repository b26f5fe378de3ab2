//! The SQLite store: the shared suite, and what a file adds: it outlives
//! the process, it is private, and expired rows are purged.

use backlog_mcp::oauth::store::sqlite::SqliteStore;
use backlog_mcp::oauth::store::{Access, Store};

use crate::suite::{LIFETIME, client, code, grant, hash, now, pending, refresh};

shared_suite!(crate::Fixture::sqlite());

fn temp_path() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oauth.sqlite3");
    (dir, path)
}

#[tokio::test]
async fn records_survive_reopening_the_file() {
    let (_dir, path) = temp_path();
    let t = now() + LIFETIME;
    let store = SqliteStore::open(&path).unwrap();
    store.put_client(&client("client-1")).await.unwrap();
    store.put_grant(&grant("grant-1", t)).await.unwrap();
    store.put_code(&hash("code"), &code(t)).await.unwrap();
    store
        .put_refresh(&hash("refresh"), &refresh("grant-1", t))
        .await
        .unwrap();
    store.use_refresh(&hash("refresh"), now()).await.unwrap();
    drop(store);

    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(
        reopened.client("client-1").await.unwrap(),
        Some(client("client-1"))
    );
    assert_eq!(
        reopened.grant("grant-1", now()).await.unwrap(),
        Some(grant("grant-1", t))
    );
    assert_eq!(
        reopened.take_code(&hash("code"), now()).await.unwrap(),
        Some(code(t))
    );
    // What was done before the restart stays done: the token is still used.
    let again = reopened.use_refresh(&hash("refresh"), now()).await.unwrap();
    assert!(
        matches!(again, backlog_mcp::oauth::store::RefreshUse::Reused(_)),
        "{again:?}"
    );
}

#[tokio::test]
async fn purge_deletes_expired_rows_and_nothing_else() {
    let (_dir, path) = temp_path();
    let store = SqliteStore::open(&path).unwrap();
    let (soon, later) = (now() + 10, now() + LIFETIME);
    store.put_client(&client("client-1")).await.unwrap();
    store
        .put_pending(&hash("old"), &pending(soon))
        .await
        .unwrap();
    store.put_code(&hash("old"), &code(soon)).await.unwrap();
    store.put_grant(&grant("old", soon)).await.unwrap();
    let access = |expires_at| Access {
        grant_id: "g".into(),
        expires_at,
    };
    store.put_access(&hash("old"), &access(soon)).await.unwrap();
    store
        .put_refresh(&hash("old"), &refresh("old", soon))
        .await
        .unwrap();
    store.put_grant(&grant("new", later)).await.unwrap();
    store
        .put_access(&hash("new"), &access(later))
        .await
        .unwrap();

    assert_eq!(store.purge_expired(soon - 1).await.unwrap(), 0);
    assert_eq!(store.purge_expired(soon).await.unwrap(), 5);
    assert_eq!(store.purge_expired(soon).await.unwrap(), 0);

    // Deleted, not just hidden: asking as of before their expiry finds nothing.
    let before = soon - 1;
    assert_eq!(
        store.take_pending(&hash("old"), before).await.unwrap(),
        None
    );
    assert_eq!(store.take_code(&hash("old"), before).await.unwrap(), None);
    assert_eq!(store.grant("old", before).await.unwrap(), None);
    assert_eq!(store.access(&hash("old"), before).await.unwrap(), None);
    let gone = store.use_refresh(&hash("old"), before).await.unwrap();
    assert_eq!(gone, backlog_mcp::oauth::store::RefreshUse::Unknown);
    assert!(store.client("client-1").await.unwrap().is_some());
    assert!(store.grant("new", now()).await.unwrap().is_some());
    assert!(store.access(&hash("new"), now()).await.unwrap().is_some());
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_and_the_directories_it_creates_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("oauth.sqlite3");
    let store = SqliteStore::open(&path).unwrap();
    store.put_client(&client("client-1")).await.unwrap();
    assert_eq!(mode(&path), 0o600);
    for journal in ["oauth.sqlite3-wal", "oauth.sqlite3-shm"] {
        let journal = path.with_file_name(journal);
        assert!(journal.exists(), "WAL mode: {} exists", journal.display());
        assert_eq!(mode(&journal), 0o600, "{}", journal.display());
    }
    assert_eq!(mode(&dir.path().join("a")), 0o700);
    assert_eq!(mode(&dir.path().join("a").join("b")), 0o700);
    drop(store);

    // An existing file that others could read is tightened.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    SqliteStore::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_file_from_a_newer_schema_is_refused_with_what_to_do() {
    let (_dir, path) = temp_path();
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 2).unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(err.contains("schema version 2"), "{err}");
    assert!(
        err.contains("run a newer backlog-mcp, or use another file"),
        "{err}"
    );
}

#[test]
fn a_path_that_cannot_be_created_says_which_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let path = file.join("sub").join("oauth.sqlite3");
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(
        err.contains(&file.join("sub").display().to_string()),
        "{err}"
    );
    assert!(err.contains("choose a path this user can write"), "{err}");

    let not_sqlite = dir.path().join("not.sqlite3");
    std::fs::write(
        &not_sqlite,
        "this is not a database, just text long enough to be read as one",
    )
    .unwrap();
    let err = SqliteStore::open(&not_sqlite).unwrap_err().to_string();
    assert!(err.contains(&not_sqlite.display().to_string()), "{err}");
}
