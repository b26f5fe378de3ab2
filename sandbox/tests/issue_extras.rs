//! Around issues: one comment read and edited, related issues, and the category and
//! version writes of a project.

mod support;

use serde_json::json;
use support::{Api, ids, keys, names};

#[tokio::test]
async fn one_comment_is_read_and_edited_by_its_author_only() {
    let api = Api::start().await;
    let comment = api.get("/issues/DEMO-1/comments/2").await;
    assert_eq!(comment, api.get("/issues/DEMO-1/comments").await[1]);
    assert_eq!(
        (comment["id"].as_u64(), comment["issueId"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(api.get("/issues/1/comments/2").await, comment);
    for target in [
        "/issues/DEMO-1/comments/4",
        "/issues/DEMO-1/comments/99",
        "/issues/DEMO-1/comments/x",
    ] {
        let message = api.get_reply(target).await.error(404, 6);
        assert_eq!(message, "No comment.", "{target}");
    }

    // Comment 2 is the key owner's.
    let reply = api
        .patch("/issues/DEMO-1/comments/2", "content=Fixed%20in%20v1.1.")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let edited = reply.json();
    assert_eq!(edited["content"], "Fixed in v1.1.");
    assert_eq!(edited["created"], comment["created"]);
    assert_ne!(edited["updated"], comment["updated"]);
    assert_eq!(api.get("/issues/DEMO-1/comments/2").await, edited);
    // Comment 1 is alice's.
    let message = api
        .patch("/issues/DEMO-1/comments/1", "content=x")
        .await
        .error(403, 5);
    assert_eq!(message, "You may only edit your own comments.");
    assert_eq!(
        api.get("/issues/DEMO-1/comments/1").await["content"],
        "I can reproduce this on Chrome."
    );
    let blank = api.patch("/issues/DEMO-1/comments/2", "content=").await;
    assert_eq!(blank.error(400, 7), "Please specify a value for 'content'.");
    api.patch("/issues/DEMO-2/comments/2", "content=x")
        .await
        .error(404, 6);
}

#[tokio::test]
async fn related_issues_are_undirected_links() {
    let api = Api::start().await;
    let related = api.get("/issues/DEMO-1/relatedIssues").await;
    assert_eq!(ids(&related), [2, 5]);
    assert_eq!(related[0]["type"], "RELATES");
    assert_eq!(related[0]["issueKey"], "DEMO-2");
    // The issue object plus `type`.
    let mut issue = api.get("/issues/DEMO-2").await;
    issue["type"] = "RELATES".into();
    assert_eq!(related[0], issue);
    // Seeded as DEMO-40 → DEMO-3, shown from both ends.
    assert_eq!(ids(&api.get("/issues/DEMO-3/relatedIssues").await), [40]);
    assert_eq!(ids(&api.get("/issues/40/relatedIssues").await), [3]);
    assert_eq!(ids(&api.get("/issues/WEB-2/relatedIssues").await), [41]);
    assert_eq!(api.get("/issues/DEMO-4/relatedIssues").await, json!([]));

    let reply = api
        .post("/issues/DEMO-4/relatedIssues", "targetIssueId=6")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let linked = reply.json();
    assert_eq!(
        (linked["id"].as_u64(), linked["type"].as_str()),
        (Some(6), Some("RELATES"))
    );
    assert_eq!(ids(&api.get("/issues/DEMO-4/relatedIssues").await), [6]);
    assert_eq!(ids(&api.get("/issues/DEMO-6/relatedIssues").await), [4]);
    // Across projects too.
    api.post("/issues/DEMO-4/relatedIssues", "targetIssueId=41")
        .await
        .json();
    assert_eq!(ids(&api.get("/issues/WEB-1/relatedIssues").await), [42, 4]);

    for (form, message) in [
        ("targetIssueId=6", "The issues are already related."),
        ("", "Please specify a value for 'targetIssueId'."),
        ("targetIssueId=4", "Invalid value for 'targetIssueId'."),
        ("targetIssueId=999", "Invalid value for 'targetIssueId'."),
        ("targetIssueId=x", "Invalid value for 'targetIssueId'."),
    ] {
        let reply = api.post("/issues/DEMO-4/relatedIssues", form).await;
        assert_eq!(reply.error(400, 7), message, "{form}");
    }
    // Linking from the other end is linking twice.
    let twice = api
        .post("/issues/DEMO-6/relatedIssues", "targetIssueId=4")
        .await;
    assert_eq!(twice.error(400, 7), "The issues are already related.");

    let reply = api.delete("/issues/DEMO-6/relatedIssues/4").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let unlinked = reply.json();
    assert_eq!(
        (unlinked["issueKey"].as_str(), unlinked["type"].as_str()),
        (Some("DEMO-4"), Some("RELATES"))
    );
    assert_eq!(ids(&api.get("/issues/DEMO-4/relatedIssues").await), [41]);
    assert_eq!(api.get("/issues/DEMO-6/relatedIssues").await, json!([]));
    for target in [
        "/issues/DEMO-6/relatedIssues/4",
        "/issues/DEMO-6/relatedIssues/x",
    ] {
        let message = api.delete(target).await.error(404, 6);
        assert_eq!(message, "No related issue.", "{target}");
    }
    api.delete("/issues/DEMO-999/relatedIssues/4")
        .await
        .error(404, 6);
}

#[tokio::test]
async fn add_category_unique_per_project() {
    let api = Api::start().await;
    let reply = api.post("/projects/DEMO/categories", "name=Mobile").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let category = reply.json();
    assert_eq!(
        category,
        json!({"id": 7, "projectId": 1, "name": "Mobile", "displayOrder": 4})
    );
    assert_eq!(
        names(&api.get("/projects/DEMO/categories").await),
        ["Frontend", "Backend", "Documentation", "Mobile"]
    );
    let reply = api
        .post(
            "/issues",
            "projectId=1&summary=S&issueTypeId=1&priorityId=3&categoryId%5B%5D=7",
        )
        .await;
    assert_eq!(reply.json()["category"][0]["name"], "Mobile");

    let taken = api.post("/projects/1/categories", "name=Frontend").await;
    assert_eq!(
        taken.error(400, 7),
        "Category name 'Frontend' is already used."
    );
    // Names are unique per project, not per space.
    let web = api
        .post("/projects/WEB/categories", "name=Frontend")
        .await
        .json();
    assert_eq!(
        (web["id"].as_u64(), web["projectId"].as_u64()),
        (Some(8), Some(2))
    );
    let missing = api.post("/projects/DEMO/categories", "name=%20").await;
    assert_eq!(missing.error(400, 7), "Please specify a value for 'name'.");
    api.post("/projects/NOPE/categories", "name=x")
        .await
        .error(404, 6);
}

#[tokio::test]
async fn versions_are_added_updated_and_deleted() {
    let api = Api::start().await;
    let form = "name=v3.0&description=Rewrite&startDate=2027-01-01&releaseDueDate=2027-06-30";
    let reply = api.post("/projects/DEMO/versions", form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let version = reply.json();
    assert_eq!(
        version,
        json!({
            "id": 7, "projectId": 1, "name": "v3.0", "description": "Rewrite",
            "startDate": "2027-01-01T00:00:00Z", "releaseDueDate": "2027-06-30T00:00:00Z",
            "archived": false, "displayOrder": 4,
        })
    );
    assert_eq!(
        names(&api.get("/projects/DEMO/versions").await),
        ["v1.0", "v1.1", "v2.0", "v3.0"]
    );
    let bare = api
        .post("/projects/WEB/versions", "name=Sprint%203")
        .await
        .json();
    assert_eq!(
        (bare["description"].as_str(), bare["startDate"].is_null()),
        (Some(""), true)
    );

    let reply = api
        .patch(
            "/projects/DEMO/versions/7",
            "name=v3.0-beta&releaseDueDate=&archived=true",
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let updated = reply.json();
    assert_eq!(updated["name"], "v3.0-beta");
    assert!(updated["releaseDueDate"].is_null());
    assert_eq!(
        (
            updated["description"].as_str(),
            updated["archived"].as_bool()
        ),
        (Some("Rewrite"), Some(true))
    );
    assert_eq!(api.get("/projects/DEMO/versions").await[3], updated);
    // Keeping its own name is no clash.
    api.patch("/projects/DEMO/versions/7", "name=v3.0-beta")
        .await
        .json();

    for (target, form, message) in [
        (
            "/projects/DEMO/versions/7",
            "description=x",
            "Please specify a value for 'name'.",
        ),
        (
            "/projects/DEMO/versions/7",
            "name=v1.0",
            "Version name 'v1.0' is already used.",
        ),
        (
            "/projects/DEMO/versions/7",
            "name=x&startDate=2027-13-01",
            "Invalid value for 'startDate'.",
        ),
        (
            "/projects/DEMO/versions/7",
            "name=x&startDate=2027-02-01&releaseDueDate=2027-01-01",
            "'releaseDueDate' must not be earlier than 'startDate'.",
        ),
        (
            "/projects/DEMO/versions/7",
            "name=x&archived=maybe",
            "Invalid value for 'archived'.",
        ),
    ] {
        let reply = api.patch(target, form).await;
        assert_eq!(reply.error(400, 7), message, "{form}");
    }
    let taken = api.post("/projects/DEMO/versions", "name=v2.0").await;
    assert_eq!(taken.error(400, 7), "Version name 'v2.0' is already used.");
    for target in [
        "/projects/WEB/versions/7",
        "/projects/DEMO/versions/99",
        "/projects/DEMO/versions/x",
    ] {
        let message = api.patch(target, "name=x").await.error(404, 6);
        assert_eq!(message, "No version.", "{target}");
    }

    // A deleted version leaves every issue's versions and milestones.
    let form = "projectId=1&summary=S&issueTypeId=1&priorityId=3&versionId%5B%5D=2&milestoneId%5B%5D=2&milestoneId%5B%5D=3";
    let key = api.post("/issues", form).await.json()["issueKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(api.count("versionId%5B%5D=2").await > 1);
    let reply = api.delete("/projects/DEMO/versions/2").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["name"], "v1.1");
    assert_eq!(ids(&api.get("/projects/DEMO/versions").await), [1, 3, 7]);
    let issue = api.get(&format!("/issues/{key}")).await;
    assert_eq!(issue["versions"], json!([]));
    assert_eq!(ids(&issue["milestone"]), [3]);
    assert_eq!(api.count("versionId%5B%5D=2").await, 0);
    assert_eq!(api.count("milestoneId%5B%5D=2").await, 0);
    api.delete("/projects/DEMO/versions/2").await.error(404, 6);
    let refused = api
        .post(
            "/issues",
            "projectId=1&summary=S&issueTypeId=1&priorityId=3&versionId%5B%5D=2",
        )
        .await;
    assert_eq!(refused.error(400, 7), "Invalid value for 'versionId[]'.");
}

#[tokio::test]
async fn project_statuses_have_backlog_colors() {
    let api = Api::start().await;
    let colors = [
        "#ea2c00", "#e87758", "#e07b9a", "#868cb7", "#3b9dbd", "#4caf93", "#b0be3c", "#eda62a",
        "#f42858", "#393939",
    ];
    for project in ["DEMO", "WEB", "OLD"] {
        let statuses = api.get(&format!("/projects/{project}/statuses")).await;
        for status in statuses.as_array().unwrap() {
            assert_eq!(
                keys(status),
                ["id", "projectId", "name", "color", "displayOrder"]
            );
            assert!(
                colors.contains(&status["color"].as_str().unwrap()),
                "{status}"
            );
        }
    }
}
