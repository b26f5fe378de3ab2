//! A declaration file that uses every key: accepted, and its tools registered.

// The "disabled" toolset is deliberately no feature of the test crate.
#![allow(unexpected_cfgs)]

backlog_mcp_macros::tools_toml!("tools.toml");

use backlog_mcp::__private::serde_json::{Value, json};
use backlog_mcp::backlog::{BacklogRequest, Encode, Location, ToolError};
use backlog_mcp::registry::{DECLARED, TOOLS, ToolDef, parse_arguments};

/// Tags, sent as one comma-separated value (a rust_type of tools.toml).
#[derive(
    Debug, backlog_mcp::__private::serde::Deserialize, backlog_mcp::__private::schemars::JsonSchema,
)]
#[serde(crate = "backlog_mcp::__private::serde")]
#[schemars(crate = "backlog_mcp::__private::schemars")]
pub struct Tags(Vec<String>);

impl Encode for Tags {
    fn check(&self, name: &str) -> Result<(), ToolError> {
        if self.0.iter().any(|tag| tag.contains(',')) {
            return Err(ToolError::InvalidArguments(format!("{name}: a tag has a comma")));
        }
        Ok(())
    }

    fn encode(
        &self,
        request: &mut BacklogRequest,
        location: Location,
        name: &str,
    ) -> Result<(), ToolError> {
        request.param(location, name, self.0.join(","));
        Ok(())
    }
}

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
    let toolsets: Vec<(&str, &str, bool)> = TOOLSETS
        .iter()
        .map(|t| (t.name, t.instructions, t.compiled))
        .collect();
    assert_eq!(
        toolsets,
        [("pass-tests", "Use them in tests.", true), ("disabled", "", false)]
    );
    // Every declaration is indexed, the compiled-out one too.
    assert!(DECLARED.iter().any(|d| d.name == "delete_wiki" && d.toolset == "disabled"));
    // TOOLS also holds the tools of backlog-mcp itself.
    let mut names: Vec<&str> = TOOLS
        .iter()
        .filter(|t| TOOLSETS.iter().any(|s| s.name == t.toolset))
        .map(|t| t.name)
        .collect();
    names.sort_unstable();
    // delete_wiki's toolset is not a feature of the test crate.
    assert_eq!(
        names,
        [
            "get_issue",
            "get_shared_files",
            "get_space",
            "get_user_recent_updates",
            "get_wiki_pages",
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

    // A rust_type checks and encodes itself.
    let tagged: update_issue::Args =
        args(json!({ "issueIdOrKey": "DEMO-1", "tags": ["a", "b"] }));
    tagged.check().unwrap();
    assert_eq!(tagged.request().unwrap().form, [("tags".to_owned(), "a,b".to_owned())]);
    let comma: update_issue::Args = args(json!({ "issueIdOrKey": "DEMO-1", "tags": ["a,b"] }));
    assert!(comma.check().is_err());

    // Declared bounds are published and enforced; default ones only enforced.
    let schema = (update.input_schema)();
    assert_eq!(schema["properties"]["summary"]["maxLength"], json!(255));
    assert_eq!(schema["properties"]["notifiedUserId"]["maxItems"], json!(10));
    assert!(schema["properties"]["comment"].get("maxLength").is_none());
    assert!(schema["properties"]["categoryId"].get("maxItems").is_none());
    let long: update_issue::Args =
        args(json!({ "issueIdOrKey": "DEMO-1", "summary": "x".repeat(256) }));
    assert!(long.check().is_err());
    // A source of a query parameter; a parameter sent under Backlog's name.
    let pages: get_wiki_pages::Args = args(json!({ "projectKey": "DEMO", "tagIds": [3] }));
    pages.check().unwrap();
    let request = pages.request().unwrap();
    assert_eq!(request.path, ["wikis"]);
    assert_eq!(request.encoded_query(), "projectIdOrKey=DEMO&tagId%5B%5D=3");
    let neither: get_wiki_pages::Args = args(json!({}));
    assert!(neither.check().unwrap_err().to_string().contains("projectId or projectKey"));

    // A folder path: several segments, each encoded; the root a trailing slash.
    let files: get_shared_files::Args = args(json!({ "projectKey": "DEMO", "path": "docs/spec s" }));
    files.check().unwrap();
    assert_eq!(files.request().unwrap().encoded_path(), "/projects/DEMO/files/metadata/docs/spec%20s");
    let root: get_shared_files::Args = args(json!({ "projectKey": "DEMO", "path": "" }));
    assert_eq!(root.request().unwrap().encoded_path(), "/projects/DEMO/files/metadata/");
    let escape: get_shared_files::Args = args(json!({ "projectKey": "DEMO", "path": "docs/../x" }));
    assert!(escape.check().is_err());

    let many: update_issue::Args =
        args(json!({ "issueIdOrKey": "DEMO-1", "categoryId": vec![1; 101] }));
    assert!(many.check().is_err());
}
