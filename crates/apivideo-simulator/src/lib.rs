#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub mod cli;
mod control;
mod events;
mod faults;
mod handlers;
mod http;
mod receiver;
mod routes;
mod server;
mod state;

pub use faults::{Faults, RouteScope};
pub use receiver::{Delivery, WebhookReceiver};

/// The API key a simulator accepts when none is configured.
///
/// Anything else sent as the Basic user name, or to `POST /auth/api-key`, is refused the
/// way api.video refuses an unknown key.
pub const DEFAULT_API_KEY: &str = "sim_test_key_0123456789abcdefghijklmnopqrstuvw";

/// Lifetime of the bearer tokens issued by `POST /auth/api-key` and `POST /auth/refresh`
/// unless [`SimulatorBuilder::token_ttl`] says otherwise (api.video's one hour).
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// Time from the end of an upload to a playable video unless
/// [`SimulatorBuilder::encoding_delay`] says otherwise: renditions wait for the first
/// half, encode during the second, and are all `encoded` at the end.
pub const DEFAULT_ENCODING_DELAY: Duration = Duration::from_millis(500);

/// Requests allowed per one-minute window unless [`SimulatorBuilder::rate_limit`] says
/// otherwise: high enough never to get in the way of a test that does not ask for it.
pub const DEFAULT_RATE_LIMIT: u32 = 1000;

/// A running fake of api.video, listening on `127.0.0.1`.
///
/// It keeps its state (videos, uploads, tokens, webhooks, ...) in memory for as long as it
/// runs, answers with the bodies, status codes and headers `openapi/apivideo.yaml`
/// describes, and lets a test inspect what it received and inject faults.
///
/// Dropping it stops the server and everything it started (connections, timers, webhook
/// deliveries); [`shutdown`](Self::shutdown) does the same and waits for it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sim = apivideo_simulator::Simulator::start().await;
/// assert!(sim.base_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(sim.request_count("GET /videos"), 0);
/// sim.shutdown().await;
/// # }
/// ```
pub struct Simulator {
    shared: Arc<state::Shared>,
    faults: Faults,
    addr: SocketAddr,
    base_url: String,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts a simulator with the default settings on a random port of `127.0.0.1`.
    ///
    /// Must be called within a tokio runtime, which then runs the server.
    ///
    /// # Panics
    ///
    /// If no port can be bound on `127.0.0.1`; use [`builder`](Self::builder) to get the
    /// error instead.
    pub async fn start() -> Self {
        Self::builder()
            .start()
            .await
            .expect("apivideo-simulator: cannot listen on 127.0.0.1")
    }

    /// A builder to change the API key, token lifetime, encoding delay, rate limit or port.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// The base URL to give a client, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the simulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the simulator accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// The fault-injection handle: failures, connection resets, latency, rate limit.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The bytes assembled from the uploads of `video_id` once the upload is complete
    /// (`None` for an unknown video or an upload still missing chunks).
    ///
    /// Discarded videos keep their source until they are purged, as on api.video.
    pub fn video_source(&self, video_id: impl AsRef<str>) -> Option<Bytes> {
        let state = self.shared.lock();
        state
            .videos
            .get(video_id.as_ref())
            .and_then(|video| video.source.clone())
    }

    /// The WebVTT file of the caption track of `video_id` in `language` (uploaded, or
    /// generated from the transcript), if there is one.
    pub fn caption(&self, video_id: impl AsRef<str>, language: &str) -> Option<Bytes> {
        let state = self.shared.lock();
        let video = state.videos.get(video_id.as_ref())?;
        video
            .captions
            .get(language)
            .map(|caption| caption.vtt.clone())
    }

    /// The image last uploaded as the thumbnail of `video_id`, until a frame is picked
    /// instead with `PATCH /videos/{videoId}/thumbnail`.
    pub fn thumbnail(&self, video_id: impl AsRef<str>) -> Option<Bytes> {
        let state = self.shared.lock();
        state.videos.get(video_id.as_ref())?.thumbnail.clone()
    }

    /// How many requests reached `route`, a `"METHOD /template"` string with the path
    /// template of the spec, e.g. `"POST /videos/{videoId}/source"` or
    /// `"POST /auth/api-key"`.
    ///
    /// Every request the simulator received is counted, including the ones it refused
    /// (401, 429, 400, ...), answered with an injected fault, or reset.
    pub fn request_count(&self, route: impl AsRef<str>) -> usize {
        let route = routes::normalize_key(route.as_ref());
        self.shared
            .log()
            .iter()
            .filter(|request| request.route == route)
            .count()
    }

    /// Every request received so far, in the order their answers were decided.
    pub fn received_requests(&self) -> Vec<RecordedRequest> {
        self.shared.log().clone()
    }

    /// Simulates an encoder connecting to (`started: true`) or leaving (`false`) the live
    /// stream `live_stream_id`.
    ///
    /// The live stream's `broadcasting` flag follows, and the subscribed webhooks receive
    /// `live-stream.broadcast.started` or `live-stream.broadcast.ended`. When a broadcast
    /// ends, its recording becomes a new video (with `source.liveStream` set) that
    /// `video.source.recorded` announces and that then encodes like an upload.
    ///
    /// Returns `false`, and does nothing, when no live stream has this id.
    pub fn trigger_broadcast(&self, live_stream_id: impl AsRef<str>, started: bool) -> bool {
        handlers::live::set_broadcasting(&self.shared, live_stream_id.as_ref(), started)
    }

    /// Stops the server and waits until every connection, timer and webhook delivery it
    /// started has ended.
    pub async fn shutdown(mut self) {
        self.shared.signal_shutdown();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.shared.join_background().await;
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shared.signal_shutdown();
        if let Some(server) = self.server.take() {
            server.abort();
        }
        self.shared.abort_background();
    }
}

/// Settings for a [`Simulator`]; get one with [`Simulator::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
///
/// let sim = apivideo_simulator::Simulator::builder()
///     .api_key("my-key")
///     .token_ttl(Duration::from_secs(2))
///     .encoding_delay(Duration::from_millis(300))
///     .rate_limit(60)
///     .port(0)
///     .start()
///     .await?;
/// assert_eq!(sim.api_key(), "my-key");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SimulatorBuilder {
    api_key: String,
    token_ttl: Duration,
    encoding_delay: Duration,
    rate_limit: u32,
    port: u16,
    video_restore: bool,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            token_ttl: DEFAULT_TOKEN_TTL,
            encoding_delay: DEFAULT_ENCODING_DELAY,
            rate_limit: DEFAULT_RATE_LIMIT,
            port: 0,
            video_restore: true,
        }
    }
}

impl SimulatorBuilder {
    /// The only API key accepted (default [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// Lifetime of bearer tokens, sent as `expires_in` (default one hour). A token is
    /// refused with 401 once it is over; sub-second lifetimes are announced as 0 s.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Time from a completed upload to a playable video (default
    /// [`DEFAULT_ENCODING_DELAY`]); `Duration::ZERO` makes videos playable at once.
    pub fn encoding_delay(mut self, delay: Duration) -> Self {
        self.encoding_delay = delay;
        self
    }

    /// Requests allowed per one-minute window (default [`DEFAULT_RATE_LIMIT`]); the next
    /// ones get 429 until the window ends. Can be lowered later with
    /// [`Faults::rate_limit`].
    pub fn rate_limit(mut self, requests_per_minute: u32) -> Self {
        self.rate_limit = requests_per_minute;
        self
    }

    /// The port to listen on; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Whether `DELETE /videos/{videoId}` only discards a video, which can then be listed
    /// under `/discarded/videos` and restored for 90 days (the default, api.video's
    /// Video Restore feature), or deletes it for good (`false`).
    pub fn video_restore(mut self, enabled: bool) -> Self {
        self.video_restore = enabled;
        self
    }

    /// Binds `127.0.0.1:port` and starts serving on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound.
    pub async fn start(self) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let config = state::Config {
            api_key: self.api_key,
            token_ttl: self.token_ttl,
            encoding_delay: self.encoding_delay,
            video_restore: self.video_restore,
            base_url: base_url.clone(),
        };
        let shared = Arc::new(state::Shared::new(config, self.rate_limit));
        let faults = Faults::new(Arc::clone(&shared));
        let server = tokio::spawn(server::accept_loop(listener, Arc::clone(&shared)));
        tracing::info!(%addr, "apivideo-simulator listening");
        Ok(Simulator {
            shared,
            faults,
            addr,
            base_url,
            server: Some(server),
        })
    }

    /// Runs a simulator until `stop` completes, then shuts it down; what the binary does
    /// with Ctrl-C. `on_ready` sees the simulator once it listens.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound.
    pub async fn serve_until(
        self,
        on_ready: impl FnOnce(&Simulator),
        stop: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let sim = self.start().await?;
        on_ready(&sim);
        stop.await;
        sim.shutdown().await;
        Ok(())
    }
}

/// One request as the simulator received it; see [`Simulator::received_requests`].
///
/// Credentials are never kept: only the scheme of the `Authorization` header is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// `"METHOD /template"`, e.g. `"POST /videos/{videoId}/source"`, the same string
    /// [`Simulator::request_count`] and [`Faults`] take. A request matching no route of
    /// the spec has `"METHOD <its path>"`.
    pub route: String,
    /// The path and query string as sent, e.g. `"/videos?currentPage=2&pageSize=25"`.
    pub path: String,
    /// The `Content-Range` header, when sent.
    pub content_range: Option<String>,
    /// The `Content-Type` header, when sent (for multipart bodies it names the boundary).
    pub content_type: Option<String>,
    /// The scheme of the `Authorization` header (`"Basic"`, `"Bearer"`, ...), when sent;
    /// the credentials themselves are never recorded.
    pub authorization: Option<String>,
    /// The status answered, or `None` when the connection was reset instead
    /// ([`Faults::reset_next`]).
    pub status: Option<u16>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn handles_can_be_shared_between_tasks() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<super::Simulator>();
        shareable::<super::Faults>();
        shareable::<super::RecordedRequest>();
    }
}
