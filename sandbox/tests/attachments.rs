//! Attachments: the multipart upload, how a pending upload is used by an issue, a comment
//! or a pull request, and the downloads of what an issue holds.

mod support;

use support::{Api, BOUNDARY, ids, keys, multipart};

const PNG: &[u8] = include_bytes!("../data/demo/files/screenshot.png");
const TEXT_JA: &[u8] = include_bytes!("../data/demo/files/minutes-2026-01.txt");
const PDF: &[u8] = include_bytes!("../data/demo/files/crash-report.pdf");

/// Uploads `content` and returns the pending attachment's id.
async fn uploaded(api: &Api, name: &str, content_type: &str, content: &[u8]) -> u64 {
    let reply = api.upload(name, content_type, content).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["id"].as_u64().unwrap()
}

#[tokio::test]
async fn upload_answers_id_name_size_and_is_recorded_part_by_part() {
    let api = Api::start().await;
    let reply = api.upload("diagram.png", "image/png", PNG).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    // Ids continue after the seeded attachments 1–9 (wikis', documents', issues' and a
    // pull request's: one id space).
    assert_eq!(
        body,
        serde_json::json!({"id": 10, "name": "diagram.png", "size": PNG.len()})
    );

    let recorded = api.handle.requests().pop().unwrap();
    assert_eq!(recorded.route.as_deref(), Some("/api/v2/space/attachment"));
    assert_eq!(
        recorded.content_type,
        Some(format!("multipart/form-data; boundary={BOUNDARY}"))
    );
    assert!(recorded.form.is_empty());
    assert!(recorded.raw_body.contains("filename=\"diagram.png\""));
    let [part] = recorded.multipart.as_slice() else {
        panic!("one part: {:?}", recorded.multipart);
    };
    assert_eq!(part.name.as_deref(), Some("file"));
    assert_eq!(part.file_name.as_deref(), Some("diagram.png"));
    assert_eq!(part.content_type.as_deref(), Some("image/png"));
    assert_eq!(part.bytes, PNG);
    // A form body records no parts.
    api.post("/issues/DEMO-3/comments", "content=x").await;
    assert!(api.handle.requests().pop().unwrap().multipart.is_empty());
}

#[tokio::test]
async fn upload_refuses_a_missing_file_part_and_a_file_over_10_mib() {
    let api = Api::start().await;
    let no_file = multipart(&[(
        "Content-Disposition: form-data; name=\"other\"\r\n\r\n",
        b"x",
    )]);
    let message = api.upload_body(&no_file).await.error(400, 7);
    assert_eq!(message, "Please specify a value for 'file'.");
    let no_name = multipart(&[(
        "Content-Disposition: form-data; name=\"file\"\r\n\r\n",
        b"x",
    )]);
    api.upload_body(&no_name).await.error(400, 7);
    let form = api.post("/space/attachment", "file=x").await;
    assert_eq!(form.error(400, 7), "Please specify a value for 'file'.");

    let big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let message = api
        .upload("big.bin", "application/octet-stream", &big)
        .await
        .error(400, 10);
    assert!(message.contains("too large"), "{message}");
    let limit = vec![b'a'; 10 * 1024 * 1024];
    uploaded(&api, "limit.bin", "application/octet-stream", &limit).await;
}

#[tokio::test]
async fn seeded_attachments_show_on_their_issues_and_download_with_their_bytes() {
    let api = Api::start().await;
    let issue = api.get("/issues/DEMO-1").await;
    let attachments = &issue["attachments"];
    assert_eq!(ids(attachments), [1]);
    let file_info = &attachments[0];
    assert_eq!(
        keys(file_info),
        ["id", "name", "size", "createdUser", "created"]
    );
    assert_eq!(file_info["name"], "login-screen.png");
    assert_eq!(file_info["size"], PNG.len());
    assert_eq!(file_info["createdUser"]["userId"], "alice");
    assert_eq!(file_info["created"], "2026-01-05T10:30:00Z");
    assert_eq!(api.get("/issues/DEMO-1/attachments").await, *attachments);
    assert_eq!(ids(&api.get("/issues/2/attachments").await), [7]);
    assert_eq!(ids(&api.get("/issues/DEMO-5/attachments").await), [8]);
    assert_eq!(
        api.get("/issues/DEMO-3/attachments").await,
        serde_json::json!([])
    );

    let png = api.get_reply("/issues/DEMO-1/attachments/1").await;
    assert_eq!(
        png.download(PNG, "image/png"),
        "attachment; filename=\"login-screen.png\"; filename*=UTF-8''login-screen.png"
    );
    let pdf = api.get_reply("/issues/5/attachments/8").await;
    pdf.download(PDF, "application/pdf");

    // A non-ASCII name: replaced in `filename`, percent-encoded UTF-8 in `filename*`.
    let text = api.get_reply("/issues/DEMO-2/attachments/7").await;
    assert!(String::from_utf8_lossy(TEXT_JA).contains("議事録"));
    assert_eq!(
        text.download(TEXT_JA, "text/plain; charset=UTF-8"),
        "attachment; filename=\"___.txt\"; filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.txt"
    );
}

#[tokio::test]
async fn unknown_attachments_and_issues_are_404() {
    let api = Api::start().await;
    for target in [
        "/issues/DEMO-1/attachments/7", // another issue's
        "/issues/DEMO-1/attachments/9", // a pull request's
        "/issues/DEMO-1/attachments/6", // a wiki page's
        "/issues/DEMO-1/attachments/4", // a document's
        "/issues/DEMO-1/attachments/99",
        "/issues/DEMO-1/attachments/x",
    ] {
        let message = api.get_reply(target).await.error(404, 6);
        assert_eq!(message, "No attachment.", "{target}");
        let message = api.delete(target).await.error(404, 6);
        assert_eq!(message, "No attachment.", "{target}");
    }
    assert_eq!(
        api.get_reply("/issues/DEMO-999/attachments")
            .await
            .error(404, 6),
        "No issue."
    );
    assert_eq!(
        api.get_reply("/issues/DEMO-999/attachments/1")
            .await
            .error(404, 6),
        "No issue."
    );
}

#[tokio::test]
async fn add_issue_takes_pending_uploads_which_download_with_the_same_bytes() {
    let api = Api::start().await;
    let png = uploaded(&api, "screen shot.png", "image/png", PNG).await;
    let pdf = uploaded(&api, "report.pdf", "application/pdf", PDF).await;
    // Pending uploads belong to no issue yet.
    assert_eq!(api.count("attachment=true").await, 3);

    let form = format!(
        "projectId=1&summary=With%20files&issueTypeId=1&priorityId=3\
         &attachmentId%5B%5D={png}&attachmentId%5B%5D={pdf}"
    );
    let reply = api.post("/issues", &form).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let issue = reply.json();
    assert_eq!(ids(&issue["attachments"]), [png, pdf]);
    assert_eq!(issue["attachments"][0]["name"], "screen shot.png");
    assert_eq!(issue["attachments"][0]["createdUser"]["id"], 1);
    let key = issue["issueKey"].as_str().unwrap();
    assert_eq!(
        api.get(&format!("/issues/{key}")).await["attachments"],
        issue["attachments"]
    );
    assert_eq!(api.count("attachment=true").await, 4);
    assert_eq!(api.count("attachment=false").await, 47);

    let download = api
        .get_reply(&format!("/issues/{key}/attachments/{png}"))
        .await;
    assert_eq!(
        download.download(PNG, "image/png"),
        "attachment; filename=\"screen shot.png\"; filename*=UTF-8''screen%20shot.png"
    );

    // Used once, an upload cannot be used again; nor can an unknown id.
    for id in [png, 99] {
        let form =
            format!("projectId=1&summary=Again&issueTypeId=1&priorityId=3&attachmentId%5B%5D={id}");
        let message = api.post("/issues", &form).await.error(400, 7);
        assert_eq!(message, "Invalid value for 'attachmentId[]'.");
    }
}

/// Every download, seeded or uploaded, is typed by the file's name, as Backlog serves it.
#[tokio::test]
async fn an_upload_downloads_typed_by_its_name_not_by_the_type_it_was_sent_with() {
    let api = Api::start().await;
    let notes = uploaded(&api, "notes.txt", "application/octet-stream", b"hello").await;
    let form = format!("content=Notes&attachmentId%5B%5D={notes}");
    api.post("/issues/DEMO-3/comments", &form).await;
    let download = api
        .get_reply(&format!("/issues/DEMO-3/attachments/{notes}"))
        .await;
    download.download(b"hello", "text/plain; charset=UTF-8");
}

#[tokio::test]
async fn update_issue_and_comments_attach_uploads_and_say_so_in_the_change_log() {
    let api = Api::start().await;
    let first = uploaded(&api, "a.txt", "text/plain", b"first").await;
    let reply = api
        .patch("/issues/DEMO-3", &format!("attachmentId%5B%5D={first}"))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(ids(&reply.json()["attachments"]), [first]);
    let comments = api.get("/issues/DEMO-3/comments").await;
    let change = &comments[0]["changeLog"][0];
    assert_eq!(change["field"], "attachment");
    assert_eq!(change["newValue"], "a.txt");
    assert_eq!(
        change["attachmentInfo"],
        serde_json::json!({"id": first, "type": "file"})
    );

    let second = uploaded(&api, "b.txt", "text/plain", b"second").await;
    let reply = api
        .post(
            "/issues/DEMO-3/comments",
            &format!("content=See%20b&attachmentId%5B%5D={second}"),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let comment = reply.json();
    assert_eq!(comment["content"], "See b");
    assert_eq!(comment["changeLog"][0]["attachmentInfo"]["id"], second);
    let listed = api.get("/issues/DEMO-3/attachments").await;
    assert_eq!(ids(&listed), [first, second]);
    let download = api
        .get_reply(&format!("/issues/DEMO-3/attachments/{second}"))
        .await;
    assert_eq!(download.bytes, b"second");

    // A refused write takes nothing: the upload stays pending for the next one.
    let third = uploaded(&api, "c.txt", "text/plain", b"third").await;
    let refused = api
        .patch(
            "/issues/DEMO-4",
            &format!("priorityId=99&attachmentId%5B%5D={third}"),
        )
        .await;
    refused.error(400, 7);
    let reply = api
        .post(
            "/issues/DEMO-4/comments",
            &format!("content=ok&attachmentId%5B%5D={third}"),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reused = api
        .post(
            "/issues/DEMO-4/comments",
            &format!("content=ok&attachmentId%5B%5D={third}"),
        )
        .await;
    assert_eq!(reused.error(400, 7), "Invalid value for 'attachmentId[]'.");
}

#[tokio::test]
async fn deleting_an_attachment_answers_its_file_info_and_logs_the_change() {
    let api = Api::start().await;
    let reply = api.delete("/issues/DEMO-1/attachments/1").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let deleted = reply.json();
    assert_eq!(
        (deleted["id"].as_u64(), deleted["name"].as_str()),
        (Some(1), Some("login-screen.png"))
    );
    assert_eq!(deleted["size"], PNG.len());
    assert_eq!(
        api.get("/issues/DEMO-1").await["attachments"],
        serde_json::json!([])
    );
    api.get_reply("/issues/DEMO-1/attachments/1")
        .await
        .error(404, 6);
    let comments = api.get("/issues/DEMO-1/comments").await;
    let change = &comments[0]["changeLog"][0];
    assert_eq!(
        (
            change["field"].as_str(),
            change["originalValue"].as_str(),
            change["newValue"].as_str()
        ),
        (Some("attachment"), Some("login-screen.png"), Some(""))
    );
    let activity = &api.get("/space/activities?count=1").await[0];
    assert_eq!(activity["type"], 2);
    assert_eq!(activity["content"]["changes"][0]["field"], "attachment");
}

#[tokio::test]
async fn deleting_an_issue_shows_its_attachments_once_more_then_drops_them() {
    let api = Api::start().await;
    let deleted = api.delete("/issues/DEMO-1").await.json();
    assert_eq!(ids(&deleted["attachments"]), [1]);
    assert_eq!(ids(&deleted["sharedFiles"]), [2]);
    // The upload's id was the issue's, so it cannot be used again.
    let form = "projectId=1&summary=S&issueTypeId=1&priorityId=3&attachmentId%5B%5D=1";
    api.post("/issues", form).await.error(400, 7);
    // Its pull request keeps its own attachment but no longer links the issue.
    let pr = api
        .get("/projects/DEMO/git/repositories/app/pullRequests/1")
        .await;
    assert!(pr["issue"].is_null());
    assert_eq!(ids(&pr["attachments"]), [9]);
    assert_eq!(
        ids(&api.get("/issues/DEMO-2/relatedIssues").await),
        Vec::<u64>::new()
    );
}
