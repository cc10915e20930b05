//! Sending an upload request again: multipart bodies are streams, so the request hooks
//! cannot repeat them; the upload layer rebuilds the body and repeats it here.

use std::future::Future;

use apivideo_api::multipart::FilePart;
use apivideo_api::retry::{Outcome, RETRY_AFTER, RetryReason, transport_outcome};
use reqwest::header::{HeaderMap, HeaderValue};

use super::chunked::Body;
use super::source::Prepared;
use super::{MAX_CHUNK_SIZE, Source};
use crate::Client;
use crate::error::{Error, Result};

/// Runs `attempt` until it succeeds or the client's retry policy gives up; after a 401,
/// once more at once (the hooks dropped the refused credentials, so fresh ones go).
/// `idempotent` says whether a request that may have reached the server can be repeated.
pub(crate) async fn with_retries<T, F, Fut>(
    client: &Client,
    idempotent: bool,
    what: &str,
    mut attempt: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let policy = client.low_level().context().retry_policy().clone();
    let mut number = 1;
    let mut reauthorized = false;
    loop {
        let error = match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if error.status() == Some(reqwest::StatusCode::UNAUTHORIZED) && !reauthorized {
            reauthorized = true;
            tracing::info!(what, "refused with 401; retrying with fresh credentials");
            continue;
        }
        match wait_before_retry(&policy, number, idempotent, &error) {
            Some((wait, reason)) => {
                tracing::info!(what, attempt = number, wait_ms = wait.as_millis() as u64, %reason, "retrying");
                tokio::time::sleep(wait).await;
                number += 1;
            }
            None => return Err(error),
        }
    }
}

fn wait_before_retry(
    policy: &apivideo_api::RetryPolicy,
    attempt: u32,
    idempotent: bool,
    error: &Error,
) -> Option<(std::time::Duration, RetryReason)> {
    match error {
        Error::Api(api) => {
            let mut headers = HeaderMap::new();
            if let Some(seconds) = api.rate_limit.retry_after {
                headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
            }
            policy.decide(attempt, idempotent, Outcome::Response(api.status, &headers))
        }
        Error::Transport(error) => policy.decide(attempt, idempotent, transport_outcome(error)),
        _ => None,
    }
}

/// Uploads one file in one multipart request (thumbnails, captions, logos...): checks the
/// source, then sends it with retries, rebuilding the body for each attempt. A reader is
/// read into memory first (these files are small; at most 128 MiB).
pub(crate) async fn send_file<T, F, Fut>(
    client: &Client,
    source: Source,
    default_name: &str,
    idempotent: bool,
    send: F,
) -> Result<T>
where
    F: Fn(FilePart) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let (prepared, name) = source.prepare(default_name).await?;
    let body = match prepared {
        Prepared::Ranged { data, len } => Body::Ranged(data, 0..len),
        Prepared::Sequential { reader, len } => {
            if len > MAX_CHUNK_SIZE {
                return Err(Error::invalid("source", "at most 128 MiB in one request"));
            }
            reader.plan([0]).await;
            Body::Buffered(reader.read(0..len).await?)
        }
        Prepared::Unknown(reader) => {
            let bytes = super::progressive::read_up_to(reader, MAX_CHUNK_SIZE + 1).await?;
            if bytes.is_empty() {
                return Err(Error::invalid("source", "the stream ended before any byte"));
            }
            if bytes.len() as u64 > MAX_CHUNK_SIZE {
                return Err(Error::invalid("source", "at most 128 MiB in one request"));
            }
            Body::Buffered(bytes)
        }
    };
    with_retries(client, idempotent, default_name, || {
        let file = FilePart::from_body(
            reqwest::Body::wrap_stream(body.stream()),
            Some(body.len()),
            name.clone(),
        );
        send(file)
    })
    .await
}
