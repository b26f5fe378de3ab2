//! `/OAuth2AccessRequest.action`, Backlog's authorization endpoint (RFC 6749 §4.1.1): the
//! consent page (`GET`) and the decision its form posts (`POST`); the fields are listed in
//! the module above. Plain HTML, no scripts or external assets.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::CONSENT_PATH;
use crate::AppState;
use crate::params::Params;
use crate::table::Id;

/// What a query value escapes: all but RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An authorization request whose app and redirect URI check out.
struct Request<'a> {
    client_id: &'a str,
    redirect_uri: &'a str,
    state: Option<&'a str>,
}

/// A 400 page: the request cannot be trusted to redirect anywhere.
fn refused(message: &str) -> Response {
    let content = format!("<p>{}</p>", escape(message));
    let page = html_page("Authorization request refused", &content);
    (StatusCode::BAD_REQUEST, Html(page)).into_response()
}

/// `params`' app and redirect URI, if they are a configured app and its URI, exactly;
/// else why not.
fn checked<'a>(app: &AppState, params: &'a Params) -> Result<Request<'a>, String> {
    let client_id = params.get("client_id").unwrap_or("");
    let grants = app.oauth();
    let Some(known) = grants.app(client_id) else {
        return Err(format!("No application has client_id {client_id:?}."));
    };
    let redirect_uri = params.get("redirect_uri").unwrap_or("");
    if redirect_uri != known.redirect_uri {
        let message =
            format!("redirect_uri {redirect_uri:?} is not the one registered for {client_id:?}.");
        return Err(message);
    }
    let state = params.get("state");
    Ok(Request {
        client_id,
        redirect_uri,
        state,
    })
}

/// `GET`: the consent page, for a valid request.
pub(super) async fn consent(State(app): State<AppState>, params: Params) -> Response {
    let request = match checked(&app, &params) {
        Ok(request) => request,
        Err(message) => return refused(&message),
    };
    let response_type = params.get("response_type").unwrap_or("");
    if response_type != "code" {
        return refused(&format!("response_type {response_type:?} is not \"code\"."));
    }
    let space = app.state();
    let mut options = String::new();
    for user in space.users.iter() {
        let (id, name, user_id) = (user.id, escape(&user.name), escape(&user.user_id));
        let _ = writeln!(
            options,
            r#"<option value="{id}">{name} ({user_id})</option>"#
        );
    }
    let client_id = escape(request.client_id);
    let mut hidden = hidden_field("client_id", request.client_id);
    hidden += &hidden_field("redirect_uri", request.redirect_uri);
    if let Some(state) = request.state {
        hidden += &hidden_field("state", state);
    }
    let content = format!(
        r#"<p>The application <strong>{client_id}</strong> asks to use {space_name} as you, through the Backlog API.</p>
<form method="post" action="{CONSENT_PATH}">
{hidden}<p><label for="user_id">Sign in as</label>
<select id="user_id" name="user_id" required>
{options}</select></p>
<p><button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button></p>
</form>"#,
        space_name = escape(&space.space.name),
    );
    Html(html_page("Authorize an application", &content)).into_response()
}

/// `POST`: the user's decision, sent back to the app's redirect URI.
pub(super) async fn decide(State(app): State<AppState>, params: Params) -> Response {
    let request = match checked(&app, &params) {
        Ok(request) => request,
        Err(message) => return refused(&message),
    };
    match params.get("decision") {
        Some("approve") => {
            let user = params.get("user_id").and_then(|id| id.parse::<Id>().ok());
            let Some(user) = user.filter(|id| app.state().users.get(*id).is_some()) else {
                return refused("user_id names none of the space's users.");
            };
            let (client_id, redirect_uri) = (request.client_id, request.redirect_uri);
            let code = app.oauth().issue_code(client_id, redirect_uri, user);
            redirect(&request, ("code", &code))
        }
        Some("deny") => redirect(&request, ("error", "access_denied")),
        _ => refused("decision is neither \"approve\" nor \"deny\"."),
    }
}

/// 302 to the request's redirect URI with `answer` and its `state` added to the query.
fn redirect(request: &Request<'_>, answer: (&str, &str)) -> Response {
    let mut location = request.redirect_uri.to_owned();
    let mut separator = if location.contains('?') { '&' } else { '?' };
    let state = request.state.map(|state| ("state", state));
    for (key, value) in [Some(answer), state].into_iter().flatten() {
        let value = utf8_percent_encode(value, QUERY_VALUE);
        let _ = write!(location, "{separator}{key}={value}");
        separator = '&';
    }
    // The URI is visible ASCII (`Grants::add_app`), and the rest percent-encoded.
    let location = HeaderValue::try_from(location).expect("a header value");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn hidden_field(name: &str, value: &str) -> String {
    let value = escape(value);
    format!("<input type=\"hidden\" name=\"{name}\" value=\"{value}\">\n")
}

fn html_page(title: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · Backlog sandbox</title>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n{content}\n</main>\n</body>\n</html>\n"
    )
}

/// `text` as HTML text or attribute value.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
