//! A declaration file that uses every key: accepted, and its tools registered.

// The "disabled" toolset is deliberately no feature of the test crate.
#![allow(unexpected_cfgs)]

backlog_mcp_macros::tools_toml!("tools.toml");

use backlog_mcp::__private::serde_json::{Value, json};
use backlog_mcp::registry::{TOOLS, ToolDef, parse_arguments};

fn tool(name: &str) -> &'static ToolDef {
    TOOLS
        .iter()
        .find(|t| t.name == name && t.toolset == "pass-tests")
        .expect(name)
}

fn args<T: backlog_mcp::__private::serde::de::DeserializeOwned>(value: Value) -> T {
    let Value::Object(map) = value else { panic!() };
    parse_arguments(map).unwrap()
}

fn main() {
    assert_eq!(TOOLSETS, ["pass-tests", "disabled"]);
    // TOOLS also holds the tools of backlog-mcp itself.
    let mut names: Vec<&str> = TOOLS
        .iter()
        .filter(|t| TOOLSETS.contains(&t.toolset))
        .map(|t| t.name)
        .collect();
    names.sort_unstable();
    // delete_wiki's toolset is not a feature of the test crate.
    assert_eq!(
        names,
        [
            "get_issue",
            "get_space",
            "get_user_recent_updates",
            "update_issue"
        ]
    );

    let get_issue = tool("get_issue");
    assert_eq!(get_issue.path, "issues/{issueIdOrKey}");
    assert!(get_issue.annotations.read_only);
    let by_key: get_issue::Args = args(json!({ "issueKey": "DEMO-12" }));
    by_key.check().unwrap();
    assert_eq!(by_key.request().unwrap().path, ["issues", "DEMO-12"]);
    let neither: get_issue::Args = args(json!({}));
    assert!(neither.check().is_err());
    let bad_key: get_issue::Args = args(json!({ "issueKey": "not a key" }));
    assert!(bad_key.check().is_err());

    let updates: get_user_recent_updates::Args =
        args(json!({ "userId": 7, "activityTypeId": [1, 2] }));
    updates.check().unwrap();
    let request = updates.request().unwrap();
    assert_eq!(request.path, ["users", "7", "activities"]);
    let query: Vec<(&str, &str)> = request
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        query,
        [
            ("activityTypeId[]", "1"),
            ("activityTypeId[]", "2"),
            ("count", "20"),
            ("order", "desc")
        ]
    );
    let zero: get_user_recent_updates::Args = args(json!({ "userId": 0 }));
    assert!(zero.check().is_err());
    let schema = (tool("get_user_recent_updates").input_schema)();
    assert_eq!(schema["required"], json!(["userId"]));
    assert_eq!(schema["properties"]["order"]["default"], json!("desc"));

    let update = tool("update_issue");
    assert!(update.annotations.destructive && !update.annotations.read_only);
    let cleared: update_issue::Args = args(json!({ "issueIdOrKey": "DEMO-1", "categoryId": [] }));
    let request = cleared.request().unwrap();
    assert_eq!(request.path, ["issues", "DEMO-1"]);
    assert_eq!(request.form, [("categoryId[]".to_owned(), String::new())]);
}
