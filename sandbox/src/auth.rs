//! Who may call (backlog-api.md §1.2): the one place a credential is read from a request
//! and checked. Another form Backlog accepts, an OAuth `Authorization: Bearer` token, is
//! one more [`Credential`] variant and one more arm in each function here.

use axum::http::request::Parts;

use crate::Shared;
use crate::table::Id;

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
    /// Who a request presenting `credential` acts as, or `None` if it may not call the API.
    pub(crate) fn authenticate(&self, credential: Option<Credential<'_>>) -> Option<Myself> {
        match credential {
            Some(Credential::ApiKey(key)) => {
                (key == self.api_key).then_some(Myself(self.api_key_owner))
            }
            None => None,
        }
    }
}

/// The user an authenticated request acts as, put in its extensions by the intake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Myself(pub Id);
