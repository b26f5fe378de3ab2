//! OAuth mode end to end over real sockets: an MCP client discovers the
//! authorization server, registers, sends its user through /authorize to the
//! sandbox's Backlog consent page and back through /callback, exchanges the
//! code (PKCE S256) and calls tools as that user; Backlog's token expiring is
//! handled, sign-ins survive a restart, a token revoked at Backlog becomes a
//! sign-in challenge; and every mistake a client can make is refused.

use std::time::Duration;

use backlog_mcp_tests::backlog_sandbox::{DEFAULT_API_KEY, OAuthApp, Sandbox, SandboxHandle};
use backlog_mcp_tests::{
    McpClient, Protocol, RedisServer, ServerProcess, TwoSpaceOAuth, free_port,
};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest as _;

use backlog_mcp_tests::TEST_STORE_KEY as STORE_KEY;
const CLIENT_REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-verifier-of-at-least-forty-three-characters-0123456789";

/// A fresh SQLite store path for one test.
fn temp_store(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("backlog-mcp-oauth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("oauth.sqlite3").to_string_lossy().into_owned()
}

/// An HTTP client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn json_of(response: reqwest::Response) -> Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn challenge_of(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

/// A sandbox with this server's Backlog app, and the server in OAuth mode on its store.
struct Deployment {
    sandbox: SandboxHandle,
    server: ServerProcess,
    port: u16,
    base: String,
    /// OAUTH_STORE: a SQLite file, or a redis:// URL.
    store: String,
    http: reqwest::Client,
}

/// OAUTH_ACCESS_TOKEN_TTL of the deployments (the default, an hour), unless a test shortens it.
const ACCESS_TTL: &str = "3600";

impl Deployment {
    async fn start(name: &str, backlog_ttl: Duration) -> Deployment {
        let store = temp_store(name);
        Self::start_on_store(store, backlog_ttl).await
    }

    async fn start_on_store(store: String, backlog_ttl: Duration) -> Deployment {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let sandbox = Sandbox::new(DEFAULT_API_KEY)
            .with_oauth_app(OAuthApp {
                client_id: "mcp-app".into(),
                client_secret: "app-secret".into(),
                redirect_uri: format!("{base}/callback"),
            })
            .oauth_token_ttl(backlog_ttl)
            .spawn()
            .await
            .unwrap();
        let server = Self::serve(&sandbox, port, &base, &store).await;
        let http = no_redirects();
        Deployment {
            sandbox,
            server,
            port,
            base,
            store,
            http,
        }
    }

    async fn serve(sandbox: &SandboxHandle, port: u16, base: &str, store: &str) -> ServerProcess {
        Self::serve_with(sandbox, port, base, store, &[]).await
    }

    /// [`Deployment::serve`] with more variables (later ones win).
    async fn serve_with(
        sandbox: &SandboxHandle,
        port: u16,
        base: &str,
        store: &str,
        extra: &[(&str, &str)],
    ) -> ServerProcess {
        let api = sandbox.api_base_url();
        ServerProcess::start_on(
            port,
            &[],
            &[
                ("BACKLOG_BASE_URL", api.as_str()),
                ("BACKLOG_OAUTH_CLIENT_ID", "mcp-app"),
                ("BACKLOG_OAUTH_CLIENT_SECRET", "app-secret"),
                ("MCP_SERVER_BASE_URL", base),
                ("OAUTH_STORE", store),
                ("OAUTH_STORE_KEY", STORE_KEY),
                ("OAUTH_ACCESS_TOKEN_TTL", ACCESS_TTL),
            ]
            .into_iter()
            .chain(extra.iter().copied())
            .collect::<Vec<_>>(),
        )
        .await
    }

    /// Stops the server and starts it again on the same port and store.
    async fn restart(self) -> Deployment {
        self.server.terminate();
        let Deployment {
            sandbox,
            server,
            port,
            base,
            store,
            http,
        } = self;
        let (status, _) = server.wait().await;
        assert!(status.success(), "stopped with {status}");
        let server = Self::serve(&sandbox, port, &base, &store).await;
        Deployment {
            sandbox,
            server,
            port,
            base,
            store,
            http,
        }
    }

    async fn register(&self) -> String {
        let reply = self
            .http
            .post(format!("{}/register", self.base))
            .header("content-type", "application/json")
            .body(
                json!({"redirect_uris": [CLIENT_REDIRECT], "client_name": "test client"})
                    .to_string(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 201);
        let body = json_of(reply).await;
        body["client_id"].as_str().unwrap().to_owned()
    }

    fn authorize_url(&self, client_id: &str, extra: &[(&str, &str)]) -> String {
        let mut url = url::Url::parse(&format!("{}/authorize", self.base)).unwrap();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", client_id)
                .append_pair("redirect_uri", CLIENT_REDIRECT)
                .append_pair("code_challenge", &challenge_of(VERIFIER))
                .append_pair("code_challenge_method", "S256")
                .append_pair("state", "client-state")
                .append_pair("resource", &format!("{}/mcp", self.base));
            for (k, v) in extra {
                q.append_pair(k, v);
            }
        }
        url.into()
    }

    async fn location(&self, response: reqwest::Response) -> url::Url {
        assert!(
            response.status().is_redirection(),
            "{}: {:?}",
            response.status(),
            response.text().await
        );
        url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
    }

    /// /authorize → the sandbox's consent page, approved as `user_id` → /callback → a code.
    async fn code_for(&self, client_id: &str, user_id: u64) -> String {
        self.code_for_url(client_id, self.authorize_url(client_id, &[]), user_id)
            .await
    }

    /// [`Deployment::code_for`] starting at a given /authorize URL.
    async fn code_for_url(&self, _client_id: &str, authorize: String, user_id: u64) -> String {
        let to_backlog = self
            .location(self.http.get(authorize).send().await.unwrap())
            .await;
        assert!(
            to_backlog.path().ends_with("/OAuth2AccessRequest.action"),
            "{to_backlog}"
        );
        let query: std::collections::HashMap<String, String> =
            to_backlog.query_pairs().into_owned().collect();
        assert_eq!(query["redirect_uri"], format!("{}/callback", self.base));
        let consent = self
            .http
            .post(to_backlog.as_str().split('?').next().unwrap())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[
                ("client_id", query["client_id"].as_str()),
                ("redirect_uri", query["redirect_uri"].as_str()),
                ("state", query["state"].as_str()),
                ("user_id", &user_id.to_string()),
                ("decision", "approve"),
            ]))
            .send()
            .await
            .unwrap();
        let callback = self.location(consent).await;
        assert!(
            callback
                .as_str()
                .starts_with(&format!("{}/callback?", self.base)),
            "{callback}"
        );
        let back = self
            .location(self.http.get(callback).send().await.unwrap())
            .await;
        assert!(back.as_str().starts_with(CLIENT_REDIRECT), "{back}");
        let pairs: std::collections::HashMap<String, String> =
            back.query_pairs().into_owned().collect();
        assert_eq!(pairs["state"], "client-state");
        pairs["code"].clone()
    }

    async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let reply = self
            .http
            .post(format!("{}/token", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(form))
            .send()
            .await
            .unwrap();
        let status = reply.status().as_u16();
        (status, json_of(reply).await)
    }

    async fn exchange(&self, client_id: &str, code: &str) -> (u16, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_verifier", VERIFIER),
            ("client_id", client_id),
        ])
        .await
    }

    /// A full sign-in as `user_id`: (client_id, access token, refresh token).
    async fn sign_in(&self, user_id: u64) -> (String, String, String) {
        let client_id = self.register().await;
        let code = self.code_for(&client_id, user_id).await;
        let (status, tokens) = self.exchange(&client_id, &code).await;
        assert_eq!(status, 200, "{tokens}");
        assert_eq!(tokens["token_type"], "Bearer");
        (
            client_id,
            tokens["access_token"].as_str().unwrap().to_owned(),
            tokens["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    async fn client(&self, access: &str) -> McpClient {
        let header = format!("Bearer {access}");
        McpClient::connect_with(
            &self.server.url,
            Protocol::V2026_07_28,
            &[("Authorization", &header)],
        )
        .await
    }
}

async fn myself(client: &McpClient) -> Value {
    client.call("get_myself", json!({})).await.json()
}

#[tokio::test]
async fn a_user_signs_in_calls_as_themselves_and_stays_signed_in() {
    let deployment = Deployment::start("flow", Duration::from_secs(2)).await;
    // Without a token: the challenge that points to the metadata.
    let bare = deployment
        .http
        .post(&deployment.server.url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
    let metadata_url = format!(
        "{}/.well-known/oauth-protected-resource/mcp",
        deployment.base
    );
    assert_eq!(
        bare.headers()["www-authenticate"].to_str().unwrap(),
        format!("Bearer resource_metadata=\"{metadata_url}\"")
    );
    let resource = json_of(deployment.http.get(&metadata_url).send().await.unwrap()).await;
    assert_eq!(resource["resource"], format!("{}/mcp", deployment.base));
    assert_eq!(resource["authorization_servers"], json!([deployment.base]));
    let metadata = deployment
        .http
        .get(format!(
            "{}/.well-known/oauth-authorization-server",
            deployment.base
        ))
        .send()
        .await
        .unwrap();
    let server = json_of(metadata).await;
    assert_eq!(server["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        server["token_endpoint"],
        format!("{}/token", deployment.base)
    );

    let (client_id, access, refresh) = deployment.sign_in(2).await;
    let alice = deployment.client(&access).await;
    assert_eq!(myself(&alice).await["userId"], "alice");
    // Another user's sign-in acts as that user.
    let (_, bob_access, _) = deployment.sign_in(3).await;
    assert_eq!(
        myself(&deployment.client(&bob_access).await).await["userId"],
        "bob"
    );

    // Backlog's token expires (2 s here): it is refreshed without the client noticing.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(myself(&alice).await["userId"], "alice");

    // A restart keeps every sign-in.
    let deployment = deployment.restart().await;
    let alice = deployment.client(&access).await;
    assert_eq!(myself(&alice).await["userId"], "alice");

    // Refresh rotates; the used refresh token presented again ends the sign-in.
    let (status, renewed) = deployment
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(status, 200, "{renewed}");
    let new_access = renewed["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        myself(&deployment.client(&new_access).await).await["userId"],
        "alice"
    );
    let (status, replay) = deployment
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(
        (status, replay["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let after = deployment.client_raw(&new_access).await;
    assert_eq!(after, 401, "a revoked grant's tokens stop working");
}

impl Deployment {
    /// The HTTP status of one tools/list with `access`.
    async fn client_raw(&self, access: &str) -> u16 {
        self.http
            .post(&self.server.url)
            .bearer_auth(access)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "tools/list")
            .body(
                json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "0"},
                    "io.modelcontextprotocol/clientCapabilities": {}}}})
                .to_string(),
            )
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

#[tokio::test]
async fn a_token_revoked_at_backlog_asks_the_client_to_sign_in_again() {
    let deployment = Deployment::start("revoked", Duration::from_secs(3600)).await;
    let (_, access, _) = deployment.sign_in(2).await;
    let client = deployment.client(&access).await;
    assert_eq!(myself(&client).await["userId"], "alice");
    // Backlog refuses the access token before its announced expiry: the
    // server refreshes it and sends the call again; the client sees nothing.
    deployment.sandbox.expire_oauth_access_tokens();
    deployment.sandbox.clear_requests();
    assert_eq!(myself(&client).await["userId"], "alice");
    let routes: Vec<String> = deployment
        .sandbox
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        routes,
        [
            "GET /api/v2/users/myself",
            "POST /api/v2/oauth2/token",
            "GET /api/v2/users/myself"
        ],
        "refused, refreshed, sent again"
    );
    // Revoked at Backlog: refreshing fails too, and the client must sign in again.
    deployment.sandbox.revoke_oauth_tokens(2);
    let reply = client
        .post(
            json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "get_myself", "arguments": {},
                "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "0"},
                "io.modelcontextprotocol/clientCapabilities": {}}}}),
            Some("get_myself"),
        )
        .await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(deployment.client_raw(&access).await, 401);
}

#[tokio::test]
async fn client_mistakes_are_refused() {
    let deployment = Deployment::start("mistakes", Duration::from_secs(3600)).await;
    let client_id = deployment.register().await;
    let get = |url: String| {
        let http = deployment.http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    // An unregistered redirect URI is a page, never a redirect.
    let wrong = get(deployment
        .authorize_url(&client_id, &[])
        .replace("127.0.0.1%3A9", "127.0.0.1%3A10"))
    .await;
    assert_eq!(wrong.status(), 400);
    // Without PKCE, or with plain PKCE: an error sent back to the client.
    let plain = get(deployment
        .authorize_url(&client_id, &[])
        .replace("S256", "plain"))
    .await;
    let back = deployment.location(plain).await;
    assert!(
        back.query().unwrap().contains("error=invalid_request"),
        "{back}"
    );
    assert!(
        back.query().unwrap().contains("state=client-state"),
        "{back}"
    );
    // A resource that is not this server.
    let other = get(deployment
        .authorize_url(&client_id, &[])
        .replace("%2Fmcp", "%2Fother"))
    .await;
    assert!(
        deployment
            .location(other)
            .await
            .query()
            .unwrap()
            .contains("error=invalid_target")
    );

    // A wrong verifier, then the same code again: both refused, the code spent.
    let code = deployment.code_for(&client_id, 2).await;
    let (status, body) = deployment
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CLIENT_REDIRECT),
            (
                "code_verifier",
                "another-verifier-of-at-least-forty-three-characters-xyz",
            ),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    let (status, body) = deployment.exchange(&client_id, &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "a code is tried once: {body}"
    );
    // Another client cannot use a code; a redirect_uri must match.
    let code = deployment.code_for(&client_id, 2).await;
    let other_client = deployment.register().await;
    let (status, _) = deployment.exchange(&other_client, &code).await;
    assert_eq!(status, 400);
    let code = deployment.code_for(&client_id, 2).await;
    let (status, body) = deployment
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/elsewhere"),
            ("code_verifier", VERIFIER),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // A token for another resource than this server.
    let code = deployment.code_for(&client_id, 2).await;
    let (status, body) = deployment
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_verifier", VERIFIER),
            ("client_id", &client_id),
            ("resource", "https://elsewhere.example/mcp"),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_target")),
        "{body}"
    );
    // Unknown clients and grant types.
    let (status, body) = deployment
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "nobody"),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = deployment
        .token(&[("grant_type", "password"), ("client_id", &client_id)])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    // Registration: only https or loopback http redirect URIs.
    let reply = deployment
        .http
        .post(format!("{}/register", deployment.base))
        .header("content-type", "application/json")
        .body(json!({"redirect_uris": ["http://client.example/cb"]}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    assert_eq!(json_of(reply).await["error"], "invalid_redirect_uri");
    // A made-up bearer token.
    assert_eq!(deployment.client_raw("made-up").await, 401);
    // Bodies are small, and registrations limited (60 a minute per process).
    let huge = deployment
        .http
        .post(format!("{}/register", deployment.base))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"redirect_uris":["{CLIENT_REDIRECT}"],"client_name":"{}"}}"#,
            "x".repeat(20_000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    let mut statuses = Vec::new();
    for _ in 0..70 {
        let reply = deployment
            .http
            .post(format!("{}/register", deployment.base))
            .header("content-type", "application/json")
            .body(json!({"redirect_uris": [CLIENT_REDIRECT]}).to_string())
            .send()
            .await
            .unwrap();
        statuses.push(reply.status().as_u16());
    }
    assert!(
        statuses.contains(&201) && statuses.ends_with(&[429]),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn oauth_settings_are_checked_at_startup() {
    // (arguments, environment, what the error names)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 3] = [
        (
            &["--transport", "http", "--http-port", "0"],
            &[
                ("BACKLOG_DOMAIN", "space.example"),
                ("BACKLOG_OAUTH_CLIENT_ID", "x"),
                ("MCP_SERVER_BASE_URL", "https://mcp.example"),
            ],
            "BACKLOG_OAUTH_CLIENT_SECRET",
        ),
        (
            &[],
            &[
                ("BACKLOG_DOMAIN", "space.example"),
                ("BACKLOG_OAUTH_CLIENT_ID", "x"),
                ("BACKLOG_OAUTH_CLIENT_SECRET", "y"),
                ("MCP_SERVER_BASE_URL", "https://mcp.example"),
            ],
            "--transport http",
        ),
        (
            &["--transport", "http", "--http-port", "0"],
            &[
                ("BACKLOG_DOMAIN", "space.example"),
                ("BACKLOG_OAUTH_CLIENT_ID", "x"),
                ("BACKLOG_OAUTH_CLIENT_SECRET", "y"),
                ("MCP_SERVER_BASE_URL", "https://mcp.example"),
            ],
            "OAUTH_STORE_KEY",
        ),
    ];
    for (args, env, expected) in cases {
        let (ok, _, stderr) = ServerProcess::run_to_end(args, env).await;
        assert!(!ok, "{env:?} must not start");
        assert!(stderr.contains(expected), "{env:?}: {stderr}");
    }
}

#[tokio::test]
async fn two_replicas_on_one_redis_serve_the_same_client() {
    let redis = RedisServer::start();
    // Both replicas stand behind one public URL; the sign-in happens on one,
    // the calls and the refresh on the other.
    let first = Deployment::start_on_store(redis.url(), Duration::from_secs(3600)).await;
    let second = Deployment::serve(&first.sandbox, free_port(), &first.base, &first.store).await;
    let (client_id, access, refresh) = first.sign_in(2).await;
    let header = format!("Bearer {access}");
    let other = McpClient::connect_with(
        &second.url,
        Protocol::V2026_07_28,
        &[("Authorization", &header)],
    )
    .await;
    assert_eq!(myself(&other).await["userId"], "alice");
    let reply = first
        .http
        .post(second.url.replace("/mcp", "/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let renewed = json_of(reply).await;
    // The rotated refresh token is spent on both.
    let (status, _) = first
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(status, 400);
    // …and that replay revoked the grant everywhere.
    assert_eq!(
        first
            .client_raw(renewed["access_token"].as_str().unwrap())
            .await,
        401
    );
}

#[tokio::test]
async fn several_spaces_let_the_user_choose_and_bind_the_token_to_one() {
    let spaces = TwoSpaceOAuth::start(&temp_store("spaces")).await;
    let acme_url = spaces.acme.api_base_url();
    let _acme = spaces.acme;
    let deployment = Deployment {
        sandbox: spaces.demo,
        server: spaces.server,
        port: spaces.port,
        base: spaces.base,
        store: String::new(),
        http: no_redirects(),
    };
    let client_id = deployment.register().await;
    // Without an organization, /authorize is a page with one link per space.
    let page = deployment
        .http
        .get(deployment.authorize_url(&client_id, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Choose your Backlog space")
            && html.contains(">DEMO<")
            && html.contains(">ACME<"),
        "{html}"
    );
    let link = html
        .split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&amp;", "&"))
        .find(|href| href.ends_with("organization=ACME"))
        .expect("a link to ACME");
    let to_acme = deployment
        .location(deployment.http.get(&link).send().await.unwrap())
        .await;
    let acme_host = acme_url.trim_end_matches("/api/v2");
    assert!(
        to_acme.as_str().starts_with(acme_host),
        "{to_acme} goes to ACME's Backlog"
    );
    // Signed in to ACME (its consent page, its user 6): calls go to ACME.
    let (_, access, _) = {
        let code = deployment
            .code_for_url(
                &client_id,
                deployment.authorize_url(&client_id, &[("organization", "ACME")]),
                6,
            )
            .await;
        let (status, tokens) = deployment.exchange(&client_id, &code).await;
        assert_eq!(status, 200, "{tokens}");
        ((), tokens["access_token"].as_str().unwrap().to_owned(), ())
    };
    let client = deployment.client(&access).await;
    assert_eq!(myself(&client).await["userId"], "kenji");
    // The token is bound to ACME: naming another organization is refused, naming its own works.
    let other = client
        .call("get_myself", json!({"organization": "DEMO"}))
        .await;
    assert!(
        other.is_error && other.text.contains("you signed in to ACME"),
        "{}",
        other.text
    );
    let own = client
        .call("get_myself", json!({"organization": "ACME"}))
        .await
        .json();
    assert_eq!(own["userId"], "kenji");
    // A DEMO sign-in reaches DEMO.
    let code = deployment
        .code_for_url(
            &client_id,
            deployment.authorize_url(&client_id, &[("organization", "DEMO")]),
            2,
        )
        .await;
    let (_, tokens) = deployment.exchange(&client_id, &code).await;
    let demo_client = deployment
        .client(tokens["access_token"].as_str().unwrap())
        .await;
    assert_eq!(myself(&demo_client).await["userId"], "alice");
}

#[tokio::test]
async fn the_embedded_sandbox_lets_a_new_user_try_the_whole_sign_in() {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let store = temp_store("embedded");
    let server = ServerProcess::start_on(
        port,
        &["--sandbox"],
        &[
            ("BACKLOG_OAUTH_CLIENT_ID", "demo"),
            ("BACKLOG_OAUTH_CLIENT_SECRET", "demo"),
            ("MCP_SERVER_BASE_URL", &base),
            ("OAUTH_STORE", &store),
            ("OAUTH_STORE_KEY", STORE_KEY),
        ],
    )
    .await;
    let deployment = Deployment {
        // Not used: the server runs its own sandbox.
        sandbox: Sandbox::new(DEFAULT_API_KEY).spawn().await.unwrap(),
        server,
        port,
        base,
        store,
        http: no_redirects(),
    };
    // Without a token nothing is served, even on the sandbox.
    assert_eq!(deployment.client_raw("none").await, 401);
    let (_, access, _) = deployment.sign_in(3).await;
    assert_eq!(
        myself(&deployment.client(&access).await).await["userId"],
        "bob"
    );
}

#[tokio::test]
async fn an_expired_access_token_is_refused_and_a_refresh_renews_it() {
    // The same deployment, its server started again with 2-second access tokens.
    let mut deployment = Deployment::start("expiry", Duration::from_secs(3600)).await;
    deployment.server.terminate();
    let _ = deployment.server.wait().await;
    deployment.server = Deployment::serve_with(
        &deployment.sandbox,
        deployment.port,
        &deployment.base,
        &deployment.store,
        &[("OAUTH_ACCESS_TOKEN_TTL", "2")],
    )
    .await;
    let (client_id, access, refresh) = deployment.sign_in(2).await;
    assert_eq!(
        myself(&deployment.client(&access).await).await["userId"],
        "alice"
    );
    // Expiry is in whole seconds: a 2 s token lasts between 1 and 2 s.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(deployment.client_raw(&access).await, 401, "expired");
    let (status, renewed) = deployment
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(renewed["expires_in"], 2);
    let renewed_access = renewed["access_token"].as_str().unwrap();
    assert_eq!(
        myself(&deployment.client(renewed_access).await).await["userId"],
        "alice"
    );
    // No token, code or secret of the whole exchange reaches the server's log.
    deployment.server.terminate();
    let (_, log) = deployment.server.wait().await;
    for secret in [
        access.as_str(),
        refresh.as_str(),
        renewed_access,
        "app-secret",
    ] {
        assert!(!log.contains(secret), "a secret reached the log:\n{log}");
    }
}

#[tokio::test]
async fn each_signed_in_user_has_their_own_limits() {
    use backlog_mcp_tests::backlog_sandbox::{Fault, FaultRule};
    let mut deployment = Deployment::start("limits", Duration::from_secs(3600)).await;
    deployment.server.terminate();
    let _ = deployment.server.wait().await;
    let limits = [("BACKLOG_MAX_CONCURRENCY", "1"), ("BACKLOG_MAX_QUEUE", "0")];
    deployment.server = Deployment::serve_with(
        &deployment.sandbox,
        deployment.port,
        &deployment.base,
        &deployment.store,
        &limits,
    )
    .await;
    let (_, alice, _) = deployment.sign_in(2).await;
    let (_, bob, _) = deployment.sign_in(3).await;
    deployment.sandbox.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v2/users/myself",
        Fault::Delay(Duration::from_millis(800)),
    ));
    let first = deployment.client(&alice).await;
    let slow = tokio::spawn(async move { first.call("get_myself", json!({})).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Alice's one slot is taken: her second call is refused at once…
    let again = deployment
        .client(&alice)
        .await
        .call("get_myself", json!({}))
        .await;
    assert!(
        again.is_error && again.text.contains("busy"),
        "{}",
        again.text
    );
    // …while Bob, another user, is not held up by her.
    let other = deployment
        .client(&bob)
        .await
        .call("get_myself", json!({}))
        .await;
    assert_eq!(other.json()["userId"], "bob");
    assert_eq!(slow.await.unwrap().json()["userId"], "alice");
}
