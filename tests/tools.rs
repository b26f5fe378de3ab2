//! Behaviour of tools end to end (MCP client → our server → sandbox): what
//! is written reads back, custom fields of every kind, list clearing,
//! filters. The exact request of every tool is a case in wire_cases.toml.

use backlog_mcp_tests::{TestServer, pairs, summary};
use serde_json::{Value, json};

fn one_request(server: &TestServer) -> (String, String, Vec<(String, String)>) {
    let requests = server.take_requests();
    assert_eq!(
        requests.len(),
        1,
        "exactly one Backlog request: {requests:#?}"
    );
    summary(&requests[0])
}

#[tokio::test]
async fn a_created_project_reads_back_by_key_and_by_id() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let created = client
        .call("add_project", json!({"name": "New product", "key": "NEWP"}))
        .await
        .json();
    assert_eq!(created["projectKey"], "NEWP");
    let by_key = client
        .call("get_project", json!({"projectKey": "NEWP"}))
        .await
        .json();
    assert_eq!(by_key["name"], "New product");
    let by_id = client
        .call("get_project", json!({"projectId": created["id"]}))
        .await
        .json();
    assert_eq!(by_id["projectKey"], "NEWP");
    let renamed = client
        .call(
            "update_project",
            json!({"projectKey": "NEWP", "name": "Renamed & shipped"}),
        )
        .await
        .json();
    assert_eq!(renamed["name"], "Renamed & shipped");
    let active = client
        .call("get_project_list", json!({"archived": false}))
        .await
        .json();
    assert!(
        active
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["projectKey"] == "NEWP" && p["archived"] == false),
        "{active}"
    );
}

/// Ids of the seeded DEMO project a test needs, read from the sandbox.
struct Demo {
    project_id: i64,
    issue_type_id: i64,
    category_ids: Vec<i64>,
    text_field: i64,
    numeric_field: i64,
    multi_list_field: i64,
    multi_list_items: Vec<i64>,
}

async fn demo(server: &TestServer) -> Demo {
    let project = server.sandbox_get("projects/DEMO").await;
    let issue_types = server.sandbox_get("projects/DEMO/issueTypes").await;
    let categories = server.sandbox_get("projects/DEMO/categories").await;
    let fields = server.sandbox_get("projects/DEMO/customFields").await;
    let field = |type_id: i64| -> &Value {
        fields
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["typeId"] == type_id)
            .unwrap_or_else(|| panic!("a custom field of type {type_id}"))
    };
    let multi = field(6);
    Demo {
        project_id: project["id"].as_i64().unwrap(),
        issue_type_id: issue_types[0]["id"].as_i64().unwrap(),
        category_ids: categories
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect(),
        text_field: field(1)["id"].as_i64().unwrap(),
        numeric_field: field(3)["id"].as_i64().unwrap(),
        multi_list_field: multi["id"].as_i64().unwrap(),
        multi_list_items: multi["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect(),
    }
}

#[tokio::test]
async fn add_issue_with_custom_fields_then_read_it_back() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let demo = demo(&server).await;
    let (item_a, item_b) = (demo.multi_list_items[0], demo.multi_list_items[1]);

    let created = client
        .call(
            "add_issue",
            json!({
                "projectId": demo.project_id,
                "summary": "Login fails on Safari",
                "issueTypeId": demo.issue_type_id,
                "priorityId": 2,
                "dueDate": "2026-12-24",
                "estimatedHours": 1.5,
                "categoryId": [demo.category_ids[0]],
                "customFields": [
                    {"id": demo.text_field, "value": "Safari 18"},
                    {"id": demo.numeric_field, "value": 3},
                    {"id": demo.multi_list_field, "value": [item_a, item_b]}
                ]
            }),
        )
        .await
        .json();
    let key = created["issueKey"].as_str().expect("issueKey").to_owned();
    let (method, path, form) = one_request(&server);
    assert_eq!((method.as_str(), path.as_str()), ("POST", "/api/v2/issues"));
    let (text, numeric, multi) = (
        format!("customField_{}", demo.text_field),
        format!("customField_{}", demo.numeric_field),
        format!("customField_{}", demo.multi_list_field),
    );
    assert_eq!(
        form,
        pairs(&[
            ("projectId", &demo.project_id.to_string()),
            ("summary", "Login fails on Safari"),
            ("issueTypeId", &demo.issue_type_id.to_string()),
            ("priorityId", "2"),
            ("dueDate", "2026-12-24"),
            ("estimatedHours", "1.5"),
            ("categoryId[]", &demo.category_ids[0].to_string()),
            (&text, "Safari 18"),
            (&numeric, "3"),
            (&format!("{multi}[0]"), &item_a.to_string()),
            (&format!("{multi}[1]"), &item_b.to_string()),
        ])
    );

    let read = client
        .call("get_issue", json!({"issueKey": key}))
        .await
        .json();
    assert_eq!(
        one_request(&server),
        ("GET".into(), format!("/api/v2/issues/{key}"), vec![])
    );
    assert_eq!(read["summary"], "Login fails on Safari");
    assert_eq!(
        read["dueDate"].as_str().map(|d| &d[..10]),
        Some("2026-12-24")
    );
    let value_of = |id: i64| -> Value {
        read["customFields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["value"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(value_of(demo.text_field), "Safari 18");
    let items: Vec<i64> = value_of(demo.multi_list_field)
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(items, vec![item_a, item_b]);

    let by_id = client
        .call("get_issue", json!({"issueId": created["id"]}))
        .await
        .json();
    assert_eq!(by_id["issueKey"], key.as_str());
    assert_eq!(
        one_request(&server).1,
        format!("/api/v2/issues/{}", created["id"])
    );
}

#[tokio::test]
async fn update_issue_clears_categories_with_an_empty_list() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let demo = demo(&server).await;

    client
        .call(
            "update_issue",
            json!({"issueKey": "DEMO-1", "categoryId": [demo.category_ids[0]]}),
        )
        .await
        .json();
    server.take_requests();
    let updated = client
        .call("update_issue", json!({"issueKey": "DEMO-1", "summary": "Renamed", "categoryId": [], "comment": "Tidying up"}))
        .await
        .json();
    assert_eq!(updated["summary"], "Renamed");
    assert_eq!(updated["category"], json!([]));
    assert_eq!(
        one_request(&server),
        (
            "PATCH".into(),
            "/api/v2/issues/DEMO-1".into(),
            pairs(&[
                ("summary", "Renamed"),
                ("categoryId[]", ""),
                ("comment", "Tidying up")
            ])
        )
    );
    // Other empty lists send nothing at all.
    client
        .call(
            "update_issue",
            json!({"issueKey": "DEMO-1", "notifiedUserId": []}),
        )
        .await
        .json();
    assert_eq!(one_request(&server).2, vec![]);
}

#[tokio::test]
async fn get_and_count_issues_with_filters() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let demo = demo(&server).await;

    let all = client
        .call("count_issues", json!({"projectId": [demo.project_id]}))
        .await
        .json();
    let total = all["count"].as_i64().expect("count");
    assert!(total >= 10, "{all}");
    assert_eq!(
        one_request(&server),
        (
            "GET".into(),
            "/api/v2/issues/count".into(),
            pairs(&[("projectId[]", &demo.project_id.to_string())])
        )
    );

    let item = demo.multi_list_items[0];
    let issues = client
        .call(
            "get_issues",
            json!({
                "projectId": [demo.project_id],
                "statusId": [1, 2],
                "sort": "updated",
                "order": "asc",
                "count": 100,
                "customFields": [{"type": "list", "id": demo.multi_list_field, "value": item}]
            }),
        )
        .await
        .json();
    let multi = format!("customField_{}[0]", demo.multi_list_field);
    assert_eq!(
        one_request(&server),
        (
            "GET".into(),
            "/api/v2/issues".into(),
            pairs(&[
                ("projectId[]", &demo.project_id.to_string()),
                ("statusId[]", "1"),
                ("statusId[]", "2"),
                ("sort", "updated"),
                ("order", "asc"),
                ("count", "100"),
                (&multi, &item.to_string()),
            ])
        )
    );
    let issues = issues.as_array().unwrap();
    assert!(
        !issues.is_empty() && (issues.len() as i64) < total,
        "the filters narrow the list: {} of {total}",
        issues.len()
    );
    for issue in issues {
        assert!([1, 2].contains(&issue["status"]["id"].as_i64().unwrap()));
        let field = issue["customFields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == demo.multi_list_field)
            .expect("field");
        assert!(
            field["value"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == item),
            "{field}"
        );
    }

    client
        .call("count_issues", json!({"customFields": [{"type": "numeric", "id": demo.numeric_field, "min": 2, "max": 5}, {"type": "text", "id": demo.text_field, "value": "x y"}]}))
        .await
        .json();
    let numeric = format!("customField_{}", demo.numeric_field);
    let text = format!("customField_{}", demo.text_field);
    assert_eq!(
        one_request(&server).2,
        pairs(&[
            (&format!("{numeric}_min"), "2"),
            (&format!("{numeric}_max"), "5"),
            (&text, "x y")
        ])
    );
}

#[tokio::test]
async fn downloads_keep_their_bytes_and_their_file_names() {
    use base64::Engine as _;
    let server = TestServer::start().await;
    let client = server.client().await;
    let text = include_bytes!("../sandbox/data/demo/files/minutes-2026-01.txt");
    // As text content, after a line that describes the file (filename* preferred).
    let reply = client
        .call_raw(
            "get_issue_attachment",
            json!({"issueKey": "DEMO-2", "attachmentId": 7}),
        )
        .await;
    let content = &reply["result"]["content"];
    let about: Value = serde_json::from_str(content[0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(about["fileName"], "議事録.txt", "{reply}");
    assert_eq!(about["size"], text.len());
    assert_eq!(content[1]["type"], "text");
    assert_eq!(content[1]["text"].as_str().unwrap().as_bytes(), text);
    // As one JSON text with format = base64.
    let base64 = client
        .call(
            "get_issue_attachment",
            json!({"issueId": 2, "attachmentId": 7, "format": "base64"}),
        )
        .await
        .json();
    assert_eq!(base64["filename"], "議事録.txt");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(base64["content"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, text);
    // A PDF is an embedded resource with its MIME type.
    let reply = client
        .call_raw(
            "get_issue_attachment",
            json!({"issueKey": "DEMO-5", "attachmentId": 8}),
        )
        .await;
    let resource = &reply["result"]["content"][1]["resource"];
    assert_eq!(resource["mimeType"], "application/pdf", "{reply}");
    let pdf = include_bytes!("../sandbox/data/demo/files/crash-report.pdf");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(resource["blob"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, pdf);
}

/// Every custom field kind is written by add_issue, changed by update_issue,
/// and found by a search on it.
#[tokio::test]
async fn every_custom_field_kind_is_written_changed_and_searched() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let created = client
        .call(
            "add_issue",
            json!({"projectId": 1, "summary": "Kinds", "issueTypeId": 2, "priorityId": 3, "customFields": [
                {"id": 1, "value": "Initech"}, {"id": 2, "value": 42}, {"id": 3, "value": "2031-05-06"},
                {"id": 4, "value": 2}, {"id": 5, "value": [6, 7]}, {"id": 6, "value": [9], "otherValue": "Rare"},
                {"id": 7, "value": 13, "otherValue": "Edge case"}
            ]}),
        )
        .await
        .json();
    let key = created["issueKey"].as_str().unwrap().to_owned();
    let filters = [
        json!({"type": "text", "id": 1, "value": "initech"}),
        json!({"type": "numeric", "id": 2, "min": 41, "max": 43}),
        json!({"type": "date", "id": 3, "min": "2031-05-06", "max": "2031-05-06"}),
        json!({"type": "list", "id": 4, "value": 2}),
        json!({"type": "list", "id": 5, "value": [7]}),
        json!({"type": "list", "id": 6, "value": 9}),
        json!({"type": "list", "id": 7, "value": 13}),
    ];
    let found = |filter: Value| {
        let client = &client;
        async move {
            let issues = client
                .call(
                    "get_issues",
                    json!({"projectId": [1], "customFields": [filter]}),
                )
                .await
                .json();
            issues
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["issueKey"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    for filter in filters.clone() {
        assert!(found(filter.clone()).await.contains(&key), "{filter}");
    }
    let other = |issue: &Value, id: u64| {
        issue["customFields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["otherValue"].clone())
            .unwrap()
    };
    assert_eq!(other(&created, 6), "Rare");
    assert_eq!(other(&created, 7), "Edge case");

    // Changed: the old values no longer match, the new ones do.
    client
        .call(
            "update_issue",
            json!({"issueKey": key, "customFields": [
                {"id": 1, "value": "Hooli"}, {"id": 2, "value": 7}, {"id": 3, "value": "2032-01-01"},
                {"id": 4, "value": 3}, {"id": 5, "value": [4]}, {"id": 6, "value": [10]}, {"id": 7, "value": 11}
            ]}),
        )
        .await
        .json();
    for filter in filters {
        assert!(
            !found(filter.clone()).await.contains(&key),
            "still found by {filter}"
        );
    }
    for filter in [
        json!({"type": "text", "id": 1, "value": "hooli"}),
        json!({"type": "numeric", "id": 2, "max": 7}),
        json!({"type": "date", "id": 3, "min": "2032-01-01"}),
        json!({"type": "list", "id": 4, "value": 3}),
        json!({"type": "list", "id": 5, "value": 4}),
        json!({"type": "list", "id": 6, "value": [10]}),
        json!({"type": "list", "id": 7, "value": 11}),
    ] {
        assert!(found(filter.clone()).await.contains(&key), "{filter}");
    }
}
