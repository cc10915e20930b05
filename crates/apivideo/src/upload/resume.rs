//! [`Resume`] as data a program may keep (a journal, a database row), and
//! [`ChunkConfirmed`], the event that keeps it current while an upload runs.

use std::collections::BTreeSet;
use std::future::Future;
use std::ops::Range;
use std::sync::Arc;

use super::chunked::{Job, chunk_range};
use super::source::{Prepared, Ranged};
use super::{Fingerprint, Resume, Target};
use crate::error::{Error, Result};

/// A chunk the server accepted, reported by
/// [`Upload::on_chunk_confirmed`](super::Upload::on_chunk_confirmed) as soon as its
/// answer arrives: record it, and a later run can [`Resume`] without sending it again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkConfirmed {
    /// The video the chunk belongs to.
    pub video_id: String,
    /// The chunk, from 0.
    pub index: u32,
    /// Its bytes in the source.
    pub range: Range<u64>,
    /// The size of the source.
    pub total: u64,
    /// How many chunks the upload has.
    pub chunk_count: u32,
}

pub(crate) type ConfirmedFn = Arc<dyn Fn(ChunkConfirmed) + Send + Sync>;

impl Job {
    /// Tells the caller that chunk `index` was confirmed.
    pub(crate) fn report_confirmed(
        &self,
        on_confirmed: Option<&ConfirmedFn>,
        index: u32,
        total: u64,
        video_id: Option<&str>,
    ) {
        let (Some(report), Some(video_id)) = (on_confirmed, video_id.or(self.target.video_id()))
        else {
            return;
        };
        report(ChunkConfirmed {
            video_id: video_id.to_owned(),
            index,
            range: chunk_range(index, self.chunk_size, total),
            total,
            chunk_count: u32::try_from(total.div_ceil(self.chunk_size).max(1)).unwrap_or(u32::MAX),
        });
    }
}

impl Fingerprint {
    /// The fingerprint of a prepared source, when it is a file or bytes (the future
    /// holds no borrow of the source, which is not `Sync`).
    pub(crate) fn of_prepared(
        prepared: &Prepared,
    ) -> impl Future<Output = Result<Option<Self>>> + Send + use<> {
        let file = match prepared {
            Prepared::Ranged { data, .. } => match &**data {
                Ranged::File(file) => Ok(file.clone()),
                Ranged::Bytes(bytes) => Err(Some(Self::of_bytes(bytes))),
            },
            Prepared::Sequential { .. } | Prepared::Unknown(_) => Err(None),
        };
        async move {
            match file {
                Ok(file) => Self::of_shared_file(file).await.map(Some),
                Err(known) => Ok(known),
            }
        }
    }
}

/// Puts the source's fingerprint in the [`Resume`] of an interrupted upload.
pub(crate) fn with_fingerprint(error: Error, fingerprint: Option<Fingerprint>) -> Error {
    match error {
        Error::Upload(mut upload) => {
            if let Some(resume) = &mut upload.resume
                && resume.fingerprint.is_none()
            {
                resume.fingerprint = fingerprint;
            }
            Error::Upload(upload)
        }
        other => other,
    }
}

impl Resume {
    /// What is known of an interrupted upload to the video `video_id` (with the API key):
    /// the size of the source, the chunk size it used, and the chunks (from 0) the server
    /// confirmed. Add the source's [`Fingerprint`] with
    /// [`with_fingerprint`](Self::with_fingerprint) so resuming checks it is the same.
    pub fn new(
        video_id: impl Into<String>,
        total: u64,
        chunk_size: u64,
        confirmed: impl IntoIterator<Item = u32>,
    ) -> Self {
        Self {
            target: Target::Video(video_id.into()),
            total,
            chunk_size,
            confirmed: confirmed.into_iter().collect(),
            fingerprint: None,
        }
    }

    /// The source must have this fingerprint to be resumed.
    #[must_use]
    pub fn with_fingerprint(mut self, fingerprint: Fingerprint) -> Self {
        self.fingerprint = Some(fingerprint);
        self
    }

    /// The fingerprint of the source, when it was a file or bytes.
    pub fn fingerprint(&self) -> Option<&Fingerprint> {
        self.fingerprint.as_ref()
    }

    /// Records one more confirmed chunk (as reported by
    /// [`Upload::on_chunk_confirmed`](super::Upload::on_chunk_confirmed)).
    pub fn confirm_chunk(&mut self, index: u32) {
        self.confirmed.insert(index);
    }

    /// How many chunks the upload has.
    pub fn chunk_count(&self) -> u32 {
        u32::try_from(self.total.div_ceil(self.chunk_size.max(1)).max(1)).unwrap_or(u32::MAX)
    }

    /// Whether the upload went through an upload token rather than the API key.
    pub fn uses_upload_token(&self) -> bool {
        matches!(self.target, Target::Token { .. })
    }

    /// Gives back the upload token of a token upload read from its serialized form, which
    /// never holds the token. Does nothing to an upload made with the API key.
    #[must_use]
    pub fn with_upload_token(mut self, upload_token: impl Into<String>) -> Self {
        if let Target::Token { token, .. } = &mut self.target {
            *token = upload_token.into();
        }
        self
    }

    /// Refuses a source other than the one the upload was sending, and a token upload
    /// whose token was not given back.
    pub(crate) fn check_source(&self, fingerprint: Option<&Fingerprint>) -> Result<()> {
        if let Target::Token { token, .. } = &self.target
            && token.trim().is_empty()
        {
            return Err(Error::invalid(
                "resume",
                "this upload used an upload token, which is never stored with it; \
                 give it back with Resume::with_upload_token",
            ));
        }
        match (&self.fingerprint, fingerprint) {
            (Some(expected), Some(actual)) if expected != actual => Err(Error::invalid(
                "source",
                format!(
                    "this is not the file the interrupted upload was sending: it was \
                     ({expected}), this source is ({actual})"
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// The serialized form of a [`Resume`].
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    video_id: Option<String>,
    /// `true` for a token upload; the token itself is never written.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    upload_token: bool,
    total: u64,
    chunk_size: u64,
    confirmed_chunks: BTreeSet<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<Fingerprint>,
}

impl serde::Serialize for Resume {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Record {
            video_id: self.target.video_id().map(str::to_owned),
            upload_token: self.uses_upload_token(),
            total: self.total,
            chunk_size: self.chunk_size,
            confirmed_chunks: self.confirmed.clone(),
            fingerprint: self.fingerprint.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Resume {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let record = Record::deserialize(deserializer)?;
        if record.chunk_size == 0 {
            return Err(D::Error::custom("chunkSize must be more than 0"));
        }
        let target = match (record.upload_token, record.video_id) {
            (true, video_id) => Target::Token {
                token: String::new(),
                video_id,
            },
            (false, Some(video_id)) => Target::Video(video_id),
            (false, None) => {
                return Err(D::Error::custom(
                    "videoId is required unless uploadToken is true",
                ));
            }
        };
        let resume = Self {
            target,
            total: record.total,
            chunk_size: record.chunk_size,
            confirmed: record.confirmed_chunks,
            fingerprint: record.fingerprint,
        };
        if let Some(&index) = resume.confirmed.last()
            && index >= resume.chunk_count()
        {
            return Err(D::Error::custom(format!(
                "chunk {index} is beyond the last chunk ({})",
                resume.chunk_count().saturating_sub(1)
            )));
        }
        Ok(resume)
    }
}
