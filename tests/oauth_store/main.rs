//! The OAuth store's guarantees (see `backlog_mcp::oauth::store`), held by
//! both implementations: one suite (`suite.rs`) run against a SQLite file and
//! against a real redis-server, each through `AnyStore::open` as the server
//! opens it; then what only one of them promises (`sqlite.rs`, `redis.rs`).

use backlog_mcp::oauth::store::AnyStore;

mod suite;

use backlog_mcp_tests::RedisServer;

/// A store under test, and how to open another on the same data (a second
/// process on the SQLite file, a second replica on the Redis).
pub struct Fixture {
    pub store: AnyStore,
    spec: String,
    _backend: Backend,
}

enum Backend {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Redis(#[allow(dead_code)] RedisServer),
}

impl Fixture {
    pub async fn sqlite() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        // A parent that does not exist yet: open creates it.
        let path = dir.path().join("data").join("oauth.sqlite3");
        let spec = path.to_str().unwrap().to_owned();
        let store = AnyStore::open(&spec).await.unwrap();
        assert!(matches!(store, AnyStore::Sqlite(_)), "{store:?}");
        Fixture {
            store,
            spec,
            _backend: Backend::Sqlite(dir),
        }
    }

    pub async fn redis() -> Fixture {
        let server = RedisServer::start();
        let spec = server.url();
        let store = AnyStore::open(&spec).await.unwrap();
        assert!(matches!(store, AnyStore::Redis(_)), "{store:?}");
        Fixture {
            store,
            spec,
            _backend: Backend::Redis(server),
        }
    }

    /// Another store on the same data, as a second replica would open it.
    pub async fn replica(&self) -> AnyStore {
        AnyStore::open(&self.spec).await.unwrap()
    }
}

/// One test per shared behaviour, on the store `$fixture` makes.
macro_rules! shared_suite {
    ($fixture:expr) => {
        mod shared {
            shared_suite!(@tests $fixture;
                clients_are_kept_without_expiry,
                each_record_reads_back_as_it_was_put,
                a_pending_authorization_is_taken_once,
                a_code_is_taken_once,
                expired_records_are_never_returned,
                a_refresh_token_is_fresh_once_then_reused,
                revoking_a_grant_marks_it_revoked_and_keeps_the_rest,
                updating_backlog_tokens_replaces_them_and_keeps_the_rest,
                a_replica_sees_what_another_wrote,
                concurrent_takes_of_a_code_give_it_to_exactly_one,
                concurrent_uses_of_a_refresh_token_are_fresh_exactly_once,
            );
        }
    };
    (@tests $fixture:expr; $($test:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            let fixture = $fixture.await;
            crate::suite::$test(&fixture).await;
        }
    )*};
}

mod redis;
mod sqlite;
