//! No secret in any `Debug` output or error message.

#![cfg(feature = "reqwest")]

mod common;

use std::time::Duration;

use apivideo_auth::{AccessToken, Authorization, Basic, ManualClock, SharedAuth, scoped_to_origin};
use common::*;
use secrecy::SecretString;
use wiremock::MockServer;

/// Every secret the scenarios below handle, in the forms a leak could take.
fn secrets() -> Vec<String> {
    let mut all = vec![KEY.to_owned(), KEY_BASE64.to_owned()];
    for n in ["A", "B", "C", "D"] {
        all.push(access(n));
        all.push(refresh(n));
    }
    all
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} leaks {secret}: {text}");
    }
}

#[test]
fn debug_output_of_secret_holders_is_redacted() {
    let key = api_key();
    let basic = Basic::new(key.clone());
    let bearer_header = Authorization::bearer(&SecretString::from(access("A"))).expect("valid");
    let token = AccessToken::from_json_response(200, token_body("A", 3600).to_string().as_bytes())
        .expect("valid");
    let scoped = scoped_to_origin(Basic::new(key.clone()), "https://ws.api.video").expect("valid");
    let rejected =
        AccessToken::from_json_response(400, invalid_credentials().to_string().as_bytes())
            .expect_err("rejected");

    let outputs = [
        ("ApiKey", format!("{key:?} {key:#?}")),
        ("Basic Authorization", format!("{:?}", basic.header())),
        (
            "Bearer Authorization",
            format!("{bearer_header:?} {bearer_header:#?}"),
        ),
        ("AccessToken", format!("{token:?} {token:#?}")),
        (
            "Basic",
            format!("{basic:?} {:?}", SharedAuth::from(basic.clone())),
        ),
        (
            "ScopedToOrigin",
            format!("{scoped:?} {:?}", SharedAuth::from(scoped.clone())),
        ),
        ("Error", format!("{rejected:?} {rejected}")),
    ];
    for (what, text) in &outputs {
        assert_clean(what, text);
    }
    // The redaction markers are there, so the checks above looked at real output.
    assert_eq!(outputs[0].1, "ApiKey([REDACTED]) ApiKey([REDACTED])");
    assert!(outputs[2].1.starts_with("Authorization(Bearer [REDACTED])"));
    assert!(outputs[3].1.contains("[REDACTED]"));
}

#[tokio::test]
async fn bearer_debug_is_redacted_in_every_state() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO).mount(&server).await;
    let clock = ManualClock::new();
    let auth = bearer(&server, &clock);
    let empty = format!("{auth:?}");
    auth.authorization_header().await.expect("A");
    let valid = format!("{auth:?}");
    clock.advance(due_time());
    let due = format!("{auth:?}");
    let shared = format!("{:?}", SharedAuth::from(auth));
    for text in [&empty, &valid, &due, &shared] {
        assert_clean("BearerToken", text);
    }
    assert!(empty.contains("\"empty\""), "{empty}");
    assert!(
        valid.contains("\"valid\"") && valid.contains("expires_in"),
        "{valid}"
    );
    assert!(due.contains("\"refresh due\""), "{due}");
}
