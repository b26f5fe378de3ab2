//! A deliberately tiny HTTP/1.1 client over a raw socket: the tests see exactly the bytes
//! a client sends, and need no HTTP client dependency.

#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;

use backlog_sandbox::{DEFAULT_API_KEY, Sandbox, SandboxHandle, SpaceSeed};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const FORM: &str = "application/x-www-form-urlencoded";

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossily, for a binary download).
    pub body: String,
    /// The body's bytes.
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Asserts a 200 download of `bytes` typed `content_type`, sent whole (with its
    /// length, not chunked); returns its `Content-Disposition`.
    pub fn download(&self, bytes: &[u8], content_type: &str) -> &str {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.bytes, bytes);
        assert_eq!(self.header("content-type"), Some(content_type));
        let length = bytes.len().to_string();
        assert_eq!(self.header("content-length"), Some(length.as_str()));
        self.header("content-disposition")
            .expect("Content-Disposition")
    }

    /// Asserts a Backlog error body and returns its first message.
    pub fn error(&self, status: u16, code: u64) -> String {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.header("content-type")
                .unwrap_or("")
                .starts_with("application/json")
        );
        let body = self.json();
        let error = &body["errors"][0];
        assert_eq!(error["code"], code, "{body}");
        assert_eq!(error["moreInfo"], "", "{body}");
        error["message"].as_str().expect("message").to_owned()
    }
}

/// The `id` of each element of a JSON list.
pub fn ids(list: &Value) -> Vec<u64> {
    field(list, "id", |v| v.as_u64())
}

/// The `name` of each element of a JSON list.
pub fn names(list: &Value) -> Vec<&str> {
    field(list, "name", Value::as_str)
}

/// The `number` of each element of a JSON list (pull requests).
pub fn numbers(list: &Value) -> Vec<u64> {
    field(list, "number", |v| v.as_u64())
}

fn field<'a, T>(list: &'a Value, name: &str, read: impl Fn(&'a Value) -> Option<T>) -> Vec<T> {
    let items = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"));
    let read = |item: &'a Value| read(&item[name]).unwrap_or_else(|| panic!("{name} of {item}"));
    items.iter().map(read).collect()
}

/// The keys of a JSON object, in order.
pub fn keys(object: &Value) -> Vec<&str> {
    object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// Sends one request; `target` is the path plus query, sent verbatim.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let raw = send_raw(addr, method, target, headers, body)
        .await
        .expect("read");
    parse_reply(&raw)
}

/// Sends one request and returns every byte received until the server closes the
/// connection (or the read error that ended it), without interpreting them.
pub async fn send_raw(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Vec<u8>> {
    let mut stream = open(addr, method, target, headers, body).await;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    Ok(raw)
}

/// Connects and writes one request, leaving the reply unread.
pub async fn open(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> TcpStream {
    open_bytes(addr, method, target, headers, body.as_bytes()).await
}

/// [`open`] with a body that need not be text, e.g. a multipart upload.
pub async fn open_bytes(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await.expect("write");
    stream
}

pub fn parse_reply(raw: &[u8]) -> Reply {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let end = end.expect("header end");
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let body = &raw[end + 4..];
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let bytes = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = std::str::from_utf8(&rest[..line]).expect("ASCII size");
        let size = usize::from_str_radix(size.trim(), 16).expect("hex size");
        if size == 0 {
            return body;
        }
        let after = &rest[line + 2..];
        body.extend_from_slice(&after[..size]);
        rest = &after[size + 2..];
    }
}

/// A spawned sandbox plus a client presenting its key in the header.
pub struct Api {
    pub handle: SandboxHandle,
}

impl Api {
    /// A sandbox of the demo space.
    pub async fn start() -> Self {
        Self::spawn(Sandbox::new(DEFAULT_API_KEY)).await
    }

    /// A sandbox of `space`.
    pub async fn start_space(space: SpaceSeed) -> Self {
        Self::spawn(Sandbox::with_space(DEFAULT_API_KEY, space)).await
    }

    /// `sandbox`, spawned.
    pub async fn spawn(sandbox: Sandbox) -> Self {
        let handle = sandbox.spawn().await.expect("spawn sandbox");
        Self { handle }
    }

    pub async fn request(&self, method: &str, target: &str, body: &str) -> Reply {
        let key = self.handle.api_key();
        let mut headers = vec![("Backlog-API-Key", key.as_str())];
        if method != "GET" {
            headers.push(("Content-Type", FORM));
        }
        send(self.handle.addr(), method, target, &headers, body).await
    }

    /// `GET /api/v2{target}`, expecting 200, returning the JSON.
    pub async fn get(&self, target: &str) -> Value {
        let reply = self.request("GET", &format!("/api/v2{target}"), "").await;
        assert_eq!(reply.status, 200, "GET {target}: {}", reply.body);
        reply.json()
    }

    pub async fn get_reply(&self, target: &str) -> Reply {
        self.request("GET", &format!("/api/v2{target}"), "").await
    }

    pub async fn post(&self, path: &str, form: &str) -> Reply {
        self.request("POST", &format!("/api/v2{path}"), form).await
    }

    pub async fn patch(&self, path: &str, form: &str) -> Reply {
        self.request("PATCH", &format!("/api/v2{path}"), form).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.request("DELETE", &format!("/api/v2{path}"), "").await
    }

    /// `POST /api/v2/space/attachment` of one part named `file`, as multipart/form-data.
    pub async fn upload(&self, file_name: &str, content_type: &str, content: &[u8]) -> Reply {
        let part = format!(
            "Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        );
        self.upload_body(&multipart(&[(part.as_str(), content)]))
            .await
    }

    /// `POST /api/v2/space/attachment` with `body` as the multipart/form-data body.
    pub async fn upload_body(&self, body: &[u8]) -> Reply {
        let key = self.handle.api_key();
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let headers = [
            ("Backlog-API-Key", key.as_str()),
            ("Content-Type", content_type.as_str()),
        ];
        let target = "/api/v2/space/attachment";
        let mut stream = open_bytes(self.handle.addr(), "POST", target, &headers, body).await;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        parse_reply(&raw)
    }

    /// The `count` that `GET /api/v2{path}` answers.
    pub async fn count_at(&self, path: &str) -> u64 {
        self.get(path).await["count"].as_u64().expect("a count")
    }

    /// `GET /issues/count` with `query`.
    pub async fn count(&self, query: &str) -> u64 {
        self.count_at(&format!("/issues/count?{query}")).await
    }

    /// The ids `GET /issues` returns for `query`.
    pub async fn issue_ids(&self, query: &str) -> Vec<u64> {
        ids(&self.get(&format!("/issues?{query}")).await)
    }
}

/// The boundary of [`multipart`] bodies.
pub const BOUNDARY: &str = "sandbox-test-boundary";

/// A multipart/form-data body of `parts`, each its headers (ending in a blank line) and
/// its content.
pub fn multipart(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (headers, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{headers}").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}
