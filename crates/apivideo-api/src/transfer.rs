//! One attempt on the wire: slow is not dead, silent is.
//!
//! reqwest's `read_timeout` runs from the start of a request until its answer's headers,
//! even while an upload body is still flowing, so a 50 MiB chunk on a slow uplink would
//! fail however healthy the link. Here the limit is on silence instead: the attempt fails
//! only when no byte of the body was taken by the connection for `silence` (the server
//! stopped reading), when no answer came `silence` after the body was sent, or when the
//! answer stops arriving for `silence`. The whole-request `timeout` stays separate and
//! opt-in.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::Either;
use http_body::{Body as HttpBody, Frame, SizeHint};
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Request, StatusCode, Url};
use tokio::time::Instant;

use crate::error::{Error, MAX_ANSWER_BYTES, MAX_ERROR_BYTES, Stage};

/// An answer read whole, within bounds.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) version: reqwest::Version,
    pub(crate) headers: HeaderMap,
    pub(crate) url: Url,
    pub(crate) body: Bytes,
}

impl Answer {
    /// The answer as a `reqwest::Response` again, for progenitor to decode.
    pub(crate) fn into_response(self) -> reqwest::Response {
        use reqwest::ResponseBuilderExt;
        let mut builder = http::Response::builder()
            .status(self.status)
            .version(self.version)
            .url(self.url);
        if let Some(headers) = builder.headers_mut() {
            *headers = self.headers;
        }
        match builder.body(reqwest::Body::from(self.body)) {
            Ok(response) => reqwest::Response::from(response),
            // Every part above came from a valid response.
            Err(_) => {
                reqwest::Response::from(http::Response::new(reqwest::Body::from(Vec::<u8>::new())))
            }
        }
    }
}

/// Limits of one attempt.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The longest silence tolerated at any stage.
    pub(crate) silence: Duration,
    /// The longest the whole attempt may take, if any.
    pub(crate) total: Option<Duration>,
}

/// Sends `request` and reads its answer whole, within `limits`. A redirect is an error,
/// never followed.
pub(crate) async fn send(
    client: &reqwest::Client,
    request: Request,
    limits: Limits,
) -> Result<Answer, Error> {
    let exchange = exchange(client, request, limits.silence);
    match limits.total {
        None => exchange.await,
        Some(total) => tokio::time::timeout(total, exchange)
            .await
            .unwrap_or(Err(Error::Timeout {
                stage: Stage::Whole,
                after: total,
            })),
    }
}

async fn exchange(
    client: &reqwest::Client,
    mut request: Request,
    silence: Duration,
) -> Result<Answer, Error> {
    let streamed = request.body().is_some_and(|b| b.as_bytes().is_none());
    // A body held in memory goes out at once: what follows is the wait for an answer.
    let stage = if streamed {
        Stage::SendingBody
    } else {
        Stage::WaitingForAnswer
    };
    let total = request
        .headers()
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let activity = Arc::new(Activity::new(stage, total));
    if streamed && let Some(body) = request.body_mut().take() {
        *request.body_mut() = Some(reqwest::Body::wrap(Watched::new(body, activity.clone())));
    }
    let origin = request.url().origin();
    let sending = std::pin::pin!(client.execute(request));
    let stalled = std::pin::pin!(activity.stalled(silence));
    let response = match futures_util::future::select(sending, stalled).await {
        Either::Left((response, _)) => response.map_err(Error::transport)?,
        Either::Right((stage, _)) => {
            return Err(Error::Timeout {
                stage,
                after: silence,
            });
        }
    };
    let status = response.status();
    if response.url().origin() != origin {
        // A client of the caller's own followed a redirect before we could refuse it.
        return Err(Error::Redirect {
            status,
            location: Some(response.url().origin().ascii_serialization()),
        });
    }
    if status.is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(without_query);
        return Err(Error::Redirect { status, location });
    }
    let (limit, truncate) = if status.is_success() {
        (MAX_ANSWER_BYTES, false)
    } else {
        (MAX_ERROR_BYTES, true)
    };
    let version = response.version();
    let headers = response.headers().clone();
    let url = response.url().clone();
    let body = read_body(response, silence, limit, truncate).await?;
    Ok(Answer {
        status,
        version,
        headers,
        url,
        body,
    })
}

/// A `Location` without its query: it is only for the message, and a query could hold
/// something that should not be logged.
fn without_query(location: &str) -> String {
    location
        .split_once('?')
        .map_or(location, |(before, _)| before)
        .to_owned()
}

/// Reads the body chunk by chunk, failing after `silence` without a chunk. Past `limit`
/// bytes, the rest is dropped (`truncate`) or the read fails with [`Error::TooLarge`].
async fn read_body(
    mut response: reqwest::Response,
    silence: Duration,
    limit: u64,
    truncate: bool,
) -> Result<Bytes, Error> {
    if !truncate && response.content_length().is_some_and(|len| len > limit) {
        return Err(Error::TooLarge { limit });
    }
    let mut body = bytes::BytesMut::new();
    loop {
        let chunk = tokio::time::timeout(silence, response.chunk())
            .await
            .map_err(|_| Error::Timeout {
                stage: Stage::ReadingAnswer,
                after: silence,
            })?
            .map_err(Error::transport)?;
        let Some(chunk) = chunk else {
            return Ok(body.freeze());
        };
        let room = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_sub(body.len());
        if chunk.len() > room {
            if truncate {
                body.extend_from_slice(chunk.get(..room).unwrap_or_default());
                return Ok(body.freeze());
            }
            return Err(Error::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
}

/// When bytes last moved, and what the request was doing then.
struct Activity {
    state: std::sync::Mutex<Progress>,
}

struct Progress {
    start: Instant,
    /// When silence starts counting: the last movement, or (once the body was handed
    /// over) when the server can be expected to have read it.
    quiet_since: Instant,
    stage: Stage,
    /// Body bytes handed to the connection.
    handed: u64,
    /// When 4/8, 5/8, 6/8 and 7/8 of the body had been handed over, and how much
    /// exactly: the points the link's rate is measured from.
    marks: [Option<(Instant, u64)>; 4],
    /// The body's length, when announced.
    total: Option<u64>,
}

/// Below this, a body handed over "slowly" is noise, not a measured link rate.
const MIN_RATE_WINDOW: Duration = Duration::from_millis(100);

impl Activity {
    fn new(stage: Stage, total: Option<u64>) -> Self {
        let now = Instant::now();
        Self {
            state: std::sync::Mutex::new(Progress {
                start: now,
                quiet_since: now,
                stage,
                handed: 0,
                marks: [None; 4],
                total,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connection took `bytes` more of the body.
    fn handed(&self, bytes: usize) {
        let mut progress = self.lock();
        let now = Instant::now();
        progress.quiet_since = now;
        progress.handed = progress.handed.saturating_add(bytes as u64);
        if let Some(total) = progress.total {
            let handed = progress.handed;
            for (eighths, mark) in (4u64..).zip(progress.marks.iter_mut()) {
                if mark.is_none() && handed.saturating_mul(8) >= total.saturating_mul(eighths) {
                    *mark = Some((now, handed));
                }
            }
        }
        if progress.total.is_some_and(|total| progress.handed >= total) {
            drop(progress);
            self.body_sent();
        }
    }

    /// The whole body was handed over: what follows is the wait for the answer.
    ///
    /// The operating system still holds the last part of the body (socket buffers of a
    /// few MiB), which a slow link takes a while to deliver, so the silence counts from
    /// when the server can be expected to have read it all: the body's length at the
    /// rate the link showed towards the end of the body. The buffers fill while the
    /// first part is handed over, which makes the link look faster than it is, for a
    /// stretch that depends on the operating system; so the rate is measured from the
    /// 4/8, 5/8, 6/8 and 7/8 marks to the end, and the slowest of these is believed.
    fn body_sent(&self) {
        let mut progress = self.lock();
        if progress.stage == Stage::WaitingForAnswer {
            return;
        }
        let now = Instant::now();
        progress.stage = Stage::WaitingForAnswer;
        progress.quiet_since = now;
        let Some(total) = progress.total else {
            return;
        };
        let handed = progress.handed;
        let expected = progress
            .marks
            .iter()
            .flatten()
            .filter_map(|&(at, bytes)| {
                let window = now.saturating_duration_since(at);
                let moved = handed.saturating_sub(bytes);
                if window < MIN_RATE_WINDOW || moved == 0 {
                    return None;
                }
                // Expected end = start + total / rate, rate = moved / window.
                let nanos = window
                    .as_nanos()
                    .saturating_mul(u128::from(total))
                    .checked_div(u128::from(moved))?;
                Some(Duration::from_nanos(
                    u64::try_from(nanos).unwrap_or(u64::MAX),
                ))
            })
            .max();
        if let Some(read_by) = expected.and_then(|expected| progress.start.checked_add(expected))
            && read_by > now
        {
            progress.quiet_since = read_by;
        }
    }

    /// Resolves once nothing moved for `silence`, with the stage it happened in.
    async fn stalled(&self, silence: Duration) -> Stage {
        loop {
            let (since, stage) = {
                let progress = self.lock();
                (progress.quiet_since, progress.stage)
            };
            // A silence too long to represent never ends.
            let Some(deadline) = since.checked_add(silence) else {
                return std::future::pending().await;
            };
            if Instant::now() >= deadline {
                return stage;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// The largest piece of body handed to the connection at once. The connection asks for
/// the next piece only when it has room for it, so each request for a piece is a sign of
/// progress; pieces far larger than what a slow link moves in `silence` would look like
/// silence while they drain.
const PIECE: usize = 64 * 1024;

/// A request body that reports each piece the connection takes, and its end.
struct Watched {
    inner: reqwest::Body,
    /// The rest of a large frame of `inner`, handed out piece by piece.
    pending: Bytes,
    activity: Arc<Activity>,
}

impl Watched {
    fn new(inner: reqwest::Body, activity: Arc<Activity>) -> Self {
        Self {
            inner,
            pending: Bytes::new(),
            activity,
        }
    }

    fn piece(&mut self) -> Bytes {
        let piece = self.pending.split_to(self.pending.len().min(PIECE));
        self.activity.handed(piece.len());
        piece
    }
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = reqwest::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, reqwest::Error>>> {
        if !self.pending.is_empty() {
            return Poll::Ready(Some(Ok(Frame::data(self.piece()))));
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => {
                    self.pending = data;
                    Poll::Ready(Some(Ok(Frame::data(self.piece()))))
                }
                Err(frame) => {
                    self.activity.handed(0);
                    Poll::Ready(Some(Ok(frame)))
                }
            },
            Poll::Ready(None) => {
                self.activity.body_sent();
                Poll::Ready(None)
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_empty() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let mut hint = self.inner.size_hint();
        let pending = self.pending.len() as u64;
        hint.set_lower(hint.lower().saturating_add(pending));
        if let Some(upper) = hint.upper() {
            hint.set_upper(upper.saturating_add(pending));
        }
        hint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_lose_their_query() {
        assert_eq!(
            without_query("https://evil.example/upload?token=to123"),
            "https://evil.example/upload"
        );
        assert_eq!(without_query("/videos"), "/videos");
    }

    #[tokio::test(start_paused = true)]
    async fn silence_is_measured_from_the_last_movement() {
        let activity = Activity::new(Stage::SendingBody, None);
        let silence = Duration::from_secs(2);
        tokio::time::advance(Duration::from_millis(1500)).await;
        activity.handed(10);
        let started = Instant::now();
        assert_eq!(activity.stalled(silence).await, Stage::SendingBody);
        assert_eq!(started.elapsed(), silence);
        activity.body_sent();
        let started = Instant::now();
        assert_eq!(activity.stalled(silence).await, Stage::WaitingForAnswer);
        assert_eq!(started.elapsed(), silence, "no rate measured: no allowance");
    }

    /// 10 MB handed over at 1 MB/s after a 4 MB burst (the socket buffers filling): the
    /// server can be expected to have read everything 10 s after the start, so the wait
    /// for the answer counts from there, not from the last byte handed over at 6 s.
    #[tokio::test(start_paused = true)]
    async fn the_wait_for_the_answer_allows_for_what_the_link_still_carries() {
        let activity = Activity::new(Stage::SendingBody, Some(10_000_000));
        activity.handed(4_000_000);
        for _ in 0..60 {
            tokio::time::advance(Duration::from_millis(100)).await;
            activity.handed(100_000);
        }
        let sent_at = Instant::now();
        assert_eq!(activity.lock().stage, Stage::WaitingForAnswer);
        let silence = Duration::from_secs(1);
        assert_eq!(activity.stalled(silence).await, Stage::WaitingForAnswer);
        let waited = sent_at.elapsed();
        assert!(
            (Duration::from_millis(4900)..=Duration::from_millis(5100)).contains(&waited),
            "{waited:?}"
        );
    }

    /// 10 MB: the first 6 MB handed over at 5 MB/s while the socket buffers fill, the
    /// rest at the 1 MB/s the server reads. Measured from the half-way mark the link
    /// looks 1.2 MB/s fast, and the wait would fail at 9.4 s while the server is still
    /// reading; the later marks see the true rate and allow until 10 s.
    #[tokio::test(start_paused = true)]
    async fn buffers_filling_past_the_half_way_mark_do_not_fool_the_allowance() {
        let activity = Activity::new(Stage::SendingBody, Some(10_000_000));
        for _ in 0..12 {
            tokio::time::advance(Duration::from_millis(100)).await;
            activity.handed(500_000);
        }
        for _ in 0..40 {
            tokio::time::advance(Duration::from_millis(100)).await;
            activity.handed(100_000);
        }
        let start = Instant::now()
            .checked_sub(Duration::from_millis(5200))
            .expect("paused clock");
        assert_eq!(activity.lock().stage, Stage::WaitingForAnswer);
        assert_eq!(
            activity.stalled(Duration::from_secs(1)).await,
            Stage::WaitingForAnswer
        );
        let waited = start.elapsed();
        assert!(
            (Duration::from_millis(10_900)..=Duration::from_millis(11_100)).contains(&waited),
            "the server reads until 10 s, the stall fires 1 s later: {waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_unrepresentable_silence_never_ends() {
        let activity = Activity::new(Stage::WaitingForAnswer, None);
        let waited =
            tokio::time::timeout(Duration::from_secs(3600), activity.stalled(Duration::MAX)).await;
        assert!(waited.is_err(), "a `Duration::MAX` read timeout fired");
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_sent_in_one_burst_gets_no_allowance() {
        let activity = Activity::new(Stage::SendingBody, Some(1000));
        activity.handed(1000);
        let sent_at = Instant::now();
        assert_eq!(
            activity.stalled(Duration::from_secs(1)).await,
            Stage::WaitingForAnswer
        );
        assert_eq!(sent_at.elapsed(), Duration::from_secs(1));
    }
}
