//! The secrets of OAuth mode: the tokens and codes this server issues
//! ([`new_token`], kept only as [`hash_token`]) and the store key that seals
//! Backlog's tokens at rest ([`StoreKey`], from `OAUTH_STORE_KEY`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::Aead as _;
use chacha20poly1305::{KeyInit as _, XChaCha20Poly1305, XNonce};
use sha2::{Digest as _, Sha256};
use std::fmt;
use zeroize::Zeroize as _;

use super::store::{Sealed, TokenHash};

/// The environment variable the store key is read from.
pub const STORE_KEY_ENV: &str = "OAUTH_STORE_KEY";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HOW_TO_MAKE_ONE: &str = "make one with `openssl rand -hex 32`";

/// The key Backlog's tokens are sealed with (XChaCha20-Poly1305). Every
/// replica needs the same one; losing it only means users sign in again.
pub struct StoreKey {
    /// Zeroes the key when dropped (the crate's `zeroize` feature).
    cipher: XChaCha20Poly1305,
}

/// `OAUTH_STORE_KEY` is not a key. The text never repeats the value: it
/// may be a real key with a typo.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "{STORE_KEY_ENV} must be {hex} hex characters (32 bytes), got {0} characters; {HOW_TO_MAKE_ONE}",
        hex = KEY_LEN * 2
    )]
    Length(usize),
    #[error(
        "{STORE_KEY_ENV} must be hex (0-9, a-f), found another character at position {0}; {HOW_TO_MAKE_ONE}"
    )]
    NotHex(usize),
}

/// A sealed value did not open: the key is not the one it was sealed with,
/// or the stored bytes were changed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "a sealed Backlog token does not decrypt: {STORE_KEY_ENV} is not the key it was sealed with, \
     or the store was altered; restore the previous key, or have the user sign in again"
)]
pub struct OpenError;

impl StoreKey {
    /// Parses 64 hex characters (surrounding whitespace ignored, as from a
    /// file or a shell).
    pub fn from_hex(text: &str) -> Result<StoreKey, KeyError> {
        let text = text.trim();
        if let Some(at) = text.find(|c: char| !c.is_ascii_hexdigit()) {
            return Err(KeyError::NotHex(at));
        }
        if text.len() != KEY_LEN * 2 {
            return Err(KeyError::Length(text.len()));
        }
        let mut bytes = [0u8; KEY_LEN];
        hex::decode_to_slice(text, &mut bytes).expect("checked: 64 hex digits");
        let cipher = XChaCha20Poly1305::new(&bytes.into());
        bytes.zeroize();
        Ok(StoreKey { cipher })
    }

    /// Encrypts under a fresh random nonce, stored in front: a 24-byte nonce
    /// is large enough that random ones never repeat.
    pub fn seal(&self, plaintext: &[u8]) -> Sealed {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(&XNonce::from(nonce), plaintext)
            .expect("XChaCha20-Poly1305 seals any message shorter than 256 GiB");
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Sealed(sealed)
    }

    /// Decrypts what [`StoreKey::seal`] made with this key.
    pub fn open(&self, sealed: &Sealed) -> Result<Vec<u8>, OpenError> {
        if sealed.0.len() < NONCE_LEN + TAG_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = sealed.0.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
        self.cipher
            .decrypt(&XNonce::from(nonce), ciphertext)
            .map_err(|_| OpenError)
    }
}

// The key must never reach a log line, even through `{:?}`.
impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreKey")
            .field("key", &"<redacted>")
            .finish()
    }
}

/// What the store keys a token or code by: its SHA-256 in lowercase hex.
/// Our tokens are 256 random bits, so an unsalted fast hash is enough.
pub fn hash_token(token: &str) -> TokenHash {
    TokenHash(hex::encode(Sha256::digest(token.as_bytes())))
}

/// A new token, code or state: 32 bytes from the OS CSPRNG, base64url
/// without padding (43 characters, safe in URLs and headers).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Without the OS generator no secret can be made safely: stop rather than
/// issue a guessable one.
fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random number generator failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const OTHER_KEY: &str = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn key(hex: &str) -> StoreKey {
        StoreKey::from_hex(hex).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_to_the_plaintext() {
        let k = key(KEY);
        for plaintext in [&b""[..], b"backlog-access-token", &[0xffu8; 1000][..]] {
            let sealed = k.seal(plaintext);
            assert_eq!(sealed.0.len(), NONCE_LEN + plaintext.len() + TAG_LEN);
            assert_eq!(k.open(&sealed).unwrap(), plaintext);
        }
    }

    #[test]
    fn sealing_twice_differs_because_the_nonce_is_random() {
        let k = key(KEY);
        let (a, b) = (k.seal(b"same"), k.seal(b"same"));
        assert_ne!(a, b);
        assert_ne!(a.0[..NONCE_LEN], b.0[..NONCE_LEN]);
        assert!(!a.0.windows(4).any(|w| w == b"same"), "plaintext visible");
    }

    #[test]
    fn any_changed_byte_fails_to_open() {
        let k = key(KEY);
        let sealed = k.seal(b"backlog-refresh-token");
        for i in 0..sealed.0.len() {
            let mut tampered = sealed.clone();
            tampered.0[i] ^= 0x01;
            assert_eq!(k.open(&tampered), Err(OpenError), "byte {i} changed");
        }
        let mut truncated = sealed.clone();
        truncated.0.pop();
        assert_eq!(k.open(&truncated), Err(OpenError));
        assert_eq!(k.open(&Sealed(vec![0; NONCE_LEN])), Err(OpenError));
        assert_eq!(k.open(&Sealed(Vec::new())), Err(OpenError));
    }

    #[test]
    fn another_key_fails_to_open() {
        let sealed = key(KEY).seal(b"backlog-access-token");
        assert_eq!(key(OTHER_KEY).open(&sealed), Err(OpenError));
        assert!(OpenError.to_string().contains(STORE_KEY_ENV));
    }

    #[test]
    fn the_key_accepts_either_case_and_surrounding_whitespace() {
        let sealed = key(KEY).seal(b"x");
        let upper = format!("  {}\n", KEY.to_uppercase());
        assert_eq!(key(&upper).open(&sealed).unwrap(), b"x");
    }

    #[test]
    fn a_key_of_the_wrong_length_says_how_long_and_how_to_make_one() {
        for (text, len) in [
            ("", 0),
            ("abcd", 4),
            (&KEY[..63], 63),
            (&format!("{KEY}00"), 66),
        ] {
            let err = StoreKey::from_hex(text).unwrap_err();
            assert_eq!(err, KeyError::Length(len));
            let message = err.to_string();
            assert!(message.contains("64 hex characters"), "{message}");
            assert!(
                message.contains(&format!("got {len} characters")),
                "{message}"
            );
            assert!(message.contains("openssl rand -hex 32"), "{message}");
        }
    }

    #[test]
    fn a_key_that_is_not_hex_says_where_without_repeating_it() {
        let bad = format!("{}zz", &KEY[..62]);
        let err = StoreKey::from_hex(&bad).unwrap_err();
        assert_eq!(err, KeyError::NotHex(62));
        let message = err.to_string();
        assert!(message.contains("position 62"), "{message}");
        assert!(message.contains("openssl rand -hex 32"), "{message}");
        assert!(!message.contains(&bad[..20]), "{message}");
        assert_eq!(
            StoreKey::from_hex("0x0102").unwrap_err(),
            KeyError::NotHex(1)
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let shown = format!("{:?}", key(KEY));
        assert!(!shown.contains("0102"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn a_token_hash_is_the_sha256_in_lowercase_hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            hash_token("abc").0,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(hash_token("a"), hash_token("b"));
    }

    #[test]
    fn new_tokens_are_43_url_safe_characters_and_distinct() {
        let tokens: std::collections::HashSet<String> = (0..100).map(|_| new_token()).collect();
        assert_eq!(tokens.len(), 100);
        for token in &tokens {
            assert_eq!(token.len(), 43, "{token}");
            assert!(
                token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{token}"
            );
            assert_eq!(URL_SAFE_NO_PAD.decode(token).unwrap().len(), 32);
        }
    }
}
