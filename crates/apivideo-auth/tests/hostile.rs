//! What a hostile or broken server sends, thrown at everything that parses it: each
//! input yields a value, a typed error or a documented clamp, never a panic.

use std::time::Duration;

use apivideo_auth::retry::{Failure, RETRY_AFTER_CLAMP, RetryPolicy, parse_retry_after};
use apivideo_auth::{AccessToken, Error};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_retry_after_text_parses_or_is_ignored(text in ".{0,40}") {
        if let Some(wait) = parse_retry_after(&text) {
            prop_assert!(wait <= RETRY_AFTER_CLAMP);
        }
    }

    #[test]
    fn any_number_as_retry_after_is_clamped(seconds in any::<f64>()) {
        let parsed = parse_retry_after(&seconds.to_string());
        if seconds.is_finite() && seconds >= 0.0 {
            let expected = if seconds >= RETRY_AFTER_CLAMP.as_secs_f64() {
                RETRY_AFTER_CLAMP
            } else {
                Duration::from_secs_f64(seconds)
            };
            prop_assert_eq!(parsed, Some(expected));
        } else {
            prop_assert_eq!(parsed, None);
        }
    }

    #[test]
    fn the_retry_decision_is_total_and_bounded(
        attempt in any::<u32>(),
        idempotent in any::<bool>(),
        status in any::<u16>(),
        retry_after in proptest::option::of(any::<u64>()),
        max_attempts in 1u32..10,
        initial_ms in 0u64..10_000,
    ) {
        let policy = RetryPolicy::default()
            .max_attempts(max_attempts)
            .initial_backoff(Duration::from_millis(initial_ms))
            .max_backoff(Duration::from_millis(initial_ms.saturating_mul(4)));
        let failure = Failure::Status {
            status,
            retry_after: retry_after.map(Duration::from_secs),
        };
        if let Some((wait, _)) = policy.decide(attempt, idempotent, failure) {
            prop_assert!(attempt < max_attempts);
            prop_assert!(wait <= Duration::from_secs(60).max(Duration::from_millis(initial_ms * 4)));
        }
        for failure in [Failure::ConnectFailed, Failure::Transport] {
            let _ = policy.decide(attempt, idempotent, failure);
        }
    }

    #[test]
    fn any_token_answer_is_a_token_or_a_typed_error(status in any::<u16>(), body in proptest::collection::vec(any::<u8>(), 0..256)) {
        match AccessToken::from_json_response(status, &body) {
            Ok(token) => prop_assert!((200..300).contains(&status), "{token:?}"),
            Err(Error::Rejected { .. } | Error::Unavailable { .. } | Error::MalformedTokenResponse { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected kind {other:?}"),
        }
    }

    #[test]
    fn any_expires_in_is_read_or_refused(value in prop_oneof![
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        ".{0,12}".prop_map(|s| serde_json::json!(s)),
        Just(serde_json::Value::Null),
        Just(serde_json::json!([1])),
    ]) {
        let body = serde_json::json!({
            "access_token": "a", "refresh_token": "r", "expires_in": value,
        });
        match AccessToken::from_json_response(200, body.to_string().as_bytes()) {
            Ok(token) => prop_assert!(token.expires_in <= Duration::from_secs(u64::MAX)),
            Err(Error::MalformedTokenResponse { reason, .. }) => {
                prop_assert!(reason.contains("expires_in"), "{}", reason);
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}

#[test]
fn expires_in_edge_cases_have_documented_outcomes() {
    let read = |value: &str| {
        let body = format!(r#"{{"access_token":"a","refresh_token":"r","expires_in":{value}}}"#);
        AccessToken::from_json_response(200, body.as_bytes()).map(|t| t.expires_in)
    };
    assert_eq!(read("0").ok(), Some(Duration::ZERO));
    assert_eq!(
        read("1.9").ok(),
        Some(Duration::from_secs(1)),
        "fractions round down"
    );
    assert_eq!(read("\"60\"").ok(), Some(Duration::from_secs(60)));
    assert_eq!(
        read("1e300").ok(),
        Some(Duration::from_secs(u64::MAX)),
        "huge saturates"
    );
    assert!(read("-1").is_err());
    assert!(read("\"-1\"").is_err());
    assert!(read("null").is_err());
    let missing =
        AccessToken::from_json_response(200, br#"{"access_token":"a","refresh_token":"r"}"#);
    assert!(matches!(missing, Err(Error::MalformedTokenResponse { .. })));
    for truncated in [
        &br#"{"access_token":"a","#[..],
        b"<html>502 Bad Gateway</html>",
        b"[]",
        b"",
    ] {
        assert!(
            matches!(
                AccessToken::from_json_response(200, truncated),
                Err(Error::MalformedTokenResponse { .. })
            ),
            "{}",
            String::from_utf8_lossy(truncated)
        );
    }
}
