//! Fault injection: what users' retry and timeout tests need from a server.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::routes;
use crate::state::Shared;

/// Injects faults into a running [`Simulator`](crate::Simulator); get it with
/// [`Simulator::faults`](crate::Simulator::faults). Cheap to clone; every clone acts on
/// the same simulator.
///
/// Routes are `"METHOD /template"` strings with the path templates of the spec, e.g.
/// `"POST /videos/{videoId}/source"`. An unknown route is a bug in the test, so it
/// panics rather than injecting nothing.
///
/// Faults are checked in this order, before the rate limit and authentication: latency,
/// then resets, then failures. Requests answered with a fault or reset are still
/// recorded and counted.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
///
/// let sim = apivideo_simulator::Simulator::start().await;
/// sim.faults()
///     .fail_next("POST /videos/{videoId}/source", 2, 503)
///     .reset_next("POST /upload", 1)
///     .latency("GET /videos", Duration::from_millis(50));
/// # }
/// ```
#[derive(Clone)]
pub struct Faults {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").finish_non_exhaustive()
    }
}

/// The pending faults.
#[derive(Default)]
pub(crate) struct FaultState {
    inner: Mutex<Pending>,
}

struct Pending {
    /// Route → statuses to answer, in order.
    failures: HashMap<String, Vec<u16>>,
    /// Route → connections left to reset.
    resets: HashMap<String, usize>,
    /// Route → statuses to answer once the request was handled, in order.
    failures_after: HashMap<String, Vec<u16>>,
    /// Route → connections left to reset once the request was handled.
    resets_after: HashMap<String, usize>,
    /// Route → delay before answering.
    latency: HashMap<String, Duration>,
    /// Delay for every route without its own.
    latency_all: Option<Duration>,
    /// `X-RateLimit-Retry-After` of injected 429s.
    retry_after: u64,
    /// Videos whose encoding fails.
    encoding_failures: HashSet<String>,
    /// Videos whose ingest fails.
    ingest_failures: HashSet<String>,
}

impl Default for Pending {
    fn default() -> Self {
        Self {
            failures: HashMap::new(),
            resets: HashMap::new(),
            failures_after: HashMap::new(),
            resets_after: HashMap::new(),
            latency: HashMap::new(),
            latency_all: None,
            retry_after: 1,
            encoding_failures: HashSet::new(),
            ingest_failures: HashSet::new(),
        }
    }
}

/// How a video's processing fails, when a test asked it to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VideoFailure {
    /// Every quality fails to encode.
    Encoding,
    /// The source is never ingested.
    Ingest,
}

/// What the pipeline should do with a request before handling it.
pub(crate) enum Injected {
    Reset,
    Fail { status: u16, retry_after: u64 },
}

impl FaultState {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The delay to apply to `route`, if any.
    pub fn latency(&self, route: &str) -> Option<Duration> {
        let pending = self.lock();
        pending
            .latency
            .get(route)
            .copied()
            .or(pending.latency_all)
            .filter(|delay| !delay.is_zero())
    }

    /// Takes the next fault for `route`, if one is pending.
    pub fn take(&self, route: &str) -> Option<Injected> {
        let mut pending = self.lock();
        let pending = &mut *pending;
        next_fault(
            &mut pending.resets,
            &mut pending.failures,
            pending.retry_after,
            route,
        )
    }
}

impl FaultState {
    /// How `video_id`'s processing fails, if a test asked it to.
    pub fn video_failure(&self, video_id: &str) -> Option<VideoFailure> {
        let pending = self.lock();
        if pending.ingest_failures.contains(video_id) {
            Some(VideoFailure::Ingest)
        } else if pending.encoding_failures.contains(video_id) {
            Some(VideoFailure::Encoding)
        } else {
            None
        }
    }

    /// Takes the next fault that strikes after `route`'s request was handled, if any.
    pub fn take_after(&self, route: &str) -> Option<Injected> {
        let mut pending = self.lock();
        let pending = &mut *pending;
        next_fault(
            &mut pending.resets_after,
            &mut pending.failures_after,
            pending.retry_after,
            route,
        )
    }
}

/// The next of `route`'s pending faults: a reset first, then a failing status.
fn next_fault(
    resets: &mut HashMap<String, usize>,
    failures: &mut HashMap<String, Vec<u16>>,
    retry_after: u64,
    route: &str,
) -> Option<Injected> {
    if let Some(left) = resets.get_mut(route)
        && *left > 0
    {
        *left -= 1;
        return Some(Injected::Reset);
    }
    let statuses = failures.get_mut(route)?;
    if statuses.is_empty() {
        return None;
    }
    let status = statuses.remove(0);
    Some(Injected::Fail {
        status,
        retry_after,
    })
}

impl Faults {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    fn route(route: &str) -> String {
        routes::canonical_key(route).unwrap_or_else(|| {
            panic!(
                "apivideo-simulator: unknown route {route:?}; use \"METHOD /template\" with a path \
                 template of the spec, one of:\n{}",
                routes::all_keys().join("\n")
            )
        })
    }

    /// Adds `n` failing `status` answers for `route` to the queue `queue` picks.
    fn queue_failures(
        &self,
        route: &str,
        n: usize,
        status: u16,
        queue: impl FnOnce(&mut Pending) -> &mut HashMap<String, Vec<u16>>,
    ) -> &Self {
        assert!(
            (100..=599).contains(&status),
            "apivideo-simulator: {status} is not an HTTP status"
        );
        let route = Self::route(route);
        queue(&mut self.shared.faults.lock())
            .entry(route)
            .or_default()
            .extend(std::iter::repeat_n(status, n));
        self
    }

    /// Adds `n` resets for `route` to the count `count` picks.
    fn queue_resets(
        &self,
        route: &str,
        n: usize,
        count: impl FnOnce(&mut Pending) -> &mut HashMap<String, usize>,
    ) -> &Self {
        let route = Self::route(route);
        *count(&mut self.shared.faults.lock())
            .entry(route)
            .or_default() += n;
        self
    }

    /// The next `n` requests to `route` are answered `status` with a problem-details
    /// body, before the rate limit and authentication are checked and without handling
    /// the request (nothing changes on the server). A 429 also carries
    /// `X-RateLimit-Retry-After` (see [`retry_after`](Self::retry_after)).
    ///
    /// Calls add up: `fail_next(r, 1, 500)` then `fail_next(r, 1, 503)` answers 500 then
    /// 503.
    ///
    /// # Panics
    ///
    /// If `route` is not a route of the spec or `status` is not in 100..=599.
    pub fn fail_next(&self, route: impl AsRef<str>, n: usize, status: u16) -> &Self {
        self.queue_failures(route.as_ref(), n, status, |p| &mut p.failures)
    }

    /// The next `n` requests to `route` are reset: the simulator reads part of the
    /// request body, then drops the TCP connection abruptly (`SO_LINGER` 0, so the
    /// client sees a connection reset mid-body, never a response). Nothing changes on
    /// the server.
    ///
    /// # Panics
    ///
    /// If `route` is not a route of the spec.
    pub fn reset_next(&self, route: impl AsRef<str>, n: usize) -> &Self {
        self.queue_resets(route.as_ref(), n, |p| &mut p.resets)
    }

    /// The next `n` requests to `route` are handled (whatever they change on the server
    /// is changed: a video created, a chunk stored), then answered `status` instead of
    /// their answer: the client cannot tell that its request took effect. This is what
    /// a proxy timing out or a server failing after its work looks like, and what a
    /// client that retries non-idempotent requests turns into duplicates.
    ///
    /// # Panics
    ///
    /// If `route` is not a route of the spec or `status` is not in 100..=599.
    pub fn fail_after_handling(&self, route: impl AsRef<str>, n: usize, status: u16) -> &Self {
        self.queue_failures(route.as_ref(), n, status, |p| &mut p.failures_after)
    }

    /// The next `n` requests to `route` are handled, then their connection is reset
    /// instead of answered (`SO_LINGER` 0): the work was done, the client sees a reset.
    ///
    /// # Panics
    ///
    /// If `route` is not a route of the spec.
    pub fn reset_after_handling(&self, route: impl AsRef<str>, n: usize) -> &Self {
        self.queue_resets(route.as_ref(), n, |p| &mut p.resets_after)
    }

    /// Delays every answer on `route` by `delay`, until changed (`Duration::ZERO`
    /// removes it). `route` is a route of the spec, or every route: `"*"`, `"all"` or
    /// `None`. A route's own latency wins over the one for all.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # use std::time::Duration;
    /// # let sim = apivideo_simulator::Simulator::start().await;
    /// sim.faults().latency("GET /videos", Duration::from_millis(200));
    /// sim.faults().latency("*", Duration::from_millis(20));
    /// sim.faults().latency(None, Duration::ZERO); // every route again, no delay
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If `route` names neither every route nor a route of the spec.
    pub fn latency(&self, route: impl RouteScope, delay: Duration) -> &Self {
        let route = route.route();
        let mut pending = self.shared.faults.lock();
        match route.as_deref().map(str::trim) {
            None | Some("*" | "all") => pending.latency_all = Some(delay),
            Some(route) => {
                pending.latency.insert(Self::route(route), delay);
            }
        }
        self
    }

    /// The encoding of `video_id` fails, as api.video's does for a file it cannot decode:
    /// once the source is complete, `GET /videos/{videoId}/status` lists every quality as
    /// `failed` and never says `playable: true`, and no
    /// `video.encoding.quality.completed` webhook is sent. The upload itself succeeds.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sim = apivideo_simulator::Simulator::start().await;
    /// sim.faults().fail_encoding("vi4blUQJFrYWbaG44NChkH27");
    /// # }
    /// ```
    pub fn fail_encoding(&self, video_id: impl AsRef<str>) -> &Self {
        self.shared
            .faults
            .lock()
            .encoding_failures
            .insert(video_id.as_ref().to_owned());
        self
    }

    /// The ingest of `video_id` fails: `GET /videos/{videoId}/status` says
    /// `"ingest": {"status": "failed"}` and lists no quality, and encoding never starts.
    /// The spec's enum of ingest statuses names no failure; `failed` is the value clients
    /// (this workspace's `wait_until_playable` among them) treat as one.
    pub fn fail_ingest(&self, video_id: impl AsRef<str>) -> &Self {
        self.shared
            .faults
            .lock()
            .ingest_failures
            .insert(video_id.as_ref().to_owned());
        self
    }

    /// Sets the number of requests allowed per one-minute window from now on (the
    /// requests already counted in the current window stay counted).
    pub fn rate_limit(&self, requests_per_minute: u32) -> &Self {
        self.shared.rate.set_limit(requests_per_minute);
        self
    }

    /// The `X-RateLimit-Retry-After` seconds sent with injected 429s (default 1).
    pub fn retry_after(&self, seconds: u64) -> &Self {
        self.shared.faults.lock().retry_after = seconds;
        self
    }

    /// Removes every pending failure, reset and latency, and the encoding and ingest
    /// failures (the rate limit stays).
    pub fn clear(&self) -> &Self {
        let mut pending = self.shared.faults.lock();
        pending.failures.clear();
        pending.resets.clear();
        pending.failures_after.clear();
        pending.resets_after.clear();
        pending.latency.clear();
        pending.latency_all = None;
        pending.encoding_failures.clear();
        pending.ingest_failures.clear();
        self
    }
}

/// What [`Faults::latency`] applies to: a `"METHOD /template"` route, or every route
/// (`"*"`, `"all"`, `None`).
pub trait RouteScope {
    /// The route, or `None` for every route.
    fn route(self) -> Option<String>;
}

impl RouteScope for &str {
    fn route(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl RouteScope for String {
    fn route(self) -> Option<String> {
        Some(self)
    }
}

impl RouteScope for &String {
    fn route(self) -> Option<String> {
        Some(self.clone())
    }
}

impl RouteScope for Option<&str> {
    fn route(self) -> Option<String> {
        self.map(str::to_owned)
    }
}
