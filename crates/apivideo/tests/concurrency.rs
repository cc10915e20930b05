//! How many chunks an upload keeps in flight by default: four for a file or bytes, each
//! on its own connection; one for a reader of known length, whose chunks are held in
//! memory. The server below holds each chunk's answer until as many chunks are in flight
//! as the test expects (or a while passes), and records the most it saw at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use apivideo::Client;
use apivideo::upload::{DEFAULT_CONCURRENCY, Source};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

const MIB: usize = 1024 * 1024;
const VIDEO: &str = "vi0123456789abcdefghij";

#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    chunks: AtomicUsize,
    changed: Notify,
}

/// A server that answers chunk uploads once `wanted` are in flight, or after `hold`.
async fn server(wanted: usize, hold: Duration) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Seen::default());
    let shared = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            shared.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(stream, shared.clone(), wanted, hold));
        }
    });
    (format!("http://{addr}"), seen)
}

async fn serve(stream: TcpStream, seen: Arc<Seen>, wanted: usize, hold: Duration) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(v) = header.strip_prefix("content-length:") {
                length = v.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        if line.contains("/source") {
            seen.chunks.fetch_add(1, Ordering::SeqCst);
            let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            seen.most_in_flight.fetch_max(now, Ordering::SeqCst);
            seen.changed.notify_waiters();
            let _ = tokio::time::timeout(hold, async {
                // Once `wanted` were in flight together, nothing is held any more.
                while seen.most_in_flight.load(Ordering::SeqCst) < wanted {
                    let changed = seen.changed.notified();
                    if seen.most_in_flight.load(Ordering::SeqCst) >= wanted {
                        break;
                    }
                    changed.await;
                }
            })
            .await;
        }
        let answer = format!(r#"{{"videoId":"{VIDEO}","title":"t"}}"#);
        let head = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        );
        let stream = reader.get_mut();
        if stream.write_all(head.as_bytes()).await.is_err()
            || stream.write_all(answer.as_bytes()).await.is_err()
        {
            return;
        }
        if line.contains("/source") {
            seen.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn client(base: &str) -> Client {
    Client::builder()
        .api_key("a-test-key")
        .basic_auth()
        .base_url(base)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn a_file_goes_four_chunks_at_a_time_each_on_its_own_connection() {
    assert_eq!(DEFAULT_CONCURRENCY, 4);
    let (base, seen) = server(DEFAULT_CONCURRENCY, Duration::from_secs(10)).await;
    // Six chunks: five in the middle, four of them at once, then the last alone.
    let data = vec![7u8; 25 * MIB + 1];
    let video = client(&base)
        .videos()
        .upload(VIDEO, data)
        .chunk_size(5 * MIB as u64)
        .await
        .expect("uploaded");
    assert_eq!(video.video_id, VIDEO);
    assert_eq!(seen.chunks.load(Ordering::SeqCst), 6);
    assert_eq!(seen.most_in_flight.load(Ordering::SeqCst), 4);
    assert!(
        seen.connections.load(Ordering::SeqCst) >= 4,
        "{} connections",
        seen.connections.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn a_reader_of_known_length_goes_one_chunk_at_a_time_unless_asked() {
    // Were two chunks in flight, the server would answer at once; one waits 200 ms.
    let (base, seen) = server(2, Duration::from_millis(200)).await;
    let data = vec![7u8; 15 * MIB + 1];
    client(&base)
        .videos()
        .upload(
            VIDEO,
            Source::reader(std::io::Cursor::new(data.clone()), data.len() as u64),
        )
        .chunk_size(5 * MIB as u64)
        .await
        .expect("uploaded");
    assert_eq!(
        seen.most_in_flight.load(Ordering::SeqCst),
        1,
        "one chunk in memory"
    );

    let (base, seen) = server(2, Duration::from_secs(10)).await;
    client(&base)
        .videos()
        .upload(
            VIDEO,
            Source::reader(std::io::Cursor::new(data.clone()), data.len() as u64),
        )
        .chunk_size(5 * MIB as u64)
        .concurrency(2)
        .await
        .expect("uploaded");
    assert_eq!(seen.most_in_flight.load(Ordering::SeqCst), 2, "as asked");
}
