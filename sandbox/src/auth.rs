//! Who may call (backlog-api.md §1.2): the one place a credential is read from a request
//! and checked. Another form Backlog accepts, an OAuth `Authorization: Bearer` token, is
//! one more [`Credential`] variant and one more arm in each function here.

use axum::http::request::Parts;

use crate::Shared;

/// A credential as a request presents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Credential<'a> {
    /// An API key, from the `Backlog-API-Key` header or the `apiKey` query parameter.
    ApiKey(&'a str),
}

impl<'a> Credential<'a> {
    /// The credential of a request whose `apiKey` query parameter is `query_key`; the
    /// header wins when both are sent.
    pub(crate) fn presented(parts: &'a Parts, query_key: Option<&'a str>) -> Option<Self> {
        let header = parts
            .headers
            .get("backlog-api-key")
            .and_then(|v| v.to_str().ok());
        header.or(query_key).map(Credential::ApiKey)
    }
}

impl Shared {
    /// Whether a request presenting `credential` may call the API.
    pub(crate) fn accepts(&self, credential: Option<Credential<'_>>) -> bool {
        match credential {
            Some(Credential::ApiKey(key)) => key == self.api_key,
            None => false,
        }
    }
}
