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
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
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
    let activity = Arc::new(Activity::new());
    let streamed = request.body().is_some_and(|b| b.as_bytes().is_none());
    if streamed {
        if let Some(body) = request.body_mut().take() {
            *request.body_mut() = Some(reqwest::Body::wrap(Watched {
                inner: body,
                activity: activity.clone(),
            }));
        }
    } else {
        // A body held in memory goes out at once: what follows is the wait for an answer.
        activity.stage(Stage::WaitingForAnswer);
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
    start: Instant,
    /// Milliseconds since `start` of the last movement.
    last: AtomicU64,
    stage: AtomicU8,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last: AtomicU64::new(0),
            stage: AtomicU8::new(0),
        }
    }

    fn touch(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
    }

    fn stage(&self, stage: Stage) {
        self.touch();
        let code = match stage {
            Stage::WaitingForAnswer => 1,
            _ => 0,
        };
        self.stage.store(code, Ordering::Relaxed);
    }

    fn current_stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            1 => Stage::WaitingForAnswer,
            _ => Stage::SendingBody,
        }
    }

    /// Resolves once nothing moved for `silence`, with the stage it happened in.
    async fn stalled(&self, silence: Duration) -> Stage {
        loop {
            let last = self
                .start
                .checked_add(Duration::from_millis(self.last.load(Ordering::Relaxed)))
                .unwrap_or(self.start);
            let deadline = last.checked_add(silence).unwrap_or(last);
            if Instant::now() >= deadline {
                return self.current_stage();
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A request body that reports each piece the connection takes, and its end.
struct Watched {
    inner: reqwest::Body,
    activity: Arc<Activity>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = reqwest::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, reqwest::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            // hyper may stop polling once the body says it ended, so the end is noted here.
            Poll::Ready(Some(Ok(_))) if self.inner.is_end_stream() => {
                self.activity.stage(Stage::WaitingForAnswer);
            }
            Poll::Ready(Some(Ok(_))) => self.activity.touch(),
            Poll::Ready(None) => self.activity.stage(Stage::WaitingForAnswer),
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
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
        let activity = Activity::new();
        let silence = Duration::from_secs(2);
        tokio::time::advance(Duration::from_millis(1500)).await;
        activity.touch();
        let started = Instant::now();
        assert_eq!(activity.stalled(silence).await, Stage::SendingBody);
        assert_eq!(started.elapsed(), silence);
        activity.stage(Stage::WaitingForAnswer);
        assert_eq!(activity.stalled(silence).await, Stage::WaitingForAnswer);
    }
}
