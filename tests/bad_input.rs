//! Bad input gets a clear error naming the field, and changes nothing: no
//! Backlog request is made. Backlog's own errors (404, 401) come back as
//! tool errors carrying Backlog's message, code and status.

use backlog_mcp_tests::TestServer;
use serde_json::json;

/// Calls a tool that must fail before reaching Backlog; returns the error text.
async fn refused(server: &TestServer, tool: &str, arguments: serde_json::Value) -> String {
    let client = server.client().await;
    server.take_requests();
    let result = client.call(tool, arguments.clone()).await;
    assert!(
        result.is_error,
        "{tool} {arguments} should fail, got {}",
        result.text
    );
    let requests = server.take_requests();
    assert!(
        requests.is_empty(),
        "{tool} {arguments}: no Backlog request expected, got {requests:#?}"
    );
    result.text
}

#[tokio::test]
async fn missing_required_parameter() {
    let server = TestServer::start().await;
    let text = refused(
        &server,
        "add_issue",
        json!({"projectId": 1, "issueTypeId": 1, "priorityId": 3}),
    )
    .await;
    assert!(text.contains("summary"), "{text}");
}

#[tokio::test]
async fn wrong_type() {
    let server = TestServer::start().await;
    let text = refused(&server, "get_user_stars_count", json!({"userId": "abc"})).await;
    assert!(
        text.contains("userId") && text.contains("invalid type"),
        "{text}"
    );
    let text = refused(&server, "get_issues", json!({"statusId": [1, "open"]})).await;
    assert!(text.contains("statusId[1]"), "{text}");
}

#[tokio::test]
async fn unknown_parameter() {
    let server = TestServer::start().await;
    let text = refused(
        &server,
        "get_issue",
        json!({"issueKey": "DEMO-1", "issue_key": "DEMO-2"}),
    )
    .await;
    assert!(text.contains("unknown field `issue_key`"), "{text}");
}

#[tokio::test]
async fn out_of_range_and_bad_formats() {
    let server = TestServer::start().await;
    let text = refused(&server, "get_issues", json!({"count": 101})).await;
    assert!(
        text.contains("count") && text.contains("between 1 and 100"),
        "{text}"
    );
    let text = refused(&server, "add_issue", json!({"projectId": 1, "summary": "s", "issueTypeId": 1, "priorityId": 3, "dueDate": "24/12/2026"})).await;
    assert!(
        text.contains("dueDate") && text.contains("yyyy-MM-dd"),
        "{text}"
    );
    let text = refused(&server, "get_space_activities", json!({"order": "newest"})).await;
    assert!(text.contains("order") && text.contains("asc"), "{text}");
    let text = refused(&server, "add_project", json!({"name": "x", "key": "lower"})).await;
    assert!(
        text.contains("key") && text.contains("project key"),
        "{text}"
    );
    let text = refused(
        &server,
        "get_issues",
        json!({"customFields": [{"type": "numeric", "id": 1}]}),
    )
    .await;
    assert!(
        text.contains("customFields") && text.contains("min or max"),
        "{text}"
    );
}

#[tokio::test]
async fn neither_id_nor_key() {
    let server = TestServer::start().await;
    let text = refused(&server, "get_issue", json!({})).await;
    assert!(text.contains("issueId or issueKey is required"), "{text}");
    // A non-positive id does not count as given.
    let text = refused(
        &server,
        "update_issue",
        json!({"issueId": 0, "summary": "x"}),
    )
    .await;
    assert!(text.contains("issueId or issueKey is required"), "{text}");
    let text = refused(&server, "get_project", json!({"projectId": -3})).await;
    assert!(
        text.contains("projectId or projectKey is required"),
        "{text}"
    );
    // An empty key is not a key.
    let text = refused(&server, "get_project", json!({"projectKey": ""})).await;
    assert!(text.contains("projectKey"), "{text}");
}

#[tokio::test]
async fn path_traversal_and_query_injection_in_a_key() {
    let server = TestServer::start().await;
    for key in [
        "../users/myself",
        "DEMO-1?count=100#x",
        "DEMO-1/../../projects",
        "%2e%2e",
    ] {
        let text = refused(&server, "get_issue", json!({"issueKey": key})).await;
        assert!(
            text.contains("issueKey") && text.contains("issue key"),
            "{key}: {text}"
        );
    }
    let text = refused(
        &server,
        "update_project",
        json!({"projectKey": "../space", "name": "x"}),
    )
    .await;
    assert!(text.contains("projectKey"), "{text}");
}

#[tokio::test]
async fn unknown_tool_is_a_protocol_error() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let reply = client.call_raw("delete_everything", json!({})).await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("delete_everything"),
        "{reply}"
    );
    assert!(server.take_requests().is_empty());
}

#[tokio::test]
async fn backlog_404_carries_message_code_and_status() {
    let server = TestServer::start().await;
    let client = server.client().await;
    server.take_requests();
    let result = client
        .call("get_issue", json!({"issueKey": "DEMO-99999"}))
        .await;
    assert!(result.is_error);
    assert!(
        result.text.contains("HTTP 404")
            && result.text.contains("No issue")
            && result.text.contains("code 6"),
        "{}",
        result.text
    );
    assert_eq!(server.take_requests().len(), 1);
}

#[tokio::test]
async fn backlog_401_says_to_check_the_key_and_never_shows_it() {
    let key = "wrong-key-7f3a9c1e55";
    let server = TestServer::start_with_key(Some(key)).await;
    let client = server.client().await;
    let result = client.call("get_myself", json!({})).await;
    assert!(result.is_error);
    assert!(
        result.text.contains("HTTP 401") && result.text.contains("BACKLOG_API_KEY"),
        "{}",
        result.text
    );
    assert!(
        !result.text.contains(key),
        "the key leaked: {}",
        result.text
    );
    let requests = server.take_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].api_key.as_deref(), Some(key));
}

#[tokio::test]
async fn the_server_keeps_serving_after_errors() {
    let server = TestServer::start().await;
    let client = server.client().await;
    refused(&server, "get_issue", json!({})).await;
    client
        .call("get_issue", json!({"issueKey": "DEMO-99999"}))
        .await;
    let myself = client.call("get_myself", json!({})).await.json();
    assert_eq!(myself["id"], 1);
}

#[tokio::test]
async fn oversized_strings_and_arrays() {
    let server = TestServer::start().await;
    let long = "x".repeat(100_001);
    let text = refused(
        &server,
        "add_issue",
        json!({"projectId": 1, "summary": long, "issueTypeId": 1, "priorityId": 3}),
    )
    .await;
    assert!(
        text.contains("summary") && text.contains("100000 characters"),
        "{}",
        &text[..text.len().min(300)]
    );
    let many: Vec<i64> = (1..=101).collect();
    let text = refused(&server, "get_issues", json!({"statusId": many})).await;
    assert!(
        text.contains("statusId") && text.contains("101 items"),
        "{text}"
    );
    let key = format!("DEMO-{}", "1".repeat(80));
    let text = refused(&server, "get_issue", json!({"issueKey": key})).await;
    assert!(
        text.contains("issueKey") && text.contains("too long"),
        "{text}"
    );
    let fields: Vec<serde_json::Value> = (1..=101)
        .map(|id| json!({"id": id, "value": "v"}))
        .collect();
    let text = refused(
        &server,
        "add_issue",
        json!({"projectId": 1, "summary": "s", "issueTypeId": 1, "priorityId": 3, "customFields": fields}),
    )
    .await;
    assert!(
        text.contains("customFields") && text.contains("101 items"),
        "{text}"
    );
}

/// The official server requests `/wikis/NaN` for a non-numeric wikiId; here
/// it is an error naming the field, and nothing is sent.
#[tokio::test]
async fn a_wiki_id_that_is_no_number_is_refused() {
    let server = TestServer::start().await;
    for wiki_id in [json!("abc"), json!("1/../2"), json!(0), json!("")] {
        let text = refused(&server, "get_wiki", json!({ "wikiId": wiki_id })).await;
        assert!(
            text.contains("wikiId") && text.contains("not an ID"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn hostile_path_values_of_the_new_tools_are_refused() {
    let server = TestServer::start().await;
    let cases = [
        (
            "get_git_repository",
            json!({"projectKey": "DEMO", "repoName": "../../users/myself"}),
        ),
        (
            "get_git_repository",
            json!({"projectKey": "DEMO", "repoName": ".git"}),
        ),
        ("get_document", json!({"documentId": "../../users/myself"})),
        (
            "get_document",
            json!({"documentId": "019c186e2e807d738ee38d20f10cc1d"}),
        ),
        (
            "get_shared_files",
            json!({"projectKey": "DEMO", "path": "docs/../../users"}),
        ),
        (
            "get_shared_files",
            json!({"projectKey": "DEMO", "path": "/docs"}),
        ),
        ("get_document_tree", json!({"projectIdOrKey": "demo?x=1"})),
        ("add_watching", json!({"issueIdOrKey": "DEMO"})),
        (
            "add_document",
            json!({"projectId": 1, "parentId": "not-a-document"}),
        ),
    ];
    for (tool, arguments) in cases {
        let text = refused(&server, tool, arguments.clone()).await;
        assert!(
            text.starts_with("Invalid arguments"),
            "{tool} {arguments}: {text}"
        );
    }
}

#[tokio::test]
async fn a_download_over_max_bytes_is_refused_with_its_size() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let result = client
        .call(
            "get_issue_attachment",
            json!({"issueKey": "DEMO-1", "attachmentId": 1, "maxBytes": 10}),
        )
        .await;
    assert!(result.is_error, "{}", result.text);
    assert!(
        result.text.contains("maxBytes (10)") && result.text.contains("bytes, more than"),
        "{}",
        result.text
    );
    let text = refused(
        &server,
        "get_issue_attachment",
        json!({"issueKey": "DEMO-1", "attachmentId": 1, "maxBytes": 7340033}),
    )
    .await;
    assert!(text.contains("maxBytes"), "{text}");
}

#[tokio::test]
async fn an_upload_needs_exactly_one_content_and_fits_the_cap() {
    let server = TestServer::start().await;
    for arguments in [
        json!({"fileName": "a.txt"}),
        json!({"fileName": "a.txt", "content": "x", "contentBase64": "eA=="}),
        json!({"fileName": "../a.txt", "content": "x"}),
        json!({"fileName": "a.bin", "contentBase64": "%%%"}),
        json!({"fileName": "a.txt", "content": "x".repeat(716_801)}),
    ] {
        refused(&server, "add_attachment", arguments).await;
    }
}
