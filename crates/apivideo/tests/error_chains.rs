//! Errors print well: each message says what failed, its cause comes only from
//! `source()`, so a report that prints the chain (anyhow, eyre, `main`) shows each line
//! once.

use std::time::Duration;

use apivideo::upload::Source;
use apivideo::{Client, Error, RetryPolicy, Stage};

/// The error and its causes, one line each, as an error report prints them.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut lines = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        lines.push(cause.to_string());
        source = cause.source();
    }
    lines
}

fn assert_prints_once(error: &Error) {
    let lines = chain(error);
    for (i, line) in lines.iter().enumerate() {
        assert!(!line.is_empty(), "an empty line in {lines:?}");
        for later in &lines[i + 1..] {
            assert!(
                !line.contains(later.as_str()),
                "{line:?} repeats its cause {later:?}: {lines:?}"
            );
        }
    }
    let debug = format!("{error:?}");
    assert!(debug.len() < 2000, "Debug stays compact: {debug}");
}

async fn transport_error() -> Error {
    let (base, _bound) = apivideo_test_support::refused_base_url();
    Client::builder()
        .api_key("a-test-key")
        .basic_auth()
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
        .videos()
        .get("vi1")
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn every_kind_of_error_prints_each_cause_once() {
    let transport = transport_error().await;
    assert!(matches!(transport, Error::Transport(_)), "{transport:?}");
    assert_prints_once(&transport);
    assert_eq!(chain(&transport)[0], "could not connect to api.video");

    let (base, _bound) = apivideo_test_support::refused_base_url();
    let upload = Client::builder()
        .api_key("a-test-key")
        .basic_auth()
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
        .videos()
        .upload("vi1", Source::bytes(vec![1u8; 10]))
        .await
        .expect_err("refused");
    assert!(matches!(upload, Error::Upload(_)), "{upload:?}");
    assert_prints_once(&upload);
    let mut expected = vec!["upload of video vi1 stopped after 0 confirmed bytes".to_owned()];
    expected.extend(chain(&transport));
    assert_eq!(chain(&upload), expected);

    let token = apivideo::auth::Error::transport(std::io::Error::other("tls handshake failed"));
    let credentials = Error::Credentials(token);
    assert_prints_once(&credentials);
    assert_eq!(
        chain(&credentials),
        [
            "could not get a token from the api.video auth endpoint",
            "tls handshake failed"
        ]
    );

    let io = Error::Io(std::io::Error::other("disk on fire"));
    assert_prints_once(&io);
    assert_eq!(
        chain(&io),
        ["could not read the upload source", "disk on fire"]
    );

    for simple in [
        Error::Timeout {
            stage: Stage::SendingBody,
            after: Duration::from_secs(60),
        },
        Error::WaitTimeout {
            video_id: "vi1".into(),
            waited: Duration::from_secs(3),
        },
        Error::EncodingFailed {
            video_id: "vi1".into(),
        },
        Error::Config {
            setting: "base_url",
            reason: "no host".into(),
        },
        Error::TooLarge { limit: 10 },
    ] {
        assert_prints_once(&simple);
        assert_eq!(chain(&simple).len(), 1, "{simple:?}");
    }
}

#[test]
fn debug_of_an_error_is_what_main_should_print() {
    let error = Error::Io(std::io::Error::other("disk on fire"));
    assert_eq!(
        format!("{error:?}"),
        "could not read the upload source: disk on fire"
    );
}

#[tokio::test]
async fn a_refused_key_reads_the_same_under_basic_and_bearer() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let problem = serde_json::json!({
        "type": "https://docs.api.video/reference/authentication-invalid-user-credentials",
        "title": "The user credentials were incorrect.",
        "name": "",
        "status": 401,
    });
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(400).set_body_json(&problem))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(&problem))
        .mount(&server)
        .await;
    for basic in [false, true] {
        let builder = Client::builder()
            .api_key("wrong-key")
            .base_url(server.uri())
            .retry_policy(RetryPolicy::none());
        let builder = if basic { builder.basic_auth() } else { builder };
        let error = builder
            .build()
            .expect("client")
            .videos()
            .get("vi1")
            .await
            .expect_err("refused");
        assert!(error.is_unauthorized(), "basic {basic}: {error:?}");
        assert_eq!(
            error.problem().and_then(|p| p.title.as_deref()),
            Some("The user credentials were incorrect."),
            "basic {basic}"
        );
    }
    assert!(!Error::TooLarge { limit: 1 }.is_unauthorized());
    assert!(Error::TooLarge { limit: 1 }.problem().is_none());
}
