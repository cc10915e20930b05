//! Slow, stalled and hostile links: a scripted HTTP/1.1 server on 127.0.0.1 that reads
//! slowly, stops reading, never answers, stops answering midway or answers too much.
//! Slow is not dead: only silence fails a request, and it fails as `Error::Timeout`
//! naming what stalled.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apivideo::{Client, Error, RetryPolicy, Stage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const VIDEO_ID: &str = "vi4blUQJFrYWbaG44NChkH27";

/// What the server does with each connection.
#[derive(Clone, Copy, Debug)]
enum Script {
    /// Reads the body at `bytes_per_sec`, then answers with a video.
    ReadSlowly { bytes_per_sec: u64 },
    /// Reads the request head, then never reads again (the connection stays open).
    StopReading,
    /// Reads the whole request, then never answers.
    NeverAnswer,
    /// Reads the request, sends the head and the first bytes of a body, then stalls.
    StallMidAnswer,
    /// Answers 200 with a body of `len` bytes, announced (`Content-Length`) or chunked.
    Huge { len: u64, announced: bool },
}

struct Scripted {
    uri: String,
    connections: Arc<AtomicUsize>,
    body_bytes: Arc<AtomicU64>,
}

impl Scripted {
    async fn start(script: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("address"));
        let connections = Arc::new(AtomicUsize::new(0));
        let body_bytes = Arc::new(AtomicU64::new(0));
        let (count, bytes) = (connections.clone(), body_bytes.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, script, bytes.clone()));
            }
        });
        Self {
            uri,
            connections,
            body_bytes,
        }
    }
}

/// Reads up to the end of the request head; returns the announced body length.
async fn read_head(stream: &mut TcpStream) -> Option<u64> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    Some(
        text.lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0),
    )
}

/// `201 Created` with a video: what an upload gets.
fn video_answer() -> Vec<u8> {
    let body = format!(r#"{{"videoId":"{VIDEO_ID}","title":"slow","tags":[],"metadata":[]}}"#);
    format!(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn read_body(stream: &mut TcpStream, len: u64, bytes: &AtomicU64) -> Option<()> {
    let mut left = len;
    let mut buffer = vec![0u8; 64 * 1024];
    while left > 0 {
        let want = buffer.len().min(left as usize);
        let n = stream.read(&mut buffer[..want]).await.ok()?;
        if n == 0 {
            return None;
        }
        left -= n as u64;
        bytes.fetch_add(n as u64, Ordering::SeqCst);
    }
    Some(())
}

async fn serve(mut stream: TcpStream, script: Script, bytes: Arc<AtomicU64>) {
    let Some(len) = read_head(&mut stream).await else {
        return;
    };
    match script {
        Script::ReadSlowly { bytes_per_sec } => {
            // A tenth of the rate every 100 ms: bytes flow the whole time.
            let step = (bytes_per_sec / 10).max(1);
            let mut left = len;
            let mut buffer = vec![0u8; step as usize];
            while left > 0 {
                let want = step.min(left) as usize;
                if stream.read_exact(&mut buffer[..want]).await.is_err() {
                    return;
                }
                left -= want as u64;
                bytes.fetch_add(want as u64, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let _ = stream.write_all(&video_answer()).await;
        }
        Script::StopReading => hold(stream).await,
        Script::NeverAnswer => {
            if read_body(&mut stream, len, &bytes).await.is_some() {
                hold(stream).await;
            }
        }
        Script::StallMidAnswer => {
            if read_body(&mut stream, len, &bytes).await.is_some() {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"videoId\":";
                let _ = stream.write_all(head.as_bytes()).await;
                hold(stream).await;
            }
        }
        Script::Huge {
            len: size,
            announced,
        } => {
            if read_body(&mut stream, len, &bytes).await.is_none() {
                return;
            }
            let block = vec![b' '; 1024 * 1024];
            let head = if announced {
                format!("HTTP/1.1 200 OK\r\ncontent-length: {size}\r\n\r\n")
            } else {
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
            };
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut left = size;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                let written = if announced {
                    stream.write_all(&block[..n]).await
                } else {
                    let framed = [format!("{n:x}\r\n").as_bytes(), &block[..n], b"\r\n"].concat();
                    stream.write_all(&framed).await
                };
                if written.is_err() {
                    return;
                }
                left -= n as u64;
            }
            if !announced {
                let _ = stream.write_all(b"0\r\n\r\n").await;
            }
        }
    }
}

/// Keeps the connection open, reading nothing, until the client goes away.
async fn hold(stream: TcpStream) {
    tokio::time::sleep(Duration::from_secs(120)).await;
    drop(stream);
}

fn client(uri: &str, read_timeout: Duration) -> Client {
    Client::builder()
        .api_key("a-test-key")
        .basic_auth()
        .base_url(uri)
        .read_timeout(read_timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client")
}

fn stage_of(error: &Error) -> Option<(Stage, Duration)> {
    match error {
        Error::Timeout { stage, after } => Some((*stage, *after)),
        Error::Upload(upload) => stage_of(&upload.source),
        _ => None,
    }
}

/// A 12 MiB request read at 2 MiB/s takes about 6 s, six times the read timeout: bytes
/// move the whole time, so it succeeds, although the last few MiB sit in socket buffers
/// for a while after the client handed them over. (With reqwest's own `read_timeout`,
/// which runs until the answer's head, this failed after 1 s: the scaled-down form of a
/// 50 MiB chunk over a 2 Mbit/s uplink with the default 60 s.)
#[tokio::test]
async fn a_slow_upload_that_keeps_moving_is_never_cut() {
    let server = Scripted::start(Script::ReadSlowly {
        bytes_per_sec: 2 * 1024 * 1024,
    })
    .await;
    let source = vec![7u8; 12 * 1024 * 1024];
    let started = Instant::now();
    let video = client(&server.uri, Duration::from_secs(1))
        .videos()
        .upload(VIDEO_ID, source.clone())
        .chunk_size(128 * 1024 * 1024)
        .await
        .expect("a slow link is not a dead one");
    assert_eq!(video.video_id, VIDEO_ID);
    assert!(
        started.elapsed() > Duration::from_secs(4),
        "the server really was slow: {:?}",
        started.elapsed()
    );
    assert!(server.body_bytes.load(Ordering::SeqCst) > source.len() as u64);
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "no retry needed"
    );
}

#[tokio::test]
async fn a_server_that_stops_reading_fails_as_a_stall_while_sending() {
    let server = Scripted::start(Script::StopReading).await;
    // Larger than what the loopback socket buffers absorb.
    let source = vec![1u8; 48 * 1024 * 1024];
    let started = Instant::now();
    let error = client(&server.uri, Duration::from_secs(1))
        .videos()
        .upload(VIDEO_ID, source)
        .chunk_size(128 * 1024 * 1024)
        .await
        .expect_err("stalled");
    assert_eq!(
        stage_of(&error),
        Some((Stage::SendingBody, Duration::from_secs(1))),
        "{error:?}"
    );
    // The report (message and causes) says what stalled, not that the server was unreachable.
    let report = format!("{error:?}");
    assert!(report.contains("stopped accepting"), "{report}");
    assert!(!report.contains("could not"), "{report}");
    // Generous: the point is that it does not hang.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn no_answer_after_the_request_is_a_stall_waiting_for_the_answer() {
    let server = Scripted::start(Script::NeverAnswer).await;
    let error = client(&server.uri, Duration::from_millis(500))
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("no answer");
    assert_eq!(
        stage_of(&error),
        Some((Stage::WaitingForAnswer, Duration::from_millis(500))),
        "{error:?}"
    );
    assert!(error.to_string().contains("no answer came"), "{error}");
}

#[tokio::test]
async fn an_answer_that_stops_midway_is_a_stall_while_reading() {
    let server = Scripted::start(Script::StallMidAnswer).await;
    let error = client(&server.uri, Duration::from_millis(500))
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("half an answer");
    assert_eq!(
        stage_of(&error),
        Some((Stage::ReadingAnswer, Duration::from_millis(500))),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_stalled_get_is_retried_but_a_stalled_create_is_not() {
    let server = Scripted::start(Script::NeverAnswer).await;
    let client = Client::builder()
        .api_key("a-test-key")
        .basic_auth()
        .base_url(&server.uri)
        .read_timeout(Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect_err("stalled");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        3,
        "GET is idempotent"
    );
    client
        .videos()
        .create(apivideo::models::VideoCreationPayload::new("once"))
        .await
        .expect_err("stalled");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        4,
        "a create that may have reached the server is not sent again"
    );
}

/// A token endpoint that accepts connections and never answers cannot hold the callers
/// waiting for a token: the token request has its own deadline, and every waiter gets the
/// failure.
#[tokio::test]
async fn a_hanging_token_endpoint_fails_every_waiter_within_the_token_timeout() {
    let server = Scripted::start(Script::NeverAnswer).await;
    let client = Client::builder()
        .api_key("a-test-key")
        .base_url(&server.uri)
        .http_client(reqwest::Client::builder().user_agent("caller-supplied"))
        .token_timeout(Duration::from_secs(1))
        .build()
        .expect("a client");
    let started = Instant::now();
    let calls = (0..10).map(|_| {
        let client = client.clone();
        async move { client.videos().get(VIDEO_ID).await }
    });
    let results = futures_util::future::join_all(calls).await;
    for result in &results {
        match result {
            Err(Error::Credentials(apivideo::auth::Error::Transport(cause))) => {
                assert!(cause.to_string().contains("timeout"), "{cause}");
            }
            other => panic!("expected a token failure, got {other:?}"),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_oversized_answer_is_refused_whether_announced_or_not() {
    let limit = apivideo::api::MAX_ANSWER_BYTES;
    for announced in [true, false] {
        let server = Scripted::start(Script::Huge {
            len: limit + 1024 * 1024,
            announced,
        })
        .await;
        let error = client(&server.uri, Duration::from_secs(10))
            .videos()
            .get(VIDEO_ID)
            .await
            .expect_err("too large");
        assert!(
            matches!(error, Error::TooLarge { limit: l } if l == limit),
            "announced {announced}: {error:?}"
        );
    }
}
