//! Wire behaviour: authentication, request recording, decoding, error bodies, routing.

mod support;

use backlog_sandbox::{DEFAULT_API_KEY, Fault, FaultRule, RecordedRequest, Sandbox};
use support::{Api, FORM, send};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn missing_or_wrong_key_is_401_in_header_and_query() {
    let api = Api::start().await;
    let addr = api.handle.addr();
    let none = send(addr, "GET", "/api/v2/users/myself", &[], "").await;
    assert_eq!(none.error(401, 11), "Authentication failure.");
    let wrong_header = send(
        addr,
        "GET",
        "/api/v2/users/myself",
        &[("Backlog-API-Key", "nope")],
        "",
    )
    .await;
    assert_eq!(wrong_header.error(401, 11), "Authentication failure.");
    let wrong_query = send(addr, "GET", "/api/v2/users/myself?apiKey=nope", &[], "").await;
    assert_eq!(wrong_query.error(401, 11), "Authentication failure.");
    // Authentication comes before routing, as with Backlog.
    let unknown = send(addr, "GET", "/api/v2/no/such/thing", &[], "").await;
    unknown.error(401, 11);

    let keys: Vec<_> = api
        .handle
        .requests()
        .into_iter()
        .map(|r| r.api_key)
        .collect();
    assert_eq!(keys, [None, Some("nope".into()), Some("nope".into()), None]);
}

#[tokio::test]
async fn key_in_query_is_accepted_and_kept_out_of_decoded_query() {
    let api = Api::start().await;
    let target = format!("/api/v2/issues?apiKey={DEFAULT_API_KEY}&projectId%5B%5D=2&count=3");
    let reply = send(api.handle.addr(), "GET", &target, &[], "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json().as_array().unwrap().len(), 3);

    let recorded = api.handle.requests().pop().unwrap();
    assert_eq!(
        recorded.raw_query,
        format!("apiKey={DEFAULT_API_KEY}&projectId%5B%5D=2&count=3")
    );
    assert_eq!(
        recorded.query,
        pairs(&[("projectId[]", "2"), ("count", "3")])
    );
    assert_eq!(recorded.api_key.as_deref(), Some(DEFAULT_API_KEY));
}

#[tokio::test]
async fn custom_api_key() {
    let handle = Sandbox::new("k-123").spawn().await.unwrap();
    assert_eq!(handle.api_key(), "k-123");
    assert_eq!(
        handle.api_base_url(),
        format!("http://{}/api/v2", handle.addr())
    );
    let ok = send(
        handle.addr(),
        "GET",
        "/api/v2/space",
        &[("Backlog-API-Key", "k-123")],
        "",
    )
    .await;
    assert_eq!(ok.status, 200);
    let default = send(
        handle.addr(),
        "GET",
        "/api/v2/space?apiKey=sandbox-api-key",
        &[],
        "",
    )
    .await;
    default.error(401, 11);
}

#[tokio::test]
async fn records_raw_and_decoded_requests_in_order() {
    let api = Api::start().await;
    api.get("/users/myself").await;
    let body = "projectId=1&summary=Hello%20world+again&issueTypeId=2&priorityId=3\
                &categoryId%5B%5D=1&categoryId%5B%5D=2&description=a%26b%3Dc%2Bd";
    let created = api.post("/issues", body).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.json()["summary"], "Hello world again");
    assert_eq!(created.json()["description"], "a&b=c+d");

    let requests = api.handle.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0],
        RecordedRequest {
            method: "GET".into(),
            path: "/api/v2/users/myself".into(),
            raw_query: String::new(),
            query: vec![],
            raw_body: String::new(),
            form: vec![],
            multipart: vec![],
            content_type: None,
            api_key: Some(DEFAULT_API_KEY.into()),
            authorization: None,
            route: Some("/api/v2/users/myself".into()),
        }
    );
    let post = &requests[1];
    assert_eq!(
        (post.method.as_str(), post.path.as_str()),
        ("POST", "/api/v2/issues")
    );
    assert_eq!(post.raw_body, body);
    assert_eq!(post.content_type.as_deref(), Some(FORM));
    assert_eq!(
        post.form,
        pairs(&[
            ("projectId", "1"),
            ("summary", "Hello world again"),
            ("issueTypeId", "2"),
            ("priorityId", "3"),
            ("categoryId[]", "1"),
            ("categoryId[]", "2"),
            ("description", "a&b=c+d"),
        ])
    );

    api.handle.clear_requests();
    assert!(api.handle.requests().is_empty());
    api.handle.set_recording(false);
    api.get("/space").await;
    assert!(api.handle.requests().is_empty());
    api.handle.set_recording(true);
    api.get("/space").await;
    assert_eq!(api.handle.requests().len(), 1);
}

#[tokio::test]
async fn writes_read_only_form_bodies() {
    let api = Api::start().await;
    // A JSON body is not Backlog's encoding: nothing is read from it.
    let key = api.handle.api_key();
    let headers = [
        ("Backlog-API-Key", key.as_str()),
        ("Content-Type", "application/json"),
    ];
    let json = r#"{"projectId":1,"summary":"x","issueTypeId":1,"priorityId":3}"#;
    let reply = send(api.handle.addr(), "POST", "/api/v2/issues", &headers, json).await;
    assert_eq!(
        reply.error(400, 7),
        "Please specify a value for 'projectId'."
    );
    let recorded = api.handle.requests().pop().unwrap();
    assert_eq!(recorded.raw_body, json);
    assert!(recorded.form.is_empty());
    // Nor are write parameters taken from the query.
    let reply = api
        .request(
            "POST",
            "/api/v2/issues?projectId=1&summary=x&issueTypeId=1&priorityId=3",
            "",
        )
        .await;
    reply.error(400, 7);
}

#[tokio::test]
async fn encoded_slashes_stay_inside_the_segment() {
    let api = Api::start().await;
    let reply = api.get_reply("/issues/..%2Fusers%2Fmyself").await;
    assert_eq!(reply.error(404, 6), "No issue.");
    let recorded = api.handle.requests().pop().unwrap();
    assert_eq!(recorded.path, "/api/v2/issues/..%2Fusers%2Fmyself");

    let reply = api.get_reply("/projects/DEMO%2F..").await;
    assert_eq!(reply.error(404, 6), "No project.");
    // Percent-decoded before lookup: an encoded key still finds its issue.
    assert_eq!(api.get("/issues/DEMO%2D1").await["issueKey"], "DEMO-1");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_with_backlog_errors() {
    let api = Api::start().await;
    let reply = api.get_reply("/undefined/nothing-here").await;
    assert_eq!(
        reply.error(404, 6),
        "Undefined resource. /api/v2/undefined/nothing-here"
    );
    let reply = api.request("GET", "/elsewhere", "").await;
    reply.error(404, 6);
    let reply = api.request("PUT", "/api/v2/issues/DEMO-1", "").await;
    reply.error(405, 7);
    assert_eq!(api.handle.requests().len(), 3);
}

#[tokio::test]
async fn count_outside_1_to_100_is_400() {
    let api = Api::start().await;
    for count in ["101", "0", "-1", "ten"] {
        let reply = api.get_reply(&format!("/issues?count={count}")).await;
        assert_eq!(
            reply.error(400, 7),
            "Invalid value for 'count'.",
            "count={count}"
        );
    }
    let reply = api.get_reply("/space/activities?count=101").await;
    assert_eq!(reply.error(400, 7), "Invalid value for 'count'.");
    assert_eq!(
        api.get("/issues?count=100").await.as_array().unwrap().len(),
        50
    );
}

#[tokio::test]
async fn invalid_parameters_name_the_parameter() {
    let api = Api::start().await;
    let cases = [
        ("/issues?sort=nonsense", "Invalid value for 'sort'."),
        ("/issues?order=up", "Invalid value for 'order'."),
        (
            "/issues?statusId%5B%5D=open",
            "Invalid value for 'statusId[]'.",
        ),
        (
            "/issues?createdSince=2026-13-01",
            "Invalid value for 'createdSince'.",
        ),
        (
            "/issues?customField_2_min=abc",
            "Invalid value for 'customField_2_min'.",
        ),
        (
            "/issues?customField_99=x",
            "Invalid value for 'customField_99'.",
        ),
        ("/projects?archived=maybe", "Invalid value for 'archived'."),
        (
            "/users/1/stars/count?since=2026/01/01",
            "Invalid value for 'since'.",
        ),
    ];
    for (target, message) in cases {
        assert_eq!(
            api.get_reply(target).await.error(400, 7),
            message,
            "{target}"
        );
    }
}

#[tokio::test]
async fn router_is_usable_in_process() {
    let sandbox = Sandbox::default();
    let router = sandbox.router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let reply = send(
        addr,
        "GET",
        "/api/v2/space",
        &[("Backlog-API-Key", DEFAULT_API_KEY)],
        "",
    )
    .await;
    assert_eq!(reply.json()["spaceKey"], "demo");
    // Clones share state: a write through one router is visible through another.
    let second = sandbox.clone().spawn().await.unwrap();
    let headers = [("Backlog-API-Key", DEFAULT_API_KEY), ("Content-Type", FORM)];
    let form = "projectId=2&summary=shared&issueTypeId=5&priorityId=3";
    let created = send(second.addr(), "POST", "/api/v2/issues", &headers, form).await;
    assert_eq!(created.json()["issueKey"], "WEB-11");
    let read = send(addr, "GET", "/api/v2/issues/WEB-11", &headers[..1], "").await;
    assert_eq!(read.json()["summary"], "shared");
}

#[tokio::test]
async fn records_the_route_template_that_answered_or_none_for_a_fallback() {
    let api = Api::start().await;
    api.get("/issues/DEMO-1").await;
    api.get("/issues/1/comments/count").await;
    api.get_reply("/issues/..%2Fusers%2Fmyself")
        .await
        .error(404, 6);
    api.get_reply("/undefined/nothing-here").await.error(404, 6);
    api.request("PUT", "/api/v2/issues/DEMO-1", "")
        .await
        .error(405, 7);
    api.request("GET", "/elsewhere", "").await.error(404, 6);
    // Known before authentication or a fault answers in the route's place.
    send(api.handle.addr(), "GET", "/api/v2/space", &[], "")
        .await
        .error(401, 11);
    let fault = Fault::Empty { status: 503 };
    api.handle.add_fault(FaultRule::new(None, "/", fault));
    api.get_reply("/projects/DEMO/versions").await;
    api.get_reply("/no/such/route").await;

    let routes: Vec<_> = api.handle.requests().into_iter().map(|r| r.route).collect();
    let route = |template: &str| Some(template.to_owned());
    assert_eq!(
        routes,
        [
            route("/api/v2/issues/{issueIdOrKey}"),
            route("/api/v2/issues/{issueIdOrKey}/comments/count"),
            route("/api/v2/issues/{issueIdOrKey}"),
            None,
            None,
            None,
            route("/api/v2/space"),
            route("/api/v2/projects/{projectIdOrKey}/versions"),
            None,
        ]
    );
}
