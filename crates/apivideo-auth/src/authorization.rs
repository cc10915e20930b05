//! A ready-to-send `Authorization` header value.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;
use crate::key::ApiKey;

/// The value of an `Authorization` header, e.g. `Bearer eyJ...`.
///
/// The inner [`HeaderValue`] is marked sensitive, so HTTP stacks built on `http` (hyper,
/// reqwest) keep it out of HPACK tables and out of their own debug output. `Debug` shows
/// only the scheme (`Authorization(Bearer [REDACTED])`) and there is no `Display`.
///
/// Two values are equal when their header bytes are equal; that is how a strategy tells
/// whether the credential a server just refused is still the one it would hand out.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    value: HeaderValue,
    /// Length of the scheme at the start of `value`, checked to be ASCII on construction.
    scheme_len: usize,
}

impl Authorization {
    /// `Basic base64("<key>:")`: the key as user name and an empty password, as api.video
    /// expects.
    pub fn basic(key: &ApiKey) -> Self {
        let mut credentials = String::with_capacity(key.expose_secret().len().saturating_add(1));
        credentials.push_str(key.expose_secret());
        credentials.push(':');
        let credentials = SecretString::from(credentials);
        let encoded = SecretString::from(STANDARD.encode(credentials.expose_secret()));
        // Proven safe: base64's alphabet and "Basic " are visible ASCII, always a valid
        // header value.
        #[allow(clippy::expect_used)]
        Self::from_parts("Basic", encoded.expose_secret())
            .expect("base64 output is always a valid header value")
    }

    /// `Bearer <token>`.
    ///
    /// Fails with [`Error::InvalidCredential`] if the token is empty or has characters
    /// other than visible ASCII, which no HTTP header can carry safely.
    pub fn bearer(token: &SecretString) -> Result<Self, Error> {
        let token = token.expose_secret();
        check_token(token)?;
        Self::from_parts("Bearer", token)
    }

    /// Wraps a complete header value `<scheme> <credentials>` from elsewhere (a vault, a
    /// gateway), for schemes this crate has no constructor for.
    ///
    /// The value is marked sensitive. Fails if there is no scheme followed by a space.
    pub fn from_header_value(mut value: HeaderValue) -> Result<Self, Error> {
        let bytes = value.as_bytes();
        let scheme_len = bytes.iter().position(|b| *b == b' ').unwrap_or(0);
        let scheme = bytes.get(..scheme_len).unwrap_or_default();
        if scheme.is_empty()
            || !scheme
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~+".contains(b))
        {
            return Err(Error::InvalidCredential {
                reason: "an Authorization value must start with a scheme and a space",
            });
        }
        value.set_sensitive(true);
        Ok(Self { value, scheme_len })
    }

    fn from_parts(scheme: &str, credential: &str) -> Result<Self, Error> {
        // Exact capacity: the buffer is never reallocated, so the one copy that holds the
        // credential is the one `SecretString` zeroes.
        let mut joined = String::with_capacity(
            scheme
                .len()
                .saturating_add(1)
                .saturating_add(credential.len()),
        );
        joined.push_str(scheme);
        joined.push(' ');
        joined.push_str(credential);
        let joined = SecretString::from(joined);
        let mut value = HeaderValue::from_str(joined.expose_secret()).map_err(|_| {
            Error::InvalidCredential {
                reason: "the credential has characters an HTTP header cannot carry",
            }
        })?;
        value.set_sensitive(true);
        Ok(Self {
            value,
            scheme_len: scheme.len(),
        })
    }

    /// The header value to send, already marked sensitive.
    pub fn header_value(&self) -> &HeaderValue {
        &self.value
    }

    /// The authentication scheme: `"Basic"`, `"Bearer"`, or the one given to
    /// [`from_header_value`](Self::from_header_value).
    pub fn scheme(&self) -> &str {
        let scheme = self
            .value
            .as_bytes()
            .get(..self.scheme_len)
            .unwrap_or_default();
        std::str::from_utf8(scheme).unwrap_or("")
    }
}

/// Bearer tokens are opaque to us, but one with spaces or control bytes would corrupt the
/// request, so refuse it before it reaches the wire.
pub(crate) fn check_token(token: &str) -> Result<(), Error> {
    if token.is_empty() {
        return Err(Error::InvalidCredential {
            reason: "the token is empty",
        });
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidCredential {
            reason: "the token has characters other than visible ASCII",
        });
    }
    Ok(())
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Authorization({} [REDACTED])", self.scheme())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_for_a_known_key() {
        let key = ApiKey::new("abc123").expect("valid key");
        let auth = Authorization::basic(&key);
        assert_eq!(auth.header_value(), "Basic YWJjMTIzOg==");
        assert!(auth.header_value().is_sensitive());
        assert_eq!(auth.scheme(), "Basic");
        assert_eq!(format!("{auth:?}"), "Authorization(Basic [REDACTED])");
    }

    #[test]
    fn bearer_header_and_equality() {
        let a = Authorization::bearer(&SecretString::from("tok.en-1")).expect("valid");
        let b = Authorization::bearer(&SecretString::from("tok.en-1")).expect("valid");
        let c = Authorization::bearer(&SecretString::from("tok.en-2")).expect("valid");
        assert_eq!(a.header_value(), "Bearer tok.en-1");
        assert!(a.header_value().is_sensitive());
        assert_eq!(a.scheme(), "Bearer");
        assert_eq!(a, b);
        assert_ne!(a, c);
        let debug = format!("{a:?}");
        assert_eq!(debug, "Authorization(Bearer [REDACTED])");
        assert!(!debug.contains("tok.en"));
    }

    #[test]
    fn bearer_refuses_unsendable_tokens() {
        for bad in ["", "a b", "a\nb", "é"] {
            let result = Authorization::bearer(&SecretString::from(bad));
            assert!(
                matches!(result, Err(Error::InvalidCredential { .. })),
                "{bad:?}: {result:?}"
            );
        }
    }

    #[test]
    fn from_header_value_needs_a_scheme() {
        let auth =
            Authorization::from_header_value(HeaderValue::from_static("Token xyz")).expect("valid");
        assert_eq!(auth.scheme(), "Token");
        assert!(auth.header_value().is_sensitive());
        assert!(!format!("{auth:?}").contains("xyz"));
        for bad in ["xyz", " xyz", "a/b c"] {
            let result = Authorization::from_header_value(HeaderValue::from_static(bad));
            assert!(result.is_err(), "{bad:?}");
        }
    }
}
