//! Who a Backlog call is made as: an API key (`Backlog-API-Key` header) or an
//! OAuth access token (`Authorization: Bearer`). A credential belongs to one
//! call, not to the connection pool, so that each user of a shared server can
//! call as themselves.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::{Arc, OnceLock};

use http::HeaderValue;
use http::header::{AUTHORIZATION, HeaderName};

/// The credential of one call. Cheap to clone; its `Debug` never shows the secret.
#[derive(Clone)]
pub struct Credential {
    kind: CredentialKind,
    header: HeaderValue,
    /// Tells credentials apart for the per-credential limits without keeping
    /// a second copy of the secret as a map key.
    fingerprint: u64,
}

/// What a credential is, for the error texts that say what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// An API key from a setting of the server (the setting's name, e.g. `BACKLOG_API_KEY`).
    ApiKey { setting: Arc<str> },
    /// A user's OAuth access token.
    Bearer,
}

/// A secret that cannot be sent in an HTTP header (control characters, non-ASCII).
#[derive(Debug, thiserror::Error)]
#[error("{0} contains characters that cannot be sent in an HTTP header")]
pub struct InvalidCredential(pub String);

const API_KEY_HEADER: HeaderName = HeaderName::from_static("backlog-api-key");

impl Credential {
    /// An API key, read from the setting named `setting`.
    pub fn api_key(key: &str, setting: &str) -> Result<Self, InvalidCredential> {
        let header = sensitive(key).ok_or_else(|| InvalidCredential(setting.to_owned()))?;
        Ok(Credential {
            kind: CredentialKind::ApiKey {
                setting: setting.into(),
            },
            fingerprint: fingerprint(0, key),
            header,
        })
    }

    /// An OAuth access token of Backlog.
    pub fn bearer(token: &str) -> Result<Self, InvalidCredential> {
        let header = sensitive(&format!("Bearer {token}"))
            .ok_or_else(|| InvalidCredential("the access token".to_owned()))?;
        Ok(Credential {
            kind: CredentialKind::Bearer,
            fingerprint: fingerprint(1, token),
            header,
        })
    }

    pub fn kind(&self) -> &CredentialKind {
        &self.kind
    }

    pub(crate) fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The header that carries it.
    pub(crate) fn header(&self) -> (HeaderName, HeaderValue) {
        let name = match self.kind {
            CredentialKind::ApiKey { .. } => API_KEY_HEADER,
            CredentialKind::Bearer => AUTHORIZATION,
        };
        (name, self.header.clone())
    }
}

fn sensitive(text: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// A keyed hash, so a fingerprint says nothing about the secret outside this process.
fn fingerprint(kind: u8, secret: &str) -> u64 {
    static KEYS: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    KEYS.get_or_init(Default::default).hash_one((kind, secret))
}

// The secret must never reach a log line, even through `{:?}`.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("kind", &self.kind)
            .field("secret", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_headers_are_sensitive() {
        let key = Credential::api_key("s3cret-key", "BACKLOG_API_KEY").unwrap();
        assert!(!format!("{key:?}").contains("s3cret"));
        let (name, value) = key.header();
        assert_eq!(name, "backlog-api-key");
        assert!(value.is_sensitive());
        let token = Credential::bearer("t0ken").unwrap();
        assert_eq!(token.header().1, "Bearer t0ken");
        assert!(!format!("{token:?}").contains("t0ken"));
    }

    #[test]
    fn fingerprints_tell_credentials_apart() {
        let a = Credential::api_key("a", "K").unwrap();
        let a2 = Credential::api_key("a", "OTHER").unwrap();
        let b = Credential::api_key("b", "K").unwrap();
        assert_eq!(a.fingerprint(), a2.fingerprint());
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_ne!(
            a.fingerprint(),
            Credential::bearer("a").unwrap().fingerprint()
        );
    }

    #[test]
    fn control_characters_are_refused() {
        let error = Credential::api_key("a\nb", "BACKLOG_API_KEY").unwrap_err();
        assert!(error.to_string().contains("BACKLOG_API_KEY"));
        assert!(Credential::bearer("x\r\ny").is_err());
    }
}
