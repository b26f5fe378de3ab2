//! The API key never reaches a log line or a tool result: a distinctive key,
//! every log level of every crate captured, the whole fault set run through
//! reads and writes, and a wrong key too.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backlog_mcp_tests::TestServer;
use backlog_mcp_tests::backlog_sandbox::{Fault, FaultRule};
use serde_json::json;

const KEY: &str = "zq7SECRETkeyVx93LpT0pSecretKey4815162342";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_appears_in_no_log_line_and_no_tool_result() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let server = TestServer::start_configured(KEY, |config| {
        config.request_timeout = Duration::from_secs(1);
    })
    .await;
    let client = server.client().await;
    let mut texts = Vec::new();
    let faults = [
        None,
        Some(Fault::Status {
            status: 503,
            code: 1,
            message: "Maintenance.".into(),
        }),
        Some(Fault::Status {
            status: 404,
            code: 6,
            message: "No issue.".into(),
        }),
        Some(Fault::RateLimited {
            reset_in_secs: 30,
            retry_after_secs: None,
        }),
        Some(Fault::Reset),
        Some(Fault::Hang),
        Some(Fault::InvalidJson),
        Some(Fault::Html { status: 502 }),
        Some(Fault::Empty { status: 500 }),
        Some(Fault::HugeBody {
            bytes: 6 * 1024 * 1024,
        }),
    ];
    for fault in faults {
        server.sandbox.clear_faults();
        if let Some(fault) = fault {
            server
                .sandbox
                .add_fault(FaultRule::new(None, "/api/v2/", fault));
        }
        for (tool, arguments) in [
            ("get_issue", json!({"issueKey": "DEMO-1"})),
            (
                "add_issue",
                json!({"projectId": 1, "summary": "s", "issueTypeId": 1, "priorityId": 3}),
            ),
            ("get_issue", json!({"issueKey": "../users/myself"})),
        ] {
            texts.push(client.call(tool, arguments).await.text);
        }
    }
    server.sandbox.clear_faults();

    // A wrong key that looks like the right one.
    let wrong = format!("{KEY}-wrong");
    let other = TestServer::start_full(KEY, Some(&wrong), |_| {}).await;
    texts.push(
        other
            .client()
            .await
            .call("get_myself", json!({}))
            .await
            .text,
    );

    // The key did travel (so the test looks at real traffic)...
    assert!(
        server
            .sandbox
            .requests()
            .iter()
            .any(|r| r.api_key.as_deref() == Some(KEY))
    );
    // ...and appears nowhere a user or operator reads.
    for text in &texts {
        assert!(!text.contains(KEY), "a tool result carries the key: {text}");
    }
    let log = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(log.contains("tool call"), "the log was captured");
    assert!(
        log.lines().count() > 50,
        "trace-level logging of all crates was captured"
    );
    for line in log.lines() {
        assert!(
            !line.contains(KEY) && !line.contains("zq7SECRET"),
            "a log line carries the key: {line}"
        );
    }
}
