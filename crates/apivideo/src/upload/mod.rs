//! Uploads: whole files, chunked and parallel, resumable, progressive.

mod source;

pub use source::Source;

/// An upload that stopped before it completed.
#[derive(Debug, thiserror::Error)]
#[error("upload of video {video_id:?} stopped: {source}")]
#[non_exhaustive]
pub struct UploadError {
    /// The video being uploaded, when one exists.
    pub video_id: Option<String>,
    /// Why it stopped.
    #[source]
    pub source: crate::Error,
}
