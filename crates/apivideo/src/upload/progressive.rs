//! Progressive uploads: parts of a source whose length is not known in advance.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use apivideo_api::models::Video;
use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::chunked::{Body, ContentRange, Job};
use super::source::Prepared;
use super::{MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, Progress, ProgressFn, Source, Target, UploadError};
use crate::Client;
use crate::call::Response;
use crate::error::{Error, Result};

/// Uploads a reader of unknown length: reads a chunk ahead to know which part is the last,
/// so two chunks are held in memory.
pub(crate) async fn stream_all(
    mut job: Job,
    mut reader: Box<dyn AsyncRead + Send + Unpin>,
) -> Result<Response<Video>> {
    let chunk_size = job.chunk_size;
    let mut current = read_up_to(&mut reader, chunk_size).await?;
    if current.is_empty() {
        return Err(Error::invalid("source", "the stream ended before any byte"));
    }
    let mut number: u32 = 1;
    loop {
        let next = match read_up_to(&mut reader, chunk_size).await {
            Ok(next) => next,
            Err(error) => return Err(stream_error(&job, error)),
        };
        let last = next.is_empty();
        let range = ContentRange::Part {
            number,
            total: last.then_some(number),
        };
        // Parts are numbered from 1, chunks from 0.
        let index = number.saturating_sub(1);
        let video = job
            .send_with_retries(&Body::Buffered(current), index, None, None, range)
            .await
            .map_err(|e| stream_error(&job, e))?;
        if last {
            return Ok(video);
        }
        if let Target::Token {
            video_id: id @ None,
            ..
        } = &mut job.target
        {
            *id = Some(video.value.video_id);
        }
        current = next;
        number = number.checked_add(1).ok_or_else(|| {
            stream_error(
                &job,
                Error::invalid("source", "the stream holds more parts than can be numbered"),
            )
        })?;
    }
}

/// A stream cannot be read twice, so a failed progressive upload cannot be resumed.
fn stream_error(job: &Job, source: Error) -> Error {
    Error::Upload(Box::new(UploadError {
        video_id: match &job.target {
            Target::Video(id) => Some(id.clone()),
            Target::Token { video_id, .. } => video_id.clone(),
        },
        resume: None,
        source,
    }))
}

pub(crate) async fn read_up_to(mut reader: impl AsyncRead + Unpin, limit: u64) -> Result<Bytes> {
    let mut buffer = Vec::with_capacity(limit.min(8 * 1024 * 1024) as usize);
    (&mut reader).take(limit).read_to_end(&mut buffer).await?;
    Ok(Bytes::from(buffer))
}

/// A progressive upload driven by the caller, for a file produced while it is uploaded
/// (a recording, a transcoder's output): send parts as they are ready, then the last.
///
/// ```no_run
/// # async fn run(client: apivideo::Client, parts: Vec<Vec<u8>>, last: Vec<u8>) -> apivideo::Result<()> {
/// let mut session = client
///     .videos()
///     .progressive_upload("vi4blUQJFrYWbaG44NChkH27")
///     .on_progress(|p| eprintln!("part {}: {} bytes sent", p.chunk_index + 1, p.bytes_sent));
/// for part in parts {
///     session.upload_part(part).await?; // each at least 5 MiB
/// }
/// let video = session.upload_last_part(last).await?;
/// # Ok(()) }
/// ```
///
/// Parts are numbered from 1 in the order they are sent, unless you number them yourself
/// with [`upload_part_at`](Self::upload_part_at) and
/// [`upload_last_part_at`](Self::upload_last_part_at): to send them out of order, or to
/// send one again. The server assembles the parts by number and completes the upload
/// when it has every part up to the last.
///
/// A part that fails (after the client's retries) leaves the session as it was: nothing
/// is consumed, and the next automatic number is the failed part's again, so calling the
/// same method with the same bytes sends it again. The session also keeps the failed
/// part's bytes: [`resend_failed_part`](Self::resend_failed_part) sends them again
/// without your having to keep or re-read them (a stream's bytes, for instance). This
/// holds for the last part too: a failed [`upload_last_part`](Self::upload_last_part)
/// can be sent again, and until it succeeds the upload is not complete.
pub struct ProgressiveUpload {
    client: Client,
    target: Target,
    progress: Option<ProgressFn>,
    /// Bytes reported by the progress callback, across parts.
    sent: Arc<AtomicU64>,
    /// The parts the server accepted.
    accepted: BTreeSet<u32>,
    /// The number of the last part, once the server accepted it.
    last: Option<u32>,
    failed: Option<FailedPart>,
}

/// A part whose sending failed, kept to be sent again.
struct FailedPart {
    number: u32,
    last: bool,
    body: Body,
}

impl std::fmt::Debug for ProgressiveUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressiveUpload")
            .field("target", &self.target)
            .field("accepted", &self.accepted)
            .field("last", &self.last)
            .field("failed_part", &self.failed_part())
            .finish_non_exhaustive()
    }
}

impl ProgressiveUpload {
    pub(crate) fn new(client: Client, target: Target) -> Self {
        Self {
            client,
            target,
            progress: None,
            sent: Arc::new(AtomicU64::new(0)),
            accepted: BTreeSet::new(),
            last: None,
            failed: None,
        }
    }

    /// Called as bytes of each part go out: `bytes_sent` counts every part of the session
    /// (an attempt that is retried counts from zero again), `chunk_index` is the part's
    /// number minus one, and `chunk_count` is known for the last part only. `total` is
    /// `None`: a progressive upload's size is not known in advance.
    #[must_use]
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The video receiving the parts (known after the first part of a token upload).
    pub fn video_id(&self) -> Option<&str> {
        self.target.video_id()
    }

    /// How many parts the server accepted.
    pub fn parts_sent(&self) -> u32 {
        u32::try_from(self.accepted.len()).unwrap_or(u32::MAX)
    }

    /// The parts (by number, from 1) the server accepted.
    pub fn accepted_parts(&self) -> impl Iterator<Item = u32> + '_ {
        self.accepted.iter().copied()
    }

    /// The number the next [`upload_part`](Self::upload_part) or
    /// [`upload_last_part`](Self::upload_last_part) will send: one more than the highest
    /// part accepted (so a part that failed is sent again under its own number).
    pub fn next_part_number(&self) -> u32 {
        self.accepted.last().map_or(1, |n| n.saturating_add(1))
    }

    /// The number of the part that failed and was not accepted since, if any.
    pub fn failed_part(&self) -> Option<u32> {
        self.failed.as_ref().map(|f| f.number)
    }

    /// Whether the server accepted the last part and every part before it: the upload
    /// is complete.
    pub fn is_complete(&self) -> bool {
        self.last
            .is_some_and(|last| (1..=last).all(|n| self.accepted.contains(&n)))
    }

    /// Sends the next part (5 MiB to 128 MiB) as `part <n>/*`, `n` being
    /// [`next_part_number`](Self::next_part_number).
    pub async fn upload_part(&mut self, part: impl Into<Source>) -> Result<Video> {
        let number = self.next_part_number();
        self.send_part(number, part.into(), false).await
    }

    /// Sends the last part (up to 128 MiB) as `part <n>/<n>`, `n` being
    /// [`next_part_number`](Self::next_part_number): the upload completes once the
    /// server has every part. If it fails, the session stays usable: send it again.
    pub async fn upload_last_part(&mut self, part: impl Into<Source>) -> Result<Video> {
        let number = self.next_part_number();
        self.send_part(number, part.into(), true).await
    }

    /// Sends a part under the number you give (from 1): parts may go in any order, and
    /// a part sent again with the same bytes is accepted once. Parts other than the last
    /// must hold 5 MiB to 128 MiB.
    ///
    /// ```no_run
    /// # async fn run(client: apivideo::Client, a: Vec<u8>, b: Vec<u8>, c: Vec<u8>) -> apivideo::Result<()> {
    /// let mut session = client.videos().progressive_upload("vi4blUQJFrYWbaG44NChkH27");
    /// session.upload_part_at(2, b).await?;      // ready first
    /// session.upload_part_at(1, a).await?;
    /// session.upload_last_part_at(3, c).await?; // part 3/3: complete
    /// # Ok(()) }
    /// ```
    pub async fn upload_part_at(&mut self, number: u32, part: impl Into<Source>) -> Result<Video> {
        self.send_part(number, part.into(), false).await
    }

    /// Sends the last part under the number you give, which is then the number of parts
    /// (`part <n>/<n>`).
    pub async fn upload_last_part_at(
        &mut self,
        number: u32,
        part: impl Into<Source>,
    ) -> Result<Video> {
        self.send_part(number, part.into(), true).await
    }

    /// Sends the part that failed again, with the bytes the session kept, under the same
    /// number (a last part stays the last). Fails with [`Error::InvalidInput`] when no
    /// part failed.
    ///
    /// ```no_run
    /// # async fn run(client: apivideo::Client, last: Vec<u8>) -> apivideo::Result<()> {
    /// let mut session = client.videos().progressive_upload("vi4blUQJFrYWbaG44NChkH27");
    /// let video = match session.upload_last_part(last).await {
    ///     Ok(video) => video,
    ///     Err(error) if error.is_rate_limited() || error.status().is_none() => {
    ///         session.resend_failed_part().await?
    ///     }
    ///     Err(error) => return Err(error),
    /// };
    /// # Ok(()) }
    /// ```
    ///
    /// With an upload token, a first part whose answer was lost may have created a video
    /// the session does not know of: sending it again creates another.
    pub async fn resend_failed_part(&mut self) -> Result<Video> {
        let Some(failed) = self.failed.take() else {
            return Err(Error::invalid("part", "no part failed"));
        };
        let (number, last) = (failed.number, failed.last);
        let result = self.send_body(number, last, failed.body.clone()).await;
        if result.is_err() && self.failed.is_none() {
            self.failed = Some(failed);
        }
        result
    }

    async fn send_part(&mut self, number: u32, part: Source, last: bool) -> Result<Video> {
        match &self.target {
            Target::Video(id) if id.trim().is_empty() => {
                return Err(Error::invalid("video_id", "must not be empty"));
            }
            Target::Token { token, .. } if token.trim().is_empty() => {
                return Err(Error::invalid("token", "must not be empty"));
            }
            _ => {}
        }
        if number == 0 {
            return Err(Error::invalid("part", "parts are numbered from 1"));
        }
        if self.is_complete() {
            return Err(Error::invalid(
                "part",
                "the upload is complete: the server has every part",
            ));
        }
        if let Some(total) = self
            .last
            .filter(|total| number > *total || (last && number != *total))
        {
            return Err(Error::invalid(
                "part",
                format!("the last part, {total}, was accepted: part {number} cannot be sent"),
            ));
        }
        if last && let Some(beyond) = self.accepted.iter().find(|n| **n > number) {
            return Err(Error::invalid(
                "part",
                format!("part {beyond} was accepted, so the last part cannot be {number}"),
            ));
        }
        let body = self.part_body(part, last).await?;
        self.send_body(number, last, body).await
    }

    /// Sends a part's bytes; keeps them when the part fails.
    async fn send_body(&mut self, number: u32, last: bool, body: Body) -> Result<Video> {
        let range = ContentRange::Part {
            number,
            total: last.then_some(number),
        };
        let job = Job {
            client: self.client.clone(),
            target: self.target.clone(),
            file_name: "video.mp4".to_owned(),
            chunk_size: MAX_CHUNK_SIZE,
            concurrency: 1,
            progress: self.progress.clone(),
            sent: self.sent.clone(),
        };
        let count = last.then_some(number);
        // Parts are numbered from 1 (`send_part` refuses 0), chunks from 0.
        let index = number.saturating_sub(1);
        let result = job
            .send_with_retries(&body, index, count, None, range)
            .await;
        match result {
            Ok(response) => {
                let video = response.into_value();
                self.accepted.insert(number);
                if self.failed.as_ref().is_some_and(|f| f.number == number) {
                    self.failed = None;
                }
                if last {
                    self.last = Some(number);
                }
                // A token upload's first part created the video; the next parts must name it.
                if let Target::Token {
                    video_id: id @ None,
                    ..
                } = &mut self.target
                {
                    *id = Some(video.video_id.clone());
                }
                Ok(video)
            }
            Err(error) => {
                self.failed = Some(FailedPart { number, last, body });
                Err(error)
            }
        }
    }

    async fn part_body(&self, source: Source, last: bool) -> Result<Body> {
        let (prepared, _) = source.prepare("part").await?;
        // Sizes are checked before anything is read into memory.
        let check = |len: u64| -> Result<()> {
            if len > MAX_CHUNK_SIZE {
                return Err(Error::invalid(
                    "part",
                    format!("{len} bytes is more than 128 MiB"),
                ));
            }
            if !last && len < MIN_CHUNK_SIZE {
                return Err(Error::invalid(
                    "part",
                    format!("{len} bytes is less than 5 MiB; only the last part may be smaller"),
                ));
            }
            if len == 0 {
                return Err(Error::invalid("part", "the part is empty"));
            }
            Ok(())
        };
        let body = match prepared {
            Prepared::Ranged { data, len } => {
                check(len)?;
                Body::Ranged(data, 0..len)
            }
            Prepared::Sequential { reader, len } => {
                check(len)?;
                reader.plan([0]).await;
                Body::Buffered(reader.read(0..len).await?)
            }
            Prepared::Unknown(mut reader) => {
                // A stream's length is only known by reading it: at most one byte past the
                // limit is held before it is refused.
                let bytes = read_up_to(&mut reader, MAX_CHUNK_SIZE + 1).await?;
                check(bytes.len() as u64)?;
                Body::Buffered(bytes)
            }
        };
        Ok(body)
    }
}
