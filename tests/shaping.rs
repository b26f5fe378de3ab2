//! Reply shaping over real sockets: `fields` (--optimize-response) keeps the
//! selected fields of a read's reply, and MAX_TOKENS cuts a reply too long
//! for an assistant's context, saying what was left out and how to get it.

use backlog_mcp::backlog::SpaceConfig;
use backlog_mcp::http::{self, HttpOptions};
use backlog_mcp::inventory::Inventory;
use backlog_mcp::shape::tokens;
use backlog_mcp_tests::backlog_sandbox::Sandbox;
use backlog_mcp_tests::{
    McpClient, ServerProcess, TestServer, mcp_server, sandboxed, snapshot_settings,
};
use serde_json::{Value, json};

/// The texts of a tools/call result, and its error flag.
async fn call_texts(client: &McpClient, tool: &str, arguments: Value) -> (bool, Vec<String>) {
    let reply = client.call_raw(tool, arguments).await;
    let result = &reply["result"];
    let texts = result["content"]
        .as_array()
        .unwrap_or_else(|| panic!("{tool}: {reply}"))
        .iter()
        .map(|c| c["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    (result["isError"] == true, texts)
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn fields_keep_only_the_selected_fields_of_objects_and_lists() {
    let (_server, client) = sandboxed(&["--optimize-response"], &[]).await;
    let whole = client
        .call("get_issue", json!({"issueKey": "DEMO-1"}))
        .await
        .json();
    let picked = client
        .call(
            "get_issue",
            json!({"issueKey": "DEMO-1", "fields": "{ id issueKey summary status { name } }"}),
        )
        .await
        .json();
    assert_eq!(
        picked,
        json!({
            "id": whole["id"],
            "issueKey": "DEMO-1",
            "summary": whole["summary"],
            "status": {"name": whole["status"]["name"]},
        })
    );
    // The outer braces are optional; each item of a list is shaped, nested objects too.
    let list = client
        .call(
            "get_issues",
            json!({"count": 20, "fields": "issueKey assignee { name } issueType { name }"}),
        )
        .await
        .json();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 20);
    for item in items {
        assert_eq!(keys(item), ["issueKey", "assignee", "issueType"], "{item}");
        assert_eq!(keys(&item["issueType"]), ["name"]);
        // A field that is null stays null.
        assert!(item["assignee"].is_null() || keys(&item["assignee"]) == ["name"]);
    }
    // Selecting is what it is for: the context an assistant pays for.
    let full = client
        .call("get_issues", json!({"count": 20}))
        .await
        .text
        .len();
    let shaped = serde_json::to_string(&list).unwrap().len();
    assert!(shaped * 10 < full, "{shaped} bytes of {full}");
    // An empty selection is none.
    let same = client
        .call("get_issue", json!({"issueKey": "DEMO-1", "fields": " "}))
        .await
        .json();
    assert_eq!(same, whole);
}

#[tokio::test]
async fn fields_are_offered_on_reads_that_return_json_only() {
    let (_server, client) = sandboxed(&["--optimize-response"], &[]).await;
    let tools = client.list_tools().await;
    let tool = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap().clone();
    snapshot_settings()
        .bind(|| insta::assert_json_snapshot!("optimize_response__get_issue", tool("get_issue")));
    for tool in &tools {
        let takes = tool["inputSchema"]["properties"].get("fields").is_some();
        let reads = tool["annotations"]["readOnlyHint"] == true;
        let downloads = tool["inputSchema"]["properties"].get("maxBytes").is_some();
        assert_eq!(takes, reads && !downloads, "{}", tool["name"]);
    }
    // A write does not take fields: its reply's fields are no reason to refuse it.
    let write = client
        .call(
            "add_issue_comment",
            json!({"issueKey": "DEMO-1", "content": "x", "fields": "{ id }"}),
        )
        .await;
    assert!(
        write.is_error && write.text.contains("fields"),
        "{}",
        write.text
    );
    // Without the option no tool takes it.
    let (_server, plain) = sandboxed(&[], &[]).await;
    let plain_tools = plain.list_tools().await;
    assert!(
        plain_tools
            .iter()
            .all(|t| t["inputSchema"]["properties"].get("fields").is_none())
    );
    let refused = plain
        .call(
            "get_issue",
            json!({"issueKey": "DEMO-1", "fields": "{ id }"}),
        )
        .await;
    assert!(refused.is_error, "{}", refused.text);
    // The variable turns it on as the flag does; what it adds to tools/list is measured.
    let (_server, by_env) = sandboxed(&[], &[("OPTIMIZE_RESPONSE", "1")]).await;
    let listed = by_env.list_tools().await;
    assert_eq!(listed, tools);
    let size = |tools: &[Value]| serde_json::to_string(tools).unwrap().len();
    let added = size(&tools) - size(&plain_tools);
    let reads = tools
        .iter()
        .filter(|t| t["inputSchema"]["properties"].get("fields").is_some())
        .count();
    assert!(
        added <= reads * 105,
        "fields add {added} bytes over {reads} tools"
    );
}

#[tokio::test]
async fn a_bad_selection_is_a_clear_error_and_sends_nothing() {
    let sandbox = Sandbox::default().spawn().await.unwrap();
    let inventory = Inventory::builder().fields(true).build().unwrap();
    let mcp = mcp_server(
        inventory,
        SpaceConfig::new(sandbox.api_base_url()),
        &sandbox.api_key(),
    );
    let options = HttpOptions::for_bind(std::net::Ipv4Addr::LOCALHOST.into(), "/mcp", &[], &[]);
    let server = TestServer::serve(sandbox, http::router(mcp, &options)).await;
    let client = server.client().await;
    let malformed = [
        ("{ id summary", "fields:"),
        ("{ summary(x: 1) }", "has arguments"),
        ("{ title: summary }", "renames a field"),
        ("{ ...issue }", "fragments"),
    ];
    for (fields, expected) in malformed {
        let result = client
            .call("get_issue", json!({"issueKey": "DEMO-1", "fields": fields}))
            .await;
        assert!(result.is_error, "{fields}: {}", result.text);
        assert!(result.text.contains(expected), "{fields}: {}", result.text);
        assert!(
            server.take_requests().is_empty(),
            "{fields}: a request was sent"
        );
    }
    let wrong_type = client
        .call("get_issue", json!({"issueKey": "DEMO-1", "fields": ["id"]}))
        .await;
    assert!(wrong_type.is_error && wrong_type.text.contains("fields: expected a selection"));
    assert!(server.take_requests().is_empty());

    // An unknown field shows only against the reply: the error lists what is there.
    let unknown = client
        .call(
            "get_issue",
            json!({"issueKey": "DEMO-1", "fields": "{ id status { nmae } }"}),
        )
        .await;
    assert!(unknown.is_error, "{}", unknown.text);
    assert!(
        unknown.text.contains("nmae") && unknown.text.contains("name"),
        "{}",
        unknown.text
    );
}

#[tokio::test]
async fn a_long_list_keeps_the_items_that_fit_and_says_how_to_get_the_rest() {
    let (_server, client) = sandboxed(&["--optimize-response", "--max-tokens", "3000"], &[]).await;
    let (error, texts) = call_texts(&client, "get_issues", json!({"count": 50})).await;
    assert!(!error);
    assert_eq!(texts.len(), 2, "{texts:?}");
    let kept: Value = serde_json::from_str(&texts[0]).expect("the kept part is JSON");
    let kept = kept.as_array().unwrap().len();
    assert!(kept > 0 && kept < 50, "{kept}");
    let note = &texts[1];
    assert!(
        note.starts_with(&format!("Showing {kept} of 50 items")),
        "{note}"
    );
    assert!(note.contains("MAX_TOKENS=3000"), "{note}");
    assert!(
        note.contains("offset and count") && note.contains("with fields"),
        "{note}"
    );
    assert!(tokens::count(&texts[0]) + tokens::count(note) <= 3000);
    // A short reply passes through untouched, byte for byte.
    let (_server, unlimited) = sandboxed(&["--max-tokens", "0"], &[]).await;
    let space = client.call("get_space", json!({})).await.text;
    assert_eq!(space, unlimited.call("get_space", json!({})).await.text);
    // With no limit the whole list comes back.
    let (_, all) = call_texts(&unlimited, "get_issues", json!({"count": 50})).await;
    assert_eq!(all.len(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(&all[0])
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        50
    );
}

#[tokio::test]
async fn japanese_text_is_counted_in_real_tokens() {
    // 2,000 characters of Japanese: 500 "tokens" by characters / 4, but
    // several times more in a real tokenizer; a limit of 1,500 must cut it.
    let description = "課題の説明文です。担当者は明日までに確認してください。".repeat(80);
    let chars = description.chars().count();
    assert!(chars / 4 < 1500 && tokens::count(&description) > 1500);
    let (_server, client) = sandboxed(&[], &[("MAX_TOKENS", "1500")]).await;
    let added = client
        .call(
            "add_issue",
            json!({"projectId": 1, "summary": "長い説明", "issueTypeId": 1,
                   "priorityId": 3, "description": description}),
        )
        .await;
    // The write's reply is cut too: it is as long as what it wrote.
    assert!(!added.is_error, "{}", added.text);
    let key = serde_json::from_str::<Value>(&added.text).unwrap()["issueKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let (error, texts) = call_texts(&client, "get_issue", json!({"issueKey": key})).await;
    assert!(!error);
    assert_eq!(texts.len(), 2, "{texts:?}");
    let issue: Value = serde_json::from_str(&texts[0]).expect("still one JSON object");
    assert_eq!(issue["issueKey"], key.as_str());
    let shortened = issue["description"].as_str().unwrap();
    assert!(shortened.ends_with(tokens::CUT_MARK), "{shortened}");
    assert!(description.starts_with(shortened.trim_end_matches(tokens::CUT_MARK)));
    assert!(
        texts[1].contains("\"description\" is shortened to")
            && texts[1].contains(&format!("of {chars} characters")),
        "{}",
        texts[1]
    );
    assert!(tokens::count(&texts[0]) + tokens::count(&texts[1]) <= 1500);
}

#[tokio::test]
async fn downloads_are_never_cut_and_bad_limits_do_not_start() {
    let (_server, client) = sandboxed(&["--max-tokens", "20"], &[]).await;
    let text = include_str!("../sandbox/data/demo/files/minutes-2026-01.txt");
    let (error, texts) = call_texts(
        &client,
        "get_issue_attachment",
        json!({"issueKey": "DEMO-2", "attachmentId": 7, "format": "base64"}),
    )
    .await;
    assert!(!error && texts.len() == 1, "{texts:?}");
    let file: Value = serde_json::from_str(&texts[0]).unwrap();
    assert!(file["content"].as_str().unwrap().len() >= text.len());
    for bad in ["--max-tokens=many", "--max-tokens=-1"] {
        let (ok, _, stderr) = ServerProcess::run_to_end(
            &["--sandbox", "--transport", "http", "--http-port", "0", bad],
            &[],
        )
        .await;
        assert!(!ok && stderr.contains("--max-tokens"), "{bad}: {stderr}");
    }
}
