//! The runtime options teams deploy with, each through the real binary over
//! real sockets, with its error cases: which tools are offered (toolsets,
//! single tools, exclusions, read-only, no destructive tools, a prefix), what
//! one HTTP request narrows that to (X-MCP-* headers), several organizations,
//! and description overrides.

use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, Sandbox, SpaceSeed};
use backlog_mcp_tests::{McpClient, Protocol, ServerProcess, sandboxed, snapshot_settings};
use serde_json::{Value, json};

fn names(tools: &[Value]) -> Vec<String> {
    tools
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn read_only_offers_only_tools_that_read() {
    let (_server, client) = sandboxed(&["--read-only"], &[]).await;
    let tools = client.list_tools().await;
    assert!(
        tools
            .iter()
            .all(|t| t["annotations"]["readOnlyHint"] == true)
    );
    snapshot_settings()
        .bind(|| insta::assert_json_snapshot!("tools_list__read_only", names(&tools)));
    let write = client.call_raw("add_issue", json!({})).await;
    assert!(
        write["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown tool"),
        "{write}"
    );
    // The variable takes 1 as the official's does.
    let (_server, client) = sandboxed(&[], &[("READ_ONLY", "1")]).await;
    assert_eq!(names(&client.list_tools().await), names(&tools));
}

#[tokio::test]
async fn disable_destructive_keeps_writes_but_no_deletes() {
    let (_server, client) = sandboxed(&["--disable-destructive"], &[]).await;
    let tools = client.list_tools().await;
    let names = names(&tools);
    assert!(names.contains(&"add_issue".to_owned()) && names.contains(&"update_issue".to_owned()));
    for gone in [
        "delete_issue",
        "delete_document",
        "remove_related_issue",
        "delete_watching",
        "delete_version",
    ] {
        assert!(!names.contains(&gone.to_owned()), "{gone}");
    }
    assert!(
        tools
            .iter()
            .all(|t| t["annotations"]["destructiveHint"] != true)
    );
}

#[tokio::test]
async fn single_tools_join_toolsets_and_exclusions_always_win() {
    let (_server, client) = sandboxed(
        &[
            "--enable-toolsets",
            "space",
            "--tools",
            "get_issue,get_wiki",
            "--exclude-tools",
            "get_users,get_wiki",
        ],
        &[],
    )
    .await;
    let names = names(&client.list_tools().await);
    assert_eq!(
        names,
        [
            "get_myself",
            "get_rate_limit",
            "get_space",
            "get_space_activities",
            "get_user_recent_updates",
            "get_user_stars_count",
            "get_issue"
        ]
    );
    let issue = client
        .call("get_issue", json!({"issueKey": "DEMO-1"}))
        .await
        .json();
    assert_eq!(issue["issueKey"], "DEMO-1");
}

#[tokio::test]
async fn a_prefix_renames_every_tool_and_bare_names_are_unknown() {
    let (_server, client) = sandboxed(
        &["--prefix", "backlog_", "--enable-toolsets", "project"],
        &[],
    )
    .await;
    let tools = client.list_tools().await;
    snapshot_settings().bind(|| insta::assert_json_snapshot!("tools_list__prefix", names(&tools)));
    assert!(names(&tools).iter().all(|n| n.starts_with("backlog_")));
    let project = client
        .call("backlog_get_project", json!({"projectKey": "DEMO"}))
        .await
        .json();
    assert_eq!(project["projectKey"], "DEMO");
    let bare = client
        .call_raw("get_project", json!({"projectKey": "DEMO"}))
        .await;
    assert!(
        bare["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown tool"),
        "{bare}"
    );
}

#[tokio::test]
async fn unknown_or_left_out_names_are_startup_errors() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--tools", "get_isue"],
            "unknown tool \"get_isue\" in TOOLS / --tools",
        ),
        (
            &["--exclude-tools", "nope"],
            "EXCLUDE_TOOLS / --exclude-tools",
        ),
        (&["--enable-toolsets", "wikis"], "unknown toolset \"wikis\""),
        (
            &["--enable-toolsets", "issue,wikis"],
            "the toolsets are: space, project, issue",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["--sandbox", "--transport", "http", "--http-port", "0"];
        all.extend_from_slice(args);
        let (ok, _, stderr) = ServerProcess::run_to_end(&all, &[]).await;
        assert!(!ok, "{args:?} must not start");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn request_headers_narrow_what_is_offered_and_never_widen_it() {
    let server = ServerProcess::start(&["--sandbox", "--disable-destructive"], &[]).await;
    let narrowed = |headers: &'static [(&'static str, &'static str)]| {
        let url = server.url.clone();
        async move { McpClient::connect_with(&url, Protocol::V2025_11_25, headers).await }
    };
    let wiki = narrowed(&[("X-MCP-Toolsets", "wiki")]).await;
    let names_wiki = names(&wiki.list_tools().await);
    assert!(
        !names_wiki.is_empty() && names_wiki.iter().all(|n| n.contains("wiki")),
        "{names_wiki:?}"
    );
    let outside = wiki
        .call_raw("get_issue", json!({"issueKey": "DEMO-1"}))
        .await;
    assert!(
        outside["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not offered"),
        "{outside}"
    );
    let page = wiki.call("get_wiki", json!({"wikiId": 1})).await.json();
    assert_eq!(page["name"], "Home");

    let mixed = narrowed(&[
        ("X-MCP-Toolsets", "project"),
        ("X-MCP-Tools", "get_issue, add_issue"),
        ("X-MCP-Exclude-Tools", "add_project"),
        ("X-MCP-Read-Only", "true"),
    ])
    .await;
    let names_mixed = names(&mixed.list_tools().await);
    assert!(
        names_mixed.contains(&"get_issue".to_owned())
            && names_mixed.contains(&"get_project".to_owned())
    );
    for gone in ["add_issue", "add_project", "update_project", "get_wiki"] {
        assert!(
            !names_mixed.contains(&gone.to_owned()),
            "{gone}: {names_mixed:?}"
        );
    }

    // A header cannot bring back what the server's own options left out.
    let widen = narrowed(&[("X-MCP-Tools", "delete_issue")]).await;
    let reply = widen.request("tools/list", json!({})).await;
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"delete_issue\" is not a tool this server offers"),
        "{reply}"
    );
    let unknown = narrowed(&[("X-MCP-Toolsets", "wikis")]).await;
    let reply = unknown.request("tools/list", json!({})).await;
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("X-MCP-Toolsets"),
        "{reply}"
    );
}

#[tokio::test]
async fn organizations_route_each_call_to_its_own_space() {
    let acme = Sandbox::with_space("acme-key", SpaceSeed::Acme)
        .spawn()
        .await
        .unwrap();
    let beta = Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap();
    let (acme_url, beta_url) = (acme.api_base_url(), beta.api_base_url());
    let server = ServerProcess::start(
        &[],
        &[
            ("BACKLOG_ORG_ACME_BASE_URL", &acme_url),
            ("BACKLOG_ORG_ACME_API_KEY", "acme-key"),
            ("BACKLOG_ORG_BETA_BASE_URL", &beta_url),
            ("BACKLOG_ORG_BETA_API_KEY", DEFAULT_API_KEY),
            ("BACKLOG_DEFAULT_ORG", "ACME"),
        ],
    )
    .await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let tools = client.list_tools().await;
    let get_issue = tools.iter().find(|t| t["name"] == "get_issue").unwrap();
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("tools_list__organizations", names(&tools));
        insta::assert_json_snapshot!("organizations__get_issue", get_issue);
    });
    let listed = client.call("list_organizations", json!({})).await.json();
    let host = |url: &str| {
        url.trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        listed,
        json!([
            {"name": "ACME", "domain": host(&acme_url), "isDefault": true},
            {"name": "BETA", "domain": host(&beta_url), "isDefault": false}
        ])
    );
    assert!(!listed.to_string().contains("key"), "never a key: {listed}");

    client
        .call("get_myself", json!({"organization": "BETA"}))
        .await
        .json();
    assert_eq!((acme.requests().len(), beta.requests().len()), (0, 1));
    client.call("get_myself", json!({})).await.json();
    assert_eq!((acme.requests().len(), beta.requests().len()), (1, 1));
    let unknown = client
        .call("get_myself", json!({"organization": "GAMMA"}))
        .await;
    assert!(
        unknown.is_error && unknown.text.contains("ACME, BETA"),
        "{}",
        unknown.text
    );

    let (ok, _, stderr) = ServerProcess::run_to_end(
        &["--transport", "http", "--http-port", "0"],
        &[
            ("BACKLOG_ORG_ACME_DOMAIN", "acme.backlog.com"),
            ("BACKLOG_ORG_ACME_API_KEY", "k"),
        ],
    )
    .await;
    assert!(
        !ok && stderr.contains("BACKLOG_DEFAULT_ORG is not set"),
        "{stderr}"
    );
}

#[tokio::test]
async fn descriptions_are_overridden_by_the_environment_then_the_file() {
    let home = std::env::temp_dir().join(format!("backlog-mcp-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join(".backlog-mcp-serverrc.json"),
        r#"{"TOOL_GET_SPACE_DESCRIPTION": "Space, from the file", "TOOL_GET_ISSUE_DESCRIPTION": "Issue, from the file", "TOOL_NOPE_DESCRIPTION": "x"}"#,
    )
    .unwrap();
    let home_dir = home.to_string_lossy().into_owned();
    let env = [
        ("HOME", home_dir.as_str()),
        (
            "BACKLOG_MCP_TOOL_GET_ISSUE_DESCRIPTION",
            "Issue, from the environment",
        ),
        (
            "BACKLOG_MCP_TOOL_GET_ISSUE_ISSUE_KEY",
            "The key, like ABC-1",
        ),
    ];
    let server = ServerProcess::start(&["--sandbox"], &env).await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    let tools = client.list_tools().await;
    let tool = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap().clone();
    assert_eq!(tool("get_space")["description"], "Space, from the file");
    assert_eq!(
        tool("get_issue")["description"],
        "Issue, from the environment"
    );
    assert_eq!(
        tool("get_issue")["inputSchema"]["properties"]["issueKey"]["description"],
        "The key, like ABC-1"
    );
    server.terminate();
    let (_, log) = server.wait().await;
    assert!(
        log.contains("unknown description key TOOL_NOPE_DESCRIPTION"),
        "{log}"
    );

    let (ok, stdout, _) = ServerProcess::run_to_end(&["--export-translations"], &env).await;
    assert!(ok);
    let keys: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        keys["TOOL_GET_ISSUE_DESCRIPTION"],
        "Issue, from the environment"
    );
    assert_eq!(
        keys["TOOL_GET_USERS_DESCRIPTION"],
        "Returns every user of the space."
    );
    assert!(
        keys.as_object().unwrap().len() > 300,
        "every tool and parameter has a key"
    );
    let (ok, same, _) = ServerProcess::run_to_end(&["--export-descriptions"], &env).await;
    assert!(ok && same == stdout);
    std::fs::remove_dir_all(&home).unwrap();
}

#[tokio::test]
async fn the_default_log_is_one_plain_line_per_call() {
    let server = ServerProcess::start(&["--sandbox"], &[]).await;
    let client = McpClient::connect(&server.url, Protocol::V2025_11_25).await;
    for _ in 0..3 {
        let issue = client
            .call("get_issue", json!({"issueKey": "DEMO-1"}))
            .await;
        assert!(!issue.is_error, "{}", issue.text);
    }
    server.terminate();
    let (_, log) = server.wait().await;
    let calls: Vec<&str> = log.lines().filter(|l| l.contains("tool call")).collect();
    assert_eq!(calls.len(), 3, "one line per call:\n{log}");
    assert!(
        calls[0].contains("get_issue") && calls[0].contains("status=200"),
        "{log}"
    );
    // rmcp's lines (three per stateless request, about a session made up for it) stay out.
    assert!(
        !log.contains("serve_inner") && !log.contains("Service initialized"),
        "{log}"
    );
    // Not a terminal: no colour codes in what a log file or journald keeps.
    assert!(!log.contains('\u{1b}'), "{log}");
}
