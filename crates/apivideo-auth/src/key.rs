//! The API key, kept secret from the moment it enters the program.

use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// The environment variable [`ApiKey::from_env`] reads.
pub const API_KEY_ENV_VAR: &str = "APIVIDEO_API_KEY";

/// An api.video API key.
///
/// The key lives in a [`SecretString`], so its memory is zeroed when the last copy is
/// dropped. It has no `Display` and no `Serialize` so it cannot end up in a log line or a
/// JSON document by accident; `Debug` prints `ApiKey([REDACTED])`.
///
/// ```
/// use apivideo_auth::ApiKey;
///
/// let key: ApiKey = "abc123".parse()?;
/// assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
/// # Ok::<(), apivideo_auth::Error>(())
/// ```
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Checks and wraps a key.
    ///
    /// Refuses an empty key and one containing whitespace or control characters: such a key
    /// is always a copy-and-paste accident (a trailing newline from a file, a quoted value),
    /// and failing here is clearer than a 400 from the server.
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        // Wrap first so that the key is zeroed on drop even when it is refused.
        let secret = SecretString::from(key.into());
        validate(secret.expose_secret())?;
        Ok(Self(secret))
    }

    /// Reads the key from `APIVIDEO_API_KEY`.
    ///
    /// An unset or empty variable gives [`Error::MissingEnvVar`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_var(API_KEY_ENV_VAR)
    }

    /// Reads the key from the environment variable `name`.
    ///
    /// An unset, empty or non-UTF-8 variable gives [`Error::MissingEnvVar`] naming it; a
    /// set but malformed one gives [`Error::InvalidApiKeyFormat`].
    pub fn from_env_var(name: &str) -> Result<Self, Error> {
        let missing = || Error::MissingEnvVar {
            name: name.to_owned(),
        };
        match std::env::var(name) {
            Ok(value) if value.is_empty() => Err(missing()),
            Ok(value) => Self::new(value),
            Err(_) => Err(missing()),
        }
    }

    /// The key itself.
    ///
    /// This is the only way to read the key back, which keeps every place that handles the
    /// plain key easy to find (`grep expose_secret`). Do not log or store the result.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

fn validate(key: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::InvalidApiKeyFormat {
            reason: "the key is empty",
        });
    }
    if key.chars().any(char::is_whitespace) {
        return Err(Error::InvalidApiKeyFormat {
            reason: "the key contains whitespace (a stray space or newline?)",
        });
    }
    if key.chars().any(char::is_control) {
        return Err(Error::InvalidApiKeyFormat {
            reason: "the key contains control characters",
        });
    }
    Ok(())
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl FromStr for ApiKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for ApiKey {
    type Error = Error;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<&str> for ApiKey {
    type Error = Error;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<SecretString> for ApiKey {
    type Error = Error;

    /// Takes a key that is already secret (e.g. from a vault client) without copying it
    /// into a plain `String` first.
    fn try_from(value: SecretString) -> Result<Self, Self::Error> {
        validate(value.expose_secret())?;
        Ok(Self(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(key: &str) -> &'static str {
        match ApiKey::new(key) {
            Err(Error::InvalidApiKeyFormat { reason }) => reason,
            other => panic!("expected InvalidApiKeyFormat, got {other:?}"),
        }
    }

    #[test]
    fn refuses_malformed_keys_without_echoing_them() {
        for bad in [
            "",
            "abc def",
            "abc\n",
            "a\tb",
            "ab\u{7}c",
            "ab\u{0}c",
            "\u{a0}abc",
        ] {
            let reason = reason(bad);
            if !bad.is_empty() {
                assert!(!reason.contains(bad), "reason {reason:?} echoes the key");
            }
        }
        assert_eq!(reason(""), "the key is empty");
        assert!(reason("abc def").contains("whitespace"));
        assert!(reason("ab\u{7}c").contains("control"));
    }

    #[test]
    fn accepts_and_exposes_a_plain_key() {
        let key = ApiKey::new("abc123").expect("valid");
        assert_eq!(key.expose_secret(), "abc123");
        assert_eq!(
            "abc123".parse::<ApiKey>().expect("valid").expose_secret(),
            "abc123"
        );
        assert_eq!(ApiKey::try_from("k1").expect("valid").expose_secret(), "k1");
        assert_eq!(
            ApiKey::try_from(String::from("k2"))
                .expect("valid")
                .expose_secret(),
            "k2"
        );
        let secret = SecretString::from("k3");
        assert_eq!(
            ApiKey::try_from(secret).expect("valid").expose_secret(),
            "k3"
        );
        assert_eq!(key.clone().expose_secret(), "abc123");
    }

    #[test]
    fn debug_is_redacted() {
        let key = ApiKey::new("supersecretkey").expect("valid");
        assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
        assert_eq!(format!("{key:#?}"), "ApiKey([REDACTED])");
    }

    #[test]
    fn a_missing_env_var_is_named() {
        // A name no test or CI sets, so reading it needs no unsafe `set_var`.
        let result = ApiKey::from_env_var("APIVIDEO_AUTH_TEST_SURELY_UNSET_4F1C");
        assert!(
            matches!(&result, Err(Error::MissingEnvVar { name }) if name == "APIVIDEO_AUTH_TEST_SURELY_UNSET_4F1C"),
            "{result:?}"
        );
    }

    #[test]
    fn env_var_present_is_read() {
        // PATH is set on every machine this runs on and contains no whitespace on CI images;
        // if it does, the key is refused as malformed, which is also not MissingApiKey.
        let result = ApiKey::from_env_var("PATH");
        assert!(
            !matches!(result, Err(Error::MissingEnvVar { .. })),
            "{result:?}"
        );
    }
}
