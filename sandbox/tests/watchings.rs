//! Watchings: the seeded ones of users 1 and 2, sorting, filtering and paging, and the
//! writes (add by id or key in the form, note, mark read, delete), with read state that
//! an update of the issue undoes.

mod support;

use serde_json::json;
use support::{Api, ids, keys};

async fn listed(api: &Api, query: &str) -> Vec<u64> {
    ids(&api.get(&format!("/users/1/watchings?{query}")).await)
}

async fn count(api: &Api, query: &str) -> u64 {
    api.count_at(&format!("/users/1/watchings/count?{query}"))
        .await
}

#[tokio::test]
async fn a_users_watchings_sort_filter_and_page() {
    let api = Api::start().await;
    let list = api.get("/users/1/watchings").await;
    // Newest issue update first.
    assert_eq!(ids(&list), [4, 3, 2, 1]);
    let first = &list[3];
    assert_eq!(
        keys(first),
        [
            "id",
            "resourceAlreadyRead",
            "note",
            "type",
            "issue",
            "lastContentUpdated",
            "created",
            "updated"
        ]
    );
    assert_eq!(first["type"], "issue");
    assert_eq!(first["note"], "Customer escalation: check daily");
    assert_eq!(first["issue"], api.get("/issues/DEMO-1").await);
    assert_eq!(first["lastContentUpdated"], first["issue"]["updated"]);
    let read: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["resourceAlreadyRead"].as_bool().unwrap())
        .collect();
    assert_eq!(read, [true, false, false, true]);

    assert_eq!(listed(&api, "sort=created&order=asc").await, [1, 2, 3, 4]);
    assert_eq!(listed(&api, "sort=updated").await, [4, 3, 2, 1]);
    assert_eq!(
        listed(&api, "sort=issueUpdated&order=asc").await,
        [1, 2, 3, 4]
    );
    assert_eq!(listed(&api, "count=2&offset=1").await, [3, 2]);
    assert_eq!(listed(&api, "resourceAlreadyRead=true").await, [4, 1]);
    assert_eq!(
        listed(&api, "issueId%5B%5D=5&issueId%5B%5D=13").await,
        [3, 2]
    );
    assert_eq!(ids(&api.get("/users/2/watchings").await), [5]);
    assert_eq!(ids(&api.get("/users/3/watchings").await), [] as [u64; 0]);

    assert_eq!(count(&api, "").await, 4);
    assert_eq!(count(&api, "resourceAlreadyRead=false").await, 2);
    assert_eq!(count(&api, "alreadyRead=true").await, 2);
    assert_eq!(
        api.get("/users/2/watchings/count").await,
        json!({"count": 1})
    );

    for (path, message) in [
        ("/users/1/watchings?sort=note", "Invalid value for 'sort'."),
        ("/users/1/watchings?order=new", "Invalid value for 'order'."),
        ("/users/1/watchings?count=0", "Invalid value for 'count'."),
        (
            "/users/1/watchings?issueId%5B%5D=x",
            "Invalid value for 'issueId[]'.",
        ),
        (
            "/users/1/watchings/count?resourceAlreadyRead=1",
            "Invalid value for 'resourceAlreadyRead'.",
        ),
    ] {
        assert_eq!(api.get_reply(path).await.error(400, 7), message, "{path}");
    }
    for path in ["/users/99/watchings", "/users/99/watchings/count"] {
        assert_eq!(
            api.get_reply(path).await.error(404, 6),
            "No user.",
            "{path}"
        );
    }
}

#[tokio::test]
async fn one_watching_reads_by_id() {
    let api = Api::start().await;
    let watching = api.get("/watchings/3").await;
    assert_eq!(watching["issue"]["issueKey"], "DEMO-13");
    assert_eq!(watching["note"], "Subtask of DEMO-10");
    assert_eq!(
        watching,
        api.get("/users/1/watchings?sort=created").await[1]
    );
    for id in ["99", "abc"] {
        let reply = api.get_reply(&format!("/watchings/{id}")).await;
        assert_eq!(reply.error(404, 6), "No watching.", "{id}");
    }
}

#[tokio::test]
async fn watching_an_issue_by_key_or_id_in_the_form() {
    let api = Api::start().await;
    let reply = api.post("/watchings", "issueIdOrKey=DEMO-3&note=").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let watching = reply.json();
    assert_eq!(watching["id"], 6);
    assert_eq!(watching["note"], "");
    assert_eq!(watching["resourceAlreadyRead"], true);
    assert_eq!(watching["issue"]["id"], 3);
    assert_eq!(watching["created"], "2026-11-27T08:00:00Z");
    assert_eq!(api.get("/watchings/6").await, watching);
    assert_eq!(count(&api, "").await, 5);
    assert_eq!(listed(&api, "sort=created").await[0], 6);

    let by_id = api
        .post("/watchings", "issueIdOrKey=42&note=Cookie%20banner")
        .await;
    assert_eq!(by_id.json()["issue"]["issueKey"], "WEB-2");
    assert_eq!(by_id.json()["note"], "Cookie banner");

    for form in ["issueIdOrKey=3", "issueIdOrKey=DEMO-1&note=again"] {
        assert_eq!(
            api.post("/watchings", form).await.error(400, 7),
            "The issue is already watched.",
            "{form}"
        );
    }
    assert_eq!(
        api.post("/watchings", "note=x").await.error(400, 7),
        "Please specify a value for 'issueIdOrKey'."
    );
    // In the query it is not read: writes take their parameters from the form.
    let reply = api
        .request("POST", "/api/v2/watchings?issueIdOrKey=DEMO-4", "")
        .await;
    assert_eq!(
        reply.error(400, 7),
        "Please specify a value for 'issueIdOrKey'."
    );
    assert_eq!(
        api.post("/watchings", "issueIdOrKey=DEMO-99")
            .await
            .error(404, 6),
        "No issue."
    );
    assert_eq!(count(&api, "").await, 6);
}

#[tokio::test]
async fn note_read_state_and_delete() {
    let api = Api::start().await;
    let reply = api.patch("/watchings/2", "note=Check%20the%20logs").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let noted = reply.json();
    assert_eq!(noted["note"], "Check the logs");
    assert_eq!(noted["updated"], "2026-11-27T08:00:00Z");
    assert_eq!(noted["created"], "2026-02-03T09:00:00Z");
    assert_eq!(api.get("/watchings/2").await, noted);
    assert_eq!(api.patch("/watchings/2", "note=").await.json()["note"], "");
    assert_eq!(
        api.patch("/watchings/2", "").await.error(400, 7),
        "Please specify a value for 'note'."
    );
    assert_eq!(
        api.patch("/watchings/99", "note=x").await.error(404, 6),
        "No watching."
    );

    let reply = api.post("/watchings/2/markAsRead", "").await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.body, "");
    assert_eq!(api.get("/watchings/2").await["resourceAlreadyRead"], true);
    assert_eq!(count(&api, "resourceAlreadyRead=false").await, 1);
    assert_eq!(
        api.post("/watchings/99/markAsRead", "").await.error(404, 6),
        "No watching."
    );

    // An update of the issue makes it unread again.
    let issue = api
        .patch("/issues/DEMO-5", "summary=Emails%20lose%20drafts")
        .await;
    assert_eq!(issue.status, 200, "{}", issue.body);
    let watching = api.get("/watchings/2").await;
    assert_eq!(watching["resourceAlreadyRead"], false);
    assert_eq!(watching["lastContentUpdated"], issue.json()["updated"]);
    assert_eq!(watching["issue"]["summary"], "Emails lose drafts");

    let reply = api.delete("/watchings/3").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["issue"]["issueKey"], "DEMO-13");
    assert_eq!(
        api.get_reply("/watchings/3").await.error(404, 6),
        "No watching."
    );
    assert_eq!(
        api.delete("/watchings/3").await.error(404, 6),
        "No watching."
    );
    assert_eq!(listed(&api, "").await, [2, 4, 1]);

    // A watching of a deleted issue is gone too.
    assert_eq!(api.delete("/issues/DEMO-1").await.status, 200);
    assert_eq!(
        api.get_reply("/watchings/1").await.error(404, 6),
        "No watching."
    );
    assert_eq!(count(&api, "").await, 2);
}
