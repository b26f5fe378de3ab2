//! Programmable faults: every kind, rule matching and spending, recording of faulted
//! requests, and the rate-limit headers of normal answers.

mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use backlog_sandbox::{DEFAULT_API_KEY, Fault, FaultRule, RATE_LIMIT_PER_MINUTE, Sandbox};
use serde_json::Value;
use support::{Api, Reply, send, send_raw};

fn status(status: u16, code: i64, message: &str) -> Fault {
    Fault::Status {
        status,
        code,
        message: message.to_owned(),
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn header_u64(reply: &Reply, name: &str) -> u64 {
    reply
        .header(name)
        .unwrap_or_else(|| panic!("no {name}: {:?}", reply.headers))
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn has_rate_limit_headers(reply: &Reply) -> bool {
    reply.header("x-ratelimit-limit").is_some()
}

/// The methods and paths the sandbox has recorded.
fn recorded(api: &Api) -> Vec<(String, String)> {
    api.handle
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

fn get_space() -> (String, String) {
    ("GET".to_owned(), "/api/v2/space".to_owned())
}

#[tokio::test]
async fn status_fault_answers_a_backlog_error_body_and_is_recorded() {
    let api = Api::start().await;
    api.handle.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/space",
        status(503, 1, "Service unavailable."),
    ));
    let reply = api.get_reply("/space?x=1").await;
    assert_eq!(reply.error(503, 1), "Service unavailable.");
    assert!(!has_rate_limit_headers(&reply));
    assert_eq!(reply.json()["errors"].as_array().unwrap().len(), 1);

    let request = api.handle.requests().pop().unwrap();
    assert_eq!(request.path, "/api/v2/space");
    assert_eq!(request.raw_query, "x=1");
    assert_eq!(request.api_key.as_deref(), Some(DEFAULT_API_KEY));
}

#[tokio::test]
async fn faults_apply_before_authentication_but_a_delay_goes_on_to_it() {
    let api = Api::start().await;
    let addr = api.handle.addr();
    api.handle
        .add_fault(FaultRule::new(None, "/api/v2/space", status(502, 1, "Bad gateway.")).times(1));
    let no_key = send(addr, "GET", "/api/v2/space", &[], "").await;
    assert_eq!(no_key.error(502, 1), "Bad gateway.");

    let delay = Duration::from_millis(150);
    api.handle
        .add_fault(FaultRule::new(None, "/api/v2/space", Fault::Delay(delay)).times(1));
    let started = Instant::now();
    let wrong_key = send(
        addr,
        "GET",
        "/api/v2/space",
        &[("Backlog-API-Key", "nope")],
        "",
    )
    .await;
    assert!(started.elapsed() >= delay);
    assert_eq!(wrong_key.error(401, 11), "Authentication failure.");
    assert!(has_rate_limit_headers(&wrong_key));

    let keys: Vec<_> = api
        .handle
        .requests()
        .into_iter()
        .map(|r| r.api_key)
        .collect();
    assert_eq!(keys, [None, Some("nope".to_owned())]);
}

#[tokio::test]
async fn rate_limited_fault_is_429_code_13_with_reset_and_retry_after() {
    let api = Api::start().await;
    api.handle.add_fault(
        FaultRule::new(
            None,
            "/api/v2/issues",
            Fault::RateLimited {
                reset_in_secs: 30,
                retry_after_secs: Some(7),
            },
        )
        .times(1),
    );
    api.handle.add_fault(FaultRule::new(
        None,
        "/api/v2/issues",
        Fault::RateLimited {
            reset_in_secs: 0,
            retry_after_secs: None,
        },
    ));

    let before = now_secs();
    let reply = api.get_reply("/issues").await;
    let after = now_secs();
    assert_eq!(reply.error(429, 13), "Too many requests.");
    assert_eq!(
        header_u64(&reply, "x-ratelimit-limit"),
        RATE_LIMIT_PER_MINUTE
    );
    assert_eq!(header_u64(&reply, "x-ratelimit-remaining"), 0);
    let reset = header_u64(&reply, "x-ratelimit-reset");
    assert!((before + 30..=after + 30).contains(&reset), "{reset}");
    assert_eq!(header_u64(&reply, "retry-after"), 7);

    let before = now_secs();
    let reply = api.post("/issues", "summary=x").await;
    let after = now_secs();
    reply.error(429, 13);
    let reset = header_u64(&reply, "x-ratelimit-reset");
    assert!((before..=after).contains(&reset), "{reset}");
    assert_eq!(reply.header("retry-after"), None);
}

#[tokio::test]
async fn delay_waits_then_answers_normally() {
    let api = Api::start().await;
    let delay = Duration::from_millis(300);
    api.handle
        .add_fault(FaultRule::new(Some("GET"), "/api/v2/space", Fault::Delay(delay)).times(1));
    let started = Instant::now();
    let reply = api.get_reply("/space").await;
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["spaceKey"], "demo");
    assert!(has_rate_limit_headers(&reply));
    assert_eq!(recorded(&api), [get_space()]);

    // The rule is spent: the next request is not delayed.
    let started = Instant::now();
    assert_eq!(api.get_reply("/space").await.status, 200);
    assert!(started.elapsed() < delay);
}

#[tokio::test]
async fn hang_never_answers_and_does_not_block_other_requests() {
    let api = Api::start().await;
    api.handle
        .add_fault(FaultRule::new(None, "/api/v2/issues/DEMO-1", Fault::Hang));
    let addr = api.handle.addr();
    let key = api.handle.api_key();
    let timeout = Duration::from_millis(800);
    let hung = tokio::spawn(async move {
        let headers = [("Backlog-API-Key", key.as_str())];
        let request = send_raw(addr, "GET", "/api/v2/issues/DEMO-1", &headers, "");
        tokio::time::timeout(timeout, request).await
    });
    // Once the hung request is in, a normal one is answered at once.
    while api.handle.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    let reply = api.get_reply("/issues/DEMO-2").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(started.elapsed() < timeout / 2, "{:?}", started.elapsed());
    assert!(!hung.is_finished());

    assert!(
        hung.await.unwrap().is_err(),
        "the hung request got an answer"
    );
    let paths: Vec<_> = recorded(&api).into_iter().map(|(_, p)| p).collect();
    assert_eq!(paths, ["/api/v2/issues/DEMO-1", "/api/v2/issues/DEMO-2"]);
}

#[tokio::test]
async fn reset_closes_the_connection_without_a_response() {
    let api = Api::start().await;
    api.handle
        .add_fault(FaultRule::new(Some("POST"), "/api/v2/issues", Fault::Reset).times(1));
    let key = api.handle.api_key();
    let headers = [
        ("Backlog-API-Key", key.as_str()),
        ("Content-Type", support::FORM),
    ];
    let started = Instant::now();
    let raw = send_raw(
        api.handle.addr(),
        "POST",
        "/api/v2/issues",
        &headers,
        "summary=x",
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    match raw {
        Ok(raw) => assert!(raw.is_empty(), "{:?}", String::from_utf8_lossy(&raw)),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    assert_eq!(recorded(&api).len(), 1);
    assert_eq!(api.handle.requests()[0].raw_body, "summary=x");

    // Only that connection was dropped; the sandbox carries on.
    assert_eq!(api.get_reply("/space").await.status, 200);
}

#[tokio::test]
async fn invalid_json_is_200_typed_json_but_does_not_parse() {
    let api = Api::start().await;
    api.handle.add_fault(FaultRule::new(
        None,
        "/api/v2/users/myself",
        Fault::InvalidJson,
    ));
    let reply = api.get_reply("/users/myself").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(!reply.body.is_empty());
    assert!(serde_json::from_str::<Value>(&reply.body).is_err());
}

#[tokio::test]
async fn html_fault_is_a_proxy_page_with_the_status() {
    let api = Api::start().await;
    api.handle.add_fault(FaultRule::new(
        None,
        "/api/v2/",
        Fault::Html { status: 502 },
    ));
    let reply = api.get_reply("/projects").await;
    assert_eq!(reply.status, 502);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(reply.body.starts_with("<!DOCTYPE html>"), "{}", reply.body);
    assert!(reply.body.contains("502 Bad Gateway"), "{}", reply.body);
    assert!(serde_json::from_str::<Value>(&reply.body).is_err());
}

#[tokio::test]
async fn empty_fault_is_the_status_with_no_body() {
    let api = Api::start().await;
    api.handle
        .add_fault(FaultRule::new(None, "/api/v2/space", Fault::Empty { status: 503 }).times(1));
    api.handle
        .add_fault(FaultRule::new(None, "/api/v2/space", Fault::Empty { status: 200 }).times(1));
    for expected in [503, 200] {
        let reply = api.get_reply("/space").await;
        assert_eq!(reply.status, expected);
        assert_eq!(reply.body, "");
        assert_eq!(reply.header("content-length"), Some("0"));
        assert_eq!(reply.header("content-type"), None);
    }
}

#[tokio::test]
async fn huge_body_is_a_chunked_json_array_of_the_size_asked() {
    let api = Api::start().await;
    let bytes = 3_000_000;
    api.handle
        .add_fault(FaultRule::new(None, "/api/v2/issues", Fault::HugeBody { bytes }).times(1));
    let reply = api.get_reply("/issues").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("transfer-encoding"), Some("chunked"));
    assert_eq!(reply.header("content-length"), None);
    let size = reply.body.len();
    assert!(size.abs_diff(bytes) <= bytes / 100, "{size} bytes");
    let items = reply.json();
    let items = items.as_array().unwrap();
    assert!(items.len() > 1000, "{} items", items.len());
    assert!(items.iter().all(Value::is_object));
    assert_eq!(items[0]["id"], 1);

    for bytes in [0, 2, 100, 70_000] {
        api.handle
            .add_fault(FaultRule::new(None, "/api/v2/space", Fault::HugeBody { bytes }).times(1));
        let reply = api.get_reply("/space").await;
        assert_eq!(reply.body.len(), bytes.max(2));
        assert!(reply.json().is_array());
    }
}

#[tokio::test]
async fn times_spends_a_rule_then_normal_answers_resume() {
    let api = Api::start().await;
    api.handle
        .add_fault(FaultRule::new(Some("GET"), "/api/v2/space", status(500, 1, "Boom.")).times(2));
    let statuses = [
        api.get_reply("/space").await.status,
        api.get_reply("/space").await.status,
        api.get_reply("/space").await.status,
    ];
    assert_eq!(statuses, [500, 500, 200]);
    assert_eq!(recorded(&api), [get_space(), get_space(), get_space()]);

    // `times(0)` never applies.
    api.handle
        .add_fault(FaultRule::new(None, "/", Fault::Empty { status: 500 }).times(0));
    assert_eq!(api.get_reply("/space").await.status, 200);
}

#[tokio::test]
async fn concurrent_requests_spend_a_rule_exactly() {
    let api = Api::start().await;
    api.handle
        .add_fault(FaultRule::new(None, "/api/v2/space", status(503, 1, "Busy.")).times(3));
    let replies = futures::future::join_all((0..10).map(|_| api.get_reply("/space"))).await;
    let faulted = replies.iter().filter(|r| r.status == 503).count();
    let normal = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!((faulted, normal), (3, 7));
    assert_eq!(recorded(&api).len(), 10);
}

#[tokio::test]
async fn rules_match_on_method_and_raw_path_prefix() {
    let api = Api::start().await;
    api.handle.add_fault(FaultRule::new(
        Some("post"),
        "/api/v2/issues/DEMO-1",
        status(500, 1, "Write failed."),
    ));
    api.handle.add_fault(FaultRule::new(
        None,
        "/api/v2/users/%E3",
        Fault::Empty { status: 418 },
    ));

    // Method: POST (case-insensitive) matches, GET and PATCH do not.
    let post = api.post("/issues/DEMO-1/comments", "content=hello").await;
    assert_eq!(post.error(500, 1), "Write failed.");
    assert_eq!(api.get_reply("/issues/DEMO-1").await.status, 200);
    let patch = api.patch("/issues/DEMO-1", "summary=renamed").await;
    assert_eq!(patch.status, 200, "{}", patch.body);
    // Path: a prefix of the raw path, not of the query, not a shorter path.
    let shorter = api.post("/issues", "").await;
    assert_eq!(shorter.status, 400, "{}", shorter.body);
    let other = api
        .request("POST", "/api/v2/projects?x=/api/v2/issues/DEMO-1", "")
        .await;
    assert_eq!(other.status, 400, "{}", other.body);
    // The prefix is compared with the path as sent, still percent-encoded.
    assert_eq!(api.get_reply("/users/%E3%81%82").await.status, 418);
    assert_eq!(api.get_reply("/users/1").await.status, 200);
}

#[tokio::test]
async fn the_first_live_rule_in_order_applies() {
    let api = Api::start().await;
    let rules = [
        FaultRule::new(Some("DELETE"), "/api/v2/", status(500, 1, "Not me.")),
        FaultRule::new(None, "/api/v2/issues", status(503, 1, "First.")).times(1),
        FaultRule::new(None, "/api/v2/issues", status(502, 1, "Second.")).times(1),
        FaultRule::new(None, "/api/v2/", status(500, 1, "Catch-all.")),
    ];
    for rule in rules {
        api.handle.add_fault(rule);
    }
    let messages = [
        api.get_reply("/issues").await.error(503, 1),
        api.get_reply("/issues").await.error(502, 1),
        api.get_reply("/issues").await.error(500, 1),
        api.get_reply("/space").await.error(500, 1),
    ];
    assert_eq!(messages, ["First.", "Second.", "Catch-all.", "Catch-all."]);
    assert_eq!(api.delete("/issues/DEMO-1").await.error(500, 1), "Not me.");
}

#[tokio::test]
async fn clear_faults_restores_normal_answers() {
    let api = Api::start().await;
    api.handle
        .add_fault(FaultRule::new(None, "/", Fault::Html { status: 503 }));
    api.handle
        .add_fault(FaultRule::new(None, "/", Fault::Reset));
    assert_eq!(api.get_reply("/space").await.status, 503);
    api.handle.clear_faults();
    assert_eq!(api.get_reply("/space").await.status, 200);
    assert_eq!(recorded(&api), [get_space(), get_space()]);
}

#[tokio::test]
async fn faults_added_before_spawn_apply() {
    let sandbox = Sandbox::new(DEFAULT_API_KEY);
    sandbox.add_fault(FaultRule::new(None, "/api/v2/space", status(503, 1, "Early.")).times(1));
    let api = Api {
        handle: sandbox.spawn().await.unwrap(),
    };
    assert_eq!(api.get_reply("/space").await.error(503, 1), "Early.");
    assert_eq!(api.get_reply("/space").await.status, 200);

    let sandbox = Sandbox::new(DEFAULT_API_KEY);
    sandbox.add_fault(FaultRule::new(None, "/", Fault::Reset));
    sandbox.clear_faults();
    let api = Api {
        handle: sandbox.spawn().await.unwrap(),
    };
    assert_eq!(api.get_reply("/space").await.status, 200);
}

#[tokio::test]
async fn every_fault_records_exactly_one_request_per_write() {
    let faults = [
        status(500, 1, "Boom."),
        Fault::RateLimited {
            reset_in_secs: 60,
            retry_after_secs: Some(60),
        },
        Fault::Delay(Duration::from_millis(10)),
        Fault::Hang,
        Fault::Reset,
        Fault::InvalidJson,
        Fault::Html { status: 504 },
        Fault::Empty { status: 500 },
        Fault::HugeBody { bytes: 100_000 },
    ];
    for fault in faults {
        let api = Api::start().await;
        api.handle.add_fault(FaultRule::new(
            Some("POST"),
            "/api/v2/issues",
            fault.clone(),
        ));
        let key = api.handle.api_key();
        let headers = [
            ("Backlog-API-Key", key.as_str()),
            ("Content-Type", support::FORM),
        ];
        let request = send_raw(
            api.handle.addr(),
            "POST",
            "/api/v2/issues",
            &headers,
            "projectId=1&summary=once",
        );
        let _ = tokio::time::timeout(Duration::from_millis(300), request).await;
        let requests = api.handle.requests();
        assert_eq!(requests.len(), 1, "{fault:?}");
        assert_eq!(requests[0].method, "POST", "{fault:?}");
        assert_eq!(
            requests[0].raw_body, "projectId=1&summary=once",
            "{fault:?}"
        );
    }
}

#[tokio::test]
async fn normal_answers_carry_rate_limit_headers() {
    let api = Api::start().await;
    let addr = api.handle.addr();
    let first = api.get_reply("/space").await;
    let second = api.post("/issues", "").await;
    let unauthorized = send(addr, "GET", "/api/v2/space", &[], "").await;
    let undefined = api.get_reply("/no/such/thing").await;
    assert_eq!(
        [
            first.status,
            second.status,
            unauthorized.status,
            undefined.status
        ],
        [200, 400, 401, 404]
    );
    let now = now_secs();
    let mut last: Option<(u64, u64)> = None;
    for reply in [&first, &second, &unauthorized, &undefined] {
        assert_eq!(
            header_u64(reply, "x-ratelimit-limit"),
            RATE_LIMIT_PER_MINUTE
        );
        let remaining = header_u64(reply, "x-ratelimit-remaining");
        let reset = header_u64(reply, "x-ratelimit-reset");
        assert!(remaining < RATE_LIMIT_PER_MINUTE);
        assert_eq!(reset % 60, 0);
        assert!(reset > now - 5 && reset <= now + 60, "{reset} vs {now}");
        if let Some((last_remaining, last_reset)) = last
            && last_reset == reset
        {
            assert_eq!(remaining, last_remaining - 1);
        }
        last = Some((remaining, reset));
    }
}

#[tokio::test]
async fn remaining_never_goes_below_zero() {
    let api = Api::start().await;
    let limit = usize::try_from(RATE_LIMIT_PER_MINUTE).unwrap();
    // More requests than the limit: the count reaches 0 and stays there, and every
    // request is still answered (unless a minute boundary passes meanwhile).
    let mut seen = Vec::new();
    for _ in 0..limit + 5 {
        let reply = api.get_reply("/priorities").await;
        assert_eq!(reply.status, 200);
        let remaining = header_u64(&reply, "x-ratelimit-remaining");
        seen.push((header_u64(&reply, "x-ratelimit-reset"), remaining));
    }
    if seen.iter().all(|(reset, _)| *reset == seen[0].0) {
        let remaining: Vec<u64> = seen.iter().map(|(_, r)| *r).collect();
        assert_eq!(remaining[0], RATE_LIMIT_PER_MINUTE - 1);
        assert_eq!(remaining[limit - 2..], [1, 0, 0, 0, 0, 0, 0]);
    }
}
