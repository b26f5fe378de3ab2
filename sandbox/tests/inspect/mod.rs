//! Looking into answers beyond what `support` reads: an object's keys in order, and a
//! download's bytes (`support`'s replies are UTF-8 text, an attachment need not be).

#![allow(dead_code)] // each test binary uses a different subset

use serde_json::Value;

use crate::support::{Api, Reply, parse_reply, send_raw};

/// The numeric `id` of each item of a JSON array.
pub fn ids(list: &Value) -> Vec<u64> {
    let items = list.as_array().expect("an array");
    items
        .iter()
        .map(|x| x["id"].as_u64().expect("an id"))
        .collect()
}

/// The `count` that `GET /api/v2{path}` answers.
pub async fn count_at(api: &Api, path: &str) -> u64 {
    api.get(path).await["count"].as_u64().expect("a count")
}

/// The keys of a JSON object, in the order sent.
pub fn keys(object: &Value) -> Vec<&str> {
    object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

pub struct Download {
    /// Status and headers; its `body` is empty.
    pub head: Reply,
    pub body: Vec<u8>,
}

impl Download {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
    }
}

/// `GET /api/v2{target}` with the sandbox's key, the body kept as bytes.
pub async fn download(api: &Api, target: &str) -> Download {
    let key = api.handle.api_key();
    let headers = [("Backlog-API-Key", key.as_str())];
    let target = format!("/api/v2{target}");
    let raw = send_raw(api.handle.addr(), "GET", &target, &headers, "")
        .await
        .expect("read");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end")
        + 4;
    let head = parse_reply(&raw[..end]);
    assert_eq!(head.header("transfer-encoding"), None, "sent whole");
    Download {
        head,
        body: raw[end..].to_vec(),
    }
}
