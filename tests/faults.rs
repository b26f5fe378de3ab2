//! Backlog faults over real sockets (sandbox fault injection): writes are
//! sent exactly once whatever happens; reads are retried only on 429, 502,
//! 503, 504 and broken connections, within a budget; timeouts, oversized and
//! malformed replies become clear errors; the server keeps serving.

use std::time::{Duration, Instant};

use backlog_mcp_tests::TestServer;
use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, Fault, FaultRule};
use serde_json::json;

fn add_issue_args() -> serde_json::Value {
    json!({"projectId": 1, "summary": "Under fault", "issueTypeId": 1, "priorityId": 3})
}

fn status(status: u16, code: i64, message: &str) -> Fault {
    Fault::Status {
        status,
        code,
        message: message.to_owned(),
    }
}

/// After a fault, the server must still answer a plain call.
async fn still_serves(server: &TestServer) {
    server.sandbox.clear_faults();
    let client = server.client().await;
    let myself = client.call("get_myself", json!({})).await.json();
    assert_eq!(myself["id"], 1);
}

#[tokio::test]
async fn writes_are_sent_exactly_once_under_every_fault() {
    let server = TestServer::start_configured(DEFAULT_API_KEY, |config| {
        config.request_timeout = Duration::from_secs(1);
    })
    .await;
    let faults = [
        (status(503, 1, "Service unavailable."), "HTTP 503"),
        (status(500, 1, "Internal error."), "HTTP 500"),
        (
            Fault::RateLimited {
                reset_in_secs: 1,
                retry_after_secs: Some(1),
            },
            "retry in 1 s",
        ),
        (Fault::Reset, "could not be reached"),
        (Fault::Html { status: 502 }, "HTML page"),
        (Fault::Empty { status: 504 }, "empty body"),
        (Fault::InvalidJson, "not JSON"),
        (Fault::Hang, "did not answer within 1 s"),
    ];
    let client = server.client().await;
    for (fault, expected) in faults {
        server.sandbox.clear_faults();
        server.sandbox.add_fault(FaultRule::new(
            Some("POST"),
            "/api/v2/issues",
            fault.clone(),
        ));
        server.take_requests();
        let result = client.call("add_issue", add_issue_args()).await;
        assert!(result.is_error, "{fault:?}: {}", result.text);
        assert!(result.text.contains(expected), "{fault:?}: {}", result.text);
        let requests = server.take_requests();
        assert_eq!(
            requests.len(),
            1,
            "{fault:?}: a write is never retried: {requests:#?}"
        );
        // Nor does a PATCH get a second try.
        server.sandbox.clear_faults();
        server.sandbox.add_fault(FaultRule::new(
            Some("PATCH"),
            "/api/v2/issues/",
            fault.clone(),
        ));
        let result = client
            .call(
                "update_issue",
                json!({"issueKey": "DEMO-2", "summary": "x"}),
            )
            .await;
        assert!(result.is_error, "{fault:?}: {}", result.text);
        assert_eq!(
            server.take_requests().len(),
            1,
            "{fault:?}: PATCH sent once"
        );
    }
    still_serves(&server).await;
}

#[tokio::test]
async fn reads_are_retried_on_5xx_and_broken_connections() {
    let server = TestServer::start().await;
    let client = server.client().await;
    for fault in [
        status(503, 1, "Maintenance."),
        Fault::Html { status: 502 },
        Fault::Reset,
        Fault::Empty { status: 504 },
    ] {
        server.sandbox.clear_faults();
        server.sandbox.add_fault(
            FaultRule::new(Some("GET"), "/api/v2/issues/DEMO-1", fault.clone()).times(2),
        );
        server.take_requests();
        let started = Instant::now();
        let issue = client
            .call("get_issue", json!({"issueKey": "DEMO-1"}))
            .await
            .json();
        assert_eq!(issue["issueKey"], "DEMO-1", "{fault:?}");
        assert_eq!(
            server.take_requests().len(),
            3,
            "{fault:?}: two failures, then success"
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{fault:?}: {:?}",
            started.elapsed()
        );
    }
    // A fault that lasts: three tries, then Backlog's status in the error.
    server.sandbox.clear_faults();
    server.sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/issues/DEMO-1",
        status(503, 1, "Maintenance."),
    ));
    let result = client
        .call("get_issue", json!({"issueKey": "DEMO-1"}))
        .await;
    assert!(
        result.is_error && result.text.contains("HTTP 503") && result.text.contains("Maintenance."),
        "{}",
        result.text
    );
    assert_eq!(server.take_requests().len(), 3);
    still_serves(&server).await;
}

#[tokio::test]
async fn reads_are_not_retried_on_client_errors_or_bad_json() {
    let server = TestServer::start().await;
    let client = server.client().await;
    for (fault, expected) in [
        (status(400, 7, "Invalid value."), "HTTP 400"),
        (status(403, 5, "No permission."), "HTTP 403"),
        (status(500, 1, "Internal error."), "HTTP 500"),
        (Fault::InvalidJson, "HTTP 200 with a body that is not JSON"),
    ] {
        server.sandbox.clear_faults();
        server.sandbox.add_fault(FaultRule::new(
            Some("GET"),
            "/api/v2/projects",
            fault.clone(),
        ));
        server.take_requests();
        let result = client.call("get_project_list", json!({})).await;
        assert!(
            result.is_error && result.text.contains(expected),
            "{fault:?}: {}",
            result.text
        );
        assert!(
            !result.text.contains("line 1 column"),
            "no parser trace: {}",
            result.text
        );
        assert_eq!(server.take_requests().len(), 1, "{fault:?}");
    }
    still_serves(&server).await;
}

#[tokio::test]
async fn rate_limits_are_waited_for_within_the_budget_and_reported_past_it() {
    let server = TestServer::start().await;
    let client = server.client().await;
    // Retry-After 1 s: waited for, then served.
    server.sandbox.add_fault(
        FaultRule::new(
            Some("GET"),
            "/api/v2/users/myself",
            Fault::RateLimited {
                reset_in_secs: 1,
                retry_after_secs: Some(1),
            },
        )
        .times(1),
    );
    let started = Instant::now();
    let myself = client.call("get_myself", json!({})).await.json();
    assert_eq!(myself["id"], 1);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited for Retry-After: {:?}",
        started.elapsed()
    );
    assert_eq!(server.take_requests().len(), 2);

    // Reset in 60 s is past the 10 s budget: one request, and the error says when to retry.
    server.sandbox.clear_faults();
    server.sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/users/myself",
        Fault::RateLimited {
            reset_in_secs: 60,
            retry_after_secs: None,
        },
    ));
    let started = Instant::now();
    let result = client.call("get_myself", json!({})).await;
    assert!(result.is_error, "{}", result.text);
    assert!(
        result.text.contains("HTTP 429") && result.text.contains("code 13"),
        "{}",
        result.text
    );
    let secs: u64 = result
        .text
        .split("retry in ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", result.text));
    assert!((58..=60).contains(&secs), "{}", result.text);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.take_requests().len(), 1);
    still_serves(&server).await;
}

#[tokio::test]
async fn a_hung_backlog_times_out_while_other_calls_are_served() {
    let server = TestServer::start_configured(DEFAULT_API_KEY, |config| {
        config.request_timeout = Duration::from_secs(2);
    })
    .await;
    server.sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/issues/DEMO-3",
        Fault::Hang,
    ));
    let hung_client = server.client().await;
    let hung = tokio::spawn(async move {
        let started = Instant::now();
        let result = hung_client
            .call("get_issue", json!({"issueKey": "DEMO-3"}))
            .await;
        (result, started.elapsed())
    });
    // Meanwhile, other calls go through at once.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = server.client().await;
    let started = Instant::now();
    client
        .call("get_issue", json!({"issueKey": "DEMO-4"}))
        .await
        .json();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let (result, elapsed) = hung.await.unwrap();
    assert!(
        result.is_error && result.text.contains("did not answer within 2 s"),
        "{}",
        result.text
    );
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(4),
        "{elapsed:?}"
    );
    let hung_requests = server
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("DEMO-3"))
        .count();
    assert_eq!(hung_requests, 1, "a timeout is not retried");
    still_serves(&server).await;
}

#[tokio::test]
async fn oversized_replies_are_refused_with_advice() {
    let server = TestServer::start_configured(DEFAULT_API_KEY, |config| {
        config.max_response_bytes = 1024 * 1024;
    })
    .await;
    server.sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/issues",
        Fault::HugeBody {
            bytes: 20 * 1024 * 1024,
        },
    ));
    let client = server.client().await;
    let result = client.call("get_issues", json!({"count": 100})).await;
    assert!(
        result.is_error,
        "{}",
        &result.text[..result.text.len().min(200)]
    );
    assert!(
        result.text.contains("larger than 1048576 bytes") && result.text.contains("offset"),
        "{}",
        result.text
    );
    assert_eq!(server.take_requests().len(), 1);
    still_serves(&server).await;
}

#[tokio::test]
async fn past_the_queue_calls_fail_fast_as_busy() {
    let server = TestServer::start_configured(DEFAULT_API_KEY, |config| {
        config.max_concurrency = 1;
        config.max_queue = 1;
    })
    .await;
    server.sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/space",
        Fault::Delay(Duration::from_millis(800)),
    ));
    let mut slow = Vec::new();
    for _ in 0..2 {
        let client = server.client().await;
        slow.push(tokio::spawn(async move {
            client.call("get_space", json!({})).await
        }));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // One running, one waiting: the third is refused at once, with no Backlog request.
    let client = server.client().await;
    let before = server.sandbox.requests().len();
    let started = Instant::now();
    let result = client.call("get_users", json!({})).await;
    assert!(
        result.is_error && result.text.contains("busy"),
        "{}",
        result.text
    );
    // The slow calls hold Backlog for 800 ms: a queued call would wait at least that.
    assert!(started.elapsed() < Duration::from_millis(700));
    assert_eq!(server.sandbox.requests().len(), before);
    for call in slow {
        let space = call.await.unwrap().json();
        assert_eq!(space["spaceKey"], "demo", "queued calls complete");
    }
    still_serves(&server).await;
}
