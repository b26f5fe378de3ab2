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
