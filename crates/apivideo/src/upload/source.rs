//! What can be uploaded.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncRead;

use crate::error::{Error, Result};

/// Something to upload: a file path, an open file, bytes, or a reader.
///
/// Files (by path or open) are read range by range, never whole; a reader of known length
/// is read chunk by chunk in order; a reader of unknown length ([`Source::stream`]) goes
/// through a progressive upload.
///
/// Upload methods take `impl Into<Source>`, so pass what you hold: a `&Path`, a
/// `PathBuf` or a `&PathBuf`, a `tokio::fs::File`, or bytes (`Vec<u8>`, `Bytes`,
/// `&'static [u8]`). A path held as a string goes through [`Source::path`]: a string
/// alone does not convert, since it could as well be the content to upload.
///
/// ```
/// use std::path::{Path, PathBuf};
/// use apivideo::upload::Source;
///
/// let held = PathBuf::from("talk.mp4");
/// let from_path_buf_ref = Source::from(&held);
/// let from_path_buf = Source::from(held.clone());
/// let from_path = Source::from(Path::new("talk.mp4"));
/// let from_str = Source::path("videos/talk.mp4");
/// let from_string = Source::path(String::from("videos/talk.mp4"));
/// let from_bytes = Source::from(vec![0u8; 16]).file_name("clip.mp4");
/// let from_reader = Source::reader(tokio::io::empty(), 0);
/// ```
///
/// ```no_run
/// # use std::path::PathBuf;
/// use apivideo::models::VideoCreationPayload;
/// use apivideo::upload::Source;
/// # async fn run(client: apivideo::Client, path_buf: PathBuf, name: String) -> apivideo::Result<()> {
/// client.videos().create_and_upload(VideoCreationPayload::new("Talk"), &path_buf).await?;
/// client.videos().create_and_upload(VideoCreationPayload::new("Talk"), Source::path(name)).await?;
/// # Ok(()) }
/// ```
pub struct Source {
    pub(crate) kind: Kind,
    pub(crate) file_name: Option<String>,
}

pub(crate) enum Kind {
    Path(PathBuf),
    File(tokio::fs::File),
    Bytes(Bytes),
    Reader {
        reader: Box<dyn AsyncRead + Send + Unpin>,
        len: u64,
    },
    Stream(Box<dyn AsyncRead + Send + Unpin>),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.kind {
            Kind::Path(path) => format!("Path({})", path.display()),
            Kind::File(_) => "File".to_owned(),
            Kind::Bytes(bytes) => format!("Bytes({} bytes)", bytes.len()),
            Kind::Reader { len, .. } => format!("Reader({len} bytes)"),
            Kind::Stream(_) => "Stream(unknown length)".to_owned(),
        };
        f.debug_struct("Source")
            .field("kind", &kind)
            .field("file_name", &self.file_name)
            .finish()
    }
}

impl Source {
    /// The file at `path`: a `&str` or `String` naming a file, as well as any path type.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self {
            kind: Kind::Path(path.into()),
            file_name: None,
        }
    }

    /// An open file, read from its start.
    pub fn file(file: tokio::fs::File) -> Self {
        Self {
            kind: Kind::File(file),
            file_name: None,
        }
    }

    /// Bytes in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: Kind::Bytes(bytes.into()),
            file_name: None,
        }
    }

    /// A reader that yields exactly `len` bytes.
    pub fn reader(reader: impl AsyncRead + Send + Unpin + 'static, len: u64) -> Self {
        Self {
            kind: Kind::Reader {
                reader: Box::new(reader),
                len,
            },
            file_name: None,
        }
    }

    /// A reader of unknown length (a recording in progress, a transcoder's output): sent
    /// as a progressive upload, one part per chunk, the last part when it ends.
    pub fn stream(reader: impl AsyncRead + Send + Unpin + 'static) -> Self {
        Self {
            kind: Kind::Stream(Box::new(reader)),
            file_name: None,
        }
    }

    /// A stream of byte blocks (an HTTP download, a channel's receiver, an encoder's
    /// output), of unknown length: sent like [`stream`](Self::stream), as a progressive
    /// upload. An error from the stream stops the upload and is returned as
    /// [`Error::Io`](crate::Error::Io).
    ///
    /// ```
    /// use apivideo::upload::Source;
    /// use bytes::Bytes;
    ///
    /// let blocks = futures_util::stream::iter([
    ///     Ok::<_, std::io::Error>(Bytes::from_static(b"first block")),
    ///     Ok(Bytes::from_static(b"second block")),
    /// ]);
    /// let source = Source::byte_stream(blocks).file_name("recording.mp4");
    /// ```
    pub fn byte_stream<S, E>(stream: S) -> Self
    where
        S: futures_core::Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::{StreamExt, TryStreamExt};
        let blocks = stream.map_err(std::io::Error::other).boxed();
        Self::stream(tokio_util::io::StreamReader::new(blocks))
    }

    /// The file name announced to the API (default: the path's, or a generic one).
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The name to announce for this source.
    pub(crate) fn name_or(&self, default: &str) -> String {
        if let Some(name) = &self.file_name {
            return name.clone();
        }
        match &self.kind {
            Kind::Path(path) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| default.to_owned()),
            _ => default.to_owned(),
        }
    }
}

/// Checks that `path` is a readable regular file; returns its length.
pub(crate) async fn check_file(path: &Path) -> Result<u64> {
    let metadata = tokio::fs::metadata(path)
        .await
        .map_err(|e| read_error(path, &e))?;
    if metadata.is_dir() {
        return Err(Error::invalid(
            "source",
            format!("{} is a directory", path.display()),
        ));
    }
    if !metadata.is_file() {
        return Err(Error::invalid(
            "source",
            format!("{} is not a regular file", path.display()),
        ));
    }
    // Opening proves it can be read (permissions), before any request is sent.
    tokio::fs::File::open(path)
        .await
        .map_err(|e| read_error(path, &e))?;
    Ok(metadata.len())
}

pub(crate) fn read_error(path: &Path, error: &std::io::Error) -> Error {
    let reason = match error.kind() {
        std::io::ErrorKind::NotFound => format!("{} does not exist", path.display()),
        std::io::ErrorKind::PermissionDenied => {
            format!("{} cannot be read (permission denied)", path.display())
        }
        _ => format!("{} cannot be read: {error}", path.display()),
    };
    Error::invalid("source", reason)
}

impl From<PathBuf> for Source {
    fn from(path: PathBuf) -> Self {
        Self::path(path)
    }
}

impl From<&Path> for Source {
    fn from(path: &Path) -> Self {
        Self::path(path)
    }
}

impl From<&PathBuf> for Source {
    fn from(path: &PathBuf) -> Self {
        Self::path(path)
    }
}

impl From<tokio::fs::File> for Source {
    fn from(file: tokio::fs::File) -> Self {
        Self::file(file)
    }
}

impl From<Bytes> for Source {
    fn from(bytes: Bytes) -> Self {
        Self::bytes(bytes)
    }
}

impl From<Vec<u8>> for Source {
    fn from(bytes: Vec<u8>) -> Self {
        Self::bytes(bytes)
    }
}

impl From<&'static [u8]> for Source {
    fn from(bytes: &'static [u8]) -> Self {
        Self::bytes(Bytes::from_static(bytes))
    }
}

/// Bytes read per block when a file range is streamed.
const BLOCK: usize = 1024 * 1024;

/// A source ready to be cut into chunks.
pub(crate) enum Prepared {
    /// Any range can be read at any time, as often as needed (files, bytes).
    Ranged { data: Arc<Ranged>, len: u64 },
    /// Read once, in order (a reader of known length).
    Sequential { reader: Arc<Sequential>, len: u64 },
    /// A reader of unknown length.
    Unknown(Box<dyn AsyncRead + Send + Unpin>),
}

pub(crate) enum Ranged {
    File(Arc<std::fs::File>),
    Bytes(Bytes),
}

impl Source {
    /// Checks the source and readies it for chunking; nothing is sent before this
    /// succeeds. Returns the file name to announce too.
    pub(crate) async fn prepare(self, default_name: &str) -> Result<(Prepared, String)> {
        let name = self.name_or(default_name);
        let prepared = match self.kind {
            Kind::Path(path) => {
                let len = check_file(&path).await?;
                if len == 0 {
                    return Err(Error::invalid(
                        "source",
                        format!("{} is empty", path.display()),
                    ));
                }
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| read_error(&path, &e))?;
                Prepared::Ranged {
                    data: Arc::new(Ranged::File(Arc::new(file.into_std().await))),
                    len,
                }
            }
            Kind::File(file) => {
                let metadata = file.metadata().await?;
                if !metadata.is_file() {
                    return Err(Error::invalid(
                        "source",
                        "the open file is not a regular file",
                    ));
                }
                if metadata.len() == 0 {
                    return Err(Error::invalid("source", "the file is empty"));
                }
                Prepared::Ranged {
                    data: Arc::new(Ranged::File(Arc::new(file.into_std().await))),
                    len: metadata.len(),
                }
            }
            Kind::Bytes(bytes) => {
                if bytes.is_empty() {
                    return Err(Error::invalid("source", "no bytes to upload"));
                }
                let len = bytes.len() as u64;
                Prepared::Ranged {
                    data: Arc::new(Ranged::Bytes(bytes)),
                    len,
                }
            }
            Kind::Reader { reader, len } => {
                if len == 0 {
                    return Err(Error::invalid(
                        "source",
                        "a reader of length 0 has nothing to upload",
                    ));
                }
                Prepared::Sequential {
                    reader: Arc::new(Sequential::new(reader, len)),
                    len,
                }
            }
            Kind::Stream(reader) => Prepared::Unknown(reader),
        };
        Ok((prepared, name))
    }
}

impl Ranged {
    /// Fails when a file changed size since the upload started: sending the bytes it holds
    /// now would make a truncated or corrupted video without anyone noticing.
    pub(crate) fn check_len(&self, expected: u64) -> std::io::Result<()> {
        let Self::File(file) = self else {
            return Ok(());
        };
        let now = file.metadata()?.len();
        if now == expected {
            return Ok(());
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "the file changed size during the upload: {expected} bytes when it started, \
                 {now} now"
            ),
        ))
    }

    /// The bytes of `range` as a body, read as it is sent.
    pub(crate) fn body(
        &self,
        range: Range<u64>,
    ) -> impl futures_core::Stream<Item = std::io::Result<Bytes>> + Send + 'static + use<> {
        let source = match self {
            Self::File(file) => Either::File(file.clone(), BytesMut::new()),
            Self::Bytes(bytes) => {
                Either::Bytes(Some(bytes.slice(range.start as usize..range.end as usize)))
            }
        };
        futures_util::stream::unfold(
            (source, range.start, range.end),
            |(source, pos, end)| async move {
                match source {
                    Either::Bytes(Some(mut rest)) => {
                        // Slices share the buffer; blocks only make progress reports finer.
                        let block = rest.split_to(rest.len().min(BLOCK));
                        let rest = (!rest.is_empty()).then_some(rest);
                        Some((Ok(block), (Either::Bytes(rest), end, end)))
                    }
                    Either::Bytes(None) => None,
                    Either::File(file, mut buffer) => {
                        let left = end.saturating_sub(pos);
                        if left == 0 {
                            return None;
                        }
                        let n = left.min(BLOCK as u64) as usize;
                        let reader = file.clone();
                        // The buffer goes to the blocking thread and comes back; once the
                        // connection has written a block, its memory is reused for the next.
                        let read = tokio::task::spawn_blocking(move || {
                            buffer.clear();
                            buffer.resize(n, 0);
                            read_exact_at(&reader, &mut buffer, pos).map(|()| buffer)
                        })
                        .await
                        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
                        match read {
                            Ok(mut buffer) => {
                                let block = buffer.split().freeze();
                                // `n` is at most `end - pos`.
                                let next = (
                                    Either::File(file, buffer),
                                    pos.saturating_add(n as u64),
                                    end,
                                );
                                Some((Ok(block), next))
                            }
                            Err(e) => Some((Err(e), (Either::Bytes(None), end, end))),
                        }
                    }
                }
            },
        )
    }
}

enum Either {
    File(Arc<std::fs::File>, BytesMut),
    Bytes(Option<Bytes>),
}

#[cfg(unix)]
pub(crate) fn read_exact_at(
    file: &std::fs::File,
    buffer: &mut [u8],
    offset: u64,
) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(windows)]
pub(crate) fn read_exact_at(
    file: &std::fs::File,
    mut buffer: &mut [u8],
    mut offset: u64,
) -> std::io::Result<()> {
    while !buffer.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buffer, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A reader shared by concurrent chunk uploads, read strictly in chunk order: each chunk
/// waits for its turn, reads its bytes, and keeps them for its retries.
pub(crate) struct Sequential {
    state: tokio::sync::Mutex<SequentialState>,
    turn: tokio::sync::Notify,
}

struct SequentialState {
    reader: Box<dyn AsyncRead + Send + Unpin>,
    /// The length the caller declared.
    len: u64,
    position: u64,
    /// Starts of the ranges still to read, in the only order they can be read.
    order: std::collections::VecDeque<u64>,
    failed: bool,
}

impl Sequential {
    fn new(reader: Box<dyn AsyncRead + Send + Unpin>, len: u64) -> Self {
        Self {
            state: tokio::sync::Mutex::new(SequentialState {
                reader,
                len,
                position: 0,
                order: std::collections::VecDeque::new(),
                failed: false,
            }),
            turn: tokio::sync::Notify::new(),
        }
    }

    /// Declares the ranges that will be read, by their starts in increasing order (a
    /// resumed upload skips confirmed chunks).
    pub(crate) async fn plan(&self, starts: impl IntoIterator<Item = u64>) {
        self.state.lock().await.order = starts.into_iter().collect();
    }

    /// Reads `range` when its turn comes, skipping (reading and dropping) whatever lies
    /// before it.
    pub(crate) async fn read(&self, range: Range<u64>) -> std::io::Result<Bytes> {
        use tokio::io::AsyncReadExt;
        loop {
            let turn = self.turn.notified();
            {
                let mut state = self.state.lock().await;
                if state.failed {
                    return Err(std::io::Error::other(
                        "an earlier read of the source failed",
                    ));
                }
                if state.position > range.start {
                    return Err(std::io::Error::other(
                        "this part of the source was already read",
                    ));
                }
                if state.order.front() == Some(&range.start) {
                    state.order.pop_front();
                    let result = async {
                        let declared = state.len;
                        let short = |read: u64| {
                            std::io::Error::new(
                                std::io::ErrorKind::UnexpectedEof,
                                format!(
                                    "the reader ended after {read} bytes; it was declared to \
                                     hold {declared}"
                                ),
                            )
                        };
                        let skip = range.start.saturating_sub(state.position);
                        if skip > 0 {
                            let skipped = tokio::io::copy(
                                &mut (&mut state.reader).take(skip),
                                &mut tokio::io::sink(),
                            )
                            .await?;
                            if skipped < skip {
                                return Err(short(state.position.saturating_add(skipped)));
                            }
                        }
                        let want = range.end.saturating_sub(range.start);
                        let mut buffer = Vec::with_capacity(
                            usize::try_from(want).unwrap_or(usize::MAX).min(1 << 27),
                        );
                        let got = (&mut state.reader)
                            .take(want)
                            .read_to_end(&mut buffer)
                            .await?;
                        if (got as u64) < want {
                            return Err(short(range.start.saturating_add(got as u64)));
                        }
                        if range.end >= declared {
                            // The last range: a reader that still yields bytes held more than
                            // declared, and uploading only part of it would truncate silently.
                            let mut extra = [0u8; 1];
                            if state.reader.read(&mut extra).await? > 0 {
                                return Err(std::io::Error::new(
                                    std::io::ErrorKind::InvalidData,
                                    format!(
                                        "the reader yields more than the {declared} bytes declared"
                                    ),
                                ));
                            }
                        }
                        Ok(Bytes::from(buffer))
                    }
                    .await;
                    match &result {
                        Ok(_) => state.position = range.end,
                        Err(_) => state.failed = true,
                    }
                    drop(state);
                    self.turn.notify_waiters();
                    return result;
                }
            }
            turn.await;
        }
    }
}
