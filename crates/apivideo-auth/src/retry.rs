//! When a failed request is sent again, and after how long.
//!
//! One policy, one decision and one loop for every request the SDK sends: API calls,
//! upload chunks and token requests. It lives in this crate, the lowest of the three, so
//! that the token endpoint shares it with the clients built on top.
//!
//! The decision reads typed facts only ([`Failure`]: a status with its parsed
//! `X-RateLimit-Retry-After`, or how the connection failed), never raw headers, so every
//! caller parses `Retry-After` the same way: with [`retry_after`].

use std::future::Future;
use std::time::Duration;

/// The header in which api.video says how many seconds to wait after a 429.
pub const RETRY_AFTER_HEADER: &str = "x-ratelimit-retry-after";

/// The longest wait [`retry_after`] reports: a server asking for more (or for an absurd
/// `1e20`) gets this, which is still far beyond any policy's `max_retry_after`.
pub const RETRY_AFTER_CLAMP: Duration = Duration::from_secs(24 * 60 * 60);

/// Bounded retries with exponential backoff and jitter.
///
/// Retried: 429 for every request (the API refused it before doing anything; the wait is
/// what `X-RateLimit-Retry-After` says), connection failures before the request was
/// sent, and, for idempotent requests only, 5xx answers (501 apart) and failures after
/// sending.
///
/// ```
/// use std::time::Duration;
/// use apivideo_auth::retry::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100))
///     .max_backoff(Duration::from_secs(2));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::none().attempts(), 1);
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

/// How an attempt failed, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The server answered with an error status.
    Status {
        /// The HTTP status.
        status: u16,
        /// `X-RateLimit-Retry-After`, parsed with [`retry_after`].
        retry_after: Option<Duration>,
    },
    /// No connection was made: the request surely never reached the server.
    ConnectFailed,
    /// The connection failed, stalled or timed out once the request may have been sent.
    Transport,
}

/// Why an attempt is retried (for logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// 429 Too Many Requests.
    RateLimited,
    /// A 5xx answer.
    ServerError(u16),
    /// The connection could not be made.
    Connect,
    /// The connection failed, stalled or timed out.
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
            .saturating_mul(1_u32 << exponent)
            .min(self.max_backoff);
        // Integer jitter: `Duration::mul_f64` can round past `Duration::MAX` and panic.
        let half = full.checked_div(2).unwrap_or_default();
        let spread = u64::try_from(full.saturating_sub(half).as_nanos()).unwrap_or(u64::MAX);
        half.saturating_add(Duration::from_nanos(fastrand::u64(0..=spread)))
    }

    /// Whether attempt number `attempt` (1-based), which ended in `failure`, is followed
    /// by another one, and after how long. `idempotent` says whether a request that may
    /// have reached the server can be sent again.
    pub fn decide(
        &self,
        attempt: u32,
        idempotent: bool,
        failure: Failure,
    ) -> Option<(Duration, RetryReason)> {
        if attempt >= self.max_attempts {
            return None;
        }
        match failure {
            Failure::Status {
                status: 429,
                retry_after,
            } => {
                let wait = retry_after.unwrap_or_else(|| self.backoff(attempt));
                (wait <= self.max_retry_after).then_some((wait, RetryReason::RateLimited))
            }
            Failure::Status { status, .. } if idempotent && (500..600).contains(&status) => {
                (status != 501).then(|| (self.backoff(attempt), RetryReason::ServerError(status)))
            }
            Failure::Status { .. } => None,
            Failure::ConnectFailed => Some((self.backoff(attempt), RetryReason::Connect)),
            Failure::Transport if idempotent => {
                Some((self.backoff(attempt), RetryReason::Transport))
            }
            Failure::Transport => None,
        }
    }
}

/// Reads `X-RateLimit-Retry-After` from `headers`: see [`parse_retry_after`].
pub fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    parse_retry_after(headers.get(RETRY_AFTER_HEADER)?.to_str().ok()?)
}

/// A number of seconds, whole or decimal (`7`, `1.5`), as a wait.
///
/// `None` for anything that is not a finite, non-negative number (`-1`, `NaN`, `inf`,
/// empty, junk); waits beyond [`RETRY_AFTER_CLAMP`] (`1e20`, `2^64`) are clamped to it.
/// Never panics.
///
/// ```
/// use std::time::Duration;
/// use apivideo_auth::retry::{parse_retry_after, RETRY_AFTER_CLAMP};
///
/// assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
/// assert_eq!(parse_retry_after("1e20"), Some(RETRY_AFTER_CLAMP));
/// assert_eq!(parse_retry_after("-1"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    Some(
        Duration::try_from_secs_f64(seconds)
            .map_or(RETRY_AFTER_CLAMP, |wait| wait.min(RETRY_AFTER_CLAMP)),
    )
}

/// How one attempt of [`run`] ended when it did not succeed.
#[derive(Debug)]
pub enum Step<E> {
    /// A failure the policy judges: retried if it says so.
    Failed(E, Failure),
    /// Try once more at once, whatever the policy (fresh credentials after a 401). Only
    /// one such retry happens per call; a second one returns the error.
    Again(E),
    /// Give up with this error.
    Stop(E),
}

/// Runs `attempt` (called with the attempt number, from 1) until it succeeds or the
/// policy gives up, sleeping between attempts as the policy says.
///
/// ```
/// use apivideo_auth::retry::{run, Failure, RetryPolicy, Step};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let policy = RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1))
///     .max_backoff(std::time::Duration::from_millis(2));
/// let answer: Result<u32, &str> = run(&policy, true, |attempt| async move {
///     if attempt < 3 {
///         Err(Step::Failed("busy", Failure::Status { status: 503, retry_after: None }))
///     } else {
///         Ok(attempt)
///     }
/// })
/// .await;
/// assert_eq!(answer, Ok(3));
/// # }
/// ```
pub async fn run<T, E, F, Fut>(
    policy: &RetryPolicy,
    idempotent: bool,
    mut attempt: F,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Step<E>>>,
{
    let mut number: u32 = 1;
    let mut judged: u32 = 1;
    let mut again_used = false;
    loop {
        match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(Step::Stop(error)) => return Err(error),
            Err(Step::Again(error)) => {
                if again_used {
                    return Err(error);
                }
                again_used = true;
                tracing::info!(attempt = number, "retrying at once with fresh credentials");
            }
            Err(Step::Failed(error, failure)) => {
                let Some((wait, reason)) = policy.decide(judged, idempotent, failure) else {
                    return Err(error);
                };
                tracing::info!(
                    attempt = number,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    %reason,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
                judged = judged.saturating_add(1);
            }
        }
        number = number.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, retry_after: Option<Duration>) -> Failure {
        Failure::Status {
            status,
            retry_after,
        }
    }

    #[test]
    fn rate_limits_wait_what_the_server_says_for_every_method() {
        let policy = RetryPolicy::default();
        let decision = policy.decide(1, false, status(429, Some(Duration::from_secs(7))));
        assert_eq!(
            decision,
            Some((Duration::from_secs(7), RetryReason::RateLimited))
        );
        let fraction = policy.decide(1, true, status(429, parse_retry_after("1.5")));
        assert_eq!(
            fraction,
            Some((Duration::from_millis(1500), RetryReason::RateLimited))
        );
    }

    #[test]
    fn a_retry_after_beyond_the_cap_is_returned_to_the_caller() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(1, true, status(429, Some(Duration::from_secs(3600)))),
            None
        );
        assert_eq!(
            policy.decide(1, true, status(429, parse_retry_after("1e20"))),
            None
        );
        // Exactly the cap is still honoured.
        assert_eq!(
            policy.decide(1, true, status(429, Some(Duration::from_secs(60)))),
            Some((Duration::from_secs(60), RetryReason::RateLimited))
        );
    }

    #[test]
    fn server_errors_are_retried_only_when_idempotent() {
        let policy = RetryPolicy::default();
        assert!(policy.decide(1, true, status(503, None)).is_some());
        assert!(policy.decide(1, true, status(500, None)).is_some());
        assert!(policy.decide(1, true, status(599, None)).is_some());
        assert!(policy.decide(1, false, status(503, None)).is_none());
        assert!(policy.decide(1, true, status(501, None)).is_none());
        assert!(policy.decide(1, true, status(404, None)).is_none());
        assert!(policy.decide(1, true, status(600, None)).is_none());
        assert!(policy.decide(1, false, Failure::ConnectFailed).is_some());
        assert!(policy.decide(1, false, Failure::Transport).is_none());
        assert!(policy.decide(1, true, Failure::Transport).is_some());
    }

    #[test]
    fn attempts_are_bounded() {
        let policy = RetryPolicy::default().max_attempts(3);
        assert!(policy.decide(2, true, Failure::ConnectFailed).is_some());
        assert!(policy.decide(3, true, Failure::ConnectFailed).is_none());
        assert!(
            RetryPolicy::none()
                .decide(1, true, Failure::ConnectFailed)
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
        let extreme = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX);
        assert!(extreme.backoff(u32::MAX) >= Duration::MAX / 2);
    }

    #[test]
    fn settings_are_kept() {
        assert_eq!(RetryPolicy::default().attempts(), 3);
        assert_eq!(RetryPolicy::none().attempts(), 1);
        let policy = RetryPolicy::default()
            .max_attempts(5)
            .max_retry_after(Duration::from_secs(2));
        assert_eq!(policy.attempts(), 5);
        assert!(policy.decide(4, true, Failure::ConnectFailed).is_some());
        assert!(policy.decide(5, true, Failure::ConnectFailed).is_none());
        // The lower cap on a server's wait, not the default 60 s.
        assert_eq!(
            policy.decide(1, true, status(429, Some(Duration::from_secs(3)))),
            None
        );
        assert_eq!(
            policy.decide(1, true, status(429, Some(Duration::from_secs(2)))),
            Some((Duration::from_secs(2), RetryReason::RateLimited))
        );
    }

    #[test]
    fn reasons_say_what_happened() {
        assert_eq!(RetryReason::RateLimited.to_string(), "rate limited (429)");
        assert_eq!(
            RetryReason::ServerError(503).to_string(),
            "server error (503)"
        );
        assert_eq!(RetryReason::Connect.to_string(), "connection failed");
        assert_eq!(RetryReason::Transport.to_string(), "transport error");
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
        // Equal bounds are fine.
        assert!(
            RetryPolicy::default()
                .initial_backoff(Duration::from_secs(1))
                .max_backoff(Duration::from_secs(1))
                .validate()
                .is_ok()
        );
        assert!(RetryPolicy::default().validate().is_ok());
    }

    #[test]
    fn retry_after_values_parse_or_clamp() {
        // A day, spelled out: the clamp is a figure, not a formula to get wrong.
        assert_eq!(RETRY_AFTER_CLAMP, Duration::from_secs(86_400));
        let cases: [(&str, Option<Duration>); 15] = [
            ("7", Some(Duration::from_secs(7))),
            (" 2 ", Some(Duration::from_secs(2))),
            ("1.5", Some(Duration::from_millis(1500))),
            ("0", Some(Duration::ZERO)),
            ("1e20", Some(RETRY_AFTER_CLAMP)),
            ("18446744073709551616", Some(RETRY_AFTER_CLAMP)),
            ("86400", Some(Duration::from_secs(86_400))),
            ("86401", Some(RETRY_AFTER_CLAMP)),
            ("-1", None),
            ("-0.5", None),
            ("NaN", None),
            ("inf", None),
            ("-inf", None),
            ("", None),
            ("soon", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_retry_after(value), expected, "{value:?}");
        }
        let mut headers = http::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER_HEADER, http::HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            RETRY_AFTER_HEADER,
            http::HeaderValue::from_bytes(b"\xff\xfe").expect("opaque bytes are a valid value"),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_retries_what_the_policy_allows_and_once_more_after_again() {
        let policy = RetryPolicy::default().max_attempts(3);
        let mut seen = Vec::new();
        let result: Result<(), u32> = run(&policy, false, |n| {
            seen.push(n);
            async move {
                match n {
                    1 => Err(Step::Again(n)),
                    2 => Err(Step::Failed(n, Failure::ConnectFailed)),
                    3 => Err(Step::Again(n)),
                    _ => Err(Step::Failed(n, status(429, Some(Duration::from_secs(1))))),
                }
            }
        })
        .await;
        // 1: again (free), 2: connect failure (judged 1), 3: a second `Again` is refused.
        assert_eq!(result, Err(3));
        assert_eq!(seen, [1, 2, 3]);

        let mut calls = 0;
        let result: Result<(), &str> = run(&policy, true, |_| {
            calls += 1;
            async { Err(Step::Stop("no")) }
        })
        .await;
        assert_eq!((result, calls), (Err("no"), 1));

        let mut calls = 0;
        let start = tokio::time::Instant::now();
        let result: Result<(), &str> = run(&policy, false, |_| {
            calls += 1;
            async {
                Err(Step::Failed(
                    "busy",
                    status(429, Some(Duration::from_secs(2))),
                ))
            }
        })
        .await;
        assert_eq!((result, calls), (Err("busy"), 3));
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    }
}
