//! The compatibility contract with the official Node server
//! (`backlog-mcp-server` 0.20.x): its 63 tools exist here under the same
//! names, and tools/list for them fits a byte budget (every byte of it sits
//! in every assistant's context).

use backlog_mcp::inventory::Inventory;

/// The official server's tools, by toolset (backlog-api.md §2.1–2.7).
const OFFICIAL: [&str; 63] = [
    // space
    "get_space",
    "get_space_activities",
    "get_users",
    "get_user_stars_count",
    "get_myself",
    "get_user_recent_updates",
    // project
    "get_project_list",
    "add_project",
    "get_project",
    "get_project_users",
    "update_project",
    // issue
    "get_issue",
    "get_issues",
    "count_issues",
    "add_issue",
    "update_issue",
    "delete_issue",
    "get_issue_comments",
    "add_issue_comment",
    "update_issue_comment",
    "get_related_issues",
    "add_related_issue",
    "remove_related_issue",
    "get_priorities",
    "get_categories",
    "add_category",
    "get_custom_fields",
    "get_issue_types",
    "get_resolutions",
    "get_watching_list_items",
    "get_watching_list_count",
    "add_watching",
    "update_watching",
    "delete_watching",
    "mark_watching_as_read",
    "get_version_milestone_list",
    "add_version_milestone",
    "update_version_milestone",
    "delete_version",
    "get_issue_attachment",
    // wiki
    "get_wiki_pages",
    "get_wikis_count",
    "get_wiki",
    "add_wiki",
    "update_wiki",
    // git
    "get_git_repositories",
    "get_git_repository",
    "get_pull_requests",
    "get_pull_requests_count",
    "get_pull_request",
    "add_pull_request",
    "update_pull_request",
    "get_pull_request_comments",
    "add_pull_request_comment",
    "update_pull_request_comment",
    // document
    "get_documents",
    "get_document_tree",
    "get_document",
    "add_document",
    // notifications
    "get_notifications",
    "count_notifications",
    "reset_unread_notification_count",
    "mark_notification_as_read",
];

/// The 16 tools of the first slice, and 0.9× the 17,719 bytes the official
/// server spends on the same 16.
const FIRST_SLICE: [&str; 16] = [
    "get_space",
    "get_space_activities",
    "get_users",
    "get_user_stars_count",
    "get_myself",
    "get_user_recent_updates",
    "get_project_list",
    "add_project",
    "get_project",
    "get_project_users",
    "update_project",
    "get_issue",
    "get_issues",
    "count_issues",
    "add_issue",
    "update_issue",
];
const FIRST_SLICE_BUDGET: usize = 15_900;

/// 0.9× the 41,203 bytes the official server's tools/list takes for them
/// (compact JSON), which carry no titles or annotations.
const OFFICIAL_BUDGET: usize = 37_000;

fn bytes_of(names: &[&str]) -> usize {
    let inventory = Inventory::all();
    let tools: Vec<_> = names
        .iter()
        .map(|name| {
            inventory
                .descriptor(name)
                .unwrap_or_else(|| panic!("{name} is missing"))
                .clone()
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "tools": tools }))
        .unwrap()
        .len()
}

#[test]
fn every_official_tool_exists_under_its_name() {
    let inventory = Inventory::all();
    let missing: Vec<&str> = OFFICIAL
        .iter()
        .copied()
        .filter(|name| inventory.get(name).is_none())
        .collect();
    assert!(missing.is_empty(), "official tools missing: {missing:?}");
}

#[test]
fn the_official_tools_fit_their_byte_budget() {
    let official = bytes_of(&OFFICIAL);
    let all: Vec<&str> = Inventory::all().tools().iter().map(|t| t.name).collect();
    eprintln!(
        "tools/list: {official} bytes for the {} official tools (budget {OFFICIAL_BUDGET}); \
         {} bytes for all {} tools",
        OFFICIAL.len(),
        bytes_of(&all),
        all.len()
    );
    assert!(
        official <= OFFICIAL_BUDGET,
        "tools/list of the official tools is {official} bytes, over {OFFICIAL_BUDGET}"
    );
    let first = bytes_of(&FIRST_SLICE);
    eprintln!("tools/list: {first} bytes for the first 16 (budget {FIRST_SLICE_BUDGET})");
    assert!(
        first <= FIRST_SLICE_BUDGET,
        "tools/list of the first 16 tools is {first} bytes, over {FIRST_SLICE_BUDGET}"
    );
}
