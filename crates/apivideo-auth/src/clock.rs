//! Time sources, so token expiry can be tested without waiting.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A monotonic clock. Token lifetimes are measured with it.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The real clock, the default.
///
/// Reads tokio's clock, which is the system's monotonic clock except in a runtime whose
/// time is paused (`#[tokio::test(start_paused = true)]`), where it follows the test.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

/// A clock that moves only when told to, for deterministic expiry tests.
///
/// Clones share the same time, so a test keeps one clone and gives the other to the
/// strategy.
///
/// ```
/// use std::time::Duration;
/// use apivideo_auth::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert_eq!(clock.now() - start, Duration::from_secs(3600));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Instant>>,
}

impl ManualClock {
    /// A clock stopped at the current real time.
    pub fn new() -> Self {
        Self {
            now: Arc::new(Mutex::new(Instant::now())),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        // Saturate rather than panic: a test advancing by Duration::MAX means "far future".
        const FAR: Duration = Duration::from_secs(100 * 365 * 86_400);
        *now = now
            .checked_add(by)
            .or_else(|| now.checked_add(FAR))
            .unwrap_or(*now);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
