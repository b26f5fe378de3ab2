//! Shared files: directory listings (root, nested, encoded names, paging), downloads, and
//! the files linked to issues.

mod support;

use serde_json::json;
use support::{Api, ids, keys, names};

const README: &[u8] = include_bytes!("../data/demo/files/readme.md");
const LOGO: &[u8] = include_bytes!("../data/demo/files/logo-checker.png");
const REQUIREMENTS_JA: &[u8] = include_bytes!("../data/demo/files/requirements-ja.txt");

#[tokio::test]
async fn the_root_lists_its_entries_by_name_newest_order_first() {
    let api = Api::start().await;
    let root = api.get("/projects/DEMO/files/metadata/").await;
    assert_eq!(names(&root), ["logo.png", "docs", "README.md"]);
    let readme = &root[2];
    assert_eq!(
        keys(readme),
        [
            "id",
            "projectId",
            "type",
            "dir",
            "name",
            "size",
            "createdUser",
            "created",
            "updatedUser",
            "updated"
        ]
    );
    assert_eq!(
        (
            readme["id"].as_u64(),
            readme["type"].as_str(),
            readme["dir"].as_str()
        ),
        (Some(2), Some("file"), Some("/"))
    );
    assert_eq!(readme["size"], README.len());
    let docs = &root[1];
    assert_eq!(
        (docs["type"].as_str(), docs["dir"].as_str()),
        (Some("directory"), Some("/"))
    );
    assert!(docs["size"].is_null());
    assert_eq!(
        names(&api.get("/projects/1/files/metadata/?order=asc").await),
        ["README.md", "docs", "logo.png"]
    );
    let page = api
        .get("/projects/DEMO/files/metadata/?order=asc&offset=1&count=1")
        .await;
    assert_eq!(names(&page), ["docs"]);
    assert_eq!(
        names(&api.get("/projects/WEB/files/metadata/").await),
        ["assets"]
    );
    assert_eq!(api.get("/projects/OLD/files/metadata/").await, json!([]));
    let message = api
        .get_reply("/projects/DEMO/files/metadata/?order=up")
        .await
        .error(400, 7);
    assert_eq!(message, "Invalid value for 'order'.");
    let message = api
        .get_reply("/projects/NOPE/files/metadata/")
        .await
        .error(404, 6);
    assert_eq!(message, "No project.");
}

#[tokio::test]
async fn nested_directories_arrive_as_segments_each_decoded() {
    let api = Api::start().await;
    let docs = api
        .get("/projects/DEMO/files/metadata/docs?order=asc")
        .await;
    assert_eq!(names(&docs), ["manual.pdf", "specs"]);
    assert!(
        docs.as_array()
            .unwrap()
            .iter()
            .all(|f| f["dir"] == "/docs/")
    );
    let specs = api
        .get("/projects/DEMO/files/metadata/docs/specs?order=asc")
        .await;
    assert_eq!(ids(&specs), [6, 7]);
    assert_eq!(names(&specs), ["api-v2.txt", "要件定義.txt"]);
    assert_eq!(specs[0]["dir"], "/docs/specs/");
    // Percent-encoded segments decode; a trailing slash changes nothing.
    let encoded = api
        .get("/projects/DEMO/files/metadata/%64ocs/sp%65cs/?order=asc")
        .await;
    assert_eq!(encoded, specs);
    for path in ["nope", "docs/nope", "README.md", "docs%2Fspecs", "specs"] {
        let target = format!("/projects/DEMO/files/metadata/{path}");
        let message = api.get_reply(&target).await.error(404, 6);
        assert_eq!(message, "No directory.", "{path}");
    }
    // Each project has its own tree.
    api.get_reply("/projects/WEB/files/metadata/docs")
        .await
        .error(404, 6);
    let recorded = api.handle.requests().pop().unwrap();
    assert_eq!(
        recorded.route.as_deref(),
        Some("/api/v2/projects/{projectIdOrKey}/files/metadata/{*path}")
    );
}

#[tokio::test]
async fn a_file_downloads_with_its_bytes_and_a_directory_has_none() {
    let api = Api::start().await;
    let logo = api.get_reply("/projects/DEMO/files/3").await;
    assert_eq!(
        logo.download(LOGO, "image/png"),
        "attachment; filename=\"logo.png\"; filename*=UTF-8''logo.png"
    );
    let spec = api.get_reply("/projects/1/files/7").await;
    assert_eq!(
        spec.download(REQUIREMENTS_JA, "text/plain; charset=UTF-8"),
        "attachment; filename=\"____.txt\"; \
         filename*=UTF-8''%E8%A6%81%E4%BB%B6%E5%AE%9A%E7%BE%A9.txt"
    );
    for target in [
        "/projects/DEMO/files/1",  // a directory
        "/projects/WEB/files/3",   // another project's
        "/projects/DEMO/files/99", // none
        "/projects/DEMO/files/x",
    ] {
        let message = api.get_reply(target).await.error(404, 6);
        assert_eq!(message, "No file.", "{target}");
    }
}

#[tokio::test]
async fn issues_list_their_linked_shared_files() {
    let api = Api::start().await;
    let linked = api.get("/issues/DEMO-3/sharedFiles").await;
    assert_eq!(ids(&linked), [6, 7]);
    assert_eq!(linked[0]["dir"], "/docs/specs/");
    assert_eq!(api.get("/issues/DEMO-3").await["sharedFiles"], linked);
    assert_eq!(ids(&api.get("/issues/1/sharedFiles").await), [2]);
    assert_eq!(api.get("/issues/DEMO-2/sharedFiles").await, json!([]));
    assert_eq!(api.count("sharedFile=true").await, 2);
    assert_eq!(api.issue_ids("sort=sharedFile&count=1").await, [3]);
    let message = api
        .get_reply("/issues/DEMO-999/sharedFiles")
        .await
        .error(404, 6);
    assert_eq!(message, "No issue.");
}
