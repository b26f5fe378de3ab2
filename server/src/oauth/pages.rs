//! The pages a person sees during sign-in: which organization to sign in to
//! (when several are configured) and what went wrong. Plain HTML, no
//! scripts, no external assets; every value is escaped. tests/pages.rs
//! renders them in headless Chromium and checks that this holds.

use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use super::backlog::BacklogApp;

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · backlog-mcp</title>\n<style>\n\
         body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; background: #fff; }}\n\
         h1 {{ font-size: 1.4rem; }}\n\
         ul {{ list-style: none; padding: 0; }}\n\
         li {{ margin: 0.75rem 0; }}\n\
         a.choice {{ display: block; padding: 0.75rem 1rem; border: 2px solid #1f6f43; border-radius: 6px; color: #14532d; text-decoration: none; }}\n\
         a.choice:hover, a.choice:focus {{ background: #ecfdf3; outline: 3px solid #1f6f43; outline-offset: 2px; }}\n\
         .name {{ font-weight: 600; }}\n\
         .domain {{ display: block; font-size: 0.9rem; color: #374151; }}\n\
         </style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n",
        title = html_escape::encode_text(title),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Something the person cannot fix by retrying this page.
pub fn error(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Sign-in failed",
        &format!(
            "<p role=\"alert\">{}</p>",
            html_escape::encode_text(message)
        ),
    )
}

/// One link per organization, each repeating the authorization request
/// (`authorize`, the endpoint's URL, with `query`) with its name.
pub fn choose_organization(apps: &[BacklogApp], authorize: &str, query: &str) -> Response {
    let items: String = apps
        .iter()
        .map(|app| {
            let mut link = url::form_urlencoded::Serializer::new(query.to_owned());
            link.append_pair("organization", &app.organization);
            let host = app
                .api_base_url
                .split_once("://")
                .map_or(app.api_base_url.as_str(), |(_, rest)| rest)
                .split('/')
                .next()
                .unwrap_or_default();
            format!(
                "<li><a class=\"choice\" href=\"{authorize}?{}\"><span class=\"name\">{}</span> <span class=\"domain\">{}</span></a></li>\n",
                html_escape::encode_double_quoted_attribute(&link.finish()),
                html_escape::encode_text(&app.organization),
                html_escape::encode_text(host),
            )
        })
        .collect();
    page(
        StatusCode::OK,
        "Choose your Backlog space",
        &format!(
            "<p>Sign in to one of these Backlog spaces. Your assistant will act as you in the space you choose.</p>\n\
             <nav aria-label=\"Backlog spaces\"><ul>\n{items}</ul></nav>"
        ),
    )
}
