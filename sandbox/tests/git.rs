//! Git: repositories, pull requests (filters, paging, counts, writes, statuses), their
//! comments and attachments, and the activities they log.

mod support;

use serde_json::json;
use support::{Api, ids, keys, numbers};

const APP: &str = "/projects/DEMO/git/repositories/app";
const CSV: &[u8] = include_bytes!("../data/demo/files/benchmark.csv");

#[tokio::test]
async fn repositories_by_id_or_name() {
    let api = Api::start().await;
    let repositories = api.get("/projects/DEMO/git/repositories").await;
    assert_eq!(ids(&repositories), [1, 2]);
    let app = &repositories[0];
    assert_eq!(
        keys(app),
        [
            "id",
            "projectId",
            "name",
            "description",
            "hookUrl",
            "httpUrl",
            "sshUrl",
            "displayOrder",
            "pushedAt",
            "createdUser",
            "created",
            "updatedUser",
            "updated"
        ]
    );
    assert_eq!(app["name"], "app");
    assert!(app["hookUrl"].is_null());
    assert_eq!(app["httpUrl"], "https://demo.backlog.com/git/DEMO/app.git");
    assert_eq!(app["createdUser"]["userId"], "admin");
    assert_eq!(api.get(APP).await, *app);
    assert_eq!(api.get("/projects/1/git/repositories/1").await, *app);
    assert_eq!(
        api.get("/projects/DEMO/git/repositories/2").await["name"],
        "docs"
    );
    assert_eq!(api.get("/projects/WEB/git/repositories").await, json!([]));
    for target in [
        "/projects/DEMO/git/repositories/nope",
        "/projects/DEMO/git/repositories/9",
        "/projects/WEB/git/repositories/app",
        "/projects/DEMO/git/repositories/nope/pullRequests",
    ] {
        let message = api.get_reply(target).await.error(404, 6);
        assert_eq!(message, "No repository.", "{target}");
    }
    let message = api
        .get_reply("/projects/NOPE/git/repositories")
        .await
        .error(404, 6);
    assert_eq!(message, "No project.");
}

#[tokio::test]
async fn seeded_pull_requests_newest_number_first_with_their_shape() {
    let api = Api::start().await;
    let list = api.get(&format!("{APP}/pullRequests")).await;
    assert_eq!(numbers(&list), [4, 3, 2, 1]);
    let merged = api.get(&format!("{APP}/pullRequests/1")).await;
    assert_eq!(merged, list[3]);
    assert_eq!(
        keys(&merged),
        [
            "id",
            "projectId",
            "repositoryId",
            "number",
            "summary",
            "description",
            "base",
            "branch",
            "status",
            "assignee",
            "issue",
            "baseCommit",
            "branchCommit",
            "mergeCommit",
            "closeAt",
            "mergeAt",
            "createdUser",
            "created",
            "updatedUser",
            "updated",
            "attachments",
            "stars"
        ]
    );
    assert_eq!(merged["status"], json!({"id": 3, "name": "Merged"}));
    assert_eq!(merged["issue"]["issueKey"], "DEMO-1");
    assert_eq!(
        (merged["base"].as_str(), merged["branch"].as_str()),
        (Some("main"), Some("feature/login-fix"))
    );
    assert_eq!(merged["mergeAt"], "2026-01-08T15:00:00Z");
    assert!(merged["closeAt"].is_null());
    assert_eq!(merged["attachments"][0]["name"], "benchmark.csv");
    let closed = &list[1];
    assert_eq!(closed["status"], json!({"id": 2, "name": "Closed"}));
    assert!(closed["issue"].is_null() && closed["assignee"].is_null());
    assert_eq!(closed["closeAt"], "2026-02-05T12:00:00Z");
    assert_eq!(list[2]["issue"]["issueKey"], "DEMO-3");

    let docs = api
        .get("/projects/DEMO/git/repositories/docs/pullRequests")
        .await;
    assert_eq!((numbers(&docs), ids(&docs)), (vec![1], vec![5]));
    for target in [
        format!("{APP}/pullRequests/9"),
        format!("{APP}/pullRequests/x"),
        "/projects/DEMO/git/repositories/docs/pullRequests/2".to_owned(),
    ] {
        let message = api.get_reply(&target).await.error(404, 6);
        assert_eq!(message, "No pull request.", "{target}");
    }
}

#[tokio::test]
async fn pull_request_filters_paging_and_counts() {
    let api = Api::start().await;
    let list = |query: &str| {
        let target = format!("{APP}/pullRequests?{query}");
        let api = &api;
        async move { numbers(&api.get(&target).await) }
    };
    let count = |query: &str| {
        let target = format!("{APP}/pullRequests/count?{query}");
        let api = &api;
        async move { api.get(&target).await["count"].as_u64().unwrap() }
    };
    assert_eq!(count("").await, 4);
    assert_eq!(list("statusId%5B%5D=1").await, [4, 2]);
    assert_eq!(count("statusId%5B%5D=1").await, 2);
    assert_eq!(list("statusId%5B%5D=2&statusId%5B%5D=3").await, [3, 1]);
    assert_eq!(list("assigneeId%5B%5D=1").await, [4, 1]);
    assert_eq!(list("issueId%5B%5D=3").await, [2]);
    assert_eq!(list("createdUserId%5B%5D=2").await, [3, 1]);
    assert_eq!(count("createdUserId%5B%5D=2&statusId%5B%5D=2").await, 1);
    assert_eq!(list("count=2").await, [4, 3]);
    assert_eq!(list("offset=2&count=1").await, [2]);
    assert_eq!(list("offset=9").await, Vec::<u64>::new());
    let docs = api
        .get("/projects/DEMO/git/repositories/docs/pullRequests/count")
        .await;
    assert_eq!(docs["count"], 1);

    let message = api
        .get_reply(&format!("{APP}/pullRequests?count=101"))
        .await
        .error(400, 7);
    assert_eq!(message, "Invalid value for 'count'.");
    let message = api
        .get_reply(&format!("{APP}/pullRequests/count?statusId%5B%5D=x"))
        .await
        .error(400, 7);
    assert_eq!(message, "Invalid value for 'statusId[]'.");
}

#[tokio::test]
async fn add_pull_request_numbers_per_repository_and_takes_uploads() {
    let api = Api::start().await;
    let upload = api
        .upload("plan.txt", "text/plain", b"the plan")
        .await
        .json()["id"]
        .as_u64()
        .unwrap();
    let form = format!(
        "summary=Dark%20mode&description=Adds%20a%20theme.&base=develop&branch=feature%2Flogin-fix\
         &issueId=4&assigneeId=2&notifiedUserId%5B%5D=3&attachmentId%5B%5D={upload}"
    );
    let reply = api.post(&format!("{APP}/pullRequests"), &form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let pr = reply.json();
    assert_eq!(
        (pr["id"].as_u64(), pr["number"].as_u64()),
        (Some(6), Some(5))
    );
    assert_eq!(
        (pr["projectId"].as_u64(), pr["repositoryId"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(pr["status"], json!({"id": 1, "name": "Open"}));
    assert_eq!(pr["summary"], "Dark mode");
    assert_eq!(pr["branch"], "feature/login-fix");
    assert_eq!(pr["issue"]["issueKey"], "DEMO-4");
    assert_eq!(pr["assignee"]["userId"], "alice");
    assert_eq!(pr["createdUser"]["id"], 1);
    assert_eq!(pr["baseCommit"], "b53e055dd9cee996fdad9e107f3bc8e613d33c7e");
    assert_eq!(
        pr["branchCommit"],
        "7bd2ddb03226605615b0cf6c646cae80b5ee7cbc"
    );
    assert!(pr["mergeCommit"].is_null() && pr["closeAt"].is_null() && pr["mergeAt"].is_null());
    assert_eq!(ids(&pr["attachments"]), [upload]);
    assert_eq!(api.get(&format!("{APP}/pullRequests/5")).await, pr);
    assert_eq!(
        numbers(&api.get(&format!("{APP}/pullRequests?count=1")).await),
        [5]
    );
    assert_eq!(
        api.get(&format!("{APP}/pullRequests/count")).await["count"],
        5
    );
    let download = api
        .get_reply(&format!("{APP}/pullRequests/5/attachments/{upload}"))
        .await;
    assert_eq!(download.bytes, b"the plan");

    // Numbers are per repository; an empty description is a description.
    let docs = api
        .post(
            "/projects/DEMO/git/repositories/docs/pullRequests",
            "summary=S&description=&base=main&branch=draft%2Fapi-guide",
        )
        .await
        .json();
    assert_eq!(
        (docs["id"].as_u64(), docs["number"].as_u64()),
        (Some(7), Some(2))
    );
    assert!(docs["issue"].is_null());

    let activity = &api
        .get("/space/activities?activityTypeId%5B%5D=18&count=1")
        .await[0];
    assert_eq!(activity["type"], 18);
    assert_eq!(activity["project"]["projectKey"], "DEMO");
    assert_eq!(activity["content"]["number"], 2);
    assert_eq!(activity["content"]["repository"]["name"], "docs");
}

#[tokio::test]
async fn add_pull_request_validation() {
    let api = Api::start().await;
    let base = "summary=S&description=D&base=main&branch=develop";
    let without = |name: &str| {
        base.split('&')
            .filter(|pair| !pair.starts_with(&format!("{name}=")))
            .collect::<Vec<_>>()
            .join("&")
    };
    for name in ["summary", "description", "base", "branch"] {
        let reply = api
            .post(&format!("{APP}/pullRequests"), &without(name))
            .await;
        assert_eq!(
            reply.error(400, 7),
            format!("Please specify a value for '{name}'.")
        );
    }
    let cases = [
        ("&base=nope", "base"),
        ("&branch=nope", "branch"),
        ("&branch=main", "branch"),
        ("&issueId=41", "issueId"),
        ("&issueId=999", "issueId"),
        ("&assigneeId=5", "assigneeId"),
        ("&notifiedUserId%5B%5D=42", "notifiedUserId[]"),
        ("&attachmentId%5B%5D=9", "attachmentId[]"),
    ];
    for (suffix, name) in cases {
        // A bad `base` or `branch` replaces the good one rather than follow it.
        let form = if suffix.starts_with("&base") || suffix.starts_with("&branch") {
            format!("{}{suffix}", without(&suffix[1..suffix.find('=').unwrap()]))
        } else {
            format!("{base}{suffix}")
        };
        let reply = api.post(&format!("{APP}/pullRequests"), &form).await;
        assert_eq!(
            reply.error(400, 7),
            format!("Invalid value for '{name}'."),
            "{suffix}"
        );
    }
    // Nothing was added, and the numbering is intact.
    assert_eq!(
        api.get(&format!("{APP}/pullRequests/count")).await["count"],
        4
    );
    let reply = api.post(&format!("{APP}/pullRequests"), base).await;
    assert_eq!(reply.json()["number"], 5);
    let message = api
        .post("/projects/DEMO/git/repositories/nope/pullRequests", base)
        .await
        .error(404, 6);
    assert_eq!(message, "No repository.");
}

#[tokio::test]
async fn update_pull_request_fields_status_and_comment() {
    let api = Api::start().await;
    let target = format!("{APP}/pullRequests/2");
    let reply = api
        .patch(
            &target,
            "summary=CSV%20export%2C%20UTF-8&assigneeId=&issueId=5&comment=Retitled",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let pr = reply.json();
    assert_eq!(pr["summary"], "CSV export, UTF-8");
    assert!(pr["assignee"].is_null());
    assert_eq!(pr["issue"]["issueKey"], "DEMO-5");
    assert_eq!(pr["updatedUser"]["id"], 1);
    assert_eq!(api.get(&target).await, pr);
    let comment = &api.get(&format!("{target}/comments")).await[0];
    assert_eq!(comment["content"], "Retitled");
    let fields: Vec<_> = comment["changeLog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["summary", "assignee", "issue"]);
    assert_eq!(
        comment["changeLog"][1],
        json!({"field": "assignee", "newValue": "", "originalValue": "Bob Smith"})
    );
    let activity = &api.get("/space/activities?count=1").await[0];
    assert_eq!(activity["type"], 19);
    assert_eq!(activity["content"]["comment"]["content"], "Retitled");
    assert_eq!(activity["content"]["changes"][0]["field"], "summary");

    // Closing stamps closeAt, reopening clears it, merging stamps mergeAt and the commit.
    let closed = api.patch(&target, "statusId=2").await.json();
    assert_eq!(closed["status"]["name"], "Closed");
    assert!(closed["closeAt"].is_string());
    let reopened = api.patch(&target, "statusId=1").await.json();
    assert!(reopened["closeAt"].is_null());
    let merged = api.patch(&target, "statusId=3").await.json();
    assert_eq!(merged["status"], json!({"id": 3, "name": "Merged"}));
    assert!(merged["mergeAt"].is_string());
    assert_eq!(merged["mergeCommit"], merged["branchCommit"]);
    assert_eq!(
        api.get(&format!("{APP}/pullRequests/count?statusId%5B%5D=3"))
            .await["count"],
        2
    );
    let message = api.patch(&target, "statusId=1").await.error(400, 7);
    assert_eq!(message, "Invalid value for 'statusId'.");
    // A status alone is a change, logged as a comment with no text.
    let comments = api.get(&format!("{target}/comments?count=3")).await;
    assert!(comments[0]["content"].is_null());
    assert_eq!(
        comments[0]["changeLog"],
        json!([{"field": "status", "newValue": "Merged", "originalValue": "Open"}])
    );

    for (form, name) in [
        ("statusId=4", "statusId"),
        ("summary=", "summary"),
        ("assigneeId=5", "assigneeId"),
        ("issueId=41", "issueId"),
        ("notifiedUserId%5B%5D=42", "notifiedUserId[]"),
    ] {
        let reply = api.patch(&format!("{APP}/pullRequests/4"), form).await;
        let message = reply.error(400, 7);
        assert!(message.contains(&format!("'{name}'")), "{form}: {message}");
    }
    api.patch(&format!("{APP}/pullRequests/9"), "summary=x")
        .await
        .error(404, 6);
}

#[tokio::test]
async fn pull_request_comments_cursor_count_add_and_edit_own() {
    let api = Api::start().await;
    let comments = format!("{APP}/pullRequests/1/comments");
    let seeded = api.get(&comments).await;
    assert_eq!(ids(&seeded), [2, 1]);
    assert_eq!(
        keys(&seeded[0]),
        [
            "id",
            "content",
            "changeLog",
            "createdUser",
            "created",
            "updated",
            "stars",
            "notifications"
        ]
    );
    assert_eq!(seeded[0]["content"], "LGTM, merging.");
    assert_eq!(
        ids(&api.get(&format!("{comments}?order=asc")).await),
        [1, 2]
    );
    assert_eq!(ids(&api.get(&format!("{comments}?minId=1")).await), [2]);
    assert_eq!(
        ids(&api.get(&format!("{comments}?maxId=2&count=1")).await),
        [1]
    );
    assert_eq!(api.get(&format!("{comments}/count")).await["count"], 2);
    assert_eq!(
        api.get(&format!("{APP}/pullRequests/3/comments/count"))
            .await["count"],
        0
    );

    let reply = api
        .post(&comments, "content=Thanks%21&notifiedUserId%5B%5D=2")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let comment = reply.json();
    assert_eq!(
        (comment["id"].as_u64(), comment["content"].as_str()),
        (Some(6), Some("Thanks!"))
    );
    assert_eq!(comment["notifications"][0]["user"]["userId"], "alice");
    assert_eq!(comment["notifications"][0]["reason"], 11);
    assert_eq!(ids(&api.get(&comments).await), [6, 2, 1]);
    assert_eq!(api.get(&format!("{comments}/count")).await["count"], 3);
    let activity = &api.get("/space/activities?count=1").await[0];
    assert_eq!(activity["type"], 20);
    assert_eq!(activity["content"]["comment"]["id"], 6);
    let missing = api.post(&comments, "content=%20").await;
    assert_eq!(
        missing.error(400, 7),
        "Please specify a value for 'content'."
    );

    let edited = api
        .patch(&format!("{comments}/6"), "content=Thanks%2C%20merged.")
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let edited = edited.json();
    assert_eq!(edited["content"], "Thanks, merged.");
    assert_ne!(edited["updated"], edited["created"]);
    assert_eq!(api.get(&comments).await[0], edited);
    // Comment 1 is bob's: only its author may edit it.
    let message = api
        .patch(&format!("{comments}/1"), "content=x")
        .await
        .error(403, 5);
    assert_eq!(message, "You may only edit your own comments.");
    let message = api
        .patch(&format!("{comments}/3"), "content=x")
        .await
        .error(404, 6);
    assert_eq!(message, "No comment.");
    let blank = api.patch(&format!("{comments}/2"), "content=").await;
    assert_eq!(blank.error(400, 7), "Please specify a value for 'content'.");
}

#[tokio::test]
async fn pull_request_attachments_list_download_and_delete() {
    let api = Api::start().await;
    let attachments = format!("{APP}/pullRequests/1/attachments");
    let list = api.get(&attachments).await;
    assert_eq!(ids(&list), [9]);
    assert_eq!(list[0]["size"], CSV.len());
    let download = api.get_reply(&format!("{attachments}/9")).await;
    assert_eq!(
        download.download(CSV, "text/csv; charset=UTF-8"),
        "attachment; filename=\"benchmark.csv\"; filename*=UTF-8''benchmark.csv"
    );
    // An issue's attachment is not the pull request's.
    api.get_reply(&format!("{attachments}/1"))
        .await
        .error(404, 6);
    api.get_reply(&format!("{APP}/pullRequests/2/attachments/9"))
        .await
        .error(404, 6);

    let deleted = api.delete(&format!("{attachments}/9")).await.json();
    assert_eq!(
        (deleted["id"].as_u64(), deleted["name"].as_str()),
        (Some(9), Some("benchmark.csv"))
    );
    assert_eq!(api.get(&attachments).await, json!([]));
    assert_eq!(
        api.get(&format!("{APP}/pullRequests/1")).await["attachments"],
        json!([])
    );
    api.delete(&format!("{attachments}/9")).await.error(404, 6);
}

#[tokio::test]
async fn seeded_pull_requests_are_in_the_activity_log() {
    let api = Api::start().await;
    let log = api
        .get("/space/activities?activityTypeId%5B%5D=18&activityTypeId%5B%5D=19&activityTypeId%5B%5D=20&count=100")
        .await;
    let types: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["type"].as_u64().unwrap())
        .collect();
    assert_eq!(types.iter().filter(|t| **t == 18).count(), 5);
    assert_eq!(types.iter().filter(|t| **t == 19).count(), 2);
    assert_eq!(types.iter().filter(|t| **t == 20).count(), 5);
    let merged = log
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == 19 && a["content"]["number"] == 1)
        .unwrap();
    assert_eq!(merged["content"]["changes"][0]["new_value"], "Merged");
    assert_eq!(merged["createdUser"]["id"], 1);
    assert_eq!(merged["created"], "2026-01-08T15:00:00Z");
}
