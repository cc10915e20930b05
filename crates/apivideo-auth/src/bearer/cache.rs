//! The cached token pair and when to renew it.

use std::time::{Duration, Instant};

use secrecy::SecretString;

use crate::authorization::Authorization;
use crate::endpoint::AccessToken;
use crate::error::Error;

/// Added when an `Instant` would overflow: a token valid for a century is valid forever.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 86_400);

/// How long after a failed refresh the still-valid token is served before trying again,
/// at most; keeps an outage from turning every request into a refresh attempt.
const RETRY_AFTER_FAILED_REFRESH: Duration = Duration::from_secs(5);

/// A token pair plus the instants that drive renewal.
pub(super) struct Cached {
    pub(super) header: Authorization,
    /// `None` once the server refused it: the next renewal must use the API key.
    pub(super) refresh_token: Option<SecretString>,
    pub(super) refresh_at: Instant,
    pub(super) expires_at: Instant,
}

/// When to renew: `refresh_margin` plus a random part of `jitter` before expiry, but never
/// earlier than half-way through the lifetime.
#[derive(Debug, Clone, Copy)]
pub(super) struct Schedule {
    pub(super) refresh_margin: Duration,
    pub(super) jitter: Duration,
    /// Tokens announced to live less are kept this long (see `MIN_TOKEN_LIFETIME`).
    pub(super) min_lifetime: Duration,
}

impl Schedule {
    /// The jitter spreads renewals of many processes started together (a deployment) so
    /// they do not all hit the auth endpoint in the same second. The half-life cap keeps
    /// short-lived tokens (seconds) from being due the moment they arrive.
    fn lead(&self, lifetime: Duration) -> Duration {
        let max_jitter_ms = u64::try_from(self.jitter.as_millis()).unwrap_or(u64::MAX);
        let jitter = Duration::from_millis(fastrand::u64(0..=max_jitter_ms));
        let half_life = lifetime.checked_div(2).unwrap_or_default();
        self.refresh_margin.saturating_add(jitter).min(half_life)
    }
}

impl Cached {
    pub(super) fn new(
        token: AccessToken,
        received_at: Instant,
        schedule: Schedule,
    ) -> Result<Self, Error> {
        let header = Authorization::bearer(&token.access_token)?;
        let lifetime = token.expires_in.max(schedule.min_lifetime);
        let expires_at = saturating_add(received_at, lifetime);
        // The lifetime as clamped by `saturating_add`, so the lead always fits inside it.
        let lead = schedule.lead(expires_at.saturating_duration_since(received_at));
        let refresh_at = expires_at.checked_sub(lead).unwrap_or(received_at);
        Ok(Self {
            header,
            refresh_token: Some(token.refresh_token),
            refresh_at,
            expires_at,
        })
    }

    /// Neither due nor expired: hand it out without asking anyone.
    pub(super) fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }

    /// Still accepted by the server, even if renewal is due.
    pub(super) fn is_usable(&self, now: Instant) -> bool {
        now < self.expires_at
    }

    /// After a failed renewal, keep serving this token for a short while before retrying.
    pub(super) fn postpone_refresh(&mut self, now: Instant) {
        let remaining = self.expires_at.saturating_duration_since(now);
        let half = remaining.checked_div(2).unwrap_or_default();
        self.refresh_at = saturating_add(now, RETRY_AFTER_FAILED_REFRESH.min(half));
    }

    pub(super) fn label(&self, now: Instant) -> &'static str {
        if self.is_fresh(now) {
            "valid"
        } else if self.is_usable(now) {
            "refresh due"
        } else {
            "expired"
        }
    }
}

fn saturating_add(instant: Instant, duration: Duration) -> Instant {
    instant
        .checked_add(duration)
        .or_else(|| instant.checked_add(FAR_FUTURE))
        .unwrap_or(instant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_in: u64) -> AccessToken {
        AccessToken {
            token_type: "Bearer".into(),
            expires_in: Duration::from_secs(expires_in),
            access_token: SecretString::from("a"),
            refresh_token: SecretString::from("r"),
        }
    }

    #[test]
    fn long_tokens_renew_margin_plus_jitter_before_expiry() {
        let now = Instant::now();
        let schedule = Schedule {
            refresh_margin: Duration::from_secs(60),
            jitter: Duration::from_secs(30),
            min_lifetime: Duration::ZERO,
        };
        for _ in 0..50 {
            let cached = Cached::new(token(3600), now, schedule).expect("valid");
            let lead = cached.expires_at - cached.refresh_at;
            assert!(
                lead >= Duration::from_secs(60) && lead <= Duration::from_secs(90),
                "{lead:?}"
            );
            assert_eq!(cached.expires_at - now, Duration::from_secs(3600));
        }
    }

    #[test]
    fn tokens_shorter_than_the_floor_are_kept_as_long_as_the_floor() {
        let now = Instant::now();
        let schedule = Schedule {
            refresh_margin: Duration::from_secs(60),
            jitter: Duration::ZERO,
            min_lifetime: Duration::from_secs(30),
        };
        for expires_in in [0, 1, 29] {
            let cached = Cached::new(token(expires_in), now, schedule).expect("valid");
            assert_eq!(
                cached.expires_at - now,
                Duration::from_secs(30),
                "{expires_in}"
            );
            assert_eq!(
                cached.refresh_at - now,
                Duration::from_secs(15),
                "{expires_in}"
            );
        }
        let cached = Cached::new(token(31), now, schedule).expect("valid");
        assert_eq!(cached.expires_at - now, Duration::from_secs(31));
    }

    #[test]
    fn short_tokens_renew_half_way() {
        let now = Instant::now();
        let schedule = Schedule {
            refresh_margin: Duration::from_secs(60),
            jitter: Duration::from_secs(30),
            min_lifetime: Duration::ZERO,
        };
        let cached = Cached::new(token(4), now, schedule).expect("valid");
        assert_eq!(cached.refresh_at - now, Duration::from_secs(2));
        assert_eq!(cached.label(now), "valid");
        assert_eq!(cached.label(now + Duration::from_secs(3)), "refresh due");
        assert_eq!(cached.label(now + Duration::from_secs(4)), "expired");
    }

    #[test]
    fn huge_lifetimes_do_not_overflow() {
        let now = Instant::now();
        let schedule = Schedule {
            refresh_margin: Duration::MAX,
            jitter: Duration::MAX,
            min_lifetime: Duration::ZERO,
        };
        let cached = Cached::new(token(u64::MAX), now, schedule).expect("valid");
        assert!(cached.is_fresh(now));
        // "Valid for a century": renewed half way, so still fresh decades from now.
        let decades = now + Duration::from_secs(40 * 365 * 86_400);
        assert!(cached.is_fresh(decades));
        assert!(cached.is_usable(decades));
    }

    #[test]
    fn a_failed_refresh_is_retried_soon_but_before_expiry() {
        let now = Instant::now();
        let schedule = Schedule {
            refresh_margin: Duration::from_secs(60),
            jitter: Duration::ZERO,
            min_lifetime: Duration::ZERO,
        };
        let mut cached = Cached::new(token(3600), now, schedule).expect("valid");
        let due = cached.refresh_at;
        cached.postpone_refresh(due);
        assert_eq!(cached.refresh_at - due, Duration::from_secs(5));
        let late = cached.expires_at - Duration::from_secs(2);
        cached.postpone_refresh(late);
        assert_eq!(cached.refresh_at - late, Duration::from_secs(1));
    }
}
