//! The stars a user received, and `/rateLimit` agreeing with the `X-RateLimit-*` headers.

mod support;

use support::{Api, ids, keys};

#[tokio::test]
async fn stars_list_newest_first_with_cursor_paging() {
    let api = Api::start().await;
    let stars = api.get("/users/2/stars").await;
    assert_eq!(ids(&stars), [8, 7, 6, 5, 4]);
    assert_eq!(
        keys(&stars[0]),
        ["id", "comment", "url", "title", "presenter", "created"]
    );
    let first = &stars[4];
    assert_eq!(first["comment"], "Great report");
    assert_eq!(first["url"], "https://demo.backlog.com/view/DEMO-1");
    assert_eq!(first["title"], "[DEMO-1] Login page shows a blank screen");
    assert_eq!(first["presenter"], api.get("/users/1").await);
    assert_eq!(first["created"], "2026-01-15T12:00:00Z");
    assert!(stars[0]["comment"].is_null());

    let page = |query: &str| {
        let api = &api;
        let path = format!("/users/2/stars?{query}");
        async move { ids(&api.get(&path).await) }
    };
    assert_eq!(page("count=2").await, [8, 7]);
    assert_eq!(page("maxId=7&count=2").await, [6, 5]);
    assert_eq!(page("minId=5&order=asc").await, [6, 7, 8]);
    assert_eq!(ids(&api.get("/users/4/stars").await), [] as [u64; 0]);
    assert_eq!(ids(&api.get("/users/1/stars").await), [3, 2, 1]);
    assert_eq!(api.get("/users/2/stars/count").await["count"], 5);
    assert_eq!(
        api.get_reply("/users/42/stars").await.error(404, 6),
        "No user."
    );
    assert_eq!(
        api.get_reply("/users/2/stars?order=new")
            .await
            .error(400, 7),
        "Invalid value for 'order'."
    );
}

#[tokio::test]
async fn rate_limit_reports_the_window_its_own_headers_carry() {
    let api = Api::start().await;
    let header = |reply: &support::Reply, name: &str| -> u64 {
        reply.header(name).unwrap().parse().unwrap()
    };
    let mut previous: Option<(u64, u64)> = None;
    for _ in 0..2 {
        let reply = api.get_reply("/rateLimit").await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        assert_eq!(keys(&body), ["rateLimit"]);
        let limits = &body["rateLimit"];
        assert_eq!(keys(limits), ["read", "update", "search", "icon"]);
        let read = &limits["read"];
        assert_eq!(keys(read), ["limit", "remaining", "reset"]);
        for class in ["update", "search", "icon"] {
            assert_eq!(&limits[class], read, "one window counts every class");
        }
        assert_eq!(read["limit"], header(&reply, "x-ratelimit-limit"));
        let remaining = header(&reply, "x-ratelimit-remaining");
        let reset = header(&reply, "x-ratelimit-reset");
        assert_eq!(read["remaining"], remaining);
        assert_eq!(read["reset"], reset);
        assert_eq!(reset % 60, 0, "a minute boundary");
        // Within one minute each request takes one more.
        if let Some((before, same_reset)) = previous.filter(|(_, r)| *r == reset) {
            assert_eq!(remaining + 1, before, "reset {same_reset}");
        }
        previous = Some((remaining, reset));
    }
}
