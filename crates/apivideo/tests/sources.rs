//! Nothing the user handed over is silently truncated or corrupted: a reader that yields
//! more or fewer bytes than announced, or a file that changes size while it is sent, ends
//! in an error; sizes are checked before anything is read into memory; an empty webhook
//! secret verifies nothing.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use apivideo::upload::Source;
use apivideo::webhooks::{SignatureSecret, VerifyError, sign, verify};
use apivideo::{Client, Error};
use apivideo_simulator::Simulator;
use tokio::io::{AsyncRead, ReadBuf};

const MIB: u64 = 1024 * 1024;

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .expect("a client")
}

async fn video(client: &Client) -> String {
    client
        .videos()
        .create(apivideo::models::VideoCreationPayload::new("source checks"))
        .await
        .expect("create")
        .video_id
}

fn io_cause(error: &Error) -> Option<String> {
    match error {
        Error::Io(io) => Some(io.to_string()),
        Error::Upload(upload) => io_cause(&upload.source),
        _ => None,
    }
}

#[tokio::test]
async fn a_reader_longer_than_announced_is_an_error_not_a_truncated_video() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = video(&client).await;
    let data = vec![5u8; (11 * MIB) as usize];
    let error = client
        .videos()
        .upload(&id, Source::reader(std::io::Cursor::new(data), 10 * MIB))
        .chunk_size(5 * MIB)
        .await
        .expect_err("more bytes than announced");
    let cause = io_cause(&error).unwrap_or_else(|| panic!("{error:?}"));
    assert!(cause.contains("more than the 10485760 bytes"), "{cause}");
    assert!(
        sim.video_source(&id)
            .is_none_or(|b| b.len() < (10 * MIB) as usize),
        "no complete video"
    );
}

#[tokio::test]
async fn a_reader_shorter_than_announced_is_an_error() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = video(&client).await;
    let data = vec![5u8; (9 * MIB) as usize];
    let error = client
        .videos()
        .upload(&id, Source::reader(std::io::Cursor::new(data), 11 * MIB))
        .chunk_size(5 * MIB)
        .await
        .expect_err("fewer bytes than announced");
    let cause = io_cause(&error).unwrap_or_else(|| panic!("{error:?}"));
    assert!(cause.contains("ended after 9437184 bytes"), "{cause}");
}

#[tokio::test]
async fn a_file_that_grows_or_shrinks_during_the_upload_is_an_error() {
    for grow in [true, false] {
        let sim = Simulator::start().await;
        let client = client(&sim);
        let id = video(&client).await;
        let path = std::env::temp_dir().join(format!(
            "apivideo-changing-{}-{grow}.mp4",
            std::process::id()
        ));
        std::fs::write(&path, vec![6u8; (11 * MIB) as usize]).expect("temp file");
        let changed = path.clone();
        let error = client
            .videos()
            .upload(&id, changed.as_path())
            .chunk_size(5 * MIB)
            .on_chunk_confirmed(move |confirmed| {
                if confirmed.index == 0 {
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&changed)
                        .expect("reopen");
                    let len = if grow { 12 * MIB } else { 7 * MIB };
                    file.set_len(len).expect("resize");
                }
            })
            .await
            .expect_err("the file changed");
        std::fs::remove_file(&path).ok();
        let cause = io_cause(&error).unwrap_or_else(|| panic!("{error:?}"));
        assert!(cause.contains("changed size"), "grow {grow}: {cause}");
        assert!(
            sim.video_source(&id)
                .is_none_or(|b| b.len() < (11 * MIB) as usize)
        );
    }
}

/// A file that shrinks while a chunk of it is being sent fails inside the request body,
/// where it looks like a broken connection; the error still names the size change.
#[tokio::test]
async fn a_file_that_shrinks_in_the_middle_of_a_chunk_is_named_as_such() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = video(&client).await;
    let path = std::env::temp_dir().join(format!("apivideo-shrinking-{}.mp4", std::process::id()));
    std::fs::write(&path, vec![4u8; (11 * MIB) as usize]).expect("temp file");
    let changed = path.clone();
    let shrunk = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let once = shrunk.clone();
    let error = client
        .videos()
        .upload(&id, path.as_path())
        .chunk_size(5 * MIB)
        .concurrency(1)
        // The first block of chunk 1 was handed over; the next ones are read later.
        .on_progress(move |progress| {
            if progress.chunk_index == 1 && !once.swap(true, Ordering::SeqCst) {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&changed)
                    .expect("reopen");
                file.set_len(6 * MIB).expect("shrink");
            }
        })
        .await
        .expect_err("the file shrank");
    std::fs::remove_file(&path).ok();
    assert!(
        shrunk.load(Ordering::SeqCst),
        "the file was shrunk mid-chunk"
    );
    let cause = io_cause(&error).unwrap_or_else(|| panic!("{error}"));
    assert!(cause.contains("changed size"), "{cause}");
}

/// Counts what is read from it; yields zeros forever.
struct Counting(Arc<AtomicU64>);

impl AsyncRead for Counting {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = buf.remaining();
        buf.put_slice(&vec![0u8; n]);
        self.0.fetch_add(n as u64, Ordering::SeqCst);
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn an_oversized_part_is_refused_before_it_is_read() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = video(&client).await;
    let read = Arc::new(AtomicU64::new(0));
    let mut session = client.videos().progressive_upload(&id);
    let error = session
        .upload_part(Source::reader(Counting(read.clone()), 129 * MIB))
        .await
        .expect_err("over 128 MiB");
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                argument: "part",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(read.load(Ordering::SeqCst), 0, "nothing was buffered");
    let uploaded = client
        .videos()
        .upload(&id, Source::reader(Counting(read.clone()), 129 * MIB))
        .chunk_size(u64::MAX)
        .await
        .expect_err("a chunk size out of range");
    assert!(matches!(
        uploaded,
        Error::InvalidInput {
            argument: "chunk_size",
            ..
        }
    ));
    assert_eq!(read.load(Ordering::SeqCst), 0);
    assert_eq!(sim.request_count("POST /videos/{videoId}/source"), 0);
}

#[test]
fn an_empty_webhook_secret_verifies_nothing() {
    let body = br#"{"type":"video.encoding.quality.completed","videoId":"vi1"}"#;
    for empty in ["", "   "] {
        let secret = SignatureSecret::new(empty);
        assert!(secret.is_empty());
        // Even a signature made with that same empty key is refused.
        let forged = sign(&secret, body);
        assert_eq!(
            verify(&secret, body, &forged),
            Err(VerifyError::EmptySecret)
        );
    }
    let secret = SignatureSecret::new("whsec-real");
    assert!(verify(&secret, body, &sign(&secret, body)).is_ok());
}

/// A stream of byte blocks of unknown length goes up as a progressive upload, in parts of
/// the chunk size whatever the blocks' sizes, and the video holds exactly its bytes.
#[tokio::test]
async fn a_byte_stream_is_uploaded_whole_in_parts_of_the_chunk_size() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = video(&client).await;
    let data: Vec<u8> = (0..(11 * MIB + 12_345)).map(|i| (i % 253) as u8).collect();
    // Blocks of an odd size, as a download would hand them over.
    let blocks: Vec<Result<bytes::Bytes, std::io::Error>> = data
        .chunks(100_003)
        .map(|block| Ok(bytes::Bytes::copy_from_slice(block)))
        .collect();
    client
        .videos()
        .upload(&id, Source::byte_stream(futures_util::stream::iter(blocks)))
        .chunk_size(5 * MIB)
        .await
        .expect("uploaded");
    assert!(sim.video_source(&id).expect("assembled") == data);
    assert_eq!(sim.request_count("POST /videos/{videoId}/source"), 3);
}

/// An error from the stream stops the upload and comes back as the stream said it.
#[tokio::test]
async fn a_byte_stream_that_fails_stops_the_upload_with_its_error() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = video(&client).await;
    let blocks = futures_util::stream::iter([
        Ok(bytes::Bytes::from(vec![1u8; (6 * MIB) as usize])),
        Err("the download broke off"),
    ]);
    let error = client
        .videos()
        .upload(&id, Source::byte_stream(blocks))
        .chunk_size(5 * MIB)
        .await
        .expect_err("the stream failed");
    let cause = io_cause(&error).unwrap_or_else(|| panic!("{error:?}"));
    assert!(cause.contains("the download broke off"), "{cause}");
    let ready = client.videos().status(&id).await.expect("status");
    assert_ne!(
        ready.ingest.and_then(|i| i.status).map(|s| s.to_string()),
        Some("uploaded".to_owned()),
        "an incomplete source is not a finished upload"
    );
}
