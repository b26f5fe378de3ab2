//! One session as an assistant would work it, over real sockets (MCP client →
//! server → sandbox), every step by tool name and by what the previous steps
//! returned: find the project, look its IDs up by name, create an issue,
//! upload a file and attach it, comment, move the issue to a status by name,
//! find it with a filter, open a pull request that links it and comment on
//! it, read notifications and mark one read, and download the file back.

use backlog_mcp_tests::{McpClient, TestServer};
use base64::Engine as _;
use serde_json::{Value, json};

/// The `id` of the element of `list` whose `key` is `value`.
fn id_of(list: &Value, key: &str, value: &str) -> i64 {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .find(|item| item[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value:?} in {list}"))["id"]
        .as_i64()
        .unwrap()
}

async fn call(client: &McpClient, tool: &str, arguments: Value) -> Value {
    client.call(tool, arguments).await.json()
}

/// How many notifications are unread (both flags false).
async fn unread(client: &McpClient) -> i64 {
    let count = call(
        client,
        "count_notifications",
        json!({"alreadyRead": false, "resourceAlreadyRead": false}),
    )
    .await;
    count["count"].as_i64().unwrap()
}

/// A small real PNG: the signature, a 1×1 RGB header and its image data.
fn png() -> Vec<u8> {
    let hex = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de\
               0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082";
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test]
async fn an_assistant_files_an_issue_links_a_pull_request_and_reads_the_file_back() {
    let server = TestServer::start().await;
    let client = server.client().await;

    // Find the project, then the IDs it needs, by name.
    let projects = call(&client, "get_project_list", json!({})).await;
    let project_id = id_of(&projects, "projectKey", "DEMO");
    let types = call(&client, "get_issue_types", json!({"projectId": project_id})).await;
    let bug = id_of(&types, "name", "Bug");
    let priorities = call(&client, "get_priorities", json!({})).await;
    let high = id_of(&priorities, "name", "High");
    let statuses = call(
        &client,
        "get_project_statuses",
        json!({"projectKey": "DEMO"}),
    )
    .await;
    let in_progress = id_of(&statuses, "name", "In Progress");

    // Create the issue; its content goes in the description.
    let issue = call(
        &client,
        "add_issue",
        json!({"projectId": project_id, "summary": "Export drops the last row", "issueTypeId": bug,
               "priorityId": high, "description": "CSV export loses its last line."}),
    )
    .await;
    let issue_key = issue["issueKey"].as_str().unwrap().to_owned();
    let issue_id = issue["id"].as_i64().unwrap();

    // Upload a screenshot and attach it.
    let image = png();
    let upload = call(
        &client,
        "add_attachment",
        json!({"fileName": "screenshot.png", "contentType": "image/png",
               "contentBase64": base64::engine::general_purpose::STANDARD.encode(&image)}),
    )
    .await;
    let attachment = upload["id"].as_i64().expect("an attachment id");
    assert_eq!(upload["size"], image.len());
    let updated = call(
        &client,
        "update_issue",
        json!({"issueKey": issue_key, "attachmentId": [attachment]}),
    )
    .await;
    assert_eq!(updated["attachments"][0]["name"], "screenshot.png");

    // Comment, then move it to a status chosen by name.
    let comment = call(
        &client,
        "add_issue_comment",
        json!({"issueKey": issue_key, "content": "Reproduced with 3 rows.", "notifiedUserId": [2]}),
    )
    .await;
    assert_eq!(comment["content"], "Reproduced with 3 rows.");
    let moved = call(
        &client,
        "update_issue",
        json!({"issueId": issue_id, "statusId": in_progress}),
    )
    .await;
    assert_eq!(moved["status"]["name"], "In Progress");

    // Find it again with a filter.
    let found = call(
        &client,
        "get_issues",
        json!({"projectId": [project_id], "statusId": [in_progress], "keyword": "last row"}),
    )
    .await;
    let keys: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["issueKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys, [issue_key.as_str()]);

    // Open a pull request that links the issue, and comment on it.
    let repositories = call(
        &client,
        "get_git_repositories",
        json!({"projectKey": "DEMO"}),
    )
    .await;
    let repo = id_of(&repositories, "name", "app");
    let pull = call(
        &client,
        "add_pull_request",
        json!({"projectKey": "DEMO", "repoId": repo, "summary": "Keep the last CSV row",
               "description": format!("Fixes {issue_key}"), "base": "main",
               "branch": "feature/csv-export", "issueId": issue_id}),
    )
    .await;
    assert_eq!(pull["issue"]["issueKey"], issue_key.as_str());
    let number = pull["number"].as_i64().unwrap();
    let pr_comment = call(
        &client,
        "add_pull_request_comment",
        json!({"projectKey": "DEMO", "repoName": "app", "number": number, "content": "Ready for review"}),
    )
    .await;
    assert_eq!(pr_comment["content"], "Ready for review");
    let comments = call(
        &client,
        "get_pull_request_comments",
        json!({"projectId": project_id, "repoName": "app", "number": number}),
    )
    .await;
    assert_eq!(comments[0]["id"], pr_comment["id"]);

    // Read notifications and mark an unread one read.
    let before = unread(&client).await;
    let notifications = call(&client, "get_notifications", json!({"count": 100})).await;
    let first_unread = notifications
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["alreadyRead"] == false && n["resourceAlreadyRead"] == false)
        .expect("an unread notification")["id"]
        .as_i64()
        .unwrap();
    let marked = call(
        &client,
        "mark_notification_as_read",
        json!({"id": first_unread}),
    )
    .await;
    assert_eq!(marked["success"], true);
    assert_eq!(unread(&client).await, before - 1);

    // Download the attachment back: the same bytes, as an image.
    let listed = call(
        &client,
        "get_issue_attachments",
        json!({"issueKey": issue_key}),
    )
    .await;
    assert_eq!(listed[0]["id"], attachment);
    let reply = client
        .call_raw(
            "get_issue_attachment",
            json!({"issueKey": issue_key, "attachmentId": attachment}),
        )
        .await;
    let content = &reply["result"]["content"];
    assert_eq!(content[1]["type"], "image", "{reply}");
    assert_eq!(content[1]["mimeType"], "image/png");
    let downloaded = base64::engine::general_purpose::STANDARD
        .decode(content[1]["data"].as_str().unwrap())
        .unwrap();
    assert_eq!(downloaded, image);
    let about: Value = serde_json::from_str(content[0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(about["fileName"], "screenshot.png");
    assert_eq!(about["size"], image.len());
}
