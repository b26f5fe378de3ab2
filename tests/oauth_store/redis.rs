//! The Redis store: the shared suite, and what Redis adds: key names,
//! expiry kept by Redis itself, and errors that never show a password.

use ::redis::aio::ConnectionManager;
use backlog_mcp::oauth::store::redis::RedisStore;
use backlog_mcp::oauth::store::{Access, AnyStore, Store};

use crate::suite::{LIFETIME, client, grant, hash, now, refresh, tokens};
use backlog_mcp_tests::RedisServer;

shared_suite!(crate::Fixture::redis());

async fn raw(server: &RedisServer) -> ConnectionManager {
    let client = ::redis::Client::open(server.url()).unwrap();
    ConnectionManager::new(client).await.unwrap()
}

async fn expiretime(conn: &mut ConnectionManager, key: &str) -> i64 {
    ::redis::cmd("EXPIRETIME")
        .arg(key)
        .query_async(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn keys_are_prefixed_and_expire_when_their_record_does() {
    let server = RedisServer::start();
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let mut conn = raw(&server).await;
    let t = now() + LIFETIME;
    store.put_client(&client("client-1")).await.unwrap();
    store.put_grant(&grant("grant-1", t)).await.unwrap();
    store
        .put_refresh(&hash("refresh"), &refresh("grant-1", t))
        .await
        .unwrap();

    let json: String = ::redis::cmd("GET")
        .arg("backlog-mcp:oauth:client:client-1")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(json.contains("\"client_id\":\"client-1\""), "{json}");
    // -1: the key exists and has no expiry.
    assert_eq!(
        expiretime(&mut conn, "backlog-mcp:oauth:client:client-1").await,
        -1
    );
    let grant_key = "backlog-mcp:oauth:grant:grant-1";
    let refresh_key = format!("backlog-mcp:oauth:refresh:{}", hash("refresh").0);
    assert_eq!(expiretime(&mut conn, grant_key).await, t as i64);
    assert_eq!(expiretime(&mut conn, &refresh_key).await, t as i64);

    // Changing a record keeps its expiry.
    store.revoke_grant("grant-1").await.unwrap();
    store
        .update_backlog_tokens("grant-1", &tokens(5))
        .await
        .unwrap();
    store.use_refresh(&hash("refresh"), now()).await.unwrap();
    assert_eq!(expiretime(&mut conn, grant_key).await, t as i64);
    assert_eq!(expiretime(&mut conn, &refresh_key).await, t as i64);
    let grant = store.grant("grant-1", now()).await.unwrap().unwrap();
    assert!(grant.revoked && grant.backlog == tokens(5), "{grant:?}");
}

#[tokio::test]
async fn redis_drops_expired_records_itself_so_purge_has_nothing_to_do() {
    let server = RedisServer::start();
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let mut conn = raw(&server).await;
    let stale = Access {
        grant_id: "g".into(),
        expires_at: now() - 1,
    };
    store.put_access(&hash("stale"), &stale).await.unwrap();
    let key = format!("backlog-mcp:oauth:access:{}", hash("stale").0);
    let exists: i64 = ::redis::cmd("EXISTS")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(exists, 0, "a record put past its expiry is not kept");
    assert_eq!(
        store.purge_expired(now() + 100 * LIFETIME).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn an_unreachable_redis_says_where_and_what_to_check() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = std::time::Instant::now();
    let err = AnyStore::open(&format!("redis://127.0.0.1:{port}"))
        .await
        .unwrap_err();
    let err = err.to_string();
    assert!(
        err.contains(&format!("cannot connect to Redis at 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.contains("check that it runs"), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // rediss:// is Redis over TLS, not a file path: it fails the same way.
    let err = AnyStore::open(&format!("rediss://127.0.0.1:{port}"))
        .await
        .unwrap_err();
    let err = err.to_string();
    assert!(
        err.contains(&format!("cannot connect to Redis at 127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test]
async fn a_bad_url_says_how_to_write_one() {
    let err = RedisStore::connect("redis://127.0.0.1:not-a-port")
        .await
        .unwrap_err();
    let err = err.to_string();
    assert!(err.contains("the Redis URL does not parse"), "{err}");
    assert!(
        err.contains("redis://[user:password@]host[:port][/db]"),
        "{err}"
    );
}

#[tokio::test]
async fn the_password_in_the_url_is_never_shown() {
    let server = RedisServer::start();
    let mut conn = raw(&server).await;
    let _: () = ::redis::cmd("CONFIG")
        .arg("SET")
        .arg("requirepass")
        .arg("s3cret-pass")
        .query_async(&mut conn)
        .await
        .unwrap();
    let port = server.url().rsplit(':').next().unwrap().to_owned();

    let store = AnyStore::open(&format!("redis://:s3cret-pass@127.0.0.1:{port}"))
        .await
        .unwrap();
    store.put_client(&client("client-1")).await.unwrap();
    let shown = format!("{store:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");

    let err = AnyStore::open(&format!("redis://:wr0ng-pass@127.0.0.1:{port}"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot connect to Redis"), "{err}");
    assert!(!err.contains("wr0ng"), "{err}");
}

#[tokio::test]
async fn while_redis_is_down_calls_fail_and_after_it_restarts_they_work_again() {
    let mut server = RedisServer::start();
    let store = RedisStore::connect(&server.url()).await.unwrap();
    store.put_client(&client("client-1")).await.unwrap();

    server.stop();
    let err = store.client("client-1").await.unwrap_err().to_string();
    assert!(
        err.contains("Redis at 127.0.0.1:"),
        "an error, never `None`: {err}"
    );

    server.restart();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while store.put_client(&client("client-2")).await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "no reconnection in 5 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        store.client("client-2").await.unwrap(),
        Some(client("client-2"))
    );
}
