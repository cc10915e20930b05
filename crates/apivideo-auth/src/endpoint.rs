//! Where disposable bearer tokens come from: the two auth calls, over any HTTP stack.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::authorization::check_token;
use crate::error::Error;
use crate::key::ApiKey;
use crate::problem::Problem;

/// What [`TokenEndpoint`] methods return: a boxed future, so the trait is object safe.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, Error>> + Send + 'a>>;

/// The two api.video auth calls, behind a trait so that any HTTP stack can make them.
///
/// [`ReqwestTokenEndpoint`] is the ready-made implementation (feature `reqwest`). To use
/// another stack, send the requests described below and turn the answer into a token with
/// [`AccessToken::from_json_response`], which also maps refusals to [`Error::Rejected`].
/// Map network failures to [`Error::transport`].
pub trait TokenEndpoint: Send + Sync + fmt::Debug {
    /// `POST {base}/auth/api-key` with the JSON body `{"apiKey": "<key>"}`.
    fn authenticate<'a>(&'a self, key: &'a ApiKey) -> TokenFuture<'a>;

    /// `POST {base}/auth/refresh` with the JSON body `{"refreshToken": "<token>"}`.
    ///
    /// api.video invalidates the old refresh token when it issues a new one.
    fn refresh<'a>(&'a self, refresh_token: &'a SecretString) -> TokenFuture<'a>;
}

/// A token pair issued by `/auth/api-key` or `/auth/refresh`.
///
/// `apivideo_api::models::AccessToken` is the same answer's wire shape, returned by the raw
/// auth operations; this one is what the bearer cache keeps: the tokens in `secrecy` types,
/// the lifetime as a [`Duration`].
///
/// `Debug` shows the type and lifetime only.
#[derive(Clone)]
pub struct AccessToken {
    /// The token type; api.video always issues `Bearer`.
    pub token_type: String,
    /// How long the access token is valid, counted from when the answer was received.
    pub expires_in: Duration,
    /// The bearer token to send in `Authorization`.
    pub access_token: SecretString,
    /// The token to get the next pair with, once.
    pub refresh_token: SecretString,
}

impl AccessToken {
    /// Interprets an answer from either auth call.
    ///
    /// * 2xx with a JSON object holding `access_token`, `refresh_token` and `expires_in`
    ///   (seconds; number or numeric string) → the token. `token_type` may be absent, but
    ///   if present must be `Bearer`.
    /// * 400 or 401 with a problem-details object → [`Error::Rejected`]; with an empty body
    ///   → [`Error::Rejected`] with an empty [`Problem`].
    /// * 429 or 5xx → [`Error::Unavailable`] (a transient refusal, worth retrying).
    /// * anything else → [`Error::MalformedTokenResponse`]. Its reason names the defect
    ///   (missing field, JSON error category and position) but never quotes the body, which
    ///   may contain a token.
    pub fn from_json_response(status: u16, body: &[u8]) -> Result<AccessToken, Error> {
        match status {
            200..=299 => parse_token(status, body),
            400 | 401 => parse_rejection(status, body),
            429 | 500..=599 => Err(Error::Unavailable {
                status,
                retry_after: None,
            }),
            _ => Err(malformed(
                status,
                "unexpected HTTP status (expected 2xx, 400, 401, 429 or 5xx)",
            )),
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("access_token", &"[REDACTED]")
            .field("refresh_token", &"[REDACTED]")
            .finish()
    }
}

fn malformed(status: u16, reason: impl Into<String>) -> Error {
    Error::MalformedTokenResponse {
        status,
        reason: reason.into(),
    }
}

/// serde_json's own messages can quote the offending value, which may be a token; keep
/// only where and what kind of error it was.
fn describe_json_error(e: &serde_json::Error) -> String {
    let category = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "JSON syntax error",
        serde_json::error::Category::Data => "unexpected JSON data",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    format!("{category} at line {} column {}", e.line(), e.column())
}

fn parse_object(status: u16, body: &[u8]) -> Result<Map<String, Value>, Error> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(malformed(status, "the body is JSON but not an object")),
        Err(e) => Err(malformed(status, describe_json_error(&e))),
    }
}

fn parse_token(status: u16, body: &[u8]) -> Result<AccessToken, Error> {
    let mut object = parse_object(status, body)?;

    let token_type = match object.remove("token_type") {
        None | Some(Value::Null) => "Bearer".to_owned(),
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => t,
        Some(_) => return Err(malformed(status, "`token_type` is not `Bearer`")),
    };
    let expires_in = match object.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .ok_or_else(|| malformed(status, "`expires_in` is missing or not a number of seconds"))?;

    let access_token = take_secret(&mut object, "access_token")
        .ok_or_else(|| malformed(status, "`access_token` is missing, empty or not a string"))?;
    check_token(secrecy::ExposeSecret::expose_secret(&access_token)).map_err(|_| {
        malformed(
            status,
            "`access_token` has characters an HTTP header cannot carry",
        )
    })?;
    let refresh_token = take_secret(&mut object, "refresh_token")
        .ok_or_else(|| malformed(status, "`refresh_token` is missing, empty or not a string"))?;

    Ok(AccessToken {
        token_type,
        expires_in: Duration::from_secs(expires_in),
        access_token,
        refresh_token,
    })
}

/// Moves a string member straight into a `SecretString` so no plain copy outlives parsing.
fn take_secret(object: &mut Map<String, Value>, key: &str) -> Option<SecretString> {
    match object.remove(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(SecretString::from(s)),
        _ => None,
    }
}

fn parse_rejection(status: u16, body: &[u8]) -> Result<AccessToken, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Rejected {
            status,
            problem: Box::default(),
        });
    }
    let object = parse_object(status, body)?;
    Err(Error::Rejected {
        status,
        problem: Box::new(Problem::from_json_object(object)),
    })
}

#[cfg(feature = "reqwest")]
pub use self::reqwest_endpoint::ReqwestTokenEndpoint;

#[cfg(feature = "reqwest")]
mod reqwest_endpoint {
    use std::time::Duration;

    use secrecy::{ExposeSecret, SecretString};
    use serde::Serialize;
    use url::Url;

    use super::{AccessToken, TokenEndpoint, TokenFuture};
    use crate::base_url::{join, parse_base_url};
    use crate::bearer::DEFAULT_AUTH_TIMEOUT;
    use crate::error::Error;
    use crate::key::ApiKey;
    use crate::retry::{self, Failure, RetryPolicy, Step};

    /// [`TokenEndpoint`] over a [`reqwest::Client`].
    ///
    /// Each call is retried with a [`RetryPolicy`] (default [`RetryPolicy::default`]),
    /// bounded by a deadline for the whole call ([`DEFAULT_AUTH_TIMEOUT`] by default)
    /// whatever the client's own timeouts, and reads at most 64 KiB of answer.
    ///
    /// The client is used as given. Build it with `redirect(reqwest::redirect::Policy::none())`
    /// and `referer(false)`, as [`BearerToken::new`](crate::BearerToken::new) does: a
    /// redirect would carry the API key in the body to wherever it points. A redirect
    /// answer that reaches this endpoint is refused, never followed.
    #[derive(Debug, Clone)]
    pub struct ReqwestTokenEndpoint {
        client: reqwest::Client,
        authenticate_url: Url,
        refresh_url: Url,
        retry: RetryPolicy,
        deadline: Duration,
    }

    #[derive(Serialize)]
    struct ApiKeyBody<'a> {
        #[serde(rename = "apiKey")]
        api_key: &'a str,
    }

    #[derive(Serialize)]
    struct RefreshBody<'a> {
        #[serde(rename = "refreshToken")]
        refresh_token: &'a str,
    }

    /// The most of an auth answer read: a token pair or a problem is well under 2 KiB.
    const MAX_ANSWER: usize = 64 * 1024;

    impl ReqwestTokenEndpoint {
        /// Calls the auth endpoints under `base_url`, e.g. `https://ws.api.video`.
        pub fn new(client: reqwest::Client, base_url: &str) -> Result<Self, Error> {
            let base = parse_base_url(base_url)?;
            Ok(Self {
                client,
                authenticate_url: join(&base, &["auth", "api-key"])?,
                refresh_url: join(&base, &["auth", "refresh"])?,
                retry: RetryPolicy::default(),
                deadline: DEFAULT_AUTH_TIMEOUT,
            })
        }

        /// Retries with `policy` instead of the default one.
        #[must_use]
        pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
            self.retry = policy;
            self
        }

        /// The deadline of one whole call, retries included (default
        /// [`DEFAULT_AUTH_TIMEOUT`]): every task waiting for a token waits for it.
        #[must_use]
        pub fn with_timeout(mut self, deadline: Duration) -> Self {
            self.deadline = deadline;
            self
        }

        /// Sends one auth call with the shared retry loop. Token requests create nothing
        /// that a repeat would duplicate, so they are repeated after any transient failure.
        async fn post(&self, url: &Url, body: &impl Serialize) -> Result<AccessToken, Error> {
            let call = retry::run(&self.retry, true, |_| self.post_once(url, body));
            match tokio::time::timeout(self.deadline, call).await {
                Ok(result) => result,
                Err(_) => Err(Error::transport(DeadlineExceeded(self.deadline))),
            }
        }

        async fn post_once(
            &self,
            url: &Url,
            body: &impl Serialize,
        ) -> Result<AccessToken, Step<Error>> {
            let response = match self
                .client
                .post(url.clone())
                .header(reqwest::header::ACCEPT, "application/json")
                .json(body)
                .send()
                .await
            {
                Ok(response) => response,
                Err(e) => {
                    let failure = if e.is_connect() {
                        Failure::ConnectFailed
                    } else {
                        Failure::Transport
                    };
                    return Err(Step::Failed(Error::transport(e.without_url()), failure));
                }
            };
            let status = response.status().as_u16();
            let retry_after = retry::retry_after(response.headers());
            let body = read_bounded(response)
                .await
                .map_err(|e| Step::Failed(e, Failure::Transport))?;
            match AccessToken::from_json_response(status, &body) {
                Err(Error::Unavailable { status, .. }) => Err(Step::Failed(
                    Error::Unavailable {
                        status,
                        retry_after,
                    },
                    Failure::Status {
                        status,
                        retry_after,
                    },
                )),
                other => other.map_err(Step::Stop),
            }
        }
    }

    async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, Error> {
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::transport(e.without_url()))?
        {
            if body.len().saturating_add(chunk.len()) > MAX_ANSWER {
                return Err(Error::MalformedTokenResponse {
                    status: response.status().as_u16(),
                    reason: format!("the answer is longer than {MAX_ANSWER} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// The whole call took longer than its deadline.
    #[derive(Debug)]
    struct DeadlineExceeded(Duration);

    impl std::fmt::Display for DeadlineExceeded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "no token after {:?}", self.0)
        }
    }

    impl std::error::Error for DeadlineExceeded {}

    impl TokenEndpoint for ReqwestTokenEndpoint {
        fn authenticate<'a>(&'a self, key: &'a ApiKey) -> TokenFuture<'a> {
            Box::pin(async move {
                let body = ApiKeyBody {
                    api_key: key.expose_secret(),
                };
                self.post(&self.authenticate_url, &body).await
            })
        }

        fn refresh<'a>(&'a self, refresh_token: &'a SecretString) -> TokenFuture<'a> {
            Box::pin(async move {
                let body = RefreshBody {
                    refresh_token: refresh_token.expose_secret(),
                };
                self.post(&self.refresh_url, &body).await
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    const SECRET: &str = "tok-SECRET-123";

    #[test]
    fn parses_a_token_answer() {
        let body = format!(
            r#"{{"token_type":"Bearer","expires_in":3600,"access_token":"{SECRET}","refresh_token":"r-{SECRET}"}}"#
        );
        let token = AccessToken::from_json_response(200, body.as_bytes()).expect("valid");
        assert_eq!(token.token_type, "Bearer");
        assert_eq!(token.expires_in, Duration::from_secs(3600));
        assert_eq!(token.access_token.expose_secret(), SECRET);
        assert_eq!(token.refresh_token.expose_secret(), format!("r-{SECRET}"));
        assert!(!format!("{token:?}").contains(SECRET));
    }

    #[test]
    fn expires_in_may_be_a_string_and_token_type_may_be_absent() {
        let body = br#"{"expires_in":"60","access_token":"a","refresh_token":"r"}"#;
        let token = AccessToken::from_json_response(201, body).expect("valid");
        assert_eq!(token.expires_in, Duration::from_secs(60));
        assert_eq!(token.token_type, "Bearer");
    }

    fn reason(status: u16, body: &str) -> String {
        match AccessToken::from_json_response(status, body.as_bytes()) {
            Err(Error::MalformedTokenResponse { status: s, reason }) => {
                assert_eq!(s, status);
                reason
            }
            other => panic!("expected MalformedTokenResponse, got {other:?}"),
        }
    }

    #[test]
    fn malformed_answers_never_echo_the_body() {
        let cases = [
            // A token where a number belongs: serde_json's message would quote it.
            format!(r#"{{"expires_in":"{SECRET}","access_token":"{SECRET}","refresh_token":"r"}}"#),
            format!(r#"{{"expires_in":3600,"access_token":"{SECRET}"}}"#),
            format!(r#"{{"expires_in":3600,"access_token":"{SECRET} x","refresh_token":"r"}}"#),
            format!(r#"{{"expires_in":3600,"access_token":"{SECRET}""#),
            format!(r#"["{SECRET}"]"#),
            format!("{SECRET} not json"),
            format!(
                r#"{{"token_type":"{SECRET}","expires_in":1,"access_token":"a","refresh_token":"r"}}"#
            ),
        ];
        for body in &cases {
            let reason = reason(200, body);
            assert!(!reason.contains(SECRET), "{reason}");
            let display = AccessToken::from_json_response(200, body.as_bytes())
                .expect_err("malformed")
                .to_string();
            assert!(!display.contains(SECRET), "{display}");
        }
        assert!(reason(200, &cases[3]).contains("line 1"));
        assert!(reason(200, &cases[1]).contains("refresh_token"));
    }

    #[test]
    fn refusals_become_rejected_with_the_problem() {
        let body = br#"{"type":"https://docs.api.video/reference/authentication-invalid-user-credentials","title":"The user credentials were incorrect.","name":"","status":400}"#;
        for status in [400, 401] {
            match AccessToken::from_json_response(status, body) {
                Err(Error::Rejected { status: s, problem }) => {
                    assert_eq!(s, status);
                    assert_eq!(problem.status, Some(400));
                    assert_eq!(
                        problem.title.as_deref(),
                        Some("The user credentials were incorrect.")
                    );
                }
                other => panic!("expected Rejected, got {other:?}"),
            }
        }
        assert!(matches!(
            AccessToken::from_json_response(401, b""),
            Err(Error::Rejected { status: 401, .. })
        ));
        assert!(reason(400, "<html>nope</html>").contains("JSON"));
    }

    #[test]
    fn other_statuses_are_malformed() {
        for status in [404, 302, 418] {
            assert!(reason(status, r#"{"title":"x"}"#).contains("unexpected HTTP status"));
        }
    }

    #[test]
    fn rate_limits_and_server_errors_are_transient() {
        for status in [429, 500, 503] {
            assert!(matches!(
                AccessToken::from_json_response(status, b"{}"),
                Err(Error::Unavailable { status: s, retry_after: None }) if s == status
            ));
        }
    }
}
