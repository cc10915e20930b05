//! What the simulator remembers: configuration, the workspace's resources, the request
//! log, the rate-limit window, and the background tasks it started.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use apivideo_api::models;
use apivideo_api::models::DateTime;
use bytes::Bytes;
use chrono::SubsecRound;
use indexmap::IndexMap;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::RecordedRequest;
use crate::faults::FaultState;

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub api_key: String,
    pub token_ttl: Duration,
    pub encoding_delay: Duration,
    pub video_restore: bool,
    pub base_url: String,
}

/// Everything the server, the handlers and the [`crate::Simulator`] handle share.
pub(crate) struct Shared {
    pub config: Config,
    state: Mutex<State>,
    log: Mutex<Vec<RecordedRequest>>,
    pub faults: FaultState,
    pub rate: RateLimiter,
    shutdown: watch::Sender<bool>,
    background: Mutex<JoinSet<()>>,
    runtime: tokio::runtime::Handle,
    /// Sends webhook deliveries.
    pub http: reqwest::Client,
}

impl Shared {
    /// Must be called within a tokio runtime, which then runs the background tasks.
    pub fn new(config: Config, rate_limit: u32) -> Self {
        apivideo_api::auth::install_crypto_provider(); // reqwest needs one with `rustls`
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("apivideo-simulator/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self {
            config,
            state: Mutex::new(State::default()),
            log: Mutex::new(Vec::new()),
            faults: FaultState::default(),
            rate: RateLimiter::new(rate_limit),
            shutdown: watch::Sender::new(false),
            background: Mutex::new(JoinSet::new()),
            runtime: tokio::runtime::Handle::current(),
            http,
        }
    }

    /// The resources. Never held across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The request log.
    pub fn log(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A receiver that sees `true` once the simulator is stopping.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    pub fn signal_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Runs `task` in the background until it ends or the simulator stops.
    pub fn spawn_background(&self, task: impl Future<Output = ()> + Send + 'static) {
        let mut stop = self.shutdown_signal();
        if *stop.borrow() {
            return;
        }
        let mut set = self
            .background
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        while set.try_join_next().is_some() {}
        set.spawn_on(
            async move {
                tokio::select! {
                    () = task => {}
                    () = stopped(&mut stop) => {}
                }
            },
            &self.runtime,
        );
    }

    /// Waits for the background tasks, which end on the shutdown signal.
    pub async fn join_background(&self) {
        let mut set = std::mem::take(
            &mut *self
                .background
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        set.shutdown().await;
    }

    pub fn abort_background(&self) {
        self.background
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .abort_all();
    }
}

/// Resolves once the simulator is stopping (or gone).
pub(crate) async fn stopped(signal: &mut watch::Receiver<bool>) {
    let _ = signal.wait_for(|stopping| *stopping).await;
}

/// A fixed one-minute window shared by every request: the simulator has a single
/// workspace, hence a single API key to count for.
pub(crate) struct RateLimiter {
    limit: AtomicU32,
    window: Mutex<(Instant, u32)>,
}

/// The rate-limit headers of one answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateHeaders {
    pub limit: u32,
    pub remaining: u32,
    pub retry_after: u64,
}

pub(crate) const RATE_WINDOW: Duration = Duration::from_secs(60);

impl RateLimiter {
    fn new(limit: u32) -> Self {
        Self {
            limit: AtomicU32::new(limit),
            window: Mutex::new((Instant::now(), 0)),
        }
    }

    pub fn set_limit(&self, limit: u32) {
        self.limit.store(limit, Ordering::SeqCst);
    }

    fn current(&self) -> MutexGuard<'_, (Instant, u32)> {
        let mut window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if now.duration_since(window.0) >= RATE_WINDOW {
            *window = (now, 0);
        }
        window
    }

    fn headers(&self, window: &(Instant, u32)) -> RateHeaders {
        let limit = self.limit.load(Ordering::SeqCst);
        let left = RATE_WINDOW.saturating_sub(Instant::now().duration_since(window.0));
        RateHeaders {
            limit,
            remaining: limit.saturating_sub(window.1),
            retry_after: left.as_secs() + u64::from(left.subsec_nanos() > 0),
        }
    }

    /// Counts one request; `Err` when the window is exhausted.
    pub fn acquire(&self) -> Result<RateHeaders, RateHeaders> {
        let mut window = self.current();
        let limit = self.limit.load(Ordering::SeqCst);
        if window.1 >= limit {
            let mut headers = self.headers(&window);
            headers.retry_after = headers.retry_after.max(1);
            return Err(headers);
        }
        window.1 += 1;
        Ok(self.headers(&window))
    }

    /// The headers without counting a request.
    pub fn peek(&self) -> RateHeaders {
        let window = self.current();
        self.headers(&window)
    }
}

/// The workspace's resources.
#[derive(Default)]
pub(crate) struct State {
    pub videos: IndexMap<String, VideoRec>,
    /// Bearer access tokens and when they expire.
    pub access_tokens: HashMap<String, Instant>,
    /// Refresh tokens that have not been used yet.
    pub refresh_tokens: HashSet<String>,
    pub upload_tokens: IndexMap<String, models::UploadToken>,
    pub live_streams: IndexMap<String, LiveRec>,
    pub players: IndexMap<String, models::PlayerTheme>,
    pub watermarks: IndexMap<String, models::Watermark>,
    pub webhooks: IndexMap<String, models::Webhook>,
    pub summaries: IndexMap<String, SummaryRec>,
}

/// How a video's source arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IngestKind {
    /// Sent by the client, whole or in chunks.
    Upload,
    /// Fetched by api.video: a URL, a copy of another video, a live recording.
    Import,
}

/// How the chunks of an upload are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UploadMode {
    /// One request with the whole file.
    Whole,
    /// `Content-Range: bytes FROM-TO/TOTAL`.
    Bytes,
    /// `Content-Range: part N/TOTAL` (or `part N/*`).
    Parts,
}

/// A file arriving in pieces.
#[derive(Debug, Default)]
pub(crate) struct UploadState {
    pub mode: Option<UploadMode>,
    /// Total bytes (byte ranges) or number of parts (progressive), once announced.
    pub total: Option<u64>,
    /// The pieces not yet assembled: first byte offset or part number → bytes.
    pub pieces: BTreeMap<u64, Bytes>,
    /// Every piece received: first byte offset or part number → length (kept after
    /// assembly, for the status endpoint).
    pub received: BTreeMap<u64, u64>,
}

/// A video and what the simulator knows about its media.
pub(crate) struct VideoRec {
    pub video: models::Video,
    pub ingest: IngestKind,
    pub upload: UploadState,
    /// The assembled file.
    pub source: Option<Bytes>,
    /// When the source was complete: encoding starts then.
    pub completed_at: Option<Instant>,
    /// Whether the end of encoding was processed (webhooks, transcript, summary).
    pub encoded: bool,
    pub thumbnail: Option<Bytes>,
    pub captions: IndexMap<String, CaptionRec>,
    pub chapters: IndexMap<String, Bytes>,
    /// Transcript requested: a caption is generated when encoding ends.
    pub transcript: bool,
}

impl VideoRec {
    pub fn new(video: models::Video) -> Self {
        Self {
            video,
            ingest: IngestKind::Upload,
            upload: UploadState::default(),
            source: None,
            completed_at: None,
            encoded: false,
            thumbnail: None,
            captions: IndexMap::new(),
            chapters: IndexMap::new(),
            transcript: false,
        }
    }

    pub fn is_discarded(&self) -> bool {
        self.video.discarded == Some(true)
    }
}

/// One caption track.
pub(crate) struct CaptionRec {
    pub vtt: Bytes,
    pub default: bool,
}

/// A live stream and its custom thumbnail.
pub(crate) struct LiveRec {
    pub live: models::LiveStream,
    pub thumbnail: Option<Bytes>,
}

/// A summary with its text.
pub(crate) struct SummaryRec {
    pub summary: models::Summary,
    pub source: models::SummarySource,
    pub attributes: Vec<models::SummaryAttribute>,
}

/// Now, to the second, as api.video writes its dates.
pub(crate) fn now() -> DateTime {
    chrono::Utc::now().trunc_subsecs(0).fixed_offset()
}

/// An id such as `vi4k0jvEUuaTdRAEjQ4Jfrgz`: the prefix and 20 letters or digits.
pub(crate) fn new_id(prefix: &str) -> String {
    random_chars(prefix, 20)
}

pub(crate) fn random_chars(prefix: &str, len: usize) -> String {
    let mut id = String::with_capacity(prefix.len() + len);
    id.push_str(prefix);
    id.extend(std::iter::repeat_with(fastrand::alphanumeric).take(len));
    id
}

/// `len` random lowercase hexadecimal digits.
pub(crate) fn random_hex(len: usize) -> String {
    std::iter::repeat_with(|| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'))
        .take(len)
        .collect()
}

/// A random version-4 UUID, as api.video's stream keys and private-video tokens.
pub(crate) fn uuid() -> String {
    let hex = random_hex(32);
    let variant = ["8", "9", "a", "b"][fastrand::usize(0..4)];
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        variant,
        &hex[17..20],
        &hex[20..32]
    )
}
