//! Progressive uploads: parts of a source whose length is not known in advance.

use apivideo_api::models::Video;
use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::chunked::{Body, ContentRange, Job};
use super::source::Prepared;
use super::{MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, Source, Target, UploadError};
use crate::Client;
use crate::error::{Error, Result};

/// Uploads a reader of unknown length: reads a chunk ahead to know which part is the last,
/// so two chunks are held in memory.
pub(crate) async fn stream_all(
    mut job: Job,
    mut reader: Box<dyn AsyncRead + Send + Unpin>,
) -> Result<Video> {
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
        let video = job
            .send_with_retries(&Body::Buffered(current), number - 1, None, None, range)
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
            *id = Some(video.video_id);
        }
        current = next;
        number += 1;
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
/// let mut session = client.videos().progressive_upload("vi4blUQJFrYWbaG44NChkH27");
/// for part in parts {
///     session.upload_part(part).await?; // each at least 5 MiB
/// }
/// let video = session.upload_last_part(last).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ProgressiveUpload {
    client: Client,
    target: Target,
    parts_sent: u32,
}

impl ProgressiveUpload {
    pub(crate) fn new(client: Client, target: Target) -> Self {
        Self {
            client,
            target,
            parts_sent: 0,
        }
    }

    /// The video receiving the parts (known after the first part of a token upload).
    pub fn video_id(&self) -> Option<&str> {
        self.target.video_id()
    }

    /// How many parts were accepted.
    pub fn parts_sent(&self) -> u32 {
        self.parts_sent
    }

    /// Sends the next part (5 MiB to 128 MiB), sent as `part <n>/*`.
    pub async fn upload_part(&mut self, part: impl Into<Source>) -> Result<Video> {
        self.send_part(part.into(), false).await
    }

    /// Sends the last part (up to 128 MiB), completing the upload: `part <n>/<n>`.
    pub async fn upload_last_part(mut self, part: impl Into<Source>) -> Result<Video> {
        self.send_part(part.into(), true).await
    }

    async fn send_part(&mut self, part: Source, last: bool) -> Result<Video> {
        match &self.target {
            Target::Video(id) if id.trim().is_empty() => {
                return Err(Error::invalid("video_id", "must not be empty"));
            }
            Target::Token { token, .. } if token.trim().is_empty() => {
                return Err(Error::invalid("token", "must not be empty"));
            }
            _ => {}
        }
        let body = self.part_body(part, last).await?;
        let number = self.parts_sent + 1;
        let range = ContentRange::Part {
            number,
            total: last.then_some(number),
        };
        let video = self.send(body, range).await?;
        self.parts_sent = number;
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

    async fn send(&self, body: Body, range: ContentRange) -> Result<Video> {
        let job = Job {
            client: self.client.clone(),
            target: self.target.clone(),
            file_name: "video.mp4".to_owned(),
            chunk_size: MAX_CHUNK_SIZE,
            concurrency: 1,
            progress: None,
            sent: Default::default(),
        };
        let index = self.parts_sent;
        job.send_with_retries(&body, index, None, None, range).await
    }
}
