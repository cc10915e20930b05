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

    /// Set in the child processes of [`keys_are_read_from_the_environment`].
    const CHILD: &str = "APIVIDEO_AUTH_TEST_ENV_CHILD";
    /// The variable the children read besides `APIVIDEO_API_KEY`.
    const VAR: &str = "APIVIDEO_AUTH_TEST_KEY";

    fn outcome(result: Result<ApiKey, Error>) -> String {
        match result {
            Ok(key) => format!("key {}", key.expose_secret()),
            Err(Error::MissingEnvVar { name }) => format!("missing {name}"),
            Err(Error::InvalidApiKeyFormat { .. }) => "malformed".to_owned(),
            Err(other) => format!("unexpected {other:?}"),
        }
    }

    /// Runs [`keys_are_read_from_the_environment`] again in a child process whose
    /// environment holds exactly the given values of `APIVIDEO_API_KEY` and [`VAR`]
    /// (`None`: unset), and returns what `from_env` and `from_env_var(VAR)` read there.
    fn read_in_child(
        api_key: Option<&std::ffi::OsStr>,
        var: Option<&std::ffi::OsStr>,
    ) -> (String, String) {
        let exe = std::env::current_exe().expect("the test binary");
        let mut command = std::process::Command::new(exe);
        command
            .args([
                "key::tests::keys_are_read_from_the_environment",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1");
        for (name, value) in [(API_KEY_ENV_VAR, api_key), (VAR, var)] {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        let output = command.output().expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "the child did not run the test: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let read = |label: &str| {
            stdout
                .lines()
                .find_map(|line| line.strip_prefix(label))
                .unwrap_or_else(|| panic!("no {label:?} line in {stdout}"))
                .to_owned()
        };
        (read("from_env: "), read("from_env_var: "))
    }

    /// Reading the environment in this process would need `unsafe` `set_var` (and would
    /// race with other tests), so each case is a child process with its own environment.
    #[test]
    fn keys_are_read_from_the_environment() {
        if std::env::var_os(CHILD).is_some() {
            println!("\nfrom_env: {}", outcome(ApiKey::from_env()));
            println!("\nfrom_env_var: {}", outcome(ApiKey::from_env_var(VAR)));
            return;
        }
        let os = std::ffi::OsStr::new;
        assert_eq!(
            read_in_child(Some(os("env-key-0123")), Some(os("other-key-4567"))),
            (
                "key env-key-0123".to_owned(),
                "key other-key-4567".to_owned()
            )
        );
        let missing = (
            "missing APIVIDEO_API_KEY".to_owned(),
            format!("missing {VAR}"),
        );
        assert_eq!(read_in_child(None, None), missing);
        assert_eq!(
            read_in_child(Some(os("")), Some(os("env key\n"))),
            (missing.0.clone(), "malformed".to_owned())
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let not_utf8 = std::ffi::OsStr::from_bytes(b"key-\xff");
            assert_eq!(
                read_in_child(Some(not_utf8), None).0,
                "missing APIVIDEO_API_KEY",
                "a key that is not UTF-8 reads as missing"
            );
        }
    }
}
