//! Documents: the seeded tree of DEMO and its trash, listing (offset required), adding
//! under a parent, deleting into the trash, and attachment downloads.

mod support;

use serde_json::{Value, json};
use support::{Api, keys};

const LOGO: &[u8] = include_bytes!("../data/demo/files/logo-cross.png");
const ARCHIVE: &[u8] = include_bytes!("../data/demo/files/architecture.zip");

const HANDBOOK: &str = "019c186e2e807d738ee38d20f10cc1d7";
const GETTING_STARTED: &str = "019c1dcb7900783190f72d242b7d12d4";
const INSTALLATION: &str = "019c2328c3807c3f854aa5390dc2c333";
const ARCHITECTURE: &str = "019c47da13007cd78053c54816e47388";
const RELEASE_NOTES: &str = "019d4845628071258829bd9996472de6";
const V1_0: &str = "019d4d6bbe807fa8b919c909d5eb9e37";
const OLD_DRAFT: &str = "019ca86950007f8e8ebd427c1a12b177";
const LAUNCH_PLAN: &str = "01a0618fa9007c46bc9be93ff466ac51";

/// The ids the first and second document a fresh sandbox adds get: UUIDv7 layout of the
/// sandbox clock (2026-11-27T08:00:00Z, then a minute on) and a counter.
const FIRST_NEW: &str = "01a21c04b40070008000000000000001";
const SECOND_NEW: &str = "01a21c059e6070008000000000000002";

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect()
}

/// A tree as `id(children…)`, to compare shapes at a glance.
fn shape(nodes: &Value) -> String {
    let parts: Vec<String> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let children = shape(&node["children"]);
            let id = &node["id"].as_str().unwrap()[..6];
            if children.is_empty() {
                id.to_owned()
            } else {
                format!("{id}({children})")
            }
        })
        .collect();
    parts.join(" ")
}

const DOCUMENT_KEYS: [&str; 14] = [
    "id",
    "projectId",
    "title",
    "plain",
    "json",
    "statusId",
    "emoji",
    "attachments",
    "tags",
    "createdUser",
    "created",
    "updatedUser",
    "updated",
    "childDocumentIds",
];

#[tokio::test]
async fn a_document_has_markdown_prose_mirror_json_and_its_children() {
    let api = Api::start().await;
    let handbook = api.get(&format!("/documents/{HANDBOOK}")).await;
    assert_eq!(keys(&handbook), DOCUMENT_KEYS);
    assert_eq!(handbook["title"], "Product handbook");
    assert_eq!(handbook["projectId"], 1);
    assert_eq!(handbook["statusId"], 1);
    assert_eq!(handbook["emoji"], "📘");
    assert_eq!(handbook["tags"], json!([{"id": 1, "name": "handbook"}]));
    assert_eq!(
        handbook["childDocumentIds"],
        json!([GETTING_STARTED, ARCHITECTURE])
    );
    assert!(
        handbook["plain"]
            .as_str()
            .unwrap()
            .starts_with("# Product handbook")
    );
    let doc: Value = serde_json::from_str(handbook["json"].as_str().unwrap()).unwrap();
    assert_eq!(doc["type"], "doc");
    assert_eq!(doc["content"][0]["type"], "heading");
    assert_eq!(doc["content"][0]["content"][0]["text"], "Product handbook");
    assert_eq!(doc["content"][1]["type"], "paragraph");

    let installation = api.get(&format!("/documents/{INSTALLATION}")).await;
    assert!(installation["emoji"].is_null());
    assert_eq!(installation["childDocumentIds"], json!([]));
    let attachment = &installation["attachments"][0];
    assert_eq!(
        keys(attachment),
        ["id", "name", "size", "createdUser", "created"]
    );
    assert_eq!(
        (&attachment["id"], &attachment["name"], &attachment["size"]),
        (&json!(4), &json!("install-screen.png"), &json!(138))
    );
    assert_eq!(installation["updatedUser"]["id"], 1);

    let malformed = [
        "abc",
        "019C186E2E807D738EE38D20F10CC1D7",
        "019c186e2e807d738ee38d20f10cc1d",
        "019c186e2e807d738ee38d20f10cc1d7a",
        "019c186e-2e80-7d73-8ee3-8d20f10cc1d7",
        "00000000000000000000000000000000",
    ];
    for id in malformed {
        let reply = api.get_reply(&format!("/documents/{id}")).await;
        assert_eq!(reply.error(404, 6), "No document.", "{id}");
    }
}

#[tokio::test]
async fn the_tree_nests_by_parent_and_shows_the_trash() {
    let api = Api::start().await;
    let tree = api.get("/documents/tree?projectIdOrKey=DEMO").await;
    assert_eq!(keys(&tree), ["projectId", "activeTree", "trashTree"]);
    assert_eq!(tree, api.get("/documents/tree?projectIdOrKey=1").await);
    assert_eq!(tree["projectId"], 1);
    assert_eq!(tree["activeTree"]["id"], "Active");
    assert_eq!(tree["trashTree"]["id"], "Trash");
    assert_eq!(
        shape(&tree["activeTree"]["children"]),
        "019c18(019c1d(019c23) 019c47) 019d48(019d4d)"
    );
    assert_eq!(shape(&tree["trashTree"]["children"]), "019ca8");

    let handbook = &tree["activeTree"]["children"][0];
    assert_eq!(
        keys(handbook),
        [
            "id",
            "name",
            "children",
            "statusId",
            "emoji",
            "emojiType",
            "updated"
        ]
    );
    assert_eq!(handbook["id"], HANDBOOK);
    assert_eq!(handbook["name"], "Product handbook");
    assert_eq!(
        (&handbook["emoji"], &handbook["emojiType"]),
        (&json!("📘"), &json!("unicode"))
    );
    assert_eq!(handbook["updated"], "2026-02-01T09:00:00Z");
    let getting_started = &handbook["children"][0];
    assert_eq!(
        (&getting_started["emoji"], &getting_started["emojiType"]),
        (&json!(""), &Value::Null)
    );
    assert_eq!(tree["trashTree"]["children"][0]["name"], "Old draft");

    let web = api.get("/documents/tree?projectIdOrKey=WEB").await;
    assert_eq!(shape(&web["activeTree"]["children"]), "01a061");
    assert_eq!(web["trashTree"]["children"], json!([]));

    assert_eq!(
        api.get_reply("/documents/tree").await.error(400, 7),
        "Please specify a value for 'projectIdOrKey'."
    );
    assert_eq!(
        api.get_reply("/documents/tree?projectIdOrKey=NOPE")
            .await
            .error(404, 6),
        "No project."
    );
}

#[tokio::test]
async fn the_list_needs_an_offset_and_projects_and_leaves_out_the_trash() {
    let api = Api::start().await;
    let list = api.get("/documents?projectId%5B%5D=1&offset=0").await;
    // Newest update first.
    assert_eq!(
        ids(&list),
        [
            V1_0,
            RELEASE_NOTES,
            ARCHITECTURE,
            INSTALLATION,
            GETTING_STARTED,
            HANDBOOK
        ]
    );
    assert_eq!(keys(&list[0]), DOCUMENT_KEYS);
    assert_eq!(
        list[3],
        api.get(&format!("/documents/{INSTALLATION}")).await
    );
    let by_created = api
        .get("/documents?projectId%5B%5D=1&offset=0&sort=created&order=asc")
        .await;
    assert_eq!(
        ids(&by_created),
        [
            HANDBOOK,
            GETTING_STARTED,
            INSTALLATION,
            ARCHITECTURE,
            RELEASE_NOTES,
            V1_0
        ]
    );
    let page = api
        .get("/documents?projectId%5B%5D=1&offset=1&count=2")
        .await;
    assert_eq!(ids(&page), [RELEASE_NOTES, ARCHITECTURE]);
    let both = api
        .get("/documents?projectId%5B%5D=1&projectId%5B%5D=2&offset=0&count=1")
        .await;
    assert_eq!(ids(&both), [LAUNCH_PLAN]);
    let search = api
        .get("/documents?projectId%5B%5D=1&offset=0&keyword=RELEASE")
        .await;
    assert_eq!(ids(&search), [V1_0, RELEASE_NOTES]);

    let count = |query: &str| {
        let api = &api;
        let path = format!("/documents/count?{query}");
        async move { api.get(&path).await["count"].as_u64().unwrap() }
    };
    assert_eq!(count("projectId%5B%5D=1").await, 6);
    assert_eq!(count("projectId%5B%5D=1&projectId%5B%5D=2").await, 7);
    assert_eq!(count("projectId%5B%5D=3").await, 0);
    assert_eq!(count("projectId%5B%5D=1&keyword=handbook").await, 1);
    assert_eq!(
        api.get("/documents/count?projectId%5B%5D=2").await,
        json!({"count": 1})
    );

    let errors = [
        (
            "/documents?projectId%5B%5D=1",
            400,
            "Please specify a value for 'offset'.",
        ),
        (
            "/documents?projectId%5B%5D=1&offset=",
            400,
            "Please specify a value for 'offset'.",
        ),
        (
            "/documents?offset=0",
            400,
            "Please specify a value for 'projectId[]'.",
        ),
        (
            "/documents?projectId=1&offset=0",
            400,
            "Please specify a value for 'projectId[]'.",
        ),
        (
            "/documents/count",
            400,
            "Please specify a value for 'projectId[]'.",
        ),
        (
            "/documents?projectId%5B%5D=1&offset=x",
            400,
            "Invalid value for 'offset'.",
        ),
        (
            "/documents?projectId%5B%5D=1&offset=0&sort=title",
            400,
            "Invalid value for 'sort'.",
        ),
        (
            "/documents?projectId%5B%5D=1&offset=0&count=101",
            400,
            "Invalid value for 'count'.",
        ),
        (
            "/documents?projectId%5B%5D=1&offset=0&order=up",
            400,
            "Invalid value for 'order'.",
        ),
        ("/documents?projectId%5B%5D=9&offset=0", 404, "No project."),
        ("/documents/count?projectId%5B%5D=9", 404, "No project."),
    ];
    for (path, status, message) in errors {
        let code = if status == 404 { 6 } else { 7 };
        assert_eq!(
            api.get_reply(path).await.error(status, code),
            message,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_new_document_goes_first_or_last_under_its_parent() {
    let api = Api::start().await;
    let form = format!(
        "projectId=1&title=FAQ&content=%23%20FAQ%0A%0AAsk%20away.&emoji=%E2%9D%93&parentId={HANDBOOK}"
    );
    let reply = api.post("/documents", &form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let faq = reply.json();
    assert_eq!(keys(&faq), DOCUMENT_KEYS);
    assert_eq!(faq["id"], FIRST_NEW);
    assert_eq!(faq["title"], "FAQ");
    assert_eq!(faq["plain"], "# FAQ\n\nAsk away.");
    assert_eq!(
        faq["json"],
        r#"{"type":"doc","content":[{"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"FAQ"}]},{"type":"paragraph","content":[{"type":"text","text":"Ask away."}]}]}"#
    );
    assert_eq!(faq["emoji"], "❓");
    assert_eq!(faq["statusId"], 1);
    assert_eq!(
        (&faq["tags"], &faq["attachments"], &faq["childDocumentIds"]),
        (&json!([]), &json!([]), &json!([]))
    );
    assert_eq!(faq["createdUser"]["id"], 1);
    assert_eq!(faq["created"], "2026-11-27T08:00:00Z");
    assert_eq!(api.get(&format!("/documents/{FIRST_NEW}")).await, faq);

    let form = format!("projectId=1&title=Glossary&parentId={HANDBOOK}&addLast=true");
    let glossary = api.post("/documents", &form).await.json();
    assert_eq!(glossary["id"], SECOND_NEW);
    assert_eq!(glossary["plain"], "");
    assert!(glossary["emoji"].is_null());
    assert_eq!(
        api.get(&format!("/documents/{HANDBOOK}")).await["childDocumentIds"],
        json!([FIRST_NEW, GETTING_STARTED, ARCHITECTURE, SECOND_NEW])
    );

    // At the top level, untitled; then everywhere a document shows.
    let top = api.post("/documents", "projectId=1").await.json();
    assert_eq!(top["title"], "");
    let tree = api.get("/documents/tree?projectIdOrKey=DEMO").await;
    assert_eq!(
        shape(&tree["activeTree"]["children"]),
        "01a21c 019c18(01a21c 019c1d(019c23) 019c47 01a21c) 019d48(019d4d)"
    );
    assert_eq!(tree["activeTree"]["children"][0]["id"], top["id"]);
    assert_eq!(
        api.get("/documents/count?projectId%5B%5D=1").await["count"],
        9
    );
    let latest = api
        .get("/documents?projectId%5B%5D=1&offset=0&count=1")
        .await;
    assert_eq!(ids(&latest), [top["id"].as_str().unwrap()]);
}

#[tokio::test]
async fn adding_a_document_checks_its_parent_and_project() {
    let api = Api::start().await;
    let cases = [
        (
            "title=x".to_owned(),
            "Please specify a value for 'projectId'.",
        ),
        (
            format!("projectId=1&parentId={LAUNCH_PLAN}"),
            "Invalid value for 'parentId'.",
        ),
        (
            format!("projectId=1&parentId={OLD_DRAFT}"),
            "Invalid value for 'parentId'.",
        ),
        (
            "projectId=1&parentId=nope".to_owned(),
            "Invalid value for 'parentId'.",
        ),
        (
            "projectId=1&parentId=00000000000000000000000000000000".to_owned(),
            "Invalid value for 'parentId'.",
        ),
        (
            "projectId=1&addLast=yes".to_owned(),
            "Invalid value for 'addLast'.",
        ),
    ];
    for (form, message) in cases {
        assert_eq!(
            api.post("/documents", &form).await.error(400, 7),
            message,
            "{form}"
        );
    }
    assert_eq!(
        api.post("/documents", "projectId=99").await.error(404, 6),
        "No project."
    );
    assert_eq!(
        api.get("/documents/count?projectId%5B%5D=1").await["count"],
        6,
        "nothing was added"
    );
}

#[tokio::test]
async fn deleting_moves_a_document_and_what_is_under_it_to_the_trash() {
    let api = Api::start().await;
    let reply = api.delete(&format!("/documents/{HANDBOOK}")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let deleted = reply.json();
    assert_eq!(keys(&deleted), DOCUMENT_KEYS);
    assert_eq!(deleted["id"], HANDBOOK);
    assert_eq!(
        deleted["childDocumentIds"],
        json!([GETTING_STARTED, ARCHITECTURE])
    );

    let list = api.get("/documents?projectId%5B%5D=1&offset=0").await;
    assert_eq!(ids(&list), [V1_0, RELEASE_NOTES]);
    assert_eq!(
        api.get("/documents/count?projectId%5B%5D=1").await["count"],
        2
    );
    let tree = api.get("/documents/tree?projectIdOrKey=DEMO").await;
    assert_eq!(shape(&tree["activeTree"]["children"]), "019d48(019d4d)");
    assert_eq!(
        shape(&tree["trashTree"]["children"]),
        "019c18(019c1d(019c23) 019c47) 019ca8"
    );
    // Still readable by id, as a document in the trash is.
    assert_eq!(
        api.get(&format!("/documents/{INSTALLATION}")).await["title"],
        "Installation"
    );

    // What is in the trash is no longer there to delete.
    for id in [
        HANDBOOK,
        INSTALLATION,
        OLD_DRAFT,
        "abc",
        "00000000000000000000000000000000",
    ] {
        let reply = api.delete(&format!("/documents/{id}")).await;
        assert_eq!(reply.error(404, 6), "No document.", "{id}");
    }
    // A child deleted on its own leaves its parent's children.
    let v1 = api.delete(&format!("/documents/{V1_0}")).await.json();
    assert_eq!(v1["id"], V1_0);
    assert_eq!(
        api.get(&format!("/documents/{RELEASE_NOTES}")).await["childDocumentIds"],
        json!([])
    );
    let tree = api.get("/documents/tree?projectIdOrKey=DEMO").await;
    assert_eq!(shape(&tree["activeTree"]["children"]), "019d48");
    assert_eq!(
        shape(&tree["trashTree"]["children"]),
        "019c18(019c1d(019c23) 019c47) 019ca8 019d4d"
    );
}

#[tokio::test]
async fn attachments_download_with_their_bytes_type_and_name() {
    let api = Api::start().await;
    let png = api
        .get_reply(&format!("/documents/{INSTALLATION}/attachments/4"))
        .await;
    assert_eq!(
        png.download(LOGO, "image/png"),
        "attachment; filename=\"install-screen.png\"; filename*=UTF-8''install-screen.png"
    );

    let zip = api
        .get_reply(&format!("/documents/{ARCHITECTURE}/attachments/5"))
        .await;
    zip.download(ARCHIVE, "application/zip");
    assert!(zip.bytes.starts_with(b"PK\x03\x04"));

    let wrong = format!("/documents/{ARCHITECTURE}/attachments/4");
    assert_eq!(api.get_reply(&wrong).await.error(404, 6), "No attachment.");
    assert_eq!(
        api.get_reply("/documents/nope/attachments/4")
            .await
            .error(404, 6),
        "No document."
    );
}
