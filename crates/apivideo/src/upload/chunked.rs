//! The [`Upload`] builder and the chunked upload engine.

use std::collections::BTreeSet;
use std::future::IntoFuture;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use apivideo_api::models::{
    BytesRange, TokenUploadPayload, Video, VideoCreationPayload, VideoUploadPayload,
};
use apivideo_api::multipart::FilePart;
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tracing::Instrument;

use super::resume::{ChunkConfirmed, ConfirmedFn};
use super::source::{Prepared, Ranged, Sequential};
use super::{
    DEFAULT_CHUNK_SIZE, DEFAULT_CONCURRENCY, Fingerprint, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, Progress,
    ProgressFn, Resume, Source, Target, UploadError,
};
use crate::Client;
use crate::call::{Call, Response, WithMetadata};
use crate::error::{Error, Result};

/// The byte range of chunk `index`. Both ends are clamped to `total`, so saturating at
/// `u64::MAX` (a resume record's chunk size is not bounded) still gives the right range.
pub(crate) fn chunk_range(index: u32, chunk_size: u64, total: u64) -> Range<u64> {
    let start = u64::from(index).saturating_mul(chunk_size);
    start.min(total)..start.saturating_add(chunk_size).min(total)
}

fn chunk_count(total: u64, chunk_size: u64) -> u32 {
    u32::try_from(total.div_ceil(chunk_size).max(1)).unwrap_or(u32::MAX)
}

/// How the upload starts.
enum Start {
    /// Upload to a target (a video, or a token).
    Target(Target),
    /// Create the video first.
    Create(Box<VideoCreationPayload>),
    /// Carry on an interrupted upload.
    Resume(Resume),
    /// Carry on from what the status endpoint says was received.
    FromStatus(String),
}

/// An upload in preparation; `.await` it for the final [`Video`]. Created by
/// [`Videos::upload`](crate::resources::Videos::upload) and friends.
#[must_use = "an upload does nothing until awaited"]
pub struct Upload {
    client: Client,
    start: Start,
    source: Source,
    chunk_size: u64,
    /// `None`: the default for the source (see [`Upload::concurrency`]).
    concurrency: Option<usize>,
    progress: Option<ProgressFn>,
    on_confirmed: Option<ConfirmedFn>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("source", &self.source)
            .field("chunk_size", &self.chunk_size)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl Upload {
    pub(crate) fn to_video(client: Client, video_id: &str, source: Source) -> Self {
        Self::new(
            client,
            Start::Target(Target::Video(video_id.to_owned())),
            source,
        )
    }

    pub(crate) fn with_token(client: Client, token: &str, source: Source) -> Self {
        Self::new(
            client,
            Start::Target(Target::Token {
                token: token.to_owned(),
                video_id: None,
            }),
            source,
        )
    }

    pub(crate) fn create(client: Client, payload: VideoCreationPayload, source: Source) -> Self {
        Self::new(client, Start::Create(Box::new(payload)), source)
    }

    pub(crate) fn resume(client: Client, resume: Resume, source: Source) -> Self {
        let chunk_size = resume.chunk_size;
        let mut upload = Self::new(client, Start::Resume(resume), source);
        upload.chunk_size = chunk_size;
        upload
    }

    pub(crate) fn from_status(client: Client, video_id: &str, source: Source) -> Self {
        Self::new(client, Start::FromStatus(video_id.to_owned()), source)
    }

    fn new(client: Client, start: Start, source: Source) -> Self {
        Self {
            client,
            start,
            source,
            chunk_size: DEFAULT_CHUNK_SIZE,
            concurrency: None,
            progress: None,
            on_confirmed: None,
        }
    }

    /// Bytes per chunk, from 5 MiB to 128 MiB (default 50 MiB). A source no larger than
    /// one chunk goes in a single request. Outside the range, the upload fails before
    /// sending anything.
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = bytes;
        self
    }

    /// Chunks in flight at once, at least 1. The default is
    /// [`DEFAULT_CONCURRENCY`](super::DEFAULT_CONCURRENCY) (4) for files and bytes, and 1
    /// for a reader of known length, whose chunks are each held in memory while they are
    /// in flight (a file's are read from disk as they are sent, so its memory does not
    /// grow with the chunk size). A stream of unknown length is sent one part at a time
    /// whatever this says.
    ///
    /// Why 4: api.video takes the chunks of a byte-range upload in any order, and one TCP
    /// connection is capped by its window on a long link (a high round-trip time), where
    /// several are not; each chunk in flight gets its own HTTP/1.1 connection. Measured
    /// with a server reading each connection at 25 MiB/s, a 200 MiB upload in 20 MiB
    /// chunks took 2.4 to 2.9 times less time with 4 in flight than with 1 (the figures
    /// and the command are in the repository's README). Four keeps most of that gain with
    /// few connections. A file's memory grows with the chunks in flight, not with their
    /// size: about 35 MiB resident for a 1 GiB file in 128 MiB chunks, 4 at a time (17 MiB
    /// one at a time). Use 1 to send strictly in order.
    pub fn concurrency(mut self, chunks: usize) -> Self {
        self.concurrency = Some(chunks);
        self
    }

    /// Called as bytes go out, with the bytes sent, the total, and the chunk.
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// Called each time the server accepts a chunk (the last one included), so a
    /// [`Resume`] kept elsewhere can be updated as the upload goes. Chunked uploads of
    /// sources of known length only; progressive uploads report nothing.
    pub fn on_chunk_confirmed(
        mut self,
        callback: impl Fn(ChunkConfirmed) + Send + Sync + 'static,
    ) -> Self {
        self.on_confirmed = Some(Arc::new(callback));
        self
    }

    /// The uploaded video and the [`Metadata`](crate::Metadata) of the answer that
    /// completed the upload (its rate limit, its request id).
    ///
    /// ```no_run
    /// # use std::path::Path;
    /// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
    /// let response = client
    ///     .videos()
    ///     .upload("vi4blUQJFrYWbaG44NChkH27", Path::new("talk.mp4"))
    ///     .with_metadata()
    ///     .await?;
    /// println!("{} (request {:?})", response.value.video_id, response.request_id());
    /// # Ok(()) }
    /// ```
    pub fn with_metadata(self) -> WithMetadata<Video> {
        Call::new(self.run()).with_metadata()
    }

    async fn run(self) -> Result<Response<Video>> {
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size) {
            return Err(Error::invalid(
                "chunk_size",
                format!(
                    "{} bytes is outside 5 MiB..=128 MiB ({MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE})",
                    self.chunk_size
                ),
            ));
        }
        if self.concurrency == Some(0) {
            return Err(Error::invalid(
                "concurrency",
                "at least one chunk must be in flight",
            ));
        }
        match &self.start {
            Start::Target(Target::Video(id)) | Start::FromStatus(id) if id.trim().is_empty() => {
                return Err(Error::invalid("video_id", "must not be empty"));
            }
            Start::Target(Target::Token { token, .. }) if token.trim().is_empty() => {
                return Err(Error::invalid("token", "must not be empty"));
            }
            Start::Create(payload) if payload.title.trim().is_empty() => {
                return Err(Error::invalid("payload.title", "must not be empty"));
            }
            _ => {}
        }
        // The source is checked before anything is created or sent.
        let (prepared, file_name) = self.source.prepare("video.mp4").await?;
        let fingerprint = Fingerprint::of_prepared(&prepared).await?;
        let (target, confirmed) = match self.start {
            Start::Target(target) => (target, BTreeSet::new()),
            Start::Create(payload) => {
                let video = self.client.videos().create(*payload).await?;
                (Target::Video(video.video_id), BTreeSet::new())
            }
            Start::Resume(resume) => {
                let len = match &prepared {
                    Prepared::Ranged { len, .. } | Prepared::Sequential { len, .. } => Some(*len),
                    Prepared::Unknown(_) => None,
                };
                if len != Some(resume.total) {
                    return Err(Error::invalid(
                        "source",
                        format!(
                            "the interrupted upload was {} bytes; this source is {}",
                            resume.total,
                            len.map_or_else(|| "of unknown length".to_owned(), |l| l.to_string())
                        ),
                    ));
                }
                resume.check_source(fingerprint.as_ref())?;
                (resume.target, resume.confirmed)
            }
            Start::FromStatus(video_id) => {
                let len = match &prepared {
                    Prepared::Ranged { len, .. } | Prepared::Sequential { len, .. } => *len,
                    Prepared::Unknown(_) => {
                        return Err(Error::invalid(
                            "source",
                            "resuming needs a source of known length",
                        ));
                    }
                };
                let status = self.client.videos().status(&video_id).await?;
                let received = status.ingest.map(|i| i.received_bytes).unwrap_or_default();
                let confirmed = confirmed_chunks(&received, self.chunk_size, len);
                (Target::Video(video_id), confirmed)
            }
        };
        let job = Job {
            client: self.client,
            target,
            file_name,
            chunk_size: self.chunk_size,
            concurrency: self.concurrency.unwrap_or(match &prepared {
                Prepared::Ranged { .. } => DEFAULT_CONCURRENCY,
                Prepared::Sequential { .. } | Prepared::Unknown(_) => 1,
            }),
            progress: self.progress,
            sent: Arc::new(AtomicU64::new(0)),
        };
        let on_confirmed = self.on_confirmed;
        let result = match prepared {
            Prepared::Ranged { data, len } => {
                job.chunked(Data::Ranged(data), len, confirmed, on_confirmed)
                    .await
            }
            Prepared::Sequential { reader, len } => {
                job.chunked(Data::Sequential(reader), len, confirmed, on_confirmed)
                    .await
            }
            Prepared::Unknown(reader) => super::progressive::stream_all(job, reader).await,
        };
        result.map_err(|e| super::resume::with_fingerprint(e, fingerprint))
    }
}

impl IntoFuture for Upload {
    type Output = Result<Video>;
    type IntoFuture = Call<Video>;
    fn into_future(self) -> Self::IntoFuture {
        Call::new(self.run())
    }
}

/// Chunks wholly inside what the server says it received.
pub(crate) fn confirmed_chunks(
    received: &[BytesRange],
    chunk_size: u64,
    total: u64,
) -> BTreeSet<u32> {
    // `to` is inclusive, as in Content-Range.
    let mut ranges: Vec<(u64, u64)> = received
        .iter()
        .filter_map(|r| {
            let (from, to) = (r.from?, r.to?);
            // `to` is at most `i64::MAX`: the end fits in a `u64`.
            (from >= 0 && to >= from).then(|| (from as u64, (to as u64).saturating_add(1)))
        })
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    (0..chunk_count(total, chunk_size))
        .filter(|&i| {
            let range = chunk_range(i, chunk_size, total);
            merged
                .iter()
                .any(|&(s, e)| s <= range.start && range.end <= e)
        })
        .collect()
}

/// Where chunk bytes come from.
#[derive(Clone)]
pub(crate) enum Data {
    Ranged(Arc<Ranged>),
    Sequential(Arc<Sequential>),
}

/// One upload under way.
pub(crate) struct Job {
    pub(crate) client: Client,
    pub(crate) target: Target,
    pub(crate) file_name: String,
    pub(crate) chunk_size: u64,
    pub(crate) concurrency: usize,
    pub(crate) progress: Option<ProgressFn>,
    pub(crate) sent: Arc<AtomicU64>,
}

/// One request's worth of bytes, re-creatable for retries.
#[derive(Clone)]
pub(crate) enum Body {
    Ranged(Arc<Ranged>, Range<u64>),
    Buffered(Bytes),
}

impl Body {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Self::Ranged(_, range) => range.end.saturating_sub(range.start),
            Self::Buffered(bytes) => bytes.len() as u64,
        }
    }

    /// The first bytes (at most 16), to recognise images by.
    pub(crate) async fn head(&self) -> std::io::Result<Bytes> {
        use futures_util::TryStreamExt;
        let end = self.len().min(16);
        let first = match self {
            Self::Ranged(ranged, range) => {
                let start = range.start;
                // `start + end` is within the range, whose end is a `u64`.
                std::pin::pin!(ranged.body(start..start.saturating_add(end)))
                    .try_next()
                    .await?
            }
            Self::Buffered(bytes) => Some(bytes.slice(..end as usize)),
        };
        Ok(first.unwrap_or_default())
    }

    /// A fresh stream of the bytes, for one attempt.
    pub(crate) fn stream(
        &self,
    ) -> futures_util::stream::BoxStream<'static, std::io::Result<Bytes>> {
        match self {
            Self::Ranged(ranged, range) => ranged.body(range.clone()).boxed(),
            Self::Buffered(bytes) => futures_util::stream::iter([Ok(bytes.clone())]).boxed(),
        }
    }
}

/// What to put in `Content-Range`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ContentRange {
    /// The whole source in one request: no header.
    Whole,
    /// `bytes <from>-<to>/<total>`.
    Bytes { range: (u64, u64), total: u64 },
    /// `part <n>/<total>` or `part <n>/*`.
    Part { number: u32, total: Option<u32> },
}

impl ContentRange {
    fn header(self) -> Option<String> {
        match self {
            Self::Whole => None,
            // Inclusive end; a chunk is never empty when there are several.
            Self::Bytes {
                range: (start, end),
                total,
            } => Some(format!("bytes {start}-{}/{total}", end.saturating_sub(1))),
            Self::Part {
                number,
                total: Some(total),
            } => Some(format!("part {number}/{total}")),
            Self::Part {
                number,
                total: None,
            } => Some(format!("part {number}/*")),
        }
    }
}

impl Job {
    fn upload_error(&self, confirmed: Option<(&BTreeSet<u32>, u64)>, source: Error) -> Error {
        let resume = confirmed.map(|(confirmed, total)| Resume {
            target: self.target.clone(),
            total,
            chunk_size: self.chunk_size,
            confirmed: confirmed.clone(),
            fingerprint: None,
        });
        Error::Upload(Box::new(UploadError {
            video_id: self.target.video_id().map(str::to_owned),
            resume,
            source,
        }))
    }

    /// Sends every unconfirmed chunk: the first alone for a token upload that has no video
    /// yet, then the middle ones `concurrency` at a time, then the last.
    async fn chunked(
        mut self,
        data: Data,
        total: u64,
        mut confirmed: BTreeSet<u32>,
        on_confirmed: Option<ConfirmedFn>,
    ) -> Result<Response<Video>> {
        let count = chunk_count(total, self.chunk_size);
        // `chunk_count` is at least 1.
        let last = count.saturating_sub(1);
        let todo: Vec<u32> = (0..count).filter(|i| !confirmed.contains(i)).collect();
        if todo.is_empty() {
            return match &self.target {
                Target::Video(id) => self.client.videos().get(id).with_metadata().await,
                Target::Token { .. } => Err(Error::invalid(
                    "resume",
                    "every chunk was already confirmed",
                )),
            };
        }
        if let Data::Sequential(reader) = &data {
            reader
                .plan(
                    todo.iter()
                        .map(|&i| chunk_range(i, self.chunk_size, total).start),
                )
                .await;
        }
        let span = tracing::info_span!(
            "apivideo.upload",
            video_id = self.target.video_id().unwrap_or(""),
            total,
            chunks = count,
            chunk_size = self.chunk_size,
        );
        async move {
            let range_of = |i: u32| -> ContentRange {
                if count == 1 {
                    ContentRange::Whole
                } else {
                    let r = chunk_range(i, self.chunk_size, total);
                    ContentRange::Bytes {
                        range: (r.start, r.end),
                        total,
                    }
                }
            };
            let mut middle: std::collections::VecDeque<u32> =
                todo.iter().copied().filter(|&i| i != last).collect();

            // A token upload creates its video with the first chunk; the others must name it.
            if matches!(self.target, Target::Token { video_id: None, .. })
                && let Some(first) = middle.pop_front()
            {
                let video = self
                    .send_chunk(&data, first, count, total, range_of(first))
                    .await
                    .map_err(|e| self.upload_error(Some((&confirmed, total)), e))?;
                if let Target::Token { video_id, .. } = &mut self.target {
                    *video_id = Some(video.value.video_id.clone());
                }
                confirmed.insert(first);
                self.report_confirmed(on_confirmed.as_ref(), first, total, None);
            }

            let mut in_flight = FuturesUnordered::new();
            loop {
                while in_flight.len() < self.concurrency {
                    let Some(index) = middle.pop_front() else {
                        break;
                    };
                    let job = &self;
                    let data = &data;
                    in_flight.push(async move {
                        (
                            index,
                            job.send_chunk(data, index, count, total, range_of(index))
                                .await,
                        )
                    });
                }
                match in_flight.next().await {
                    Some((index, Ok(_))) => {
                        confirmed.insert(index);
                        self.report_confirmed(on_confirmed.as_ref(), index, total, None);
                    }
                    Some((_, Err(error))) => {
                        // Chunks still in flight are dropped (cancelled); only confirmed ones count.
                        drop(in_flight);
                        return Err(self.upload_error(Some((&confirmed, total)), error));
                    }
                    None => break,
                }
            }
            drop(in_flight);

            let video = if confirmed.contains(&last) {
                // The server already has the last chunk (a resume from its status): the
                // upload completed when it arrived.
                match &self.target {
                    Target::Video(id) => self.client.videos().get(id).with_metadata().await,
                    Target::Token { .. } => Err(Error::invalid(
                        "resume",
                        "the last chunk was already confirmed",
                    )),
                }
            } else {
                self.send_chunk(&data, last, count, total, range_of(last))
                    .await
                    .inspect(|video| {
                        let id = Some(video.value.video_id.as_str());
                        self.report_confirmed(on_confirmed.as_ref(), last, total, id);
                    })
            };
            video.map_err(|e| self.upload_error(Some((&confirmed, total)), e))
        }
        .instrument(span)
        .await
    }

    /// One chunk, read (sequential sources) and sent, retried alone as the policy says.
    async fn send_chunk(
        &self,
        data: &Data,
        index: u32,
        count: u32,
        total: u64,
        range: ContentRange,
    ) -> Result<Response<Video>> {
        let bytes = chunk_range(index, self.chunk_size, total);
        let body = match data {
            Data::Ranged(ranged) => {
                ranged.check_len(total)?;
                Body::Ranged(ranged.clone(), bytes)
            }
            Data::Sequential(reader) => Body::Buffered(reader.read(bytes).await?),
        };
        let sent = self
            .send_with_retries(&body, index, Some(count), Some(total), range)
            .await;
        // A file that shrank while this chunk was read fails inside the request body,
        // where it looks like a broken connection: the size change is the real cause.
        if sent.is_err()
            && let Body::Ranged(ranged, _) = &body
        {
            ranged.check_len(total)?;
        }
        sent
    }

    /// Sends `body` as one request. The request path sends it again after retryable
    /// failures (re-sending a chunk is idempotent: the server keeps one copy of each
    /// range), reading the bytes afresh for each attempt; progress counts each attempt
    /// from zero.
    pub(crate) async fn send_with_retries(
        &self,
        body: &Body,
        index: u32,
        count: Option<u32>,
        total: Option<u64>,
        range: ContentRange,
    ) -> Result<Response<Video>> {
        let counted = Arc::new(AtomicU64::new(0));
        let file = {
            let (body, sent, counted) = (body.clone(), self.sent.clone(), counted.clone());
            let progress = self.progress.clone();
            FilePart::replayable(body.len(), &[], self.file_name.clone(), move || {
                // A new attempt: what the previous one sent no longer counts.
                sent.fetch_sub(counted.swap(0, Ordering::Relaxed), Ordering::Relaxed);
                let (sent, counted, progress) = (sent.clone(), counted.clone(), progress.clone());
                let stream = body.stream().map(move |block| {
                    if let Ok(block) = &block {
                        let n = block.len() as u64;
                        counted.fetch_add(n, Ordering::Relaxed);
                        let bytes_sent = sent.fetch_add(n, Ordering::Relaxed).saturating_add(n);
                        if let Some(progress) = &progress {
                            progress(Progress {
                                bytes_sent,
                                total,
                                chunk_index: index,
                                chunk_count: count,
                            });
                        }
                    }
                    block
                });
                reqwest::Body::wrap_stream(stream)
            })
        };
        let header = range.header();
        let result = match &self.target {
            Target::Video(video_id) => {
                let payload = VideoUploadPayload::new(file);
                self.client
                    .upload_call(|api| {
                        api.post_videos_video_id_source(video_id, header.as_deref(), payload)
                    })
                    .await
            }
            Target::Token { token, video_id } => {
                let mut payload = TokenUploadPayload::new(file);
                if let Some(video_id) = video_id {
                    payload = payload.video_id(video_id.clone());
                }
                self.client
                    .upload_call(|api| api.post_upload(token, header.as_deref(), payload))
                    .await
            }
        };
        if result.is_err() {
            self.sent
                .fetch_sub(counted.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(from: i64, to: i64) -> BytesRange {
        BytesRange::new().from(from).to(to).total(100)
    }

    #[test]
    fn chunks_cover_the_source_exactly() {
        assert_eq!(chunk_range(0, 40, 100), 0..40);
        assert_eq!(chunk_range(2, 40, 100), 80..100);
        assert_eq!(chunk_count(100, 40), 3);
        assert_eq!(chunk_count(80, 40), 2);
        assert_eq!(chunk_count(1, 40), 1);
    }

    #[test]
    fn extreme_values_saturate_instead_of_overflowing() {
        // A resume record may carry any chunk size; the server any range end.
        assert_eq!(chunk_range(2, u64::MAX, 100), 100..100);
        assert_eq!(
            chunk_range(u32::MAX, u64::MAX / 2, u64::MAX),
            u64::MAX..u64::MAX
        );
        assert_eq!(
            confirmed_chunks(&[range(0, i64::MAX)], 40, 100),
            BTreeSet::from([0, 1, 2])
        );
    }

    #[test]
    fn confirmed_chunks_are_the_ones_fully_received() {
        let received = [range(0, 39), range(40, 59)];
        assert_eq!(confirmed_chunks(&received, 40, 100), BTreeSet::from([0]));
        let received = [range(40, 79), range(0, 39), range(80, 99)];
        assert_eq!(
            confirmed_chunks(&received, 40, 100),
            BTreeSet::from([0, 1, 2])
        );
        assert!(confirmed_chunks(&[], 40, 100).is_empty());
    }

    #[test]
    fn chunk_ranges_tile_the_source() {
        assert_eq!(chunk_range(1, 40, 100), 40..80);
        // Past the end: empty, at the end, never beyond.
        assert_eq!(chunk_range(3, 40, 100), 100..100);
        assert_eq!(chunk_count(120, 40), 3);
        assert_eq!(chunk_count(121, 40), 4);
        let mib = 1024 * 1024;
        for (total, size) in [(100, 40), (120, 40), (1, 40), (15 * mib + 1, 5 * mib)] {
            let count = chunk_count(total, size);
            let ranges: Vec<_> = (0..count).map(|i| chunk_range(i, size, total)).collect();
            assert_eq!(ranges[0].start, 0, "{total}/{size}");
            assert_eq!(ranges[ranges.len() - 1].end, total, "{total}/{size}");
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "{total}/{size}");
            }
            assert!(
                ranges
                    .iter()
                    .all(|r| !r.is_empty() && r.end - r.start <= size),
                "{total}/{size}: {ranges:?}"
            );
        }
    }

    #[test]
    fn received_ranges_merge_where_they_touch_and_only_there() {
        // Two ranges meeting at byte 20 cover chunk 0 together; in any order.
        assert_eq!(
            confirmed_chunks(&[range(20, 59), range(0, 19)], 40, 100),
            BTreeSet::from([0])
        );
        // Overlapping ones too.
        assert_eq!(
            confirmed_chunks(&[range(30, 79), range(0, 35)], 40, 100),
            BTreeSet::from([0, 1])
        );
        // A one-byte gap (byte 39) confirms neither chunk around it...
        assert_eq!(
            confirmed_chunks(&[range(0, 38), range(40, 99)], 40, 100),
            BTreeSet::from([1, 2])
        );
        // ...and `to` is inclusive: the last byte of a chunk is needed, and enough.
        assert_eq!(confirmed_chunks(&[range(0, 38)], 40, 100), BTreeSet::new());
        assert_eq!(
            confirmed_chunks(&[range(0, 39)], 40, 100),
            BTreeSet::from([0])
        );
    }

    #[test]
    fn nonsense_ranges_confirm_nothing() {
        for nonsense in [range(-1, 99), range(0, -2), range(60, 10)] {
            assert!(
                confirmed_chunks(std::slice::from_ref(&nonsense), 40, 100).is_empty(),
                "{nonsense:?}"
            );
        }
        let open = BytesRange::new().from(0).total(100);
        assert!(confirmed_chunks(&[open], 40, 100).is_empty());
    }

    #[test]
    fn a_resume_counts_the_bytes_of_its_chunks() {
        let resume = Resume {
            target: Target::Video("vi1".to_owned()),
            total: 100,
            chunk_size: 40,
            confirmed: BTreeSet::from([0, 2]),
            fingerprint: None,
        };
        assert_eq!(resume.confirmed_chunks().collect::<Vec<_>>(), [0, 2]);
        // 40 bytes of chunk 0, and the 20 of the short last chunk.
        assert_eq!(resume.confirmed_bytes(), 60);
        assert_eq!((resume.total(), resume.chunk_size()), (100, 40));
    }

    #[test]
    fn content_ranges_are_spelled_as_the_spec_says() {
        assert_eq!(ContentRange::Whole.header(), None);
        assert_eq!(
            ContentRange::Bytes {
                range: (0, 5_242_880),
                total: 10_000_000
            }
            .header()
            .as_deref(),
            Some("bytes 0-5242879/10000000")
        );
        assert_eq!(
            ContentRange::Part {
                number: 2,
                total: None
            }
            .header()
            .as_deref(),
            Some("part 2/*")
        );
        assert_eq!(
            ContentRange::Part {
                number: 3,
                total: Some(3)
            }
            .header()
            .as_deref(),
            Some("part 3/3")
        );
    }
}
