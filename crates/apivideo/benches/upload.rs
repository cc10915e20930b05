//! Upload throughput of the SDK against a bare reqwest multipart upload of the same
//! bytes, in one run, against an in-process sink server; and the peak memory of each.
//!
//! ```text
//! cargo bench -p apivideo --bench upload                 # 512 MiB, 50 MiB chunks
//! UPLOAD_BENCH_MIB=1024 cargo bench -p apivideo --bench upload
//! ```
//!
//! Both clients and the server share this machine's cores: compare the ratio printed at
//! the end, not absolute figures from different runs.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const MIB: u64 = 1024 * 1024;
const CHUNK: u64 = 50 * MIB;

/// Accepts any request, reads and drops its body, and answers like api.video would.
async fn sink() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            tokio::spawn(async move {
                let mut reader = BufReader::with_capacity(1 << 20, stream);
                let mut scratch = vec![0u8; 1 << 20];
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let mut length = 0usize;
                    loop {
                        let mut header = String::new();
                        reader.read_line(&mut header).await.expect("header");
                        let header = header.trim_end().to_ascii_lowercase();
                        if header.is_empty() {
                            break;
                        }
                        if let Some(v) = header.strip_prefix("content-length:") {
                            length = v.trim().parse().expect("length");
                        }
                    }
                    while length > 0 {
                        let n = reader
                            .read(&mut scratch[..length.min(1 << 20)])
                            .await
                            .expect("body");
                        assert!(n > 0, "body cut short");
                        length -= n;
                    }
                    let body = if path.starts_with("/auth/") {
                        r#"{"token_type":"Bearer","expires_in":3600,"access_token":"a","refresh_token":"r"}"#.to_owned()
                    } else {
                        r#"{"videoId":"vi0123456789abcdefghij","title":"bench"}"#.to_owned()
                    };
                    let status = if path == "/videos" || path.ends_with("/source") {
                        "201 Created"
                    } else {
                        "200 OK"
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    let stream = reader.get_mut();
                    stream.write_all(head.as_bytes()).await.expect("write");
                    stream.write_all(body.as_bytes()).await.expect("write");
                }
            });
        }
    });
    format!("http://{addr}")
}

/// Resets the kernel's peak-RSS counter, so each phase reports its own peak.
fn reset_peak_rss() {
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/self/clear_refs")
    {
        let _ = f.write_all(b"5");
    }
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// What a careful hand-written client does: one keep-alive client, each chunk streamed
/// from the file, each answer read so the connection is reused.
async fn bare_reqwest(http: &reqwest::Client, base: &str, path: &PathBuf, size: u64) {
    let mut start = 0;
    while start < size {
        let end = (start + CHUNK).min(size);
        let mut file = tokio::fs::File::open(path).await.expect("open");
        tokio::io::AsyncSeekExt::seek(&mut file, std::io::SeekFrom::Start(start))
            .await
            .expect("seek");
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(
            file.take(end - start),
            256 * 1024,
        ));
        let part =
            reqwest::multipart::Part::stream_with_length(body, end - start).file_name("bench.bin");
        let form = reqwest::multipart::Form::new().part("file", part);
        let response = http
            .post(format!("{base}/videos/vi0123456789abcdefghij/source"))
            .basic_auth("bench-key", Some(""))
            .header("Content-Range", format!("bytes {start}-{}/{size}", end - 1))
            .multipart(form)
            .send()
            .await
            .expect("send");
        assert!(response.status().is_success());
        response.bytes().await.expect("answer");
        start = end;
    }
}

#[tokio::main]
async fn main() {
    let mib: u64 = std::env::var("UPLOAD_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    let size = mib * MIB;
    let path = std::env::temp_dir().join(format!("apivideo-bench-{mib}m.bin"));
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(size) {
        let mut file = std::fs::File::create(&path).expect("create");
        let block: Vec<u8> = (0..MIB).map(|i| (i * 31 % 251) as u8).collect();
        for _ in 0..mib {
            file.write_all(&block).expect("write");
        }
    }
    let base = sink().await;
    let client = apivideo::Client::builder()
        .base_url(&base)
        .api_key("bench-key")
        .basic_auth()
        .build()
        .expect("client");

    let http = reqwest::Client::new();
    let mut results = Vec::new();
    for round in 1..=3 {
        reset_peak_rss();
        let t = Instant::now();
        bare_reqwest(&http, &base, &path, size).await;
        let bare = (t.elapsed().as_secs_f64(), peak_rss_mib());

        reset_peak_rss();
        let t = Instant::now();
        client
            .videos()
            .upload("vi0123456789abcdefghij", path.as_path())
            .await
            .expect("sdk upload");
        let sdk = (t.elapsed().as_secs_f64(), peak_rss_mib());

        let rate = |s: f64| mib as f64 / s;
        println!(
            "round {round}: bare reqwest {:.0} MiB/s (peak RSS {:.1} MiB), sdk {:.0} MiB/s (peak RSS {:.1} MiB)",
            rate(bare.0),
            bare.1,
            rate(sdk.0),
            sdk.1
        );
        results.push((bare.0, sdk.0, sdk.1));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let bare = median(results.iter().map(|r| r.0).collect());
    let sdk = median(results.iter().map(|r| r.1).collect());
    println!(
        "median over 3 rounds, {mib} MiB in {} MiB chunks: bare reqwest {:.0} MiB/s, sdk {:.0} MiB/s; ratio sdk/bare = {:.2}; sdk peak RSS {:.1} MiB (process, server included)",
        CHUNK / MIB,
        mib as f64 / bare,
        mib as f64 / sdk,
        bare / sdk,
        median(results.iter().map(|r| r.2).collect())
    );
    let _ = std::fs::remove_file(&path);
}
