//! Uploads: whole files, chunked and parallel, resumable, progressive.
//!
//! The entry points live with their resource: [`Videos`](crate::resources::Videos) uploads
//! with the API key, [`UploadTokens`](crate::resources::UploadTokens) with an upload token.
//! This module holds what they return and report.
//!
//! ```no_run
//! use std::path::Path;
//! # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
//! let video = client
//!     .videos()
//!     .upload("vi4blUQJFrYWbaG44NChkH27", Path::new("talk.mp4"))
//!     .chunk_size(50 * 1024 * 1024)
//!     .concurrency(3)
//!     .on_progress(|p| eprintln!("{}/{:?} bytes", p.bytes_sent, p.total))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! How it works:
//! - A file is cut into chunks sent with `Content-Range: bytes <from>-<to>/<total>`, up to
//!   [`concurrency`](Upload::concurrency) at a time (4 by default, each on its own
//!   HTTP/1.1 connection, so a long link is not capped by one connection's window), each
//!   read from disk as it is sent, a block at a time (never held whole in memory: about
//!   35 MiB resident for a 1 GiB file in 128 MiB chunks, 4 at a time, and 17 MiB one at a
//!   time). The last chunk completes the upload, so it goes only after every other chunk
//!   was accepted.
//! - A failed chunk (connection error, 5xx, 429) is sent again alone, with the client's
//!   [`RetryPolicy`](crate::RetryPolicy); the others keep going. If it still fails, the
//!   [`UploadError`] says which video and which chunks the server confirmed, and
//!   [`Videos::resume`](crate::resources::Videos::resume) sends only the rest.
//! - A reader of known length is read in order, one chunk per concurrent slot held in
//!   memory (one slot unless you ask for more); a reader of unknown length goes through
//!   a progressive upload (`part <n>/*`, then `part <n>/<n>`), holding two chunks.
//! - Dropping the future stops everything: nothing is spawned.

mod chunked;
mod file;
mod fingerprint;
mod progressive;
mod resume;
mod source;

pub(crate) use file::send_file;

use std::collections::BTreeSet;
use std::sync::Arc;

pub use chunked::Upload;
pub use fingerprint::Fingerprint;
pub use progressive::ProgressiveUpload;
pub use resume::ChunkConfirmed;
pub use source::Source;

/// The smallest chunk api.video accepts (5 MiB), the last one apart.
pub const MIN_CHUNK_SIZE: u64 = 5 * 1024 * 1024;
/// The largest chunk api.video accepts (128 MiB).
pub const MAX_CHUNK_SIZE: u64 = 128 * 1024 * 1024;
/// The chunk size used unless set (50 MiB).
pub const DEFAULT_CHUNK_SIZE: u64 = 50 * 1024 * 1024;
/// Chunks of a file (or of bytes in memory) in flight at once unless set: 4. A reader of
/// known length sends one at a time unless set, since each of its chunks in flight is held
/// in memory. See [`Upload::concurrency`] for why.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Where an upload goes.
#[derive(Clone)]
pub(crate) enum Target {
    /// `POST /videos/{videoId}/source`, with the API key.
    Video(String),
    /// `POST /upload?token=...`: no API key; every chunk after the first names the video
    /// the first one created.
    Token {
        token: String,
        video_id: Option<String>,
    },
}

impl Target {
    fn video_id(&self) -> Option<&str> {
        match self {
            Self::Video(id) => Some(id),
            Self::Token { video_id, .. } => video_id.as_deref(),
        }
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Video(id) => f.debug_tuple("Video").field(id).finish(),
            // An upload token lets anyone upload: keep it out of logs.
            Self::Token { video_id, .. } => f
                .debug_struct("Token")
                .field("token", &"[REDACTED]")
                .field("video_id", video_id)
                .finish(),
        }
    }
}

/// Where an upload stands, reported as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes handed to the connection so far (a retried chunk counts from zero again).
    pub bytes_sent: u64,
    /// The size of the source, when known.
    pub total: Option<u64>,
    /// The chunk (or part) this report is about, from 0.
    pub chunk_index: u32,
    /// How many chunks there are, when known.
    pub chunk_count: Option<u32>,
}

pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// What an interrupted upload had achieved, to carry on with
/// [`Videos::resume`](crate::resources::Videos::resume) without re-sending confirmed data.
///
/// It is data you may keep (in a file, a database) and read back in another process: it
/// serializes with serde as
/// `{"videoId": "vi…", "total": 12582912, "chunkSize": 5242880, "confirmedChunks": [0, 1],
/// "fingerprint": {"size": 12582912, "sha256": "…"}}`; these field names are stable.
/// An upload token is never written: a token upload serializes as `"uploadToken": true`
/// (with `videoId` once the first chunk created the video), and the token must be given
/// back with [`with_upload_token`](Self::with_upload_token) to resume.
///
/// When the source was a file or bytes, the [`Fingerprint`] is kept too, and resuming
/// refuses a source with another one (a changed or different file).
#[derive(Clone, Debug)]
pub struct Resume {
    pub(crate) target: Target,
    pub(crate) total: u64,
    pub(crate) chunk_size: u64,
    pub(crate) confirmed: BTreeSet<u32>,
    pub(crate) fingerprint: Option<Fingerprint>,
}

impl Resume {
    /// The video being uploaded, when one exists already.
    pub fn video_id(&self) -> Option<&str> {
        self.target.video_id()
    }

    /// The size of the source.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The chunk size in use (resuming uses it again).
    pub fn chunk_size(&self) -> u64 {
        self.chunk_size
    }

    /// The chunks (from 0) the server accepted.
    pub fn confirmed_chunks(&self) -> impl Iterator<Item = u32> + '_ {
        self.confirmed.iter().copied()
    }

    /// How many bytes the server accepted.
    pub fn confirmed_bytes(&self) -> u64 {
        self.confirmed
            .iter()
            .map(|&i| chunked::chunk_range(i, self.chunk_size, self.total))
            .map(|r| r.end.saturating_sub(r.start))
            .sum()
    }
}

/// An upload that stopped before it completed.
#[derive(Debug, thiserror::Error)]
#[error(
    "upload{} stopped after {} confirmed bytes",
    video_id.as_ref().map(|id| format!(" of video {id}")).unwrap_or_default(),
    resume.as_ref().map_or(0, Resume::confirmed_bytes)
)]
#[non_exhaustive]
pub struct UploadError {
    /// The video being uploaded, when one was created.
    pub video_id: Option<String>,
    /// What was confirmed, to resume from; `None` when nothing can be resumed (for
    /// example a progressive upload of a stream, whose bytes are gone).
    pub resume: Option<Resume>,
    /// Why it stopped.
    #[source]
    pub source: crate::Error,
}
