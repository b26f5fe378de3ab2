//! Wiki pages: the seeded pages, their tags, attachments (real bytes), history, shared
//! files, and the writes that add to the history and the activity log.

mod support;

use serde_json::json;
use support::{Api, ids, keys};

const LOGO: &[u8] = include_bytes!("../data/demo/files/logo-cross.png");
const MINUTES: &[u8] = include_bytes!("../data/demo/files/minutes-2026-03.txt");
const CHECKLIST: &[u8] = include_bytes!("../data/demo/files/checklist.pdf");

const WIKI_KEYS: [&str; 12] = [
    "id",
    "projectId",
    "name",
    "content",
    "tags",
    "attachments",
    "sharedFiles",
    "stars",
    "createdUser",
    "created",
    "updatedUser",
    "updated",
];

#[tokio::test]
async fn pages_list_by_project_id_or_key_without_content() {
    let api = Api::start().await;
    let demo = api.get("/wikis?projectIdOrKey=DEMO").await;
    assert_eq!(ids(&demo), [1, 2, 3]);
    assert_eq!(demo, api.get("/wikis?projectIdOrKey=1").await);
    assert_eq!(
        keys(&demo[0]),
        [
            "id",
            "projectId",
            "name",
            "tags",
            "createdUser",
            "created",
            "updatedUser",
            "updated"
        ]
    );
    assert_eq!(demo[0]["name"], "Home");
    assert_eq!(demo[0]["tags"], json!([{"id": 1, "name": "guide"}]));
    assert_eq!(demo[0]["createdUser"]["userId"], "alice");
    assert_eq!(demo[0]["updatedUser"]["id"], 1);
    assert_eq!(ids(&api.get("/wikis?projectIdOrKey=WEB").await), [4, 5]);
    assert_eq!(
        ids(&api.get("/wikis?projectIdOrKey=OLD").await),
        [] as [u64; 0]
    );

    // The keyword matches the name or the content, in any case.
    let search = |keyword: &str| format!("/wikis?projectIdOrKey=DEMO&keyword={keyword}");
    assert_eq!(ids(&api.get(&search("release")).await), [1, 3]);
    assert_eq!(ids(&api.get(&search("MEETING")).await), [1, 2]);
    assert_eq!(
        ids(&api.get(&search("%E5%AE%9A%E4%BE%8B")).await),
        [2],
        "定例"
    );
    assert_eq!(ids(&api.get(&search("nothing")).await), [] as [u64; 0]);

    assert_eq!(
        api.get("/wikis/count?projectIdOrKey=DEMO").await,
        json!({"count": 3})
    );
    assert_eq!(api.get("/wikis/count?projectIdOrKey=2").await["count"], 2);

    for path in [
        "/wikis",
        "/wikis/count",
        "/wikis/tags",
        "/wikis?projectIdOrKey=",
    ] {
        assert_eq!(
            api.get_reply(path).await.error(400, 7),
            "Please specify a value for 'projectIdOrKey'.",
            "{path}"
        );
    }
    for path in ["/wikis", "/wikis/count", "/wikis/tags"] {
        let reply = api.get_reply(&format!("{path}?projectIdOrKey=NOPE")).await;
        assert_eq!(reply.error(404, 6), "No project.", "{path}");
    }
}

#[tokio::test]
async fn a_page_has_content_tags_attachments_shared_files_and_stars() {
    let api = Api::start().await;
    let home = api.get("/wikis/1").await;
    assert_eq!(keys(&home), WIKI_KEYS);
    assert_eq!(home["projectId"], 1);
    assert!(
        home["content"]
            .as_str()
            .unwrap()
            .starts_with("# Demo project")
    );
    assert_eq!(home["sharedFiles"], json!([]));
    let attachment = &home["attachments"][0];
    assert_eq!(
        keys(attachment),
        ["id", "name", "size", "createdUser", "created"]
    );
    assert_eq!(
        (&attachment["id"], &attachment["name"], &attachment["size"]),
        (&json!(6), &json!("logo.png"), &json!(138))
    );
    assert_eq!(attachment["createdUser"]["id"], 2);
    let stars = home["stars"].as_array().unwrap();
    assert_eq!(ids(&home["stars"]), [5]);
    assert_eq!(
        keys(&stars[0]),
        ["id", "comment", "url", "title", "presenter", "created"]
    );
    assert_eq!(stars[0]["presenter"]["id"], 1);
    assert_eq!(stars[0]["url"], "https://demo.backlog.com/wiki/DEMO/Home");

    let notes = api.get("/wikis/2").await;
    assert_eq!(notes["attachments"][0]["name"], "議事録 2026-03.txt");
    assert_eq!(notes["stars"], json!([]));
    assert_eq!(notes["created"], notes["updated"]);

    for id in ["99", "abc", "0", "-1"] {
        let reply = api.get_reply(&format!("/wikis/{id}")).await;
        assert_eq!(reply.error(404, 6), "No wiki.", "{id}");
    }
}

#[tokio::test]
async fn tags_are_the_projects_each_once() {
    let api = Api::start().await;
    assert_eq!(
        api.get("/wikis/tags?projectIdOrKey=DEMO").await,
        json!([
            {"id": 1, "name": "guide"},
            {"id": 2, "name": "meeting"},
            {"id": 3, "name": "release"},
        ])
    );
    assert_eq!(
        api.get("/wikis/tags?projectIdOrKey=2").await,
        json!([{"id": 4, "name": "website"}])
    );
    assert_eq!(api.get("/wikis/tags?projectIdOrKey=OLD").await, json!([]));
}

#[tokio::test]
async fn attachments_list_and_download_with_their_bytes_type_and_name() {
    let api = Api::start().await;
    let list = api.get("/wikis/2/attachments").await;
    assert_eq!(ids(&list), [2]);
    assert_eq!(list[0]["size"], 377);
    assert_eq!(api.get("/wikis/5/attachments").await, json!([]));
    assert_eq!(
        api.get_reply("/wikis/9/attachments").await.error(404, 6),
        "No wiki."
    );

    let png = api.get_reply("/wikis/1/attachments/6").await;
    assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(
        png.download(LOGO, "image/png"),
        "attachment; filename=\"logo.png\"; filename*=UTF-8''logo.png"
    );

    // A name that is not ASCII: an ASCII fallback and the exact name, percent-encoded.
    let text = api.get_reply("/wikis/2/attachments/2").await;
    let disposition = text.download(MINUTES, "text/plain; charset=UTF-8");
    assert!(
        text.body.starts_with("定例ミーティング議事録"),
        "{}",
        text.body
    );
    assert_eq!(
        disposition,
        "attachment; filename=\"___ 2026-03.txt\"; \
         filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2%202026-03.txt"
    );
    let encoded = disposition.split("filename*=UTF-8''").nth(1).unwrap();
    let name = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap();
    assert_eq!(name, "議事録 2026-03.txt");

    let pdf = api.get_reply("/wikis/3/attachments/3").await;
    pdf.download(CHECKLIST, "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-1.4"));

    // An attachment of another page or of an issue, or none at all.
    for path in [
        "/wikis/1/attachments/2",
        "/wikis/1/attachments/1",
        "/wikis/1/attachments/99",
        "/wikis/1/attachments/x",
    ] {
        assert_eq!(
            api.get_reply(path).await.error(404, 6),
            "No attachment.",
            "{path}"
        );
    }
    assert_eq!(
        api.get_reply("/wikis/99/attachments/1").await.error(404, 6),
        "No wiki."
    );
}

#[tokio::test]
async fn history_pages_by_version_newest_first() {
    let api = Api::start().await;
    let history = api.get("/wikis/3/history").await;
    let versions: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    assert_eq!(
        keys(&history[0]),
        [
            "pageId",
            "version",
            "name",
            "content",
            "createdUser",
            "created"
        ]
    );
    assert!(history.as_array().unwrap().iter().all(|v| v["pageId"] == 3));
    assert_eq!(history[2]["name"], "Releasing");
    assert_eq!(history[2]["createdUser"]["id"], 3);
    assert_eq!(history[1]["createdUser"]["id"], 1);
    // The latest version is the page as it is.
    let page = api.get("/wikis/3").await;
    assert_eq!(
        (&history[0]["content"], &history[0]["created"]),
        (&page["content"], &page["updated"])
    );

    let version = |query: &str| {
        let api = &api;
        let path = format!("/wikis/3/history?{query}");
        async move {
            let list = api.get(&path).await;
            let list = list.as_array().unwrap().clone();
            list.iter()
                .map(|v| v["version"].as_u64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(version("order=asc").await, [1, 2, 3]);
    assert_eq!(version("maxId=3&count=1").await, [2]);
    assert_eq!(version("minId=1").await, [3, 2]);
    assert_eq!(version("minId=1&maxId=3").await, [2]);
    assert_eq!(
        api.get("/wikis/2/history").await.as_array().unwrap().len(),
        1
    );
    assert_eq!(
        api.get_reply("/wikis/3/history?count=0")
            .await
            .error(400, 7),
        "Invalid value for 'count'."
    );
    assert_eq!(
        api.get_reply("/wikis/99/history").await.error(404, 6),
        "No wiki."
    );
}

#[tokio::test]
async fn shared_files_are_those_linked_to_the_page() {
    let api = Api::start().await;
    assert_eq!(api.get("/wikis/1/sharedFiles").await, json!([]));
    let linked = api.get("/wikis/3/sharedFiles").await;
    assert_eq!(ids(&linked), [5]);
    assert_eq!(
        (&linked[0]["dir"], &linked[0]["name"]),
        (&json!("/docs/"), &json!("manual.pdf"))
    );
    assert_eq!(api.get("/wikis/3").await["sharedFiles"], linked);
    assert_eq!(
        api.get_reply("/wikis/99/sharedFiles").await.error(404, 6),
        "No wiki."
    );
}

#[tokio::test]
async fn a_new_page_is_read_back_listed_counted_and_logged() {
    let api = Api::start().await;
    // 手順書 = "procedure".
    let form =
        "projectId=1&name=%E6%89%8B%E9%A0%86%E6%9B%B8&content=Step%201%0AStep%202&mailNotify=false";
    let reply = api.post("/wikis", form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page = reply.json();
    assert_eq!(keys(&page), WIKI_KEYS);
    assert_eq!(page["id"], 6);
    assert_eq!(page["name"], "手順書");
    assert_eq!(page["content"], "Step 1\nStep 2");
    assert_eq!(
        (&page["tags"], &page["attachments"], &page["stars"]),
        (&json!([]), &json!([]), &json!([]))
    );
    assert_eq!(page["createdUser"]["id"], 1);
    assert_eq!(page["created"], "2026-11-27T08:00:00Z");
    assert_eq!(page["updated"], page["created"]);
    assert_eq!(api.get("/wikis/6").await, page);
    assert_eq!(
        ids(&api.get("/wikis?projectIdOrKey=DEMO").await),
        [1, 2, 3, 6]
    );
    assert_eq!(
        api.get("/wikis/count?projectIdOrKey=DEMO").await["count"],
        4
    );
    let history = api.get("/wikis/6/history").await;
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["version"], 1);

    let latest = &api.get("/space/activities?count=1").await[0];
    assert_eq!(latest["type"], 5);
    assert_eq!(latest["project"]["id"], 1);
    assert_eq!(latest["content"]["id"], 6);
    assert_eq!(latest["content"]["name"], "手順書");
    assert_eq!(latest["createdUser"]["id"], 1);

    // The same name in another project is another page; content may be empty.
    let old = api.post("/wikis", "projectId=3&name=Home&content=").await;
    assert_eq!(old.status, 200, "{}", old.body);
    assert_eq!(old.json()["content"], "");
}

#[tokio::test]
async fn adding_a_page_checks_its_parameters() {
    let api = Api::start().await;
    let cases = [
        (
            "name=A&content=b",
            "Please specify a value for 'projectId'.",
        ),
        (
            "projectId=1&content=b",
            "Please specify a value for 'name'.",
        ),
        (
            "projectId=1&name=+&content=b",
            "Please specify a value for 'name'.",
        ),
        (
            "projectId=1&name=A",
            "Please specify a value for 'content'.",
        ),
        (
            "projectId=x&name=A&content=b",
            "Invalid value for 'projectId'.",
        ),
        (
            "projectId=1&name=A&content=b&mailNotify=maybe",
            "Invalid value for 'mailNotify'.",
        ),
        (
            "projectId=1&name=Home&content=b",
            "Wiki page name 'Home' is already used.",
        ),
        (
            "projectId=2&name=Style%20guide&content=b",
            "Wiki page name 'Style guide' is already used.",
        ),
    ];
    for (form, message) in cases {
        assert_eq!(
            api.post("/wikis", form).await.error(400, 7),
            message,
            "{form}"
        );
    }
    assert_eq!(
        api.post("/wikis", "projectId=99&name=A&content=b")
            .await
            .error(404, 6),
        "No project."
    );
    assert_eq!(
        api.get("/wikis/count?projectIdOrKey=DEMO").await["count"],
        3,
        "nothing was added"
    );
}

#[tokio::test]
async fn an_update_changes_only_what_is_sent_and_grows_the_history() {
    let api = Api::start().await;
    let before = api.get("/wikis/3").await;
    let reply = api
        .patch("/wikis/3", "content=Ship%20it.&mailNotify=true")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = reply.json();
    assert_eq!(keys(&after), WIKI_KEYS);
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["content"], "Ship it.");
    assert_eq!(after["tags"], before["tags"]);
    assert_eq!(after["attachments"], before["attachments"]);
    assert_eq!(after["created"], before["created"]);
    assert_eq!(after["updated"], "2026-11-27T08:00:00Z");
    assert_eq!(after["updatedUser"]["id"], 1);
    assert_eq!(api.get("/wikis/3").await, after);

    let renamed = api.patch("/wikis/3", "name=Shipping").await.json();
    assert_eq!(
        (&renamed["name"], &renamed["content"]),
        (&json!("Shipping"), &json!("Ship it."))
    );
    let history = api.get("/wikis/3/history").await;
    let names: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_u64().unwrap(), v["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            (5, "Shipping"),
            (4, "Release process"),
            (3, "Release process"),
            (2, "Release process"),
            (1, "Releasing"),
        ]
    );
    assert_eq!(history[1]["content"], "Ship it.");
    assert_eq!(history[0]["created"], "2026-11-27T08:01:00Z");

    let updates = api.get("/space/activities?activityTypeId%5B%5D=6").await;
    assert_eq!(updates.as_array().unwrap().len(), 2);
    assert_eq!(updates[0]["content"]["name"], "Shipping");
    assert_eq!(updates[1]["content"]["content"], "Ship it.");

    // Its own name is no duplicate; another page's is.
    assert_eq!(api.patch("/wikis/3", "name=Shipping").await.status, 200);
    assert_eq!(
        api.patch("/wikis/3", "name=Home").await.error(400, 7),
        "Wiki page name 'Home' is already used."
    );
    assert_eq!(
        api.patch("/wikis/3", "name=").await.error(400, 7),
        "Please specify a value for 'name'."
    );
    assert_eq!(
        api.patch("/wikis/3", "mailNotify=1").await.error(400, 7),
        "Invalid value for 'mailNotify'."
    );
    assert_eq!(
        api.patch("/wikis/99", "name=x").await.error(404, 6),
        "No wiki."
    );
    assert_eq!(api.get("/wikis/3").await["name"], "Shipping");
}
