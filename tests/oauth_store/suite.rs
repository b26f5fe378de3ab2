//! What every store does, whatever keeps the records.

use backlog_mcp::oauth::crypto::hash_token;
use backlog_mcp::oauth::store::{
    Access, BacklogTokens, Client, Code, Grant, Pending, Refresh, RefreshUse, Sealed, Store,
    Timestamp, TokenHash,
};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Fixture;

/// How long test records live: far past any test's run.
pub const LIFETIME: Timestamp = 600;

pub fn now() -> Timestamp {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn hash(token: &str) -> TokenHash {
    hash_token(token)
}

pub fn client(client_id: &str) -> Client {
    Client {
        client_id: client_id.into(),
        client_secret_hash: Some(hash("secret")),
        redirect_uris: vec!["http://127.0.0.1:33418/callback".into()],
        client_name: Some("Claude Code".into()),
        created_at: now(),
    }
}

pub fn pending(expires_at: Timestamp) -> Pending {
    Pending {
        client_id: "client-1".into(),
        redirect_uri: "http://127.0.0.1:33418/callback".into(),
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        client_state: Some("xyz".into()),
        resource: None,
        organization: "example".into(),
        expires_at,
    }
}

/// Distinct tokens per `n`; `n == 0` has empty ones, which must survive too.
pub fn tokens(n: u8) -> BacklogTokens {
    BacklogTokens {
        access_token: Sealed(vec![n; n as usize]),
        refresh_token: Sealed(vec![n.wrapping_add(1); 40]),
        expires_at: now() + 3600 + Timestamp::from(n),
    }
}

pub fn code(expires_at: Timestamp) -> Code {
    Code {
        client_id: "client-1".into(),
        redirect_uri: "http://127.0.0.1:33418/callback".into(),
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        resource: Some("https://mcp.example.com/mcp".into()),
        organization: "example".into(),
        backlog: tokens(1),
        expires_at,
    }
}

pub fn grant(grant_id: &str, expires_at: Timestamp) -> Grant {
    Grant {
        grant_id: grant_id.into(),
        client_id: "client-1".into(),
        organization: "example".into(),
        resource: None,
        backlog: tokens(2),
        revoked: false,
        expires_at,
    }
}

pub fn refresh(grant_id: &str, expires_at: Timestamp) -> Refresh {
    Refresh {
        grant_id: grant_id.into(),
        used: false,
        expires_at,
    }
}

pub async fn clients_are_kept_without_expiry(f: &Fixture) {
    let store = &f.store;
    let registered = Client {
        client_secret_hash: None,
        client_name: None,
        ..client("client-1")
    };
    store.put_client(&registered).await.unwrap();
    store.put_client(&client("client-2")).await.unwrap();
    assert_eq!(store.client("client-1").await.unwrap(), Some(registered));
    assert_eq!(
        store.client("client-2").await.unwrap(),
        Some(client("client-2"))
    );
    assert_eq!(store.client("client-3").await.unwrap(), None);
    // Not even a purge far in the future removes a registration.
    store.purge_expired(now() + 100 * LIFETIME).await.unwrap();
    assert!(store.client("client-1").await.unwrap().is_some());
}

pub async fn each_record_reads_back_as_it_was_put(f: &Fixture) {
    let (store, t, at) = (&f.store, now() + LIFETIME, now());
    store
        .put_pending(&hash("state"), &pending(t))
        .await
        .unwrap();
    store.put_code(&hash("code"), &code(t)).await.unwrap();
    store.put_grant(&grant("grant-1", t)).await.unwrap();
    let access = Access {
        grant_id: "grant-1".into(),
        expires_at: t,
    };
    store.put_access(&hash("access"), &access).await.unwrap();
    store
        .put_refresh(&hash("refresh"), &refresh("grant-1", t))
        .await
        .unwrap();

    assert_eq!(
        store.take_pending(&hash("state"), at).await.unwrap(),
        Some(pending(t))
    );
    let taken = store.take_code(&hash("code"), at).await.unwrap();
    assert_eq!(taken, Some(code(t)));
    assert_eq!(
        store.grant("grant-1", at).await.unwrap(),
        Some(grant("grant-1", t))
    );
    assert_eq!(
        store.access(&hash("access"), at).await.unwrap(),
        Some(access)
    );
    assert_eq!(
        store.use_refresh(&hash("refresh"), at).await.unwrap(),
        RefreshUse::Fresh(refresh("grant-1", t))
    );
    // Keys are per kind: a grant id is not an access token.
    assert_eq!(store.access(&hash("grant-1"), at).await.unwrap(), None);
    assert_eq!(store.grant("access", at).await.unwrap(), None);

    // A second put replaces the first.
    let mut again = grant("grant-1", t);
    again.organization = "other".into();
    store.put_grant(&again).await.unwrap();
    assert_eq!(store.grant("grant-1", at).await.unwrap(), Some(again));
}

pub async fn a_pending_authorization_is_taken_once(f: &Fixture) {
    let (store, t) = (&f.store, now() + LIFETIME);
    store
        .put_pending(&hash("state"), &pending(t))
        .await
        .unwrap();
    assert!(
        store
            .take_pending(&hash("state"), now())
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.take_pending(&hash("state"), now()).await.unwrap(),
        None
    );
    assert_eq!(
        store.take_pending(&hash("never"), now()).await.unwrap(),
        None
    );
}

pub async fn a_code_is_taken_once(f: &Fixture) {
    let (store, t) = (&f.store, now() + LIFETIME);
    store.put_code(&hash("code"), &code(t)).await.unwrap();
    assert!(
        store
            .take_code(&hash("code"), now())
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.take_code(&hash("code"), now()).await.unwrap(), None);
    assert_eq!(store.take_code(&hash("never"), now()).await.unwrap(), None);
}

/// Live until the second before `expires_at`; from then on, as if absent.
pub async fn expired_records_are_never_returned(f: &Fixture) {
    let (store, t) = (&f.store, now() + LIFETIME);
    for (key, at, live) in [
        ("before", t - 1, true),
        ("at", t, false),
        ("after", t + 1, false),
    ] {
        let say = format!("{key} expiry");
        store.put_pending(&hash(key), &pending(t)).await.unwrap();
        let taken = store.take_pending(&hash(key), at).await.unwrap();
        assert_eq!(taken.is_some(), live, "pending, {say}");

        store.put_code(&hash(key), &code(t)).await.unwrap();
        let taken = store.take_code(&hash(key), at).await.unwrap();
        assert_eq!(taken.is_some(), live, "code, {say}");

        store.put_grant(&grant(key, t)).await.unwrap();
        assert_eq!(
            store.grant(key, at).await.unwrap().is_some(),
            live,
            "grant, {say}"
        );

        let access = Access {
            grant_id: key.into(),
            expires_at: t,
        };
        store.put_access(&hash(key), &access).await.unwrap();
        let found = store.access(&hash(key), at).await.unwrap();
        assert_eq!(found.is_some(), live, "access, {say}");

        store
            .put_refresh(&hash(key), &refresh(key, t))
            .await
            .unwrap();
        let used = store.use_refresh(&hash(key), at).await.unwrap();
        assert_eq!(
            matches!(used, RefreshUse::Fresh(_)),
            live,
            "refresh, {say}: {used:?}"
        );
        if !live {
            assert_eq!(used, RefreshUse::Unknown, "refresh, {say}");
        }
    }
    // A record already past its expiry by the wall clock is never returned.
    let stale = Access {
        grant_id: "g".into(),
        expires_at: now() - 10,
    };
    store.put_access(&hash("stale"), &stale).await.unwrap();
    assert_eq!(store.access(&hash("stale"), now()).await.unwrap(), None);
}

pub async fn a_refresh_token_is_fresh_once_then_reused(f: &Fixture) {
    let (store, t) = (&f.store, now() + LIFETIME);
    store
        .put_refresh(&hash("refresh"), &refresh("grant-1", t))
        .await
        .unwrap();
    let first = store.use_refresh(&hash("refresh"), now()).await.unwrap();
    assert_eq!(first, RefreshUse::Fresh(refresh("grant-1", t)));
    let used = Refresh {
        used: true,
        ..refresh("grant-1", t)
    };
    for _ in 0..2 {
        let again = store.use_refresh(&hash("refresh"), now()).await.unwrap();
        assert_eq!(again, RefreshUse::Reused(used.clone()));
    }
    let unknown = store.use_refresh(&hash("never"), now()).await.unwrap();
    assert_eq!(unknown, RefreshUse::Unknown);
}

pub async fn revoking_a_grant_marks_it_revoked_and_keeps_the_rest(f: &Fixture) {
    let (store, t) = (&f.store, now() + LIFETIME);
    store.put_grant(&grant("grant-1", t)).await.unwrap();
    store.put_grant(&grant("grant-2", t)).await.unwrap();
    store.revoke_grant("grant-1").await.unwrap();
    let revoked = store.grant("grant-1", now()).await.unwrap().unwrap();
    assert_eq!(
        revoked,
        Grant {
            revoked: true,
            ..grant("grant-1", t)
        }
    );
    assert!(
        !store
            .grant("grant-2", now())
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    // Revoking twice, or a grant that is gone, is not an error.
    store.revoke_grant("grant-1").await.unwrap();
    store.revoke_grant("no-such-grant").await.unwrap();
    assert_eq!(store.grant("no-such-grant", now()).await.unwrap(), None);
}

pub async fn updating_backlog_tokens_replaces_them_and_keeps_the_rest(f: &Fixture) {
    let (store, t) = (&f.store, now() + LIFETIME);
    store.put_grant(&grant("grant-1", t)).await.unwrap();
    store.revoke_grant("grant-1").await.unwrap();
    for n in [7, 0] {
        store
            .update_backlog_tokens("grant-1", &tokens(n))
            .await
            .unwrap();
        let updated = store.grant("grant-1", now()).await.unwrap().unwrap();
        assert_eq!(
            updated,
            Grant {
                backlog: tokens(n),
                revoked: true,
                ..grant("grant-1", t)
            }
        );
    }
    store
        .update_backlog_tokens("no-such-grant", &tokens(3))
        .await
        .unwrap();
    assert_eq!(store.grant("no-such-grant", now()).await.unwrap(), None);
}

pub async fn a_replica_sees_what_another_wrote(f: &Fixture) {
    let (one, other, t) = (&f.store, f.replica().await, now() + LIFETIME);
    one.put_client(&client("client-1")).await.unwrap();
    one.put_grant(&grant("grant-1", t)).await.unwrap();
    let access = Access {
        grant_id: "grant-1".into(),
        expires_at: t,
    };
    one.put_access(&hash("access"), &access).await.unwrap();
    one.put_code(&hash("code"), &code(t)).await.unwrap();
    one.put_pending(&hash("state"), &pending(t)).await.unwrap();
    one.put_refresh(&hash("refresh"), &refresh("grant-1", t))
        .await
        .unwrap();

    assert_eq!(
        other.client("client-1").await.unwrap(),
        Some(client("client-1"))
    );
    assert_eq!(
        other.access(&hash("access"), now()).await.unwrap(),
        Some(access)
    );
    assert!(
        other
            .take_code(&hash("code"), now())
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(one.take_code(&hash("code"), now()).await.unwrap(), None);
    assert!(
        other
            .take_pending(&hash("state"), now())
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(one.take_pending(&hash("state"), now()).await.unwrap(), None);

    other.revoke_grant("grant-1").await.unwrap();
    assert!(one.grant("grant-1", now()).await.unwrap().unwrap().revoked);
    other
        .update_backlog_tokens("grant-1", &tokens(9))
        .await
        .unwrap();
    assert_eq!(
        one.grant("grant-1", now()).await.unwrap().unwrap().backlog,
        tokens(9)
    );

    let first = other.use_refresh(&hash("refresh"), now()).await.unwrap();
    assert!(matches!(first, RefreshUse::Fresh(_)), "{first:?}");
    let second = one.use_refresh(&hash("refresh"), now()).await.unwrap();
    assert!(matches!(second, RefreshUse::Reused(_)), "{second:?}");
}

/// 8 tasks over two stores on the same data (two replicas) race to take
/// each code: exactly one wins every time.
pub async fn concurrent_takes_of_a_code_give_it_to_exactly_one(f: &Fixture) {
    let replica = f.replica().await;
    for round in 0..20 {
        let key = hash(&format!("code-{round}"));
        f.store
            .put_code(&key, &code(now() + LIFETIME))
            .await
            .unwrap();
        let takers = (0..8).map(|i| {
            let store = if i % 2 == 0 {
                f.store.clone()
            } else {
                replica.clone()
            };
            let key = key.clone();
            tokio::spawn(async move { store.take_code(&key, now()).await.unwrap() })
        });
        let taken = futures::future::join_all(takers).await;
        let winners = taken
            .into_iter()
            .filter(|t| t.as_ref().unwrap().is_some())
            .count();
        assert_eq!(winners, 1, "round {round}");
    }
}

/// The same race on a refresh token: one Fresh, every other use Reused.
pub async fn concurrent_uses_of_a_refresh_token_are_fresh_exactly_once(f: &Fixture) {
    let replica = f.replica().await;
    for round in 0..20 {
        let key = hash(&format!("refresh-{round}"));
        let record = refresh("grant-1", now() + LIFETIME);
        f.store.put_refresh(&key, &record).await.unwrap();
        let users = (0..8).map(|i| {
            let store = if i % 2 == 0 {
                f.store.clone()
            } else {
                replica.clone()
            };
            let key = key.clone();
            tokio::spawn(async move { store.use_refresh(&key, now()).await.unwrap() })
        });
        let uses: Vec<RefreshUse> = futures::future::join_all(users)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let fresh = uses
            .iter()
            .filter(|u| matches!(u, RefreshUse::Fresh(_)))
            .count();
        let reused = uses
            .iter()
            .filter(|u| matches!(u, RefreshUse::Reused(_)))
            .count();
        assert_eq!((fresh, reused), (1, 7), "round {round}: {uses:?}");
    }
}
