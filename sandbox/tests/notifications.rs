//! Notifications of the key's owner: the seeded ones, paging, counting by both flags, and
//! marking read one by one or all at once.

mod support;

use serde_json::json;
use support::{Api, ids, keys};

async fn count(api: &Api, query: &str) -> u64 {
    api.count_at(&format!("/notifications/count?{query}")).await
}

#[tokio::test]
async fn notifications_are_newest_first_about_seeded_issues_and_comments() {
    let api = Api::start().await;
    let list = api.get("/notifications").await;
    assert_eq!(ids(&list), (1..=10).rev().collect::<Vec<_>>());
    let oldest = &list[9];
    assert_eq!(
        keys(oldest),
        [
            "id",
            "alreadyRead",
            "reason",
            "resourceAlreadyRead",
            "project",
            "issue",
            "comment",
            "pullRequest",
            "pullRequestComment",
            "sender",
            "created"
        ]
    );
    assert_eq!(oldest["reason"], 2);
    assert_eq!(oldest["project"]["projectKey"], "DEMO");
    assert_eq!(oldest["issue"], api.get("/issues/DEMO-1").await);
    assert_eq!(oldest["comment"]["id"], 1);
    assert_eq!(
        oldest["comment"]["content"],
        "I can reproduce this on Chrome."
    );
    assert_eq!(oldest["sender"]["userId"], "alice");
    assert_eq!(oldest["created"], "2026-01-05T10:53:00Z");
    assert!(oldest["pullRequest"].is_null() && oldest["pullRequestComment"].is_null());
    let created = &list[7];
    assert_eq!(
        (created["id"].as_u64(), created["reason"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(created["comment"].is_null());
    let reasons: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_u64().unwrap())
        .collect();
    assert_eq!(reasons, [1, 2, 4, 1, 1, 2, 2, 3, 2, 2]);
    assert_eq!(list[0]["project"]["projectKey"], "WEB");

    let page = |query: &str| {
        let api = &api;
        let path = format!("/notifications?{query}");
        async move { ids(&api.get(&path).await) }
    };
    assert_eq!(page("count=3").await, [10, 9, 8]);
    assert_eq!(page("maxId=8&count=2").await, [7, 6]);
    assert_eq!(page("minId=8").await, [10, 9]);
    assert_eq!(page("order=asc&count=2").await, [1, 2]);
    assert_eq!(
        api.get_reply("/notifications?count=101")
            .await
            .error(400, 7),
        "Invalid value for 'count'."
    );

    // An issue deleted since answers as null, and so do its comments.
    assert_eq!(api.delete("/issues/DEMO-2").await.status, 200);
    let about_demo_2 = api.get("/notifications?minId=2&maxId=5&order=asc").await;
    assert_eq!(ids(&about_demo_2), [3, 4]);
    for notification in about_demo_2.as_array().unwrap() {
        assert!(notification["issue"].is_null() && notification["comment"].is_null());
    }
}

#[tokio::test]
async fn counts_match_both_flags_when_given() {
    let api = Api::start().await;
    assert_eq!(count(&api, "").await, 10);
    assert_eq!(count(&api, "alreadyRead=false").await, 4);
    assert_eq!(count(&api, "alreadyRead=true").await, 6);
    assert_eq!(count(&api, "resourceAlreadyRead=false").await, 4);
    assert_eq!(
        count(&api, "alreadyRead=false&resourceAlreadyRead=false").await,
        3
    );
    assert_eq!(
        count(&api, "alreadyRead=false&resourceAlreadyRead=true").await,
        1
    );
    assert_eq!(
        count(&api, "alreadyRead=true&resourceAlreadyRead=false").await,
        1
    );
    assert_eq!(
        count(&api, "alreadyRead=true&resourceAlreadyRead=true").await,
        5
    );
    assert_eq!(
        api.get("/notifications/count?alreadyRead=false").await,
        json!({"count": 4})
    );
    assert_eq!(
        api.get_reply("/notifications/count?alreadyRead=yes")
            .await
            .error(400, 7),
        "Invalid value for 'alreadyRead'."
    );
}

#[tokio::test]
async fn marking_one_read_answers_204_and_changes_only_its_already_read() {
    let api = Api::start().await;
    let reply = api.post("/notifications/8/markAsRead", "").await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.body, "");
    let eight = &api.get("/notifications?minId=7&maxId=9").await[0];
    assert_eq!(eight["id"], 8);
    assert_eq!(eight["alreadyRead"], true);
    assert_eq!(eight["resourceAlreadyRead"], false);
    assert_eq!(count(&api, "alreadyRead=false").await, 3);
    assert_eq!(count(&api, "resourceAlreadyRead=false").await, 4);
    // Again is no error.
    assert_eq!(
        api.post("/notifications/8/markAsRead", "").await.status,
        204
    );

    for id in ["99", "abc", "0"] {
        let reply = api
            .post(&format!("/notifications/{id}/markAsRead"), "")
            .await;
        assert_eq!(reply.error(404, 6), "No notification.", "{id}");
    }
}

#[tokio::test]
async fn resetting_the_unread_count_sees_every_notification_but_reads_none() {
    let api = Api::start().await;
    let reply = api.post("/notifications/markAsRead", "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!({"count": 0}));
    assert_eq!(count(&api, "alreadyRead=false").await, 0);
    assert_eq!(count(&api, "alreadyRead=true").await, 10);
    assert_eq!(count(&api, "resourceAlreadyRead=false").await, 4);
    let list = api.get("/notifications").await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|n| n["alreadyRead"] == true)
    );
    assert_eq!(list[0]["resourceAlreadyRead"], false);
}
