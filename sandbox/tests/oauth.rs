//! OAuth 2.0 as Backlog has it: the consent page and its decision, the token endpoint
//! (codes, refresh rotation, refusals), Bearer tokens acting as their user on the API,
//! expiry and revocation, and recordings that keep no secret.

mod support;

use std::time::Duration;

use backlog_sandbox::{DEFAULT_OAUTH_TOKEN_TTL, Fault, FaultRule, OAuthApp, REDACTED, Sandbox};
use percent_encoding::percent_decode_str;
use support::{Api, FORM, Reply, keys, send};

const CLIENT_ID: &str = "mcp-client";
const CLIENT_SECRET: &str = "s3cret-of-the-app";
const REDIRECT_URI: &str = "http://127.0.0.1:8765/oauth/callback";
/// A second app, whose redirect URI has a query of its own.
const OTHER_ID: &str = "other-client";
const OTHER_SECRET: &str = "other-secret";
const OTHER_REDIRECT_URI: &str = "http://127.0.0.1:8765/other?from=sandbox";
const CONSENT: &str = "/OAuth2AccessRequest.action";
const TOKEN: &str = "/api/v2/oauth2/token";
/// Seeded demo users: admin owns the API key; bob and carol approve apps.
const ADMIN: u64 = 1;
const BOB: u64 = 3;
const CAROL: u64 = 4;

fn app(client_id: &str, client_secret: &str, redirect_uri: &str) -> OAuthApp {
    OAuthApp {
        client_id: client_id.into(),
        client_secret: client_secret.into(),
        redirect_uri: redirect_uri.into(),
    }
}

fn sandbox() -> Sandbox {
    Sandbox::default()
        .with_oauth_app(app(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI))
        .with_oauth_app(app(OTHER_ID, OTHER_SECRET, OTHER_REDIRECT_URI))
}

async fn start() -> Api {
    Api::spawn(sandbox()).await
}

/// `text` as a form or query value.
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `pairs` as an `application/x-www-form-urlencoded` body or a query.
fn form(pairs: &[(&str, &str)]) -> String {
    let pairs: Vec<_> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    pairs.join("&")
}

/// The decoded query of a URL.
fn query_of(url: &str) -> Vec<(String, String)> {
    let (_, query) = url.split_once('?').expect("a query");
    let decode = |s: &str| percent_decode_str(s).decode_utf8().unwrap().into_owned();
    let pair = |pair: &str| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k), decode(v))
    };
    query.split('&').map(pair).collect()
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let found = query.iter().find(|(k, _)| k == name);
    found.map(|(_, v)| v.as_str())
}

/// `request` (anonymous), as a browser sends it.
async fn browser(api: &Api, method: &str, target: &str, body: &str) -> Reply {
    let headers: &[(&str, &str)] = if method == "POST" {
        &[("Content-Type", FORM)]
    } else {
        &[]
    };
    send(api.handle.addr(), method, target, headers, body).await
}

/// `GET` of the consent page for `query`.
async fn consent_page(api: &Api, query: &[(&str, &str)]) -> Reply {
    let target = format!("{CONSENT}?{}", form(query));
    browser(api, "GET", &target, "").await
}

/// The consent form posted with `fields`.
async fn decide(api: &Api, fields: &[(&str, &str)]) -> Reply {
    browser(api, "POST", CONSENT, &form(fields)).await
}

/// The `Location` of a 302.
fn location(reply: &Reply) -> &str {
    assert_eq!(reply.status, 302, "{}", reply.body);
    reply.header("location").expect("Location")
}

/// Approves the main app as `user`, returning the code it is sent.
async fn approve(api: &Api, user: u64) -> String {
    let user = user.to_string();
    let fields = [
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("state", "s"),
        ("user_id", user.as_str()),
        ("decision", "approve"),
    ];
    let query = query_of(location(&decide(api, &fields).await));
    param(&query, "code").expect("code").to_owned()
}

/// `POST /api/v2/oauth2/token` with `fields` and no credential.
async fn token(api: &Api, fields: &[(&str, &str)]) -> Reply {
    browser(api, "POST", TOKEN, &form(fields)).await
}

/// The main app's exchange of `code`.
async fn exchange(api: &Api, code: &str) -> Reply {
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("redirect_uri", REDIRECT_URI),
    ];
    token(api, &fields).await
}

/// The main app's refresh with `refresh_token`.
async fn refresh(api: &Api, refresh_token: &str) -> Reply {
    let fields = [
        ("grant_type", "refresh_token"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("refresh_token", refresh_token),
    ];
    token(api, &fields).await
}

/// An access token and a refresh token, from a 200 token answer.
fn tokens(reply: &Reply) -> (String, String) {
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let text = |name: &str| body[name].as_str().expect(name).to_owned();
    (text("access_token"), text("refresh_token"))
}

/// The tokens `user` gets by approving the main app.
async fn sign_in(api: &Api, user: u64) -> (String, String) {
    let code = approve(api, user).await;
    tokens(&exchange(api, &code).await)
}

/// Asserts an RFC 6749 refusal; returns its description.
fn token_error(reply: &Reply, status: u16, error: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(keys(&body), ["error", "error_description"]);
    assert_eq!(body["error"], error, "{body}");
    body["error_description"].as_str().unwrap().to_owned()
}

/// `GET /api/v2{path}` with `Authorization: Bearer token`.
async fn bearer_get(api: &Api, token: &str, path: &str) -> Reply {
    let authorization = format!("Bearer {token}");
    let headers = [("Authorization", authorization.as_str())];
    let target = format!("/api/v2{path}");
    send(api.handle.addr(), "GET", &target, &headers, "").await
}

/// `POST /api/v2{path}` with `Authorization: Bearer token`.
async fn bearer_post(api: &Api, token: &str, path: &str, body: &str) -> Reply {
    let authorization = format!("Bearer {token}");
    let headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", FORM),
    ];
    let target = format!("/api/v2{path}");
    send(api.handle.addr(), "POST", &target, &headers, body).await
}

/// The id of the user `/users/myself` answers with `token`.
async fn myself(api: &Api, token: &str) -> u64 {
    let reply = bearer_get(api, token, "/users/myself").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["id"].as_u64().expect("id")
}

/// Asserts the 401 of a bad bearer token: Backlog's body and RFC 6750's challenge.
fn assert_invalid_token(reply: &Reply) {
    reply.error(401, 11);
    let challenge = reply.header("www-authenticate");
    assert_eq!(challenge, Some(r#"Bearer error="invalid_token""#));
}

#[tokio::test]
async fn consent_page_offers_every_user_in_a_plain_form() {
    let api = start().await;
    let state = "st<&>\"ate";
    let query = [
        ("client_id", CLIENT_ID),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT_URI),
        ("state", state),
    ];
    let reply = consent_page(&api, &query).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let content_type = reply.header("content-type");
    assert_eq!(content_type, Some("text/html; charset=utf-8"));
    let page = &reply.body;
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains(r#"<html lang="en">"#), "{page}");
    assert!(page.contains(r#"<form method="post" action="/OAuth2AccessRequest.action">"#));
    let hidden =
        |name: &str, value: &str| format!(r#"<input type="hidden" name="{name}" value="{value}">"#);
    assert!(page.contains(&hidden("client_id", CLIENT_ID)), "{page}");
    assert!(
        page.contains(&hidden("redirect_uri", REDIRECT_URI)),
        "{page}"
    );
    assert!(
        page.contains(&hidden("state", "st&lt;&amp;&gt;&quot;ate")),
        "{page}"
    );
    assert!(page.contains(r#"<label for="user_id">"#), "{page}");
    assert!(page.contains(r#"<select id="user_id" name="user_id" required>"#));
    let users = api.get("/users").await;
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 5);
    for user in users {
        let option = format!(
            r#"<option value="{}">{} ({})</option>"#,
            user["id"],
            user["name"].as_str().unwrap(),
            user["userId"].as_str().unwrap()
        );
        assert!(page.contains(&option), "{option} in {page}");
    }
    assert!(
        page.contains(r#"<button type="submit" name="decision" value="approve">Approve</button>"#)
    );
    assert!(page.contains(r#"<button type="submit" name="decision" value="deny">Deny</button>"#));
    for external in ["<script", "<link", "src=", "<img", "<style"] {
        assert!(!page.contains(external), "{external} in {page}");
    }
}

#[tokio::test]
async fn code_flow_acts_as_the_user_who_approved() {
    let api = start().await;
    let state = "xyz 1/2&3";
    let fields = [
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("state", state),
        ("user_id", "3"),
        ("decision", "approve"),
    ];
    let reply = decide(&api, &fields).await;
    let location = location(&reply);
    assert!(
        location.starts_with(&format!("{REDIRECT_URI}?code=")),
        "{location}"
    );
    let query = query_of(location);
    assert_eq!(keys_of(&query), ["code", "state"]);
    assert_eq!(param(&query, "state"), Some(state));
    let code = param(&query, "code").unwrap();

    let reply = exchange(&api, code).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    let body = reply.json();
    assert_eq!(
        keys(&body),
        ["access_token", "token_type", "expires_in", "refresh_token"]
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], DEFAULT_OAUTH_TOKEN_TTL.as_secs());
    assert_eq!(DEFAULT_OAUTH_TOKEN_TTL, Duration::from_secs(3600));
    let (access, refresh) = tokens(&reply);
    assert_ne!(access, refresh);
    assert!(access.len() >= 32 && !access.contains(code), "{access}");

    let me = bearer_get(&api, &access, "/users/myself").await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["id"], BOB);
    assert_eq!(me.json()["userId"], "bob");
    // The API key keeps acting as its owner.
    assert_eq!(api.get("/users/myself").await["id"], ADMIN);
}

fn keys_of(query: &[(String, String)]) -> Vec<&str> {
    query.iter().map(|(k, _)| k.as_str()).collect()
}

#[tokio::test]
async fn writes_are_by_the_tokens_user_and_by_the_keys_owner_with_the_key() {
    let api = start().await;
    let (bob, _) = sign_in(&api, BOB).await;
    let issue = "projectId=1&summary=By%20token&issueTypeId=2&priorityId=3";
    let by_bob = bearer_post(&api, &bob, "/issues", issue).await;
    assert_eq!(by_bob.status, 200, "{}", by_bob.body);
    let by_bob = by_bob.json();
    assert_eq!(by_bob["createdUser"]["id"], BOB, "{by_bob}");
    let key = by_bob["issueKey"].as_str().unwrap();
    let path = format!("/issues/{key}/comments");
    let comment = bearer_post(&api, &bob, &path, "content=Mine").await;
    assert_eq!(comment.status, 200, "{}", comment.body);
    assert_eq!(comment.json()["createdUser"]["id"], BOB);
    // Backlog lets only a comment's author edit it.
    let comment_id = comment.json()["id"].as_u64().unwrap();
    let edit = api
        .patch(&format!("{path}/{comment_id}"), "content=Not%20yours")
        .await;
    edit.error(403, 5);

    let by_key = api.post("/issues", issue).await;
    assert_eq!(by_key.status, 200, "{}", by_key.body);
    assert_eq!(by_key.json()["createdUser"]["id"], ADMIN);
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_the_state() {
    let api = start().await;
    let fields = [
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("state", "abc"),
        ("decision", "deny"),
    ];
    let reply = decide(&api, &fields).await;
    let location = location(&reply);
    assert_eq!(
        location,
        format!("{REDIRECT_URI}?error=access_denied&state=abc")
    );
}

#[tokio::test]
async fn state_is_optional_and_a_redirect_uri_keeps_its_own_query() {
    let api = start().await;
    let query = [
        ("client_id", OTHER_ID),
        ("response_type", "code"),
        ("redirect_uri", OTHER_REDIRECT_URI),
    ];
    let page = consent_page(&api, &query).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains(r#"name="state""#), "{}", page.body);
    let fields = [
        ("client_id", OTHER_ID),
        ("redirect_uri", OTHER_REDIRECT_URI),
        ("user_id", "4"),
        ("decision", "approve"),
    ];
    let reply = decide(&api, &fields).await;
    let location = location(&reply);
    assert!(
        location.starts_with(&format!("{OTHER_REDIRECT_URI}&code=")),
        "{location}"
    );
    let query = query_of(location);
    assert_eq!(keys_of(&query), ["from", "code"]);
    let code = param(&query, "code").unwrap();
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", OTHER_ID),
        ("client_secret", OTHER_SECRET),
        ("redirect_uri", OTHER_REDIRECT_URI),
    ];
    let (access, _) = tokens(&token(&api, &fields).await);
    assert_eq!(myself(&api, &access).await, CAROL);
}

/// Asserts the 400 HTML page of a refused authorization request; returns its text.
fn refused(reply: &Reply) -> &str {
    assert_eq!(reply.status, 400, "{}", reply.body);
    let content_type = reply.header("content-type");
    assert_eq!(content_type, Some("text/html; charset=utf-8"));
    assert!(reply.header("location").is_none());
    assert!(!reply.body.contains("<form"), "{}", reply.body);
    &reply.body
}

#[tokio::test]
async fn consent_refuses_an_unknown_client_a_wrong_response_type_or_an_inexact_redirect_uri() {
    let api = start().await;
    let other_app = "http://127.0.0.1:8765/other?from=sandbox";
    let trailing_slash = format!("{REDIRECT_URI}/");
    let cases = [
        (
            "nobody",
            "code",
            REDIRECT_URI,
            "No application has client_id",
        ),
        (CLIENT_ID, "token", REDIRECT_URI, "response_type"),
        (CLIENT_ID, "code", trailing_slash.as_str(), "redirect_uri"),
        (CLIENT_ID, "code", other_app, "redirect_uri"),
        (CLIENT_ID, "code", "", "redirect_uri"),
    ];
    for (client_id, response_type, redirect_uri, says) in cases {
        let query = [
            ("client_id", client_id),
            ("response_type", response_type),
            ("redirect_uri", redirect_uri),
            ("state", "s"),
        ];
        let reply = consent_page(&api, &query).await;
        let page = refused(&reply);
        assert!(
            page.contains(says),
            "{client_id} {response_type} {redirect_uri}: {page}"
        );
    }
    let missing_type = [("client_id", CLIENT_ID), ("redirect_uri", REDIRECT_URI)];
    refused(&consent_page(&api, &missing_type).await);
}

#[tokio::test]
async fn decision_refuses_an_inexact_redirect_uri_an_unknown_user_or_no_decision() {
    let api = start().await;
    let post = |redirect_uri: &'static str, user_id: &'static str, decision: &'static str| {
        let fields = [
            ("client_id", CLIENT_ID),
            ("redirect_uri", redirect_uri),
            ("state", "s"),
            ("user_id", user_id),
            ("decision", decision),
        ];
        let api = &api;
        async move { decide(api, &fields).await }
    };
    let wrong_uri = post("http://127.0.0.1:9999/evil", "3", "approve").await;
    assert!(refused(&wrong_uri).contains("redirect_uri"));
    let deny_wrong_uri = post("http://127.0.0.1:9999/evil", "3", "deny").await;
    refused(&deny_wrong_uri);
    for user_id in ["99", "bob", ""] {
        let reply = post(REDIRECT_URI, user_id, "approve").await;
        assert!(refused(&reply).contains("user_id"), "{user_id}");
    }
    let undecided = post(REDIRECT_URI, "3", "maybe").await;
    assert!(refused(&undecided).contains("decision"));
}

#[tokio::test]
async fn a_wrong_secret_or_unknown_client_is_401_invalid_client_and_spends_no_code() {
    let api = start().await;
    let code = approve(&api, BOB).await;
    let with = |client_id: &'static str, client_secret: &'static str| {
        let code = code.clone();
        let api = &api;
        async move {
            let fields = [
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("client_id", client_id),
                ("client_secret", client_secret),
                ("redirect_uri", REDIRECT_URI),
            ];
            token(api, &fields).await
        }
    };
    token_error(&with(CLIENT_ID, "wrong").await, 401, "invalid_client");
    token_error(&with(CLIENT_ID, OTHER_SECRET).await, 401, "invalid_client");
    token_error(&with("nobody", CLIENT_SECRET).await, 401, "invalid_client");
    let (access, _) = tokens(&exchange(&api, &code).await);
    assert_eq!(myself(&api, &access).await, BOB);
}

#[tokio::test]
async fn a_code_is_single_use_and_spent_even_when_refused() {
    let api = start().await;
    let code = approve(&api, BOB).await;
    tokens(&exchange(&api, &code).await);
    let reused = exchange(&api, &code).await;
    token_error(&reused, 400, "invalid_grant");

    let code = approve(&api, BOB).await;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("redirect_uri", "http://127.0.0.1:8765/oauth/other"),
    ];
    let mismatch = token_error(&token(&api, &fields).await, 400, "invalid_grant");
    assert!(mismatch.contains("redirect_uri"), "{mismatch}");
    token_error(&exchange(&api, &code).await, 400, "invalid_grant");

    // A code is bound to the app it was approved for.
    let code = approve(&api, BOB).await;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", OTHER_ID),
        ("client_secret", OTHER_SECRET),
        ("redirect_uri", REDIRECT_URI),
    ];
    let other_client = token_error(&token(&api, &fields).await, 400, "invalid_grant");
    assert!(other_client.contains("another client"), "{other_client}");
    token_error(&exchange(&api, &code).await, 400, "invalid_grant");
    token_error(&exchange(&api, "made-up").await, 400, "invalid_grant");
}

#[tokio::test]
async fn malformed_token_requests_are_refused_by_kind() {
    let api = start().await;
    let no_grant = token(&api, &[("client_id", CLIENT_ID)]).await;
    assert!(token_error(&no_grant, 400, "invalid_request").contains("grant_type"));
    let password = [
        ("grant_type", "password"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ];
    token_error(&token(&api, &password).await, 400, "unsupported_grant_type");
    let no_code = [
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("redirect_uri", REDIRECT_URI),
    ];
    let reply = token(&api, &no_code).await;
    assert!(token_error(&reply, 400, "invalid_request").contains("code"));
    let no_refresh = [
        ("grant_type", "refresh_token"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ];
    let reply = token(&api, &no_refresh).await;
    assert!(token_error(&reply, 400, "invalid_request").contains("refresh_token"));
    let no_secret = [("grant_type", "refresh_token"), ("client_id", CLIENT_ID)];
    let reply = token(&api, &no_secret).await;
    assert!(token_error(&reply, 400, "invalid_request").contains("client_secret"));
    // Form parameters only, as Backlog documents.
    let json = r#"{"grant_type":"refresh_token"}"#;
    let headers = [("Content-Type", "application/json")];
    let reply = send(api.handle.addr(), "POST", TOKEN, &headers, json).await;
    token_error(&reply, 400, "invalid_request");
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_is_refused() {
    let api = start().await;
    let (access, old_refresh) = sign_in(&api, BOB).await;
    let reply = refresh(&api, &old_refresh).await;
    assert_eq!(reply.json()["token_type"], "Bearer");
    assert_eq!(reply.json()["expires_in"], 3600);
    let (new_access, new_refresh) = tokens(&reply);
    assert_ne!(new_access, access);
    assert_ne!(new_refresh, old_refresh);
    assert_eq!(myself(&api, &new_access).await, BOB);
    // The access token refreshed away lives out its time.
    assert_eq!(myself(&api, &access).await, BOB);

    let reused = refresh(&api, &old_refresh).await;
    token_error(&reused, 400, "invalid_grant");
    // An access token is no refresh token.
    token_error(&refresh(&api, &new_access).await, 400, "invalid_grant");

    // A refresh token is bound to its app, and spent by another's attempt.
    let fields = [
        ("grant_type", "refresh_token"),
        ("client_id", OTHER_ID),
        ("client_secret", OTHER_SECRET),
        ("refresh_token", new_refresh.as_str()),
    ];
    token_error(&token(&api, &fields).await, 400, "invalid_grant");
    token_error(&refresh(&api, &new_refresh).await, 400, "invalid_grant");
}

#[tokio::test]
async fn an_access_token_expires_after_its_ttl_and_a_refresh_gives_a_working_one() {
    let ttl = Duration::from_millis(1200);
    let api = Api::spawn(sandbox().oauth_token_ttl(ttl)).await;
    let code = approve(&api, BOB).await;
    let reply = exchange(&api, &code).await;
    assert_eq!(reply.json()["expires_in"], 1);
    let (access, refresh_token) = tokens(&reply);
    assert_eq!(myself(&api, &access).await, BOB);
    tokio::time::sleep(ttl).await;
    assert_invalid_token(&bearer_get(&api, &access, "/users/myself").await);

    let (access, _) = tokens(&refresh(&api, &refresh_token).await);
    assert_eq!(myself(&api, &access).await, BOB);
}

#[tokio::test]
async fn revoked_tokens_answer_401_with_www_authenticate() {
    let api = start().await;
    let (bob_access, bob_refresh) = sign_in(&api, BOB).await;
    let (carol_access, _) = sign_in(&api, CAROL).await;
    let pending_code = approve(&api, BOB).await;
    api.handle.revoke_oauth_tokens(BOB);

    assert_invalid_token(&bearer_get(&api, &bob_access, "/users/myself").await);
    let write = bearer_post(&api, &bob_access, "/issues", "projectId=1").await;
    assert_invalid_token(&write);
    token_error(&refresh(&api, &bob_refresh).await, 400, "invalid_grant");
    token_error(&exchange(&api, &pending_code).await, 400, "invalid_grant");
    // Other users' grants stand, and bob may approve again.
    assert_eq!(myself(&api, &carol_access).await, CAROL);
    let (bob_again, _) = sign_in(&api, BOB).await;
    assert_eq!(myself(&api, &bob_again).await, BOB);
}

#[tokio::test]
async fn expired_access_tokens_leave_refresh_tokens_working() {
    let api = start().await;
    let (bob_access, bob_refresh) = sign_in(&api, BOB).await;
    let (carol_access, _) = sign_in(&api, CAROL).await;
    api.handle.expire_oauth_access_tokens();
    assert_invalid_token(&bearer_get(&api, &bob_access, "/users/myself").await);
    assert_invalid_token(&bearer_get(&api, &carol_access, "/space").await);

    let (access, _) = tokens(&refresh(&api, &bob_refresh).await);
    assert_eq!(myself(&api, &access).await, BOB);
}

#[tokio::test]
async fn bad_bearer_tokens_are_401_and_the_api_key_wins_over_a_token() {
    let api = start().await;
    assert_invalid_token(&bearer_get(&api, "made-up", "/users/myself").await);
    assert_invalid_token(&bearer_get(&api, "", "/users/myself").await);
    let addr = api.handle.addr();
    let basic = [("Authorization", "Basic dXNlcjpwYXNz")];
    let reply = send(addr, "GET", "/api/v2/users/myself", &basic, "").await;
    assert_eq!(reply.error(401, 11), "Authentication failure.");
    assert_eq!(reply.header("www-authenticate"), None);

    let (bob, _) = sign_in(&api, BOB).await;
    let key = api.handle.api_key();
    let both = [
        ("Backlog-API-Key", key.as_str()),
        ("Authorization", "Bearer made-up"),
    ];
    let reply = send(addr, "GET", "/api/v2/users/myself", &both, "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["id"], ADMIN);
    let bearer = format!("Bearer {bob}");
    let wrong_key = [
        ("Backlog-API-Key", "nope"),
        ("Authorization", bearer.as_str()),
    ];
    let reply = send(addr, "GET", "/api/v2/users/myself", &wrong_key, "").await;
    reply.error(401, 11);
    // Lowercase scheme, as RFC 9110 allows.
    let lowercase = format!("bearer {bob}");
    let headers = [("Authorization", lowercase.as_str())];
    let reply = send(addr, "GET", "/api/v2/users/myself", &headers, "").await;
    assert_eq!(reply.json()["id"], BOB);
}

#[tokio::test]
async fn oauth_endpoints_need_no_credential_and_ignore_one() {
    let api = start().await;
    let query = format!(
        "{CONSENT}?{}",
        form(&[
            ("client_id", CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT_URI),
        ])
    );
    let headers = [
        ("Backlog-API-Key", "nope"),
        ("Authorization", "Bearer nope"),
    ];
    let reply = send(api.handle.addr(), "GET", &query, &headers, "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let code = approve(&api, BOB).await;
    let fields = form(&[
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("redirect_uri", REDIRECT_URI),
    ]);
    let headers = [("Content-Type", FORM), ("Backlog-API-Key", "nope")];
    let reply = send(api.handle.addr(), "POST", TOKEN, &headers, &fields).await;
    tokens(&reply);
    // Only POST: other methods get Backlog's answer to an unknown method, after the key.
    let reply = api.request("GET", TOKEN, "").await;
    reply.error(405, 7);
}

#[tokio::test]
async fn recordings_keep_no_token_code_or_client_secret() {
    let api = start().await;
    let code = approve(&api, BOB).await;
    let (access, refresh_token) = tokens(&exchange(&api, &code).await);
    let (new_access, new_refresh) = tokens(&refresh(&api, &refresh_token).await);
    myself(&api, &new_access).await;
    let in_query = format!("/api/v2/users/myself?access_token={access}");
    send(api.handle.addr(), "GET", &in_query, &[], "").await;

    let requests = api.handle.requests();
    let routes: Vec<_> = requests.iter().map(|r| r.route.as_deref()).collect();
    assert_eq!(
        routes,
        [
            Some(CONSENT),
            Some(TOKEN),
            Some(TOKEN),
            Some("/api/v2/users/myself"),
            Some("/api/v2/users/myself"),
        ]
    );
    let recorded = format!("{requests:?}");
    for secret in [&code, &access, &refresh_token, &new_access, &new_refresh] {
        assert!(
            !recorded.contains(secret.as_str()),
            "{secret} in {recorded}"
        );
    }
    assert!(!recorded.contains(CLIENT_SECRET), "{recorded}");

    let exchange = &requests[1];
    let expected = form(&[
        ("grant_type", "authorization_code"),
        ("code", "CODE"),
        ("client_id", CLIENT_ID),
        ("client_secret", "SECRET"),
        ("redirect_uri", REDIRECT_URI),
    ]);
    let expected = expected
        .replace("=CODE&", &format!("={REDACTED}&"))
        .replace("=SECRET&", &format!("={REDACTED}&"));
    assert_eq!(exchange.raw_body, expected);
    let decoded: Vec<_> = exchange
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        decoded,
        [
            ("grant_type", "authorization_code"),
            ("code", REDACTED),
            ("client_id", CLIENT_ID),
            ("client_secret", REDACTED),
            ("redirect_uri", REDIRECT_URI),
        ]
    );
    let refreshed = &requests[2];
    let refresh_field = refreshed.form.iter().find(|(k, _)| k == "refresh_token");
    assert_eq!(refresh_field.map(|(_, v)| v.as_str()), Some(REDACTED));
    let bearer = &requests[3];
    assert_eq!(bearer.authorization.as_deref(), Some("Bearer REDACTED"));
    assert_eq!(bearer.api_key, None);
    let query = &requests[4];
    assert_eq!(query.raw_query, format!("access_token={REDACTED}"));
    assert_eq!(
        query.query,
        [("access_token".to_owned(), REDACTED.to_owned())]
    );
    // The consent decision holds no secret and is kept whole.
    let decision = &requests[0];
    assert!(
        decision.raw_body.contains("decision=approve"),
        "{decision:?}"
    );
    assert_eq!(decision.api_key, None);
    assert_eq!(decision.authorization, None);
}

#[test]
fn debug_of_an_app_hides_its_secret() {
    let debug = format!("{:?}", app(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI));
    assert!(
        debug.contains(CLIENT_ID) && debug.contains(REDIRECT_URI),
        "{debug}"
    );
    assert!(!debug.contains(CLIENT_SECRET), "{debug}");
}

#[tokio::test]
async fn a_token_is_checked_after_a_delay_fault_so_it_can_expire_meanwhile() {
    let ttl = Duration::from_millis(500);
    let api = Api::spawn(sandbox().oauth_token_ttl(ttl)).await;
    let (access, _) = sign_in(&api, BOB).await;
    let delay = Fault::Delay(Duration::from_millis(800));
    let rule = FaultRule::new(Some("GET"), "/api/v2/users/myself", delay);
    api.handle.add_fault(rule);
    assert_invalid_token(&bearer_get(&api, &access, "/users/myself").await);
}
