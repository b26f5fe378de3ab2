//! Several seeded spaces: each serves its own space, users, projects and issues, and a key
//! or id of one space names nothing in the other, so a call that reaches the wrong space
//! is visible.

mod support;

use backlog_sandbox::{DEFAULT_API_KEY, Sandbox, SpaceSeed};
use serde_json::Value;
use support::{Api, ids, names};

/// The `value` of custom field `id` of an issue.
fn custom_value(issue: &Value, id: u64) -> &Value {
    let fields = issue["customFields"].as_array().expect("customFields");
    let field = fields.iter().find(|f| f["id"] == id).expect("the field");
    &field["value"]
}

#[tokio::test]
async fn new_and_default_serve_the_demo_space() {
    assert_eq!(SpaceSeed::default(), SpaceSeed::Demo);
    for sandbox in [Sandbox::new(DEFAULT_API_KEY), Sandbox::default()] {
        let api = Api::spawn(sandbox).await;
        assert_eq!(api.get("/space").await["spaceKey"], "demo");
    }
    let demo = Api::start_space(SpaceSeed::Demo).await;
    assert_eq!(demo.get("/users/myself").await["userId"], "admin");
}

#[tokio::test]
async fn acme_serves_its_own_space_users_and_projects() {
    let api = Api::start_space(SpaceSeed::Acme).await;
    let space = api.get("/space").await;
    assert_eq!(
        (space["spaceKey"].as_str(), space["name"].as_str()),
        (Some("acme"), Some("Acme Corp"))
    );
    assert_eq!(space["ownerId"], 1);

    let users = api.get("/users").await;
    assert_eq!(ids(&users), [1, 6, 7, 8]);
    assert_eq!(
        names(&users),
        [
            "Hanako Yamada",
            "Kenji Sato",
            "Maria Garcia",
            "Chidi Okafor"
        ]
    );
    let myself = api.get("/users/myself").await;
    assert_eq!(
        (myself["id"].as_u64(), myself["userId"].as_str()),
        (Some(1), Some("hanako"))
    );
    assert_eq!(myself["roleType"], 1);
    assert_eq!(api.get("/users/7").await["userId"], "maria");

    let projects = api.get("/projects").await;
    assert_eq!(ids(&projects), [11, 12]);
    assert_eq!(names(&projects), ["Operations", "Sales"]);
    assert_eq!(
        api.get("/projects/OPS").await,
        api.get("/projects/11").await
    );
    assert_eq!(ids(&api.get("/projects/OPS/users").await), [1, 6, 7]);
    assert_eq!(ids(&api.get("/projects/SALES/users").await), [1, 7, 8]);
    assert_eq!(
        names(&api.get("/projects/SALES/statuses").await),
        [
            "Open",
            "In Progress",
            "Resolved",
            "Closed",
            "Waiting for customer"
        ]
    );
    let types = api.get("/projects/OPS/issueTypes").await;
    assert_eq!(names(&types), ["Incident", "Change", "Maintenance"]);
    assert_eq!(ids(&api.get("/projects/SALES/issueTypes").await), [14, 15]);
    assert_eq!(
        names(&api.get("/priorities").await),
        ["High", "Normal", "Low"]
    );
}

#[tokio::test]
async fn acme_serves_its_own_issues_comments_and_wiki() {
    let api = Api::start_space(SpaceSeed::Acme).await;
    assert_eq!(api.count("").await, 14);
    assert_eq!(api.count("projectId[]=11").await, 8);
    assert_eq!(api.count("projectId[]=12").await, 6);
    let mut all = api.issue_ids("count=100").await;
    all.sort_unstable();
    assert_eq!(all, (101..=114).collect::<Vec<_>>());

    let ops_1 = api.get("/issues/OPS-1").await;
    assert_eq!(ops_1, api.get("/issues/101").await);
    assert_eq!(
        ops_1["summary"],
        "Renew the TLS certificate of the status page"
    );
    assert_eq!(ops_1["issueType"]["name"], "Maintenance");
    assert_eq!(ops_1["status"]["name"], "Open");
    assert_eq!(ops_1["assignee"]["userId"], "kenji");
    assert_eq!(ops_1["created"], "2026-10-01T09:00:00Z");

    let ops_2 = api.get("/issues/OPS-2").await;
    assert_eq!(ops_2["summary"], "Disk usage alert on db-02");
    assert_eq!(ops_2["issueType"]["name"], "Incident");
    let comments = api.get("/issues/OPS-2/comments?order=asc").await;
    assert_eq!(ids(&comments), [11, 12]);
    assert_eq!(comments[0]["createdUser"]["userId"], "kenji");

    let sales_1 = api.get("/issues/SALES-1").await;
    assert_eq!(sales_1["id"], 109);
    assert_eq!(sales_1["summary"], "Follow up with Globex on the renewal");
    assert_eq!(custom_value(&sales_1, 11), 25000.0);
    let sales_2 = api.get("/issues/SALES-2").await;
    assert_eq!(sales_2["status"]["name"], "Waiting for customer");
    assert_eq!(
        api.count("projectId[]=12&statusId[]=5").await,
        2,
        "SALES-2 and SALES-4 wait for the customer"
    );

    let wikis = api.get("/wikis?projectIdOrKey=OPS").await;
    assert_eq!((ids(&wikis), names(&wikis)), (vec![11], vec!["Runbook"]));
    assert_eq!(
        api.get("/wikis?projectIdOrKey=SALES").await,
        Value::Array(vec![])
    );
    let notifications = api.get("/notifications").await;
    assert_eq!(ids(&notifications), [11]);
    assert_eq!(notifications[0]["issue"]["issueKey"], "OPS-2");
    let repositories = api.get("/projects/OPS/git/repositories").await;
    assert_eq!(repositories, Value::Array(vec![]));
}

/// Paths naming the demo space's project keys, issue keys and ids, none of which Acme has.
const DEMO_ONLY: [&str; 9] = [
    "/projects/DEMO",
    "/projects/WEB",
    "/projects/OLD",
    "/projects/1",
    "/issues/DEMO-1",
    "/issues/WEB-1",
    "/issues/1",
    "/users/2",
    "/wikis/1",
];

/// Paths naming Acme's project keys, issue keys and ids, none of which the demo space has.
const ACME_ONLY: [&str; 8] = [
    "/projects/OPS",
    "/projects/SALES",
    "/projects/11",
    "/issues/OPS-1",
    "/issues/SALES-1",
    "/issues/101",
    "/users/6",
    "/wikis/11",
];

#[tokio::test]
async fn demo_keys_and_ids_are_404_in_acme_and_acme_keys_and_ids_in_demo() {
    let demo = Api::start_space(SpaceSeed::Demo).await;
    let acme = Api::start_space(SpaceSeed::Acme).await;
    for (home, other, paths) in [
        (&demo, &acme, DEMO_ONLY.as_slice()),
        (&acme, &demo, ACME_ONLY.as_slice()),
    ] {
        for path in paths {
            assert_eq!(home.get_reply(path).await.status, 200, "{path} at home");
            let reply = other.get_reply(path).await;
            assert_eq!(reply.status, 404, "{path} elsewhere: {}", reply.body);
        }
    }
    assert_eq!(
        acme.get_reply("/issues/DEMO-1").await.error(404, 6),
        "No issue."
    );
    assert_eq!(
        demo.get_reply("/projects/OPS").await.error(404, 6),
        "No project."
    );
    // A search by the other space's project finds nothing.
    assert_eq!(acme.issue_ids("projectId[]=1").await, [] as [u64; 0]);
    assert_eq!(demo.issue_ids("projectId[]=11").await, [] as [u64; 0]);
}

#[tokio::test]
async fn writes_to_one_space_leave_the_other_as_seeded() {
    let demo = Api::start_space(SpaceSeed::Demo).await;
    let acme = Api::start_space(SpaceSeed::Acme).await;
    let form = "projectId=11&summary=Replace%20the%20UPS%20batteries&issueTypeId=13&priorityId=3";
    let reply = acme.post("/issues", form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let created = reply.json();
    assert_eq!(created["issueKey"], "OPS-9");
    assert_eq!(created["id"], 115);
    assert_eq!(created["createdUser"]["userId"], "hanako");
    assert_eq!(created["created"], "2027-01-20T08:00:00Z");

    assert_eq!(acme.count("").await, 15);
    assert_eq!(demo.count("").await, 50);
    assert_eq!(demo.get_reply("/issues/115").await.status, 404);
    // The demo space has no project 11 to write to.
    let refused = demo.post("/issues", form).await;
    assert_eq!(refused.error(404, 6), "No project.");
}
