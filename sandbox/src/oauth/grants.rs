//! What OAuth has granted: the apps a sandbox knows, and the codes and tokens it issued
//! them. Expiry follows the machine's clock (`Instant`), not the sandbox's write clock, so
//! a test lets a token expire by waiting.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::{CODE_TTL, DEFAULT_OAUTH_TOKEN_TTL, OAuthApp};
use crate::table::Id;

/// Every app, and every code and token not yet spent, expired or revoked.
pub(crate) struct Grants {
    apps: Vec<OAuthApp>,
    pub token_ttl: Duration,
    codes: HashMap<String, Code>,
    access_tokens: HashMap<String, AccessToken>,
    refresh_tokens: HashMap<String, RefreshToken>,
}

/// What approving an app gave it: one exchange, by that app, with that redirect URI.
struct Code {
    client_id: String,
    redirect_uri: String,
    user: Id,
    expires: Instant,
}

struct AccessToken {
    user: Id,
    expires: Instant,
}

struct RefreshToken {
    client_id: String,
    user: Id,
}

/// A new access token and the refresh token that replaces it.
pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    /// The access token's lifetime in whole seconds.
    pub expires_in: u64,
}

impl Default for Grants {
    fn default() -> Self {
        Self {
            apps: Vec::new(),
            token_ttl: DEFAULT_OAUTH_TOKEN_TTL,
            codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
        }
    }
}

impl Grants {
    /// Panics if `client_id` is taken or `redirect_uri` cannot be sent in a `Location`.
    pub fn add_app(&mut self, app: OAuthApp) {
        let client_id = &app.client_id;
        assert!(
            self.app(client_id).is_none(),
            "an OAuth app with client_id {client_id:?} was already added"
        );
        let uri = &app.redirect_uri;
        assert!(
            !uri.is_empty() && uri.bytes().all(|b| b.is_ascii_graphic() && b != b'#'),
            "the redirect_uri {uri:?} of OAuth app {client_id:?} must be visible ASCII \
             without a #fragment"
        );
        self.apps.push(app);
    }

    pub fn app(&self, client_id: &str) -> Option<&OAuthApp> {
        self.apps.iter().find(|app| app.client_id == client_id)
    }

    /// A code for `client_id` to exchange with `redirect_uri`, acting as `user`.
    pub fn issue_code(&mut self, client_id: &str, redirect_uri: &str, user: Id) -> String {
        let now = Instant::now();
        self.codes.retain(|_, code| code.expires > now);
        let code = Code {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            user,
            expires: now + CODE_TTL,
        };
        let value = random_token();
        self.codes.insert(value.clone(), code);
        value
    }

    /// Exchanges `code`, which is spent whatever the outcome; the error is why it is
    /// refused.
    pub fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
    ) -> Result<Issued, &'static str> {
        let code = self
            .codes
            .remove(code)
            .ok_or("The code is invalid or was used.")?;
        if code.expires <= Instant::now() {
            return Err("The code has expired.");
        }
        if code.client_id != client_id {
            return Err("The code was issued to another client.");
        }
        if code.redirect_uri != redirect_uri {
            return Err("The redirect_uri differs from the authorization request's.");
        }
        Ok(self.issue_tokens(client_id, code.user))
    }

    /// A new pair for `refresh_token`, which is spent whatever the outcome.
    pub fn refresh(
        &mut self,
        refresh_token: &str,
        client_id: &str,
    ) -> Result<Issued, &'static str> {
        let refresh = self.refresh_tokens.remove(refresh_token);
        let refresh = refresh.ok_or("The refresh token is invalid, used or revoked.")?;
        if refresh.client_id != client_id {
            return Err("The refresh token was issued to another client.");
        }
        Ok(self.issue_tokens(client_id, refresh.user))
    }

    fn issue_tokens(&mut self, client_id: &str, user: Id) -> Issued {
        let now = Instant::now();
        self.access_tokens.retain(|_, token| token.expires > now);
        let access_token = random_token();
        let refresh_token = random_token();
        let expires = now + self.token_ttl;
        let access = AccessToken { user, expires };
        self.access_tokens.insert(access_token.clone(), access);
        let client_id = client_id.to_owned();
        let refresh = RefreshToken { client_id, user };
        self.refresh_tokens.insert(refresh_token.clone(), refresh);
        Issued {
            access_token,
            refresh_token,
            expires_in: self.token_ttl.as_secs(),
        }
    }

    /// The user `access_token` acts as, while it is valid.
    pub fn user_of(&self, access_token: &str) -> Option<Id> {
        let token = self.access_tokens.get(access_token)?;
        (token.expires > Instant::now()).then_some(token.user)
    }

    pub fn revoke(&mut self, user: Id) {
        self.codes.retain(|_, code| code.user != user);
        self.access_tokens.retain(|_, token| token.user != user);
        self.refresh_tokens.retain(|_, token| token.user != user);
    }

    pub fn expire_access_tokens(&mut self) {
        self.access_tokens.clear();
    }
}

/// 256 bits from the operating system, in hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().fold(String::with_capacity(64), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(client_id: &str, redirect_uri: &str) -> OAuthApp {
        OAuthApp {
            client_id: client_id.into(),
            client_secret: "secret".into(),
            redirect_uri: redirect_uri.into(),
        }
    }

    #[test]
    fn tokens_are_random_hex_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    #[should_panic(expected = "client_id \"app\" was already added")]
    fn a_client_id_is_added_once() {
        let mut grants = Grants::default();
        grants.add_app(app("app", "http://127.0.0.1/a"));
        grants.add_app(app("app", "http://127.0.0.1/b"));
    }

    #[test]
    #[should_panic(expected = "must be visible ASCII without a #fragment")]
    fn a_redirect_uri_has_no_fragment() {
        Grants::default().add_app(app("app", "http://127.0.0.1/cb#top"));
    }

    #[test]
    #[should_panic(expected = "must be visible ASCII without a #fragment")]
    fn a_redirect_uri_fits_a_location_header() {
        Grants::default().add_app(app("app", "http://127.0.0.1/call back"));
    }

    #[test]
    fn an_expired_code_is_refused_and_spent() {
        let mut grants = Grants::default();
        let code = grants.issue_code("app", "http://127.0.0.1/cb", 2);
        grants.codes.get_mut(&code).unwrap().expires = Instant::now();
        let refused = grants.redeem_code(&code, "app", "http://127.0.0.1/cb");
        assert_eq!(refused.err(), Some("The code has expired."));
        assert!(grants.codes.is_empty());
    }

    #[test]
    fn expired_codes_and_access_tokens_are_dropped_when_new_ones_are_issued() {
        let mut grants = Grants::default();
        let old = grants.issue_code("app", "http://127.0.0.1/cb", 2);
        grants.codes.get_mut(&old).unwrap().expires = Instant::now();
        let code = grants.issue_code("app", "http://127.0.0.1/cb", 2);
        assert_eq!(grants.codes.len(), 1);
        let issued = grants
            .redeem_code(&code, "app", "http://127.0.0.1/cb")
            .unwrap();
        let access = grants.access_tokens.get_mut(&issued.access_token).unwrap();
        access.expires = Instant::now();
        let issued = grants.refresh(&issued.refresh_token, "app").unwrap();
        assert_eq!(grants.access_tokens.len(), 1);
        assert_eq!(grants.user_of(&issued.access_token), Some(2));
    }
}
