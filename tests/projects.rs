//! The project allow-list (BACKLOG_PROJECTS): a call that would read or change
//! another project is refused before any request but the lookups that tell a
//! resource's project; searches are narrowed to the allowed projects; space-wide
//! lists keep only their items.

use backlog_mcp::backlog::SpaceConfig;
use backlog_mcp::guard::{self, ProjectGuard};
use backlog_mcp::http::{self, HttpOptions};
use backlog_mcp::inventory::Inventory;
use backlog_mcp_tests::backlog_sandbox::Sandbox;
use backlog_mcp_tests::{McpClient, TestServer, mcp_server};
use serde_json::{Value, json};

async fn guarded(allowed: &[&str]) -> (TestServer, McpClient) {
    let sandbox = Sandbox::default().spawn().await.unwrap();
    let allowed: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
    let mcp = mcp_server(
        Inventory::all(),
        SpaceConfig::new(sandbox.api_base_url()),
        &sandbox.api_key(),
    )
    .with_guard(ProjectGuard::new(&allowed));
    let options = HttpOptions::for_bind(std::net::Ipv4Addr::LOCALHOST.into(), "/mcp", &[], &[]);
    let server = TestServer::serve(sandbox, http::router(mcp, &options)).await;
    let client = server.client().await;
    (server, client)
}

/// The method and path of each request the sandbox received since the last call.
fn sent(server: &TestServer) -> Vec<String> {
    server
        .take_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

async fn refused(
    server: &TestServer,
    client: &McpClient,
    tool: &str,
    arguments: Value,
) -> Vec<String> {
    let result = client.call(tool, arguments.clone()).await;
    assert!(result.is_error, "{tool} {arguments}: {}", result.text);
    assert!(
        result
            .text
            .contains("is not among the projects this server may use (BACKLOG_PROJECTS: DEMO)"),
        "{tool}: {}",
        result.text
    );
    sent(server)
}

#[test]
fn every_tool_is_guarded_filtered_or_neutral() {
    let names = [
        "projectId",
        "projectKey",
        "projectIdOrKey",
        "projectIds",
        "issueId",
        "issueKey",
        "issueIdOrKey",
        "wikiId",
        "documentId",
        "watchId",
    ];
    for tool in Inventory::all().tools() {
        if guard::NEUTRAL.contains(&tool.name)
            || guard::OUTSIDE.contains(&tool.name)
            || guard::FILTERED.iter().any(|(t, _)| *t == tool.name)
        {
            continue;
        }
        let schema = (tool.input_schema)();
        let properties = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert!(
            names.iter().any(|n| properties.contains_key(*n)),
            "{}: names no project, issue, wiki, document or watch, and is not listed as neutral or filtered",
            tool.name
        );
    }
}

#[tokio::test]
async fn reads_of_other_projects_are_refused_by_key_without_any_request() {
    let (server, client) = guarded(&["DEMO"]).await;
    assert!(
        refused(&server, &client, "get_issue", json!({"issueKey": "WEB-1"}))
            .await
            .is_empty()
    );
    assert!(
        refused(
            &server,
            &client,
            "get_project",
            json!({"projectKey": "WEB"})
        )
        .await
        .is_empty()
    );
    assert!(
        refused(
            &server,
            &client,
            "get_wiki_pages",
            json!({"projectKey": "WEB"})
        )
        .await
        .is_empty()
    );
    assert!(
        refused(
            &server,
            &client,
            "get_git_repositories",
            json!({"projectKey": "WEB"})
        )
        .await
        .is_empty()
    );
    assert!(
        refused(
            &server,
            &client,
            "add_project",
            json!({"name": "New", "key": "NEW"})
        )
        .await
        .is_empty()
    );
    // The allowed project works as before.
    let issue = client
        .call("get_issue", json!({"issueKey": "DEMO-1"}))
        .await
        .json();
    assert_eq!(issue["issueKey"], "DEMO-1");
    assert_eq!(sent(&server), ["GET /api/v2/issues/DEMO-1"]);
}

#[tokio::test]
async fn by_id_only_the_lookup_is_sent() {
    let (server, client) = guarded(&["DEMO"]).await;
    // WEB-1 is issue 41; wiki 4 and project 2 are WEB's.
    assert_eq!(
        refused(&server, &client, "get_issue", json!({"issueId": 41})).await,
        ["GET /api/v2/issues/41", "GET /api/v2/projects/2"]
    );
    // Project 2 is known by now: only the wiki's lookup.
    assert_eq!(
        refused(&server, &client, "get_wiki", json!({"wikiId": 4})).await,
        ["GET /api/v2/wikis/4"]
    );
    // Lookups are cached: the second time, nothing at all.
    assert!(
        refused(&server, &client, "get_issue", json!({"issueId": 41}))
            .await
            .is_empty()
    );
    let issue = client.call("get_issue", json!({"issueId": 1})).await.json();
    assert_eq!(issue["issueKey"], "DEMO-1");
}

#[tokio::test]
async fn writes_on_other_projects_make_no_write_request() {
    let (server, client) = guarded(&["DEMO"]).await;
    assert!(
        refused(
            &server,
            &client,
            "update_issue",
            json!({"issueKey": "WEB-1", "summary": "x"})
        )
        .await
        .is_empty()
    );
    let by_id = refused(
        &server,
        &client,
        "update_issue",
        json!({"issueId": 41, "summary": "x"}),
    )
    .await;
    assert!(by_id.iter().all(|r| r.starts_with("GET ")), "{by_id:?}");
    let add = refused(
        &server,
        &client,
        "add_issue",
        json!({"projectId": 2, "summary": "x", "issueTypeId": 5, "priorityId": 3}),
    )
    .await;
    assert!(add.iter().all(|r| r.starts_with("GET ")), "{add:?}");
    // A link to another project's issue is a write on it too.
    let link = refused(
        &server,
        &client,
        "add_related_issue",
        json!({"issueKey": "DEMO-3", "targetIssueId": 41}),
    )
    .await;
    assert!(link.iter().all(|r| r.starts_with("GET ")), "{link:?}");
    let watch = refused(
        &server,
        &client,
        "add_watching",
        json!({"issueIdOrKey": "WEB-2"}),
    )
    .await;
    assert!(watch.is_empty());
    // The allowed project is written as before.
    let updated = client
        .call(
            "update_issue",
            json!({"issueKey": "DEMO-2", "summary": "Allowed"}),
        )
        .await
        .json();
    assert_eq!(updated["summary"], "Allowed");
}

#[tokio::test]
async fn searches_and_space_wide_lists_keep_to_the_allowed_projects() {
    let (server, client) = guarded(&["DEMO"]).await;
    let issues = client
        .call("get_issues", json!({"count": 100}))
        .await
        .json();
    let issues = issues.as_array().unwrap();
    assert!(
        !issues.is_empty() && issues.iter().all(|i| i["projectId"] == 1),
        "{issues:?}"
    );
    let requests = server.take_requests();
    let search = requests
        .iter()
        .find(|r| r.path == "/api/v2/issues")
        .unwrap();
    assert!(
        search
            .query
            .contains(&("projectId[]".to_owned(), "1".to_owned())),
        "{search:?}"
    );
    refused(&server, &client, "get_issues", json!({"projectId": [1, 2]})).await;
    refused(
        &server,
        &client,
        "get_documents",
        json!({"projectIds": [2]}),
    )
    .await;

    let projects = client.call("get_project_list", json!({})).await.json();
    let keys: Vec<&str> = projects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["projectKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["DEMO"]);
    for (tool, path) in [
        ("get_space_activities", &["project", "id"][..]),
        ("get_notifications", &["project", "id"][..]),
        ("get_watching_list_items", &["issue", "projectId"][..]),
    ] {
        let arguments = if tool == "get_watching_list_items" {
            json!({"userId": 1})
        } else {
            json!({"count": 100})
        };
        let items = client.call(tool, arguments).await.json();
        let items = items.as_array().unwrap();
        assert!(!items.is_empty(), "{tool}");
        for item in items {
            let project = path.iter().try_fold(item, |v, k| v.get(*k)).unwrap();
            assert_eq!(project, 1, "{tool}: {item}");
        }
    }
    // DEMO-40 is related to DEMO-3 only, so the list shows no other project.
    let related = client
        .call("get_related_issues", json!({"issueKey": "DEMO-1"}))
        .await
        .json();
    assert!(
        related
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["projectId"] == 1)
    );
}

#[tokio::test]
async fn ids_work_in_the_list_and_the_binary_takes_backlog_projects() {
    // The list by ID: WEB (2) allowed, DEMO refused.
    let (server, client) = guarded(&["2"]).await;
    let result = client
        .call("get_issue", json!({"issueKey": "DEMO-1"}))
        .await;
    assert!(
        result.is_error && result.text.contains("BACKLOG_PROJECTS: 2"),
        "{}",
        result.text
    );
    assert_eq!(sent(&server), ["GET /api/v2/projects/DEMO"]);
    let web = client
        .call("get_issue", json!({"issueKey": "WEB-1"}))
        .await
        .json();
    assert_eq!(web["projectId"], 2);

    let process =
        backlog_mcp_tests::ServerProcess::start(&["--sandbox"], &[("BACKLOG_PROJECTS", "DEMO")])
            .await;
    let client = McpClient::connect(&process.url, backlog_mcp_tests::Protocol::V2025_11_25).await;
    let result = client
        .call("get_project", json!({"projectKey": "WEB"}))
        .await;
    assert!(
        result.is_error && result.text.contains("BACKLOG_PROJECTS: DEMO"),
        "{}",
        result.text
    );
}
