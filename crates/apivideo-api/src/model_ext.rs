//! Hand-written additions to generated models: what one schema means beyond its shape.
//!
//! These live here rather than in the generator (`xtask/src/models.rs`), because each
//! concerns one schema's meaning (a metadata entry is a key/value pair; a webhook's
//! `signatureSecret` verifies its deliveries), not a rule that holds for every schema.
//! The generator emits rules (setters, `clear_...`, constructors); a schema-specific
//! branch there would be harder to find and to test than an `impl` beside the others.

use apivideo_auth::secrecy::{ExposeSecret, SecretString};

use crate::models::{Metadata, Webhook};

impl<K: Into<String>, V: Into<String>> From<(K, V)> for Metadata {
    /// The entry `key` = `value`, so that payload setters take pairs:
    /// `.metadata([("Author", "John Doe")])`, or any map of strings.
    fn from((key, value): (K, V)) -> Self {
        Self::new().key(key).value(value)
    }
}

impl Webhook {
    /// The secret that verifies this webhook's deliveries, ready for
    /// `apivideo::webhooks::verify`; `None` when the answer carried no secret or an
    /// empty one (an empty key verifies forged deliveries too).
    ///
    /// ```
    /// use apivideo_api::models::Webhook;
    ///
    /// let webhook: Webhook = serde_json::from_str(r#"{"signatureSecret":"sig_sec_1a2b3c"}"#)?;
    /// let secret = webhook.verification_secret().expect("a secret");
    /// assert_eq!(format!("{secret:?}"), "SignatureSecret([REDACTED])");
    /// assert!(Webhook::new().verification_secret().is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn verification_secret(&self) -> Option<SignatureSecret> {
        self.signature_secret
            .as_deref()
            .map(SignatureSecret::new)
            .filter(|secret| !secret.is_empty())
    }
}

/// A webhook's `signatureSecret`, held as a secret: its `Debug` shows nothing of it. Get
/// it from [`Webhook::verification_secret`], or wrap one you stored with
/// [`new`](Self::new).
#[derive(Clone)]
pub struct SignatureSecret(SecretString);

impl SignatureSecret {
    /// Wraps the secret api.video returned when the webhook was created.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    /// True for an empty (or blank) secret, which verifies nothing.
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().trim().is_empty()
    }

    /// The secret itself, to compute a signature or to store it. A named method, so that
    /// every place that reads it is easy to find (`grep expose_secret`).
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for SignatureSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignatureSecret([REDACTED])")
    }
}

impl From<String> for SignatureSecret {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for SignatureSecret {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_pairs_become_entries() {
        let entry = Metadata::from(("team", String::from("blue")));
        assert_eq!(entry.key.as_deref(), Some("team"));
        assert_eq!(entry.value.as_deref(), Some("blue"));
        assert_eq!(
            serde_json::to_value(&entry).expect("writes"),
            serde_json::json!({"key": "team", "value": "blue"})
        );
    }

    #[test]
    fn a_webhook_gives_its_secret_unless_missing_or_blank() {
        let with = |secret: &str| Webhook {
            signature_secret: Some(secret.to_owned()),
            ..Webhook::new()
        };
        let secret = with("sig_sec_1a2b3c")
            .verification_secret()
            .expect("secret");
        assert_eq!(secret.expose_secret(), "sig_sec_1a2b3c");
        assert!(with("").verification_secret().is_none());
        assert!(with("  ").verification_secret().is_none());
        assert!(Webhook::new().verification_secret().is_none());
    }

    #[test]
    fn the_secret_never_shows() {
        let secret = SignatureSecret::new("super-secret-value");
        assert!(!format!("{secret:?}").contains("super"));
        assert!(!secret.is_empty());
        assert!(SignatureSecret::from("").is_empty());
    }
}
