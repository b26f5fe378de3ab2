//! Programmable faults: per-endpoint rules that make the sandbox misbehave the way Backlog
//! or a proxy in front of it can (error statuses, 429s, slow or hung answers, dropped
//! connections, bodies that are not JSON or far too large), plus the rate-limit headers
//! every normal answer carries (backlog-api.md §1.6, §1.7).
//!
//! The intake middleware records a request, then asks [`Faults::take`] for a rule; a
//! matching fault answers before authentication (a proxy does not look at keys), except
//! [`Fault::Delay`], which waits and then lets the request through the normal path.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `X-RateLimit-Limit` on every normal answer: requests per minute. Not enforced.
pub const RATE_LIMIT_PER_MINUTE: u64 = 600;

/// How long [`Fault::Hang`] holds a request before dropping the connection. Far beyond any
/// client timeout; the hung task ends earlier when the runtime serving the sandbox stops.
const HANG_FOR: Duration = Duration::from_secs(3600);

/// Size of each chunk of a [`Fault::HugeBody`].
const HUGE_CHUNK_BYTES: usize = 64 * 1024;

/// What a matching request gets instead of (or before) the normal answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `status` with Backlog's error body `{"errors":[{"message","code","moreInfo":""}]}`.
    Status {
        status: u16,
        code: i64,
        message: String,
    },
    /// 429 + code 13 "Too many requests." with headers `X-RateLimit-Limit`,
    /// `X-RateLimit-Remaining: 0`, `X-RateLimit-Reset` (epoch seconds = now +
    /// `reset_in_secs`), and `Retry-After` (seconds) when given.
    RateLimited {
        reset_in_secs: u64,
        retry_after_secs: Option<u64>,
    },
    /// Wait, then answer normally (the request is then handled by the real route,
    /// authentication included).
    Delay(Duration),
    /// Never answer: the connection stays open, nothing is sent, until the client gives
    /// up or the runtime serving the sandbox stops (after an hour the connection is dropped
    /// as by [`Fault::Reset`]). Other requests are unaffected.
    Hang,
    /// Close the connection without sending a single byte of response.
    Reset,
    /// 200 with `Content-Type: application/json` and a body that is not JSON.
    InvalidJson,
    /// `status` with an HTML page (`Content-Type: text/html`), as a proxy in front of
    /// Backlog would send.
    Html { status: u16 },
    /// `status` with an empty body (`Content-Length: 0`).
    Empty { status: u16 },
    /// 200 with `Content-Type: application/json` and a valid JSON array of objects of
    /// exactly `bytes` bytes (at least 2: `[]`), sent with chunked transfer encoding (no
    /// `Content-Length`) in 64 KiB chunks generated as they are sent.
    HugeBody { bytes: usize },
}

/// Which requests a [`Fault`] applies to, and how many times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// HTTP method to match (`"GET"`, `"POST"`, …, compared case-insensitively); `None`
    /// matches any.
    pub method: Option<String>,
    /// Matches when the request's raw path (e.g. `/api/v2/issues/DEMO-1`, still
    /// percent-encoded, without the query) starts with this.
    pub path_prefix: String,
    /// Apply to the next `times` matching requests only, then the rule is spent;
    /// `None` = every time.
    pub times: Option<usize>,
    /// What a matching request gets.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule applying every time (`times = None`).
    pub fn new(method: Option<&str>, path_prefix: &str, fault: Fault) -> Self {
        Self {
            method: method.map(str::to_owned),
            path_prefix: path_prefix.to_owned(),
            times: None,
            fault,
        }
    }

    /// Applies to the next `n` matching requests only.
    pub fn times(self, n: usize) -> Self {
        Self {
            times: Some(n),
            ..self
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.times != Some(0)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }
}

impl Fault {
    /// Panics on a status that cannot be a final HTTP answer, so a bad rule fails the
    /// test that adds it rather than a later request.
    pub(crate) fn validate(&self) {
        let status = match self {
            Fault::Status { status, .. } | Fault::Html { status } | Fault::Empty { status } => {
                *status
            }
            _ => return,
        };
        assert!(
            (200..=999).contains(&status),
            "fault status {status} is not a final HTTP status (200..=999)"
        );
    }
}

/// The live rules, in the order added.
#[derive(Default)]
pub(crate) struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    pub fn add(&mut self, rule: FaultRule) {
        rule.fault.validate();
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault of the first live rule matching the request, spending one use of it.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let index = self.rules.iter().position(|r| r.matches(method, path))?;
        let rule = &mut self.rules[index];
        let fault = rule.fault.clone();
        if let Some(left) = &mut rule.times {
            *left -= 1;
            if *left == 0 {
                self.rules.remove(index);
            }
        }
        Some(fault)
    }
}

/// The per-minute window behind the `X-RateLimit-*` headers of normal answers.
#[derive(Default)]
pub(crate) struct RateWindow {
    minute: u64,
    used: u64,
}

impl RateWindow {
    /// Counts one request and returns its `X-RateLimit-*` headers: the remaining count
    /// goes down within a wall-clock minute (never below 0, never enforced) and resets at
    /// the next minute boundary, which is what `X-RateLimit-Reset` names.
    pub fn count(&mut self) -> HeaderMap {
        let minute = epoch_secs() / 60;
        if minute != self.minute {
            self.minute = minute;
            self.used = 0;
        }
        self.used = self.used.saturating_add(1);
        let (remaining, reset) = self.current();
        rate_limit_headers(remaining, reset)
    }

    /// `(remaining, reset)` as the last counted request left them: what its headers say.
    pub fn current(&self) -> (u64, u64) {
        let remaining = RATE_LIMIT_PER_MINUTE.saturating_sub(self.used);
        (remaining, (self.minute + 1) * 60)
    }
}

fn rate_limit_headers(remaining: u64, reset: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("x-ratelimit-limit", RATE_LIMIT_PER_MINUTE.into());
    headers.insert("x-ratelimit-remaining", remaining.into());
    headers.insert("x-ratelimit-reset", reset.into());
    headers
}

fn epoch_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The answer to a request hit by `fault` (anything but [`Fault::Delay`], which the
/// caller handles by waiting and carrying on).
pub(crate) async fn respond(fault: Fault) -> Response {
    match fault {
        Fault::Status {
            status,
            code,
            message,
        } => {
            let body = json!({
                "errors": [{ "message": message, "code": code, "moreInfo": "" }]
            });
            (status_code(status), Json(body)).into_response()
        }
        Fault::RateLimited {
            reset_in_secs,
            retry_after_secs,
        } => {
            let body = json!({
                "errors": [{ "message": "Too many requests.", "code": 13, "moreInfo": "" }]
            });
            let reset = epoch_secs().saturating_add(reset_in_secs);
            let mut headers = rate_limit_headers(0, reset);
            if let Some(secs) = retry_after_secs {
                headers.insert(header::RETRY_AFTER, secs.into());
            }
            (StatusCode::TOO_MANY_REQUESTS, headers, Json(body)).into_response()
        }
        Fault::Delay(_) => unreachable!("a delay answers normally"),
        Fault::Hang => {
            tokio::time::sleep(HANG_FOR).await;
            reset()
        }
        Fault::Reset => reset(),
        Fault::InvalidJson => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"[{"id":1,"summary":"This body was cut off"#,
        )
            .into_response(),
        Fault::Html { status } => {
            let status = status_code(status);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            let page = format!(
                "<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n\
                 <body>\n<center><h1>{title}</h1></center>\n<hr><center>nginx</center>\n\
                 </body>\n</html>\n"
            );
            (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response()
        }
        Fault::Empty { status } => (
            status_code(status),
            [(header::CONTENT_LENGTH, HeaderValue::from_static("0"))],
        )
            .into_response(),
        Fault::HugeBody { bytes } => {
            let chunks = futures::stream::iter(HugeArray::new(bytes).map(Ok::<_, Infallible>));
            (
                [(header::CONTENT_TYPE, "application/json")],
                Body::from_stream(chunks),
            )
                .into_response()
        }
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A response whose body fails before its first byte: hyper then abandons the
/// connection without flushing the already-encoded head, so the client reads EOF where a
/// response should be (reqwest/hyper: "connection closed before message completed").
fn reset() -> Response {
    let error = io::Error::new(io::ErrorKind::ConnectionReset, "sandbox fault: reset");
    Body::from_stream(futures::stream::iter([Err::<String, _>(error)])).into_response()
}

/// The chunks of a JSON array of exactly `total` bytes (at least `[]`), made on demand:
/// `[{"id":1,"summary":"Huge body item 1","description":"xxx…"},…]`, about 1 KiB per
/// object, the last object's padding absorbing the remainder.
struct HugeArray {
    /// Bytes still to produce between the brackets.
    remaining: usize,
    next_id: u64,
    opened: bool,
    done: bool,
    /// `x`s to slice the padding from.
    pad: String,
}

/// The padding of every object but the last.
const HUGE_PAD: usize = 960;

impl HugeArray {
    fn new(total: usize) -> Self {
        Self {
            remaining: total.max(2) - 2,
            next_id: 1,
            opened: false,
            done: false,
            pad: "x".repeat(4 * HUGE_PAD),
        }
    }

    /// The length of the object with `id` and `pad` bytes of padding.
    fn object_len(id: u64, pad: usize) -> usize {
        const FIXED: usize = r#"{"id":,"summary":"Huge body item ","description":""}"#.len();
        FIXED + 2 * digits(id) + pad
    }

    fn push_object(&self, chunk: &mut String, id: u64, pad: usize) {
        let _ = write!(
            chunk,
            r#"{{"id":{id},"summary":"Huge body item {id}","description":"{}"}}"#,
            &self.pad[..pad]
        );
    }
}

fn digits(mut n: u64) -> usize {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

impl Iterator for HugeArray {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.done {
            return None;
        }
        let mut chunk = String::with_capacity(HUGE_CHUNK_BYTES + self.pad.len() + 64);
        if !self.opened {
            chunk.push('[');
            self.opened = true;
        }
        while chunk.len() < HUGE_CHUNK_BYTES && self.remaining > 0 {
            let id = self.next_id;
            let separator = usize::from(id > 1);
            let full = separator + Self::object_len(id, HUGE_PAD);
            let smallest_next = 1 + Self::object_len(id + 1, 0);
            if self.remaining >= full + smallest_next {
                if separator == 1 {
                    chunk.push(',');
                }
                self.push_object(&mut chunk, id, HUGE_PAD);
                self.remaining -= full;
                self.next_id += 1;
            } else if self.remaining >= separator + Self::object_len(id, 0) {
                // The last object: its padding takes up whatever is left.
                let pad = self.remaining - separator - Self::object_len(id, 0);
                if separator == 1 {
                    chunk.push(',');
                }
                self.push_object(&mut chunk, id, pad);
                self.remaining = 0;
            } else {
                // Too little room for even one object: whitespace is still valid JSON.
                chunk.extend(std::iter::repeat_n(' ', self.remaining));
                self.remaining = 0;
            }
        }
        if self.remaining == 0 {
            chunk.push(']');
            self.done = true;
        }
        Some(chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_array_is_valid_json_of_exactly_the_size_asked() {
        let sizes = [0, 1, 2, 3, 40, 56, 57, 58, 1000, 1023, 1024, 1025, 2100];
        let more = (0..40).map(|i| 60_000 + i * 997);
        for size in sizes.into_iter().chain(more).chain([300_001]) {
            let chunks: Vec<String> = HugeArray::new(size).collect();
            assert!(chunks.iter().all(|c| c.len() <= HUGE_CHUNK_BYTES + 4096));
            let body = chunks.concat();
            assert_eq!(body.len(), size.max(2), "size {size}");
            let value: serde_json::Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("size {size}: {e}"));
            let items = value.as_array().unwrap();
            assert!(items.iter().all(serde_json::Value::is_object));
            if size >= 2100 {
                assert!(items.len() >= 2, "size {size}");
            }
        }
    }

    #[test]
    fn rules_match_method_and_prefix_and_are_spent() {
        let mut faults = Faults::default();
        faults.add(FaultRule::new(Some("post"), "/api/v2/issues", Fault::Reset).times(2));
        faults.add(FaultRule::new(None, "/api/v2/issues", Fault::Hang).times(0));
        faults.add(FaultRule::new(None, "/api/v2/", Fault::InvalidJson));
        assert_eq!(faults.take("POST", "/api/v2/issues"), Some(Fault::Reset));
        assert_eq!(
            faults.take("GET", "/api/v2/issues"),
            Some(Fault::InvalidJson)
        );
        assert_eq!(faults.take("POST", "/api/v2/issues/1"), Some(Fault::Reset));
        assert_eq!(
            faults.take("POST", "/api/v2/issues"),
            Some(Fault::InvalidJson)
        );
        assert_eq!(faults.take("POST", "/api/v1/issues"), None);
        faults.clear();
        assert_eq!(faults.take("GET", "/api/v2/space"), None);
    }

    #[test]
    #[should_panic(expected = "not a final HTTP status")]
    fn informational_or_impossible_statuses_are_refused() {
        Faults::default().add(FaultRule::new(None, "/", Fault::Empty { status: 101 }));
    }
}
