//! Behaviour of the resources: the seeded demo space, reads, writes, searches.

mod support;

use serde_json::{Value, json};
use support::{Api, ids, names};

/// The custom field value `id` of an issue.
fn custom(issue: &Value, id: u64) -> &Value {
    issue["customFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap()
}

#[tokio::test]
async fn seeded_space_users_and_projects() {
    let api = Api::start().await;
    let space = api.get("/space").await;
    assert_eq!(space["spaceKey"], "demo");
    assert_eq!(space["name"], "Demo Space");
    assert_eq!(space["textFormattingRule"], "markdown");

    let users = api.get("/users").await;
    assert_eq!(ids(&users), [1, 2, 3, 4, 5]);
    let roles: Vec<_> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["roleType"].as_u64())
        .collect();
    assert_eq!(roles, [Some(1), Some(2), Some(3), Some(4), Some(2)]);
    let myself = api.get("/users/myself").await;
    assert_eq!(
        (myself["id"].as_u64(), myself["userId"].as_str()),
        (Some(1), Some("admin"))
    );
    assert!(myself["nulabAccount"].is_null());
    assert_eq!(api.get("/users/3").await["userId"], "bob");
    assert_eq!(api.get_reply("/users/99").await.error(404, 6), "No user.");

    assert_eq!(ids(&api.get("/projects").await), [1, 2, 3]);
    assert_eq!(ids(&api.get("/projects?archived=false").await), [1, 2]);
    assert_eq!(ids(&api.get("/projects?archived=true&all=true").await), [3]);
    let demo = api.get("/projects/DEMO").await;
    assert_eq!(demo, api.get("/projects/1").await);
    assert_eq!(
        (demo["projectKey"].as_str(), demo["name"].as_str()),
        (Some("DEMO"), Some("Demo project"))
    );
    for flag in [
        "chartEnabled",
        "subtaskingEnabled",
        "useWiki",
        "useGit",
        "archived",
    ] {
        assert!(demo[flag].is_boolean(), "{flag}");
    }
    assert_eq!(api.get("/projects/OLD").await["archived"], true);
    assert_eq!(
        api.get_reply("/projects/NOPE").await.error(404, 6),
        "No project."
    );
    assert_eq!(ids(&api.get("/projects/DEMO/users").await), [1, 2, 3, 4]);
    assert_eq!(ids(&api.get("/projects/WEB/users").await), [1, 2, 5]);
}

#[tokio::test]
async fn seeded_project_lists() {
    let api = Api::start().await;
    let statuses = api.get("/projects/WEB/statuses").await;
    assert_eq!(ids(&statuses), [1, 2, 3, 4]);
    assert_eq!(
        names(&statuses),
        ["Open", "In Progress", "Resolved", "Closed"]
    );
    assert_eq!(statuses[0]["projectId"], 2);

    let types = api.get("/projects/DEMO/issueTypes").await;
    assert_eq!(ids(&types), [1, 2, 3, 4]);
    assert_eq!(names(&types), ["Bug", "Task", "Request", "Other"]);
    assert_eq!(ids(&api.get("/projects/2/issueTypes").await), [5, 6, 7]);
    assert_eq!(ids(&api.get("/projects/OLD/issueTypes").await), [8]);

    assert_eq!(ids(&api.get("/priorities").await), [2, 3, 4]);
    assert_eq!(names(&api.get("/resolutions").await)[1], "Won't Fix");
    assert_eq!(ids(&api.get("/resolutions").await), [0, 1, 2, 3, 4]);
    assert_eq!(
        names(&api.get("/projects/DEMO/categories").await),
        ["Frontend", "Backend", "Documentation"]
    );
    assert_eq!(ids(&api.get("/projects/WEB/categories").await), [4, 5]);
    let versions = api.get("/projects/DEMO/versions").await;
    assert_eq!(names(&versions), ["v1.0", "v1.1", "v2.0"]);
    assert_eq!(versions[0]["releaseDueDate"], "2026-03-31T00:00:00Z");
    assert_eq!(ids(&api.get("/projects/WEB/versions").await), [4, 5]);

    let fields = api.get("/projects/DEMO/customFields").await;
    assert_eq!(ids(&fields), [1, 2, 3, 4, 5, 6, 7]);
    let types: Vec<_> = fields
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["typeId"].as_u64().unwrap())
        .collect();
    assert_eq!(types, [1, 3, 4, 5, 6, 7, 8]);
    assert_eq!(ids(&fields[3]["items"]), [1, 2, 3]);
    assert_eq!(ids(&fields[4]["items"]), [4, 5, 6, 7]);
    assert_eq!(fields[5]["allowInput"], true);
    assert_eq!(ids(&api.get("/projects/WEB/customFields").await), [8, 9]);
}

#[tokio::test]
async fn seeded_issues_comments_and_keys() {
    let api = Api::start().await;
    assert_eq!(api.count("").await, 50);
    assert_eq!(api.count("projectId%5B%5D=1").await, 40);
    assert_eq!(api.count("projectId%5B%5D=2").await, 10);

    let issue = api.get("/issues/DEMO-12").await;
    assert_eq!(issue, api.get("/issues/12").await);
    assert_eq!(issue["issueKey"], "DEMO-12");
    assert_eq!(issue["parentIssueId"], 10);
    assert_eq!(issue["issueType"]["name"], "Other");
    assert_eq!(
        custom(&issue, 4)["value"],
        json!({"id": 1, "name": "Windows", "displayOrder": 0})
    );
    assert_eq!(custom(&issue, 6)["otherValue"], "Affects billing");
    assert!(custom(&issue, 7)["value"].is_null());
    for key in [
        "attachments",
        "sharedFiles",
        "stars",
        "externalFileLinks",
        "category",
        "versions",
        "milestone",
    ] {
        assert!(issue[key].is_array(), "{key}");
    }
    let web = api.get("/issues/WEB-1").await;
    assert_eq!(
        (web["id"].as_u64(), web["projectId"].as_u64()),
        (Some(41), Some(2))
    );
    assert_eq!(
        api.get_reply("/issues/DEMO-999").await.error(404, 6),
        "No issue."
    );
    assert_eq!(
        api.get_reply("/issues/9999").await.error(404, 6),
        "No issue."
    );

    let comments = api.get("/issues/DEMO-1/comments").await;
    assert_eq!(ids(&comments), [3, 2, 1]);
    assert_eq!(
        ids(&api.get("/issues/DEMO-1/comments?order=asc&minId=1").await),
        [2, 3]
    );
    assert_eq!(
        ids(&api.get("/issues/DEMO-1/comments?maxId=3&count=1").await),
        [2]
    );
    assert_eq!(api.get("/issues/41/comments/count").await["count"], 2);
    assert_eq!(api.get("/issues/DEMO-3/comments/count").await["count"], 0);
}

#[tokio::test]
async fn create_then_read_issue_with_custom_fields() {
    let api = Api::start().await;
    let form = "projectId=1&summary=New%20issue&issueTypeId=2&priorityId=2\
        &description=Line%201%0ALine%202&startDate=2026-12-01&dueDate=2026-12-24\
        &estimatedHours=2.5&categoryId%5B%5D=2&versionId%5B%5D=3&milestoneId%5B%5D=3\
        &assigneeId=2&notifiedUserId%5B%5D=3&parentIssueId=5\
        &customField_1=Wayne%20Enterprises&customField_2=8.5&customField_3=2026-12-31\
        &customField_4=3&customField_5%5B0%5D=5&customField_5%5B1%5D=7\
        &customField_6%5B0%5D=10&customField_6_otherValue=Billing&customField_7=13";
    let reply = api.post("/issues", form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let created = reply.json();
    assert_eq!(created["issueKey"], "DEMO-41");
    assert_eq!(
        (created["id"].as_u64(), created["keyId"].as_u64()),
        (Some(51), Some(41))
    );
    assert_eq!(created["status"]["name"], "Open");
    assert_eq!(created["createdUser"]["id"], 1);
    assert_eq!(created["created"], "2026-11-27T08:00:00Z");

    let read = api.get("/issues/DEMO-41").await;
    assert_eq!(read, created);
    assert_eq!(read["description"], "Line 1\nLine 2");
    assert_eq!(read["startDate"], "2026-12-01T00:00:00Z");
    assert_eq!(read["dueDate"], "2026-12-24T00:00:00Z");
    assert_eq!(read["estimatedHours"], 2.5);
    assert_eq!(ids(&read["category"]), [2]);
    assert_eq!(ids(&read["versions"]), [3]);
    assert_eq!(ids(&read["milestone"]), [3]);
    assert_eq!(read["assignee"]["id"], 2);
    assert_eq!(read["parentIssueId"], 5);
    assert_eq!(custom(&read, 1)["value"], "Wayne Enterprises");
    assert_eq!(custom(&read, 2)["value"], 8.5);
    assert_eq!(custom(&read, 3)["value"], "2026-12-31");
    assert_eq!(
        custom(&read, 4)["value"],
        json!({"id": 3, "name": "Linux", "displayOrder": 2})
    );
    assert_eq!(
        custom(&read, 5)["value"],
        json!([{"id": 5, "name": "Firefox", "displayOrder": 1}, {"id": 7, "name": "Edge", "displayOrder": 3}])
    );
    assert_eq!(
        custom(&read, 6)["value"],
        json!([{"id": 10, "name": "Performance", "displayOrder": 2}])
    );
    assert_eq!(custom(&read, 6)["otherValue"], "Billing");
    assert_eq!(custom(&read, 7)["value"]["name"], "Minor");
    assert_eq!(custom(&read, 7)["fieldTypeId"], 8);

    // Visible to searches and counts, and logged as an activity.
    assert_eq!(api.count("projectId%5B%5D=1").await, 41);
    assert_eq!(api.issue_ids("count=1").await, [51]);
    let activity = &api.get("/space/activities?count=1").await[0];
    assert_eq!(
        (
            activity["type"].as_u64(),
            activity["content"]["id"].as_u64()
        ),
        (Some(1), Some(51))
    );

    // The next issue of the project continues the key sequence.
    let next = api
        .post(
            "/issues",
            "projectId=1&summary=Next&issueTypeId=1&priorityId=3",
        )
        .await
        .json();
    assert_eq!(next["issueKey"], "DEMO-42");
    assert!(next["created"].as_str() > created["created"].as_str());
    // The Rust peer's encoding of several values: the bare key repeated.
    let repeated =
        "projectId=1&summary=Rep&issueTypeId=1&priorityId=3&customField_5=4&customField_5=6";
    let issue = api.post("/issues", repeated).await.json();
    assert_eq!(ids(&custom(&issue, 5)["value"]), [4, 6]);
}

#[tokio::test]
async fn create_issue_validation() {
    let api = Api::start().await;
    let base = "projectId=1&summary=S&issueTypeId=1&priorityId=3";
    let cases = [
        (
            "summary=S&issueTypeId=1&priorityId=3",
            400,
            "Please specify a value for 'projectId'.",
        ),
        (
            "projectId=1&issueTypeId=1&priorityId=3",
            400,
            "Please specify a value for 'summary'.",
        ),
        (
            "projectId=1&summary=%20&issueTypeId=1&priorityId=3",
            400,
            "Please specify a value for 'summary'.",
        ),
        (
            "projectId=1&summary=S&priorityId=3",
            400,
            "Please specify a value for 'issueTypeId'.",
        ),
        (
            "projectId=1&summary=S&issueTypeId=1",
            400,
            "Please specify a value for 'priorityId'.",
        ),
        (
            "projectId=99&summary=S&issueTypeId=1&priorityId=3",
            404,
            "No project.",
        ),
        (
            "projectId=1&summary=S&issueTypeId=5&priorityId=3",
            400,
            "Invalid value for 'issueTypeId'.",
        ),
        (
            "projectId=1&summary=S&issueTypeId=1&priorityId=9",
            400,
            "Invalid value for 'priorityId'.",
        ),
    ];
    for (form, status, message) in cases {
        let code = if status == 404 { 6 } else { 7 };
        assert_eq!(
            api.post("/issues", form).await.error(status, code),
            message,
            "{form}"
        );
    }
    let extra = [
        ("&startDate=2026-02-30", "Invalid value for 'startDate'."),
        ("&dueDate=tomorrow", "Invalid value for 'dueDate'."),
        (
            "&startDate=2026-05-02&dueDate=2026-05-01",
            "'dueDate' must not be earlier than 'startDate'.",
        ),
        ("&estimatedHours=-1", "Invalid value for 'estimatedHours'."),
        ("&categoryId%5B%5D=4", "Invalid value for 'categoryId[]'."),
        ("&assigneeId=5", "Invalid value for 'assigneeId'."),
        ("&parentIssueId=41", "Invalid value for 'parentIssueId'."),
        ("&parentIssueId=12", "Invalid value for 'parentIssueId'."),
        (
            "&attachmentId%5B%5D=1",
            "Invalid value for 'attachmentId[]'.",
        ),
        ("&customField_4=5", "Invalid value for 'customField_4'."),
        (
            "&customField_4%5B0%5D=1&customField_4%5B1%5D=2",
            "Invalid value for 'customField_4'.",
        ),
        ("&customField_2=many", "Invalid value for 'customField_2'."),
        ("&customField_8=x", "Invalid value for 'customField_8'."),
    ];
    for (suffix, message) in extra {
        let reply = api.post("/issues", &format!("{base}{suffix}")).await;
        assert_eq!(reply.error(400, 7), message, "{suffix}");
    }
    // Failed writes leave no trace; the key sequence is intact.
    assert_eq!(api.count("").await, 50);
    assert_eq!(
        api.post("/issues", base).await.json()["issueKey"],
        "DEMO-41"
    );
}

#[tokio::test]
async fn patch_issue_clears_lists_only_when_asked() {
    let api = Api::start().await;
    let before = api.get("/issues/DEMO-3").await;
    assert_eq!(ids(&before["category"]), [1, 3]);
    assert_eq!(ids(&before["versions"]), [1]);

    // Absent keys leave lists alone.
    let renamed = api.patch("/issues/DEMO-3", "summary=Renamed").await.json();
    assert_eq!(renamed["summary"], "Renamed");
    assert_eq!(ids(&renamed["category"]), [1, 3]);

    // `categoryId[]=` alone clears; other lists are untouched.
    let cleared = api
        .patch("/issues/DEMO-3", "categoryId%5B%5D=")
        .await
        .json();
    assert_eq!(cleared["category"], json!([]));
    assert_eq!(ids(&cleared["versions"]), [1]);
    let read = api.get("/issues/DEMO-3").await;
    assert_eq!(read["category"], json!([]));
    assert_eq!(read["updated"], "2026-11-27T08:01:00Z");
    assert_eq!(read["updatedUser"]["id"], 1);

    let replaced = api
        .patch(
            "/issues/3",
            "categoryId%5B%5D=2&versionId%5B%5D=&milestoneId%5B%5D=1",
        )
        .await
        .json();
    assert_eq!(ids(&replaced["category"]), [2]);
    assert_eq!(replaced["versions"], json!([]));
    assert_eq!(ids(&replaced["milestone"]), [1]);
}

#[tokio::test]
async fn patch_issue_fields_comment_and_custom_fields() {
    let api = Api::start().await;
    let form = "statusId=3&resolutionId=0&assigneeId=&dueDate=&estimatedHours=4\
        &comment=Fixed%20in%20build%2042&notifiedUserId%5B%5D=2\
        &customField_4=&customField_5%5B0%5D=6&customField_7_otherValue=Blocker";
    let reply = api.patch("/issues/DEMO-12", form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let issue = reply.json();
    assert_eq!(issue["status"]["name"], "Resolved");
    assert_eq!(issue["resolution"]["name"], "Fixed");
    assert!(issue["assignee"].is_null());
    assert!(issue["dueDate"].is_null());
    assert_eq!(issue["estimatedHours"], 4.0);
    assert!(custom(&issue, 4)["value"].is_null());
    assert_eq!(ids(&custom(&issue, 5)["value"]), [6]);
    assert_eq!(custom(&issue, 7)["otherValue"], "Blocker");
    assert_eq!(
        custom(&issue, 1)["value"],
        "ACME Corp",
        "untouched field kept"
    );

    let comments = api.get("/issues/DEMO-12/comments").await;
    assert_eq!(comments.as_array().unwrap().len(), 1);
    let comment = &comments[0];
    assert_eq!(comment["content"], "Fixed in build 42");
    assert_eq!(comment["notifications"][0]["user"]["id"], 2);
    let changed: Vec<_> = comment["changeLog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        changed,
        [
            "status",
            "resolution",
            "limitDate",
            "estimatedHours",
            "OS",
            "Browsers",
            "Severity"
        ]
    );
    assert_eq!(comment["changeLog"][0]["originalValue"], "Open");
    assert_eq!(comment["changeLog"][0]["newValue"], "Resolved");
    let activity = &api.get("/users/1/activities?count=1").await[0];
    assert_eq!(activity["type"], 2);
    assert_eq!(
        activity["content"]["comment"]["content"],
        "Fixed in build 42"
    );

    // A comment-only update still records a comment; a no-op update records none.
    api.patch("/issues/DEMO-12", "comment=Just%20a%20note")
        .await;
    api.patch(
        "/issues/DEMO-12",
        "summary=User%20settings%20is%20slow%20on%20large%20projects",
    )
    .await;
    assert_eq!(api.get("/issues/DEMO-12/comments/count").await["count"], 2);

    let bad = api.patch("/issues/DEMO-12", "statusId=9").await;
    assert_eq!(bad.error(400, 7), "Invalid value for 'statusId'.");
    let bad = api.patch("/issues/DEMO-12", "summary=").await;
    assert_eq!(bad.error(400, 7), "Please specify a value for 'summary'.");
    assert_eq!(
        api.patch("/issues/DEMO-404", "summary=x")
            .await
            .error(404, 6),
        "No issue."
    );
}

#[tokio::test]
async fn comments_and_delete() {
    let api = Api::start().await;
    let comment = api
        .post(
            "/issues/WEB-2/comments",
            "content=Hello%21&notifiedUserId%5B%5D=5",
        )
        .await
        .json();
    assert_eq!(
        (comment["id"].as_u64(), comment["issueId"].as_u64()),
        (Some(10), Some(42))
    );
    assert_eq!(comment["content"], "Hello!");
    assert_eq!(ids(&api.get("/issues/WEB-2/comments").await), [10]);
    let missing = api.post("/issues/WEB-2/comments", "").await;
    assert_eq!(
        missing.error(400, 7),
        "Please specify a value for 'content'."
    );

    let deleted = api.delete("/issues/DEMO-10").await.json();
    assert_eq!(deleted["issueKey"], "DEMO-10");
    assert_eq!(
        api.get_reply("/issues/DEMO-10").await.error(404, 6),
        "No issue."
    );
    assert_eq!(api.count("").await, 49);
    assert!(api.get("/issues/DEMO-11").await["parentIssueId"].is_null());
    // Ids and keys are never reused.
    let next = api
        .post(
            "/issues",
            "projectId=1&summary=S&issueTypeId=1&priorityId=3",
        )
        .await
        .json();
    assert_eq!(
        (next["id"].as_u64(), next["issueKey"].as_str()),
        (Some(51), Some("DEMO-41"))
    );
}

#[tokio::test]
async fn issue_filters() {
    let api = Api::start().await;
    assert_eq!(api.count("projectId%5B%5D=1&projectId%5B%5D=2").await, 50);
    assert_eq!(api.count("projectId%5B%5D=1&statusId%5B%5D=1").await, 16);
    assert_eq!(
        api.count("projectId%5B%5D=1&statusId%5B%5D=2&statusId%5B%5D=3")
            .await,
        16
    );
    assert_eq!(api.count("projectId%5B%5D=2&statusId%5B%5D=1").await, 3);
    // A bare `projectId=` is not Backlog's array form: ignored.
    assert_eq!(api.count("projectId=1").await, 50);

    assert_eq!(
        api.issue_ids("parentIssueId%5B%5D=10&sort=created&order=asc")
            .await,
        [11, 12, 13]
    );
    assert_eq!(
        api.issue_ids("categoryId%5B%5D=3&order=asc").await,
        [3, 7, 11, 15, 19, 23, 27, 31, 35, 39]
    );
    assert_eq!(
        api.count("categoryId%5B%5D=1&categoryId%5B%5D=4").await,
        20 + 4
    );
    assert_eq!(api.count("milestoneId%5B%5D=3").await, 8);
    assert_eq!(api.count("assigneeId%5B%5D=5").await, 2);
    assert_eq!(api.count("id%5B%5D=1&id%5B%5D=41").await, 2);
    assert_eq!(api.count("resolutionId%5B%5D=1").await, 5);
    assert_eq!(
        api.count("issueTypeId%5B%5D=1&issueTypeId%5B%5D=5").await,
        10 + 3
    );
    assert_eq!(api.count("createdUserId%5B%5D=5").await, 3);
    assert_eq!(api.count("priorityId%5B%5D=2&projectId%5B%5D=2").await, 3);

    // Keyword: case-insensitive, summary or description.
    assert_eq!(api.count("keyword=REGRESSION").await, 6);
    assert_eq!(api.count("keyword=login+page").await, 5);
    assert_eq!(api.count("keyword=Translate%20the").await, 1);

    // Date ranges are inclusive days.
    assert_eq!(
        api.issue_ids("createdSince=2026-01-05&createdUntil=2026-01-12&order=asc")
            .await,
        [1, 2]
    );
    assert_eq!(
        api.count("createdSince=2026-09-01&projectId%5B%5D=2").await,
        10
    );
    assert_eq!(
        api.count("createdUntil=2026-08-31&projectId%5B%5D=2").await,
        0
    );
    assert_eq!(api.count("dueDateSince=2027-01-01").await, 0);
    let with_due = api.count("hasDueDate=true").await;
    assert_eq!(with_due + api.count("hasDueDate=false").await, 50);
    assert_eq!(api.count("dueDateSince=2000-01-01").await, with_due);
    assert_eq!(api.count("parentChild=2").await, 3);
    assert_eq!(api.count("parentChild=4").await, 1);
    assert_eq!(api.count("parentChild=1").await, 47);
}

#[tokio::test]
async fn custom_field_filters() {
    let api = Api::start().await;
    // List: indexed item ids, any of them.
    assert_eq!(
        api.issue_ids("customField_4%5B0%5D=1&order=asc").await,
        [6, 12, 18, 24, 30, 36]
    );
    assert_eq!(
        api.count("customField_4%5B0%5D=1&customField_4%5B1%5D=2")
            .await,
        13
    );
    assert_eq!(api.count("customField_5%5B0%5D=5").await, 10);
    assert_eq!(api.count("customField_7%5B0%5D=11").await, 8);
    // Backlog silently ignores bare and `[]` list filters.
    assert_eq!(api.count("customField_4%5B%5D=1").await, 50);
    assert_eq!(api.count("customField_4=1").await, 50);
    assert_eq!(api.count("customField_4%5B%5D%5B0%5D=1").await, 50);
    // Text: keyword.
    assert_eq!(api.count("customField_1=acme").await, 3);
    assert_eq!(api.count("customField_8=example.com").await, 5);
    // Numeric and date ranges, inclusive.
    assert_eq!(
        api.issue_ids("customField_2_min=12&order=asc").await,
        [25, 38]
    );
    assert_eq!(
        api.count("customField_2_min=3&customField_2_max=4").await,
        4
    );
    assert_eq!(
        api.issue_ids("customField_3_max=2026-06-11&order=asc")
            .await,
        [5, 10]
    );
    assert_eq!(api.count("customField_3_min=2026-06-30").await, 3);
}

#[tokio::test]
async fn sorting_and_paging() {
    let api = Api::start().await;
    // Default: newest created first, 20 at a time.
    let first = api.issue_ids("").await;
    assert_eq!(first.len(), 20);
    // WEB-10 (id 50) was created between DEMO-39 and DEMO-38.
    assert_eq!(&first[..3], [40, 39, 50]);
    assert_eq!(api.issue_ids("order=asc&count=3").await, [1, 2, 3]);
    assert_eq!(api.issue_ids("order=asc&count=3&offset=48").await, [39, 40]);

    let by_summary = api.get("/issues?sort=summary&order=asc&count=100").await;
    let summaries: Vec<_> = by_summary
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    let mut sorted = summaries.clone();
    sorted.sort();
    assert_eq!(summaries, sorted);

    let keys = [
        "issueType",
        "category",
        "version",
        "milestone",
        "summary",
        "status",
        "priority",
        "attachment",
        "sharedFile",
        "created",
        "createdUser",
        "updated",
        "updatedUser",
        "assignee",
        "startDate",
        "dueDate",
        "estimatedHours",
        "actualHours",
        "childIssue",
    ];
    for key in keys {
        assert_eq!(
            api.issue_ids(&format!("sort={key}&count=100")).await.len(),
            50,
            "{key}"
        );
    }
    let by_priority = api.get("/issues?sort=priority&order=asc&count=100").await;
    let priorities: Vec<_> = by_priority
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["priority"]["id"].as_u64().unwrap())
        .collect();
    assert!(priorities.is_sorted());
    assert_eq!(api.issue_ids("sort=childIssue&count=1").await, [10]);
    let updated = api.get("/issues?sort=updated&count=100").await;
    let stamps: Vec<_> = updated
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["updated"].as_str().unwrap())
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]));
    let due = api.get("/issues?sort=dueDate&order=desc&count=1").await;
    assert!(due[0]["dueDate"].is_string());
}

#[tokio::test]
async fn activities_and_stars() {
    let api = Api::start().await;
    let latest = api.get("/space/activities").await;
    let latest_ids = ids(&latest);
    assert_eq!(latest_ids.len(), 20);
    assert!(latest_ids.windows(2).all(|w| w[0] > w[1]));
    let top = latest_ids[0];
    assert_eq!(
        ids(&api
            .get(&format!("/space/activities?maxId={top}&count=2"))
            .await),
        [top - 1, top - 2]
    );
    assert_eq!(
        ids(&api.get("/space/activities?minId=2&count=2&order=asc").await),
        [3, 4]
    );
    let comments = api
        .get("/space/activities?activityTypeId%5B%5D=3&count=100")
        .await;
    assert_eq!(comments.as_array().unwrap().len(), 9);
    assert!(comments.as_array().unwrap().iter().all(|a| a["type"] == 3));
    assert!(latest[0]["project"]["projectKey"].is_string());
    assert!(latest[0]["notifications"].is_array());

    let dave = api.get("/users/5/activities?count=100").await;
    assert!(!dave.as_array().unwrap().is_empty());
    assert!(
        dave.as_array()
            .unwrap()
            .iter()
            .all(|a| a["createdUser"]["id"] == 5)
    );
    assert_eq!(
        api.get_reply("/users/42/activities").await.error(404, 6),
        "No user."
    );

    assert_eq!(api.get("/users/2/stars/count").await["count"], 5);
    assert_eq!(
        api.get("/users/2/stars/count?since=2026-03-03&until=2026-09-09")
            .await["count"],
        3
    );
    assert_eq!(api.get("/users/4/stars/count").await["count"], 0);
    assert_eq!(
        api.get_reply("/users/42/stars/count").await.error(404, 6),
        "No user."
    );
}

#[tokio::test]
async fn add_and_update_projects() {
    let api = Api::start().await;
    let form = "name=Mobile%20app&key=MOBILE_2&chartEnabled=true&subtaskingEnabled=false\
        &projectLeaderCanEditProjectLeader=false&textFormattingRule=backlog";
    let reply = api.post("/projects", form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let project = reply.json();
    assert_eq!(
        (project["id"].as_u64(), project["projectKey"].as_str()),
        (Some(4), Some("MOBILE_2"))
    );
    assert_eq!(project["chartEnabled"], true);
    assert_eq!(project["textFormattingRule"], "backlog");
    assert_eq!(api.get("/projects/MOBILE_2").await, project);
    assert_eq!(ids(&api.get("/projects/4/statuses").await), [1, 2, 3, 4]);
    let types = api.get("/projects/4/issueTypes").await;
    assert_eq!(ids(&types), [9, 10, 11, 12]);
    let issue = api
        .post(
            "/issues",
            "projectId=4&summary=First&issueTypeId=10&priorityId=3",
        )
        .await
        .json();
    assert_eq!(issue["issueKey"], "MOBILE_2-1");

    let cases = [
        ("name=Dup&key=DEMO", "Project key 'DEMO' is already used."),
        ("name=Bad&key=lower", "Invalid value for 'key'."),
        ("name=Bad&key=1ABC", "Invalid value for 'key'."),
        ("name=Bad&key=A-B", "Invalid value for 'key'."),
        ("key=NONAME", "Please specify a value for 'name'."),
        ("name=NoKey", "Please specify a value for 'key'."),
        (
            "name=X&key=XX&textFormattingRule=html",
            "Invalid value for 'textFormattingRule'.",
        ),
        (
            "name=X&key=XX&chartEnabled=yes",
            "Invalid value for 'chartEnabled'.",
        ),
    ];
    for (form, message) in cases {
        assert_eq!(
            api.post("/projects", form).await.error(400, 7),
            message,
            "{form}"
        );
    }

    let archived = api
        .patch("/projects/WEB", "archived=true&name=Website%202")
        .await
        .json();
    assert_eq!(
        (archived["archived"].as_bool(), archived["name"].as_str()),
        (Some(true), Some("Website 2"))
    );
    assert_eq!(ids(&api.get("/projects?archived=false").await), [1, 4]);
    // Renaming the key re-keys the project's issues.
    let renamed = api.patch("/projects/2", "key=SITE").await.json();
    assert_eq!(renamed["projectKey"], "SITE");
    assert_eq!(api.get("/issues/SITE-1").await["id"], 41);
    assert_eq!(
        api.get_reply("/issues/WEB-1").await.error(404, 6),
        "No issue."
    );
    assert_eq!(
        api.patch("/projects/2", "key=DEMO").await.error(400, 7),
        "Project key 'DEMO' is already used."
    );
    assert_eq!(
        api.patch("/projects/2", "key=SITE").await.status,
        200,
        "own key is no duplicate"
    );
    assert_eq!(
        api.patch("/projects/NOPE", "name=x").await.error(404, 6),
        "No project."
    );
}
