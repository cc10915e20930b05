//! [`Call`], what every single-request method returns, and [`Response`], a value with
//! what the API said about it ([`Metadata`]).
//!
//! A call is a future: `.await` it for the value, as if the method were an `async fn`.
//! When you also want the answer's status, headers, rate-limit headers or request id,
//! call [`with_metadata`](Call::with_metadata) before awaiting:
//!
//! ```no_run
//! # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
//! let video = client.videos().get("vi4blUQJFrYWbaG44NChkH27").await?;
//!
//! let response = client
//!     .videos()
//!     .get("vi4blUQJFrYWbaG44NChkH27")
//!     .with_metadata()
//!     .await?;
//! println!(
//!     "{}: {:?} requests left in this window, request id {:?}",
//!     response.value.video_id,
//!     response.rate_limit().remaining,
//!     response.request_id(),
//! );
//! let video = response.into_value();
//! # Ok(()) }
//! ```
//!
//! Why one type rather than a `*_with_metadata` twin per method: the plain call stays as
//! short as it was, the metadata is one word away on every call, and the crate keeps one
//! implementation of it. Lists carry their metadata on each [`Page`](crate::Page)
//! (and [`ListRequest::pages`](crate::ListRequest::pages) streams pages); uploads offer
//! [`Upload::with_metadata`](crate::upload::Upload::with_metadata) for the request that
//! completed them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use apivideo_api::ResponseValue;
use futures_util::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::{RateLimit, Result};

/// What a successful answer said besides its body: status, headers, and the two headers
/// read for you, the rate limit and the request id.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metadata {
    /// The HTTP status (200, 201, 204...).
    pub status: StatusCode,
    /// Every header of the answer.
    pub headers: HeaderMap,
    /// `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Retry-After` (the
    /// time until the window resets), read by the same parser as error answers'.
    pub rate_limit: RateLimit,
    /// The request id the server sent, to quote to api.video's support.
    pub request_id: Option<String>,
}

impl Metadata {
    /// The metadata of an answer with this status and these headers.
    pub fn new(status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            rate_limit: RateLimit::from_headers(&headers),
            request_id: apivideo_api::request_id(&headers),
            status,
            headers,
        }
    }
}

/// A value and the [`Metadata`] of the answer that carried it; from
/// [`Call::with_metadata`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Response<T> {
    /// What the call returns when awaited plainly.
    pub value: T,
    /// Status, headers, rate limit, request id.
    pub metadata: Metadata,
}

impl<T> Response<T> {
    /// A value with its metadata.
    pub fn new(value: T, metadata: Metadata) -> Self {
        Self { value, metadata }
    }

    /// The value, without the metadata.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.metadata.status
    }

    /// Every header of the answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.metadata.headers
    }

    /// The rate-limit headers.
    pub fn rate_limit(&self) -> RateLimit {
        self.metadata.rate_limit
    }

    /// The request id, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.metadata.request_id.as_deref()
    }

    /// The same metadata with another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            metadata: self.metadata,
        }
    }
}

impl<T> From<ResponseValue<T>> for Response<T> {
    /// The value of a low-level answer, with its status and headers.
    fn from(answer: ResponseValue<T>) -> Self {
        let metadata = Metadata::new(answer.status(), answer.headers().clone());
        Self::new(answer.into_inner(), metadata)
    }
}

/// One API call: a future of its value, or, with [`with_metadata`](Self::with_metadata),
/// of its value and the answer's [`Metadata`]. Nothing is sent until it is awaited (or
/// polled); arguments are checked then too, before anything is sent.
///
/// It is `Send + 'static`, so it can be spawned or joined like any future.
#[must_use = "a call does nothing until awaited"]
pub struct Call<T> {
    inner: BoxFuture<'static, Result<Response<T>>>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Call<T> {
    pub(crate) fn new(future: impl Future<Output = Result<Response<T>>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(future),
        }
    }

    /// The value and the [`Metadata`] of the answer that carried it.
    pub fn with_metadata(self) -> WithMetadata<T> {
        WithMetadata { inner: self.inner }
    }
}

impl<T> Future for Call<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner
            .as_mut()
            .poll(cx)
            .map(|result| result.map(Response::into_value))
    }
}

/// A [`Call`] that gives its value with the answer's [`Metadata`]; from
/// [`Call::with_metadata`].
#[must_use = "a call does nothing until awaited"]
pub struct WithMetadata<T> {
    inner: BoxFuture<'static, Result<Response<T>>>,
}

impl<T> fmt::Debug for WithMetadata<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithMetadata").finish_non_exhaustive()
    }
}

impl<T> Future for WithMetadata<T> {
    type Output = Result<Response<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_reads_the_rate_limit_and_request_id_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "60".parse().expect("valid"));
        headers.insert("x-ratelimit-remaining", "59".parse().expect("valid"));
        headers.insert("x-request-id", "req-1".parse().expect("valid"));
        let metadata = Metadata::new(StatusCode::CREATED, headers);
        assert_eq!(metadata.rate_limit.limit, Some(60));
        assert_eq!(metadata.rate_limit.remaining, Some(59));
        assert_eq!(metadata.request_id.as_deref(), Some("req-1"));
        let response = Response::new(3, metadata).map(|n| n * 2);
        assert_eq!(response.value, 6);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.request_id(), Some("req-1"));
    }

    #[tokio::test]
    async fn a_call_is_lazy_and_gives_its_value_or_its_metadata() {
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = polled.clone();
        let call = Call::new(async move {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(Response::new(
                "v",
                Metadata::new(StatusCode::OK, HeaderMap::new()),
            ))
        });
        assert!(!polled.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(call.await.expect("ok"), "v");
        let call = Call::new(async {
            Ok(Response::new(
                1,
                Metadata::new(StatusCode::ACCEPTED, HeaderMap::new()),
            ))
        });
        let response = call.with_metadata().await.expect("ok");
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
}
