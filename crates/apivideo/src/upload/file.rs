//! Uploads of one file in one request: thumbnails, captions, chapters, logos, watermarks.

use std::future::Future;

use apivideo_api::multipart::FilePart;

use super::chunked::Body;
use super::source::Prepared;
use super::{MAX_CHUNK_SIZE, Source};
use crate::error::{Error, Result};

/// Checks the source, then hands `send` a file part that the request path can send again
/// if an attempt fails (whether it may is the operation's to say, from the operations
/// table). A reader is read into memory first: these files are small, at most 128 MiB.
pub(crate) async fn send_file<T, F, Fut>(source: Source, default_name: &str, send: F) -> Result<T>
where
    F: FnOnce(FilePart) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let (prepared, name) = source.prepare(default_name).await?;
    let body = match prepared {
        Prepared::Ranged { data, len } => Body::Ranged(data, 0..len),
        Prepared::Sequential { reader, len } => {
            if len > MAX_CHUNK_SIZE {
                return Err(too_large());
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
                return Err(too_large());
            }
            Body::Buffered(bytes)
        }
    };
    if body.len() > MAX_CHUNK_SIZE {
        return Err(too_large());
    }
    let head = body.head().await?;
    let length = body.len();
    let file = FilePart::replayable(length, &head, name, move || {
        reqwest::Body::wrap_stream(body.stream())
    });
    send(file).await
}

fn too_large() -> Error {
    Error::invalid("source", "at most 128 MiB in one request")
}
