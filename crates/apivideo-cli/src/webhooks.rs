//! `apivideo webhooks verify`: checks a delivery's signature, for debugging a receiver.

use std::io::Read as _;

use apivideo::webhooks::{self, SignatureSecret};

use crate::failure::Failure;
use crate::output;

/// Verifies the body on stdin against `signature` with the secret held in the
/// environment variable `secret_env`; prints the event type when valid.
pub fn verify(secret_env: &str, signature: &str) -> Result<(), Failure> {
    let secret = match std::env::var(secret_env) {
        Ok(secret) if !secret.is_empty() => SignatureSecret::new(secret),
        _ => {
            return Err(Failure::usage(format!(
                "the environment variable {secret_env} (--secret-env) holds no signature secret"
            ))
            .line("set it to the webhook's signatureSecret"));
        }
    };
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::usage(format!("cannot read the delivery's body on stdin: {e}")))?;
    webhooks::verify(&secret, &body, signature).map_err(|e| {
        Failure::failed(format!("invalid delivery: {e}")).line(format!(
            "checked {} bytes of body; the signature must be over the exact bytes received",
            body.len()
        ))
    })?;
    let event = serde_json::from_slice::<webhooks::Event>(&body)
        .ok()
        .and_then(|e| e.event_type().map(str::to_owned));
    output::line(&format!(
        "valid signature{}",
        event.map(|t| format!(": {t}")).unwrap_or_default()
    ));
    Ok(())
}
