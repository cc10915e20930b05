//! When a failed request is sent again, and after how long.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The header in which api.video says how many seconds to wait after a 429.
pub const RETRY_AFTER: &str = "x-ratelimit-retry-after";

/// Bounded retries with exponential backoff and jitter.
///
/// Retried: 429 for every request (the API refused it before doing anything; the wait is
/// what `X-RateLimit-Retry-After` says), connection failures before the request was
/// sent, and for idempotent requests only, 5xx answers and failures after sending.
///
/// ```
/// use std::time::Duration;
/// use apivideo_api::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100))
///     .max_backoff(Duration::from_secs(2));
/// assert_eq!(policy.attempts(), 5);
/// assert!(RetryPolicy::none().attempts() == 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff from 200 ms up to 5 s, waits of at most 60 s after a 429.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'a> {
    /// The server answered.
    Response(StatusCode, &'a HeaderMap),
    /// No connection was made: the request never reached the server.
    ConnectFailed,
    /// The connection failed or timed out after the request may have been sent.
    TransportFailed,
}

/// Why an attempt is retried (for logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// 429 Too Many Requests.
    RateLimited,
    /// A 5xx answer.
    ServerError(u16),
    /// The connection could not be made.
    Connect,
    /// The connection failed or timed out.
    Transport,
}

impl std::fmt::Display for RetryReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RateLimited => f.write_str("rate limited (429)"),
            Self::ServerError(status) => write!(f, "server error ({status})"),
            Self::Connect => f.write_str("connection failed"),
            Self::Transport => f.write_str("transport error"),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first one included (at least 1; see [`validate`](Self::validate)).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The wait before the first retry; it doubles for each later one.
    #[must_use]
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts (429 waits apart).
    #[must_use]
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest `X-RateLimit-Retry-After` honoured; a longer one is returned to the
    /// caller as the 429 it is.
    #[must_use]
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Checks the settings: at least one attempt, and a backoff ceiling not below the
    /// initial backoff.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.max_attempts == 0 {
            return Err("a retry policy needs at least one attempt");
        }
        if self.max_backoff < self.initial_backoff {
            return Err("the maximum backoff is shorter than the initial backoff");
        }
        Ok(())
    }

    /// The wait before retry number `retry` (1 for the first retry): exponential, capped,
    /// with jitter between half and all of it so clients do not retry in lockstep.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let full = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let half = full / 2;
        half + full.mul_f64(fastrand::f64()) / 2
    }

    /// Whether attempt number `attempt` (1-based), which ended in `outcome`, is followed by
    /// another one, and after how long.
    pub fn decide(
        &self,
        attempt: u32,
        idempotent: bool,
        outcome: Outcome<'_>,
    ) -> Option<(Duration, RetryReason)> {
        if attempt >= self.max_attempts {
            return None;
        }
        match outcome {
            Outcome::Response(StatusCode::TOO_MANY_REQUESTS, headers) => {
                let wait = retry_after(headers).unwrap_or_else(|| self.backoff(attempt));
                (wait <= self.max_retry_after).then_some((wait, RetryReason::RateLimited))
            }
            Outcome::Response(status, _)
                if idempotent
                    && status.is_server_error()
                    && status != StatusCode::NOT_IMPLEMENTED =>
            {
                Some((
                    self.backoff(attempt),
                    RetryReason::ServerError(status.as_u16()),
                ))
            }
            Outcome::Response(..) => None,
            Outcome::ConnectFailed => Some((self.backoff(attempt), RetryReason::Connect)),
            Outcome::TransportFailed if idempotent => {
                Some((self.backoff(attempt), RetryReason::Transport))
            }
            Outcome::TransportFailed => None,
        }
    }
}

/// `X-RateLimit-Retry-After`, in seconds.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: f64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

/// The outcome of a transport error, as far as retrying is concerned.
pub fn transport_outcome(error: &reqwest::Error) -> Outcome<'static> {
    if error.is_connect() {
        Outcome::ConnectFailed
    } else {
        Outcome::TransportFailed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).expect("valid status")
    }

    #[test]
    fn rate_limits_wait_what_the_server_says_for_every_method() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let policy = RetryPolicy::default();
        let decision = policy.decide(1, false, Outcome::Response(status(429), &headers));
        assert_eq!(
            decision,
            Some((Duration::from_secs(7), RetryReason::RateLimited))
        );
    }

    #[test]
    fn a_retry_after_beyond_the_cap_is_returned_to_the_caller() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3600"));
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(1, true, Outcome::Response(status(429), &headers)),
            None
        );
    }

    #[test]
    fn server_errors_are_retried_only_when_idempotent() {
        let headers = HeaderMap::new();
        let policy = RetryPolicy::default();
        assert!(
            policy
                .decide(1, true, Outcome::Response(status(503), &headers))
                .is_some()
        );
        assert!(
            policy
                .decide(1, false, Outcome::Response(status(503), &headers))
                .is_none()
        );
        assert!(
            policy
                .decide(1, true, Outcome::Response(status(501), &headers))
                .is_none()
        );
        assert!(
            policy
                .decide(1, true, Outcome::Response(status(404), &headers))
                .is_none()
        );
        assert!(policy.decide(1, false, Outcome::ConnectFailed).is_some());
        assert!(policy.decide(1, false, Outcome::TransportFailed).is_none());
        assert!(policy.decide(1, true, Outcome::TransportFailed).is_some());
    }

    #[test]
    fn attempts_are_bounded() {
        let policy = RetryPolicy::default().max_attempts(3);
        assert!(policy.decide(2, true, Outcome::ConnectFailed).is_some());
        assert!(policy.decide(3, true, Outcome::ConnectFailed).is_none());
        assert!(
            RetryPolicy::none()
                .decide(1, true, Outcome::ConnectFailed)
                .is_none()
        );
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let third = policy.backoff(3);
            assert!((Duration::from_millis(200)..=Duration::from_millis(400)).contains(&third));
            let tenth = policy.backoff(10);
            assert!(tenth <= Duration::from_millis(1000) && tenth >= Duration::from_millis(500));
        }
    }

    #[test]
    fn invalid_settings_are_reported() {
        assert!(RetryPolicy::default().max_attempts(0).validate().is_err());
        assert!(
            RetryPolicy::default()
                .initial_backoff(Duration::from_secs(2))
                .max_backoff(Duration::from_secs(1))
                .validate()
                .is_err()
        );
        assert!(RetryPolicy::default().validate().is_ok());
    }
}
