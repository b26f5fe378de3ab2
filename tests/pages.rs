//! The HTML pages a person sees during sign-in (which Backlog space to sign
//! in to, and what went wrong) rendered by a real browser: headless Chromium
//! (Debian's `chromium`) takes an 800×600 screenshot and dumps the DOM it
//! built. Each page must be plain and accessible (a language, a title, one
//! h1, links named by their text), run no script, load nothing from anywhere
//! but this server, and be sent with a Content-Security-Policy of
//! `default-src 'none'`. Screenshots are kept in `target/screenshots/`
//! (`.ci/run` lists them) and printed as `data:` URLs.
//!
//! Never skipped: without chromium these pages are untested, so the tests
//! fail and say how to install it. `$CHROMIUM` names another binary.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use backlog_mcp_tests::backlog_sandbox::SandboxHandle;
use backlog_mcp_tests::{ServerProcess, TwoSpaceOAuth};
use base64::Engine as _;
use serde_json::json;
use sha2::Digest as _;

const CLIENT_REDIRECT: &str = "http://127.0.0.1:9/callback";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const WIDTH: u32 = 800;
const HEIGHT: u32 = 600;
/// One Chromium run; it takes about a second on an idle machine.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// The server in OAuth mode with two organizations, DEMO and ACME, each on
/// its own sandbox, and one registered client.
struct TwoSpaces {
    _demo: SandboxHandle,
    _acme: SandboxHandle,
    _server: ServerProcess,
    base: String,
    client_id: String,
    http: reqwest::Client,
    _store: tempfile::TempDir,
}

impl TwoSpaces {
    async fn start() -> TwoSpaces {
        let store_dir = tempfile::tempdir().unwrap();
        let store = store_dir.path().join("oauth.sqlite3");
        let spaces = TwoSpaceOAuth::start(store.to_str().unwrap()).await;
        let base = spaces.base.clone();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let reply = http
            .post(format!("{base}/register"))
            .header("content-type", "application/json")
            .body(
                json!({"redirect_uris": [CLIENT_REDIRECT], "client_name": "pages test"})
                    .to_string(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 201);
        let registered: serde_json::Value =
            serde_json::from_str(&reply.text().await.unwrap()).unwrap();
        let client_id = registered["client_id"].as_str().unwrap().to_owned();
        TwoSpaces {
            _demo: spaces.demo,
            _acme: spaces.acme,
            _server: spaces.server,
            base,
            client_id,
            http,
            _store: store_dir,
        }
    }

    /// /authorize as an MCP client sends it, for `client_id`, without an organization.
    fn authorize_url(&self, client_id: &str) -> String {
        let mut url = url::Url::parse(&format!("{}/authorize", self.base)).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", CLIENT_REDIRECT)
            .append_pair("code_challenge", CHALLENGE)
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", "client-state")
            .append_pair("resource", &format!("{}/mcp", self.base));
        url.into()
    }

    /// Fetches `url` and checks what every page is sent with; returns the status.
    async fn page_headers(&self, url: &str) -> u16 {
        let reply = self.http.get(url).send().await.unwrap();
        let headers = reply.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .unwrap_or_else(|| panic!("{url} has no {name} header: {headers:?}"))
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert!(
            header("content-type").starts_with("text/html; charset=utf-8"),
            "{headers:?}"
        );
        let csp = header("content-security-policy");
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        assert!(
            directives.contains(&"default-src 'none'"),
            "the CSP must start from default-src 'none': {csp}"
        );
        assert!(
            !directives.iter().any(|d| d.starts_with("script-src")),
            "the CSP allows scripts: {csp}"
        );
        reply.status().as_u16()
    }
}

#[tokio::test]
async fn the_choice_of_space_renders_plain_and_accessible() {
    let spaces = TwoSpaces::start().await;
    let url = spaces.authorize_url(&spaces.client_id);
    assert_eq!(spaces.page_headers(&url).await, 200);
    let page = render("choose-space", &url).await;
    let dom = Dom::parse(&page.dom);
    dom.assert_plain_and_accessible(&url, &spaces.base);
    assert_eq!(dom.text_of_only("h1"), "Choose your Backlog space");
    // One link per space, named by the space (then its host), to /authorize here.
    let links: Vec<&Element> = dom.elements("a").collect();
    assert_eq!(links.len(), 2, "{}", page.dom);
    let mut named = Vec::new();
    for link in links {
        let text = dom.text(link);
        let organization = text.split_whitespace().next().unwrap_or_default();
        assert!(
            text.contains(" 127.0.0.1:"),
            "the link's text is its space's name, then its host: {text:?}"
        );
        let href = link.attr("href").expect("a link has an href");
        assert!(
            href.starts_with(&format!("{}/authorize?", spaces.base))
                && href.ends_with(&format!("&organization={organization}")),
            "{text:?} links to /authorize for its space: {href}"
        );
        named.push(organization.to_owned());
    }
    named.sort();
    assert_eq!(named, ["ACME", "DEMO"]);
    // Keyboard focus is visible on the links.
    let style = dom.text_of_only("style");
    assert!(
        style.contains(":focus") && style.contains("outline:"),
        "{style}"
    );
    page.assert_screenshot();
}

#[tokio::test]
async fn an_error_page_renders_plain_and_accessible() {
    let spaces = TwoSpaces::start().await;
    let url = spaces.authorize_url("an-unknown-client");
    assert_eq!(spaces.page_headers(&url).await, 400);
    let page = render("sign-in-failed", &url).await;
    let dom = Dom::parse(&page.dom);
    dom.assert_plain_and_accessible(&url, &spaces.base);
    assert_eq!(dom.text_of_only("h1"), "Sign-in failed");
    let alert = dom
        .all
        .iter()
        .find(|e| e.attr("role") == Some("alert"))
        .unwrap_or_else(|| panic!("the message is an alert: {}", page.dom));
    assert!(
        dom.text(alert).contains("not registered"),
        "{}",
        dom.text(alert)
    );
    page.assert_screenshot();
}

/// The checks above catch what they are for, on DOMs written by hand.
#[test]
fn the_page_checks_catch_scripts_external_assets_and_unnamed_things() {
    const BASE: &str = "http://127.0.0.1:1";
    const PAGE: &str = "http://127.0.0.1:1/authorize?client_id=x";
    let good = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width\"><title>T · x</title>\
        <style>a:focus > span { outline: 3px solid; }</style></head><body><main><h1>H</h1>\
        <!-- a <comment> --><a href=\"http://127.0.0.1:1/authorize?a=1&amp;organization=DEMO\">\
        <span>DEMO</span> <span>host</span></a><a href=\"/authorize?organization=ACME\">ACME</a>\
        </main></body></html>";
    let dom = Dom::parse(good);
    dom.assert_plain_and_accessible(PAGE, BASE);
    let texts: Vec<String> = dom.elements("a").map(|a| dom.text(a)).collect();
    assert_eq!(texts, ["DEMO host", "ACME"]);
    assert_eq!(
        dom.elements("a").next().unwrap().attr("href"),
        Some("http://127.0.0.1:1/authorize?a=1&organization=DEMO")
    );
    let bad = [
        ("no lang", " lang=\"en\"", ""),
        ("a script", "<main>", "<main><script>x()</script>"),
        ("a handler", "<a href", "<a onclick=\"x()\" href"),
        (
            "a javascript: URL",
            "/authorize?organization=ACME",
            "javascript:x()",
        ),
        (
            "an image elsewhere",
            "<h1>",
            "<img src=\"https://elsewhere.example/x.png\" alt=\"x\"><h1>",
        ),
        (
            "a protocol-relative link",
            "/authorize?organization=ACME",
            "//elsewhere.example/",
        ),
        (
            "a stylesheet",
            "<title>",
            "<link rel=\"stylesheet\" href=\"/x.css\"><title>",
        ),
        ("an @import", "a:focus", "@import \"x.css\"; a:focus"),
        ("a url()", "outline: 3px solid;", "background: url(x.png);"),
        ("no title", "<title>T · x</title>", ""),
        ("two h1", "<h1>H</h1>", "<h1>H</h1><h1>I</h1>"),
        ("no main", "<main>", "<div>"),
        ("an unnamed link", ">ACME<", "> <"),
        (
            "an unlabelled field",
            "<h1>",
            "<input type=\"text\" name=\"q\"><h1>",
        ),
    ];
    for (what, from, to) in bad {
        assert!(good.contains(from), "{what}: {from}");
        let page = good.replacen(from, to, 1);
        let caught = std::panic::catch_unwind(|| {
            Dom::parse(&page).assert_plain_and_accessible(PAGE, BASE);
        });
        assert!(caught.is_err(), "{what} passed the checks:\n{page}");
    }
}

/// What Chromium made of a page.
struct Rendering {
    name: String,
    png: Vec<u8>,
    dom: String,
}

/// Renders `url` twice in fresh profiles: a screenshot, then the DOM.
async fn render(name: &str, url: &str) -> Rendering {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join(format!("{name}.png"));
    chromium(
        &dir.path().join("profile-screenshot"),
        &[&format!("--screenshot={}", shot.display())],
        url,
    )
    .await;
    let png = std::fs::read(&shot)
        .unwrap_or_else(|e| panic!("chromium wrote no screenshot at {}: {e}", shot.display()));
    let dom = chromium(&dir.path().join("profile-dom"), &["--dump-dom"], url).await;
    Rendering {
        name: name.to_owned(),
        png,
        dom,
    }
}

/// Runs headless Chromium on `url` with `args` and a fresh profile in
/// `profile`; returns its stdout. Killed, with its helpers, after
/// [`CHROMIUM_TIMEOUT`].
async fn chromium(profile: &Path, args: &[&str], url: &str) -> String {
    let binary = std::env::var_os("CHROMIUM").unwrap_or_else(|| "chromium".into());
    let mut command = tokio::process::Command::new(&binary);
    command
        // --no-sandbox: Chromium's sandbox refuses to run as root (CI is root),
        // and these are the server's own pages.
        .args(["--headless=new", "--no-sandbox", "--disable-gpu"])
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .args(["--force-device-scale-factor=1", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        // Nothing but this server: no first-run, updates, sync or pings, and
        // anything not on loopback (which bypasses proxies) goes to a closed port.
        .args([
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--no-pings",
            "--proxy-server=http://127.0.0.1:9",
        ])
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a timeout ends its helpers too.
        .process_group(0)
        .kill_on_drop(true);
    let child = match command.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "{} is not on PATH: the sign-in pages are tested in headless Chromium. \
             Install Debian's package with `apt-get install -y --no-install-recommends chromium` \
             (CI's .ci/run does), or set CHROMIUM to a Chromium binary",
            binary.to_string_lossy()
        ),
        Err(e) => panic!("cannot start {}: {e}", binary.to_string_lossy()),
    };
    let pid = child.id().expect("chromium is running");
    let started = Instant::now();
    let output = match tokio::time::timeout(CHROMIUM_TIMEOUT, child.wait_with_output()).await {
        Ok(output) => output.expect("chromium's output"),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            panic!("chromium {args:?} {url} did not finish in {CHROMIUM_TIMEOUT:?}: killed");
        }
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "chromium {args:?} {url} failed ({}):\n{stderr}",
        output.status
    );
    eprintln!("chromium {args:?}: {:?}", started.elapsed());
    String::from_utf8(output.stdout).expect("chromium's stdout is UTF-8")
}

impl Rendering {
    /// A PNG of the window's size, not blank; kept in target/screenshots/ and printed.
    fn assert_screenshot(&self) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&self.png[..]));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder
            .read_info()
            .unwrap_or_else(|e| panic!("{}: not a PNG: {e}", self.name));
        let mut pixels = vec![0; reader.output_buffer_size().expect("a frame size")];
        let frame = reader
            .next_frame(&mut pixels)
            .unwrap_or_else(|e| panic!("{}: a broken PNG: {e}", self.name));
        assert_eq!(
            (frame.width, frame.height),
            (WIDTH, HEIGHT),
            "{}: the screenshot is the window's size",
            self.name
        );
        let channels = frame.color_type.samples();
        let pixels = &pixels[..frame.buffer_size()];
        let mut colors = std::collections::BTreeSet::new();
        for pixel in pixels.chunks_exact(channels) {
            colors.insert(pixel);
        }
        assert!(
            colors.len() > 1,
            "{}: the screenshot is blank (one color)",
            self.name
        );
        let path = screenshots_dir().join(format!("{}.png", self.name));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &self.png).unwrap();
        let sha = sha2::Sha256::digest(&self.png);
        let sha: String = sha.iter().map(|b| format!("{b:02x}")).collect();
        println!(
            "screenshot {}: {} ({} bytes, {}x{}, {} colors, sha256 {sha})",
            self.name,
            path.display(),
            self.png.len(),
            frame.width,
            frame.height,
            colors.len()
        );
        println!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&self.png)
        );
    }
}

/// `target/screenshots`, beside cargo's `target/tmp`.
fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("screenshots")
}

/// A start tag of the DOM Chromium serialized, and where its content begins.
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    content: usize,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Chromium's `--dump-dom`, read as the serialization it is: lowercase tag
/// names, attribute values in double quotes, `"`, `&`, `<` and `>` escaped.
struct Dom<'a> {
    source: &'a str,
    all: Vec<Element>,
}

impl<'a> Dom<'a> {
    fn parse(source: &'a str) -> Dom<'a> {
        let mut all = Vec::new();
        let mut next = 0;
        while let Some(at) = source[next..].find('<').map(|i| next + i) {
            let rest = &source[at + 1..];
            if let Some(comment) = rest.strip_prefix("!--") {
                next = at + 4 + comment.find("-->").expect("a comment ends") + 3;
                continue;
            }
            if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                next = at + 1 + rest.find('>').expect("a tag ends") + 1;
                continue; // an end tag or the doctype
            }
            let name_end = rest
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .expect("a tag ends");
            let name = rest[..name_end].to_ascii_lowercase();
            let mut cursor = &rest[name_end..];
            let mut attrs = Vec::new();
            loop {
                cursor = cursor.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
                if let Some(after) = cursor.strip_prefix('>') {
                    cursor = after;
                    break;
                }
                let attr_end = cursor
                    .find(|c: char| c == '=' || c.is_whitespace() || c == '/' || c == '>')
                    .expect("a tag ends");
                let attr = cursor[..attr_end].to_ascii_lowercase();
                cursor = &cursor[attr_end..];
                let value = if let Some(quoted) = cursor.strip_prefix("=\"") {
                    let close = quoted.find('"').expect("a closing quote");
                    cursor = &quoted[close + 1..];
                    unescape(&quoted[..close])
                } else {
                    String::new()
                };
                attrs.push((attr, value));
            }
            let content = source.len() - cursor.len();
            next = content;
            // <style> and <script> hold raw text, '<' included.
            if (name == "style" || name == "script")
                && let Some(close) = source[content..].find(&format!("</{name}>"))
            {
                next = content + close;
            }
            all.push(Element {
                name,
                attrs,
                content,
            });
        }
        Dom { source, all }
    }

    fn elements(&self, name: &'a str) -> impl Iterator<Item = &Element> + '_ {
        self.all.iter().filter(move |e| e.name == name)
    }

    /// The element's text, tags dropped and whitespace collapsed (its own
    /// kind's end tag closes it: true of the pages' a, p, h1, title, style).
    fn text(&self, element: &Element) -> String {
        let from = &self.source[element.content..];
        let content = &from[..from
            .find(&format!("</{}>", element.name))
            .expect("an end tag")];
        if element.name == "style" || element.name == "script" {
            return content.to_owned();
        }
        let mut text = String::new();
        let mut in_tag = false;
        for c in content.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    text.push(' ');
                }
                '>' => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        unescape(&text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text of the one element named `name`.
    fn text_of_only(&self, name: &'a str) -> String {
        let found: Vec<&Element> = self.elements(name).collect();
        assert_eq!(found.len(), 1, "one <{name}> in the page:\n{}", self.source);
        self.text(found[0])
    }

    /// What every page must be: see the module's documentation.
    fn assert_plain_and_accessible(&self, page_url: &str, base: &str) {
        let dom = self.source;
        let html = self.elements("html").next().expect("an <html>");
        assert!(
            html.attr("lang")
                .is_some_and(|lang| !lang.trim().is_empty()),
            "<html> has a lang:\n{dom}"
        );
        assert!(!self.text_of_only("title").is_empty(), "a title:\n{dom}");
        assert!(!self.text_of_only("h1").is_empty(), "a heading:\n{dom}");
        assert_eq!(self.elements("main").count(), 1, "one <main>:\n{dom}");
        assert!(
            self.elements("meta")
                .any(|m| m.attr("name") == Some("viewport")),
            "a viewport for small screens:\n{dom}"
        );
        // No script: no element, no handler, no javascript: URL.
        for banned in ["script", "noscript", "iframe", "frame", "object", "embed"] {
            assert_eq!(self.elements(banned).count(), 0, "a <{banned}>:\n{dom}");
        }
        for element in &self.all {
            for (name, value) in &element.attrs {
                assert!(
                    !name.starts_with("on"),
                    "an event handler {name}= on <{}>:\n{dom}",
                    element.name
                );
                assert!(
                    !value
                        .trim_start()
                        .to_ascii_lowercase()
                        .starts_with("javascript:"),
                    "a javascript: URL:\n{dom}"
                );
            }
        }
        // Nothing from elsewhere: every URL in an attribute is on this server,
        // and the style imports nothing.
        let page = url::Url::parse(page_url).unwrap();
        let server = url::Url::parse(base).unwrap().origin();
        for element in &self.all {
            for (name, value) in &element.attrs {
                let urls: Vec<&str> = match name.as_str() {
                    "src" | "href" | "action" | "formaction" | "poster" | "data" | "background"
                    | "cite" | "manifest" | "ping" | "xlink:href" => vec![value.as_str()],
                    "srcset" | "imagesrcset" => value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .collect(),
                    _ => continue,
                };
                for link in urls {
                    let target = page
                        .join(link)
                        .unwrap_or_else(|e| panic!("{name}={link:?} is no URL ({e})"));
                    assert_eq!(
                        target.origin(),
                        server,
                        "<{} {name}={link:?}> points off this server:\n{dom}",
                        element.name
                    );
                }
            }
        }
        let lowercase = dom.to_ascii_lowercase();
        for banned in ["url(", "@import", "<link"] {
            assert!(!lowercase.contains(banned), "{banned} in the page:\n{dom}");
        }
        // Links and buttons are named by their text (or a label).
        for element in &self.all {
            if ["a", "button"].contains(&element.name.as_str()) {
                let name = element
                    .attr("aria-label")
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.text(element));
                assert!(
                    !name.trim().is_empty(),
                    "an unnamed <{}>:\n{dom}",
                    element.name
                );
            }
        }
        // Form fields have a label.
        for field in self.all.iter().filter(|e| {
            ["select", "textarea"].contains(&e.name.as_str())
                || (e.name == "input" && e.attr("type") != Some("hidden"))
        }) {
            let labelled = field.attr("aria-label").is_some()
                || field
                    .attr("id")
                    .is_some_and(|id| self.elements("label").any(|l| l.attr("for") == Some(id)));
            assert!(labelled, "a <{}> without a label:\n{dom}", field.name);
        }
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}
