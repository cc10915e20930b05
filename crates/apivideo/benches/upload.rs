//! Two cases, in one run each:
//!
//! - `sink`: upload throughput of the SDK against a bare reqwest multipart upload of the
//!   same bytes, against an in-process sink server; and the peak memory of each.
//! - `link`: a long link, where one TCP connection is capped by its window while several
//!   are not: the shared fake server (`$APIVIDEO_FAKESERVER`, or the nearest
//!   `shared/bench/fakeserver.py` above this crate) reads each connection at most `UPLOAD_LINK_RATE` bytes/s
//!   (default 25 MiB/s). The SDK with its defaults and the SDK with `concurrency(1)`
//!   upload the same file (default 200 MiB in 20 MiB chunks), alternating, three rounds,
//!   each against a fresh server that checks every byte arrived.
//!
//! ```text
//! cargo bench -p apivideo --bench upload                 # both cases
//! UPLOAD_BENCH=link cargo bench -p apivideo --bench upload
//! UPLOAD_BENCH=sink UPLOAD_BENCH_MIB=1024 cargo bench -p apivideo --bench upload
//! ```
//!
//! Clients and servers share this machine's cores: compare the ratios printed at the
//! end, not absolute figures from different runs.

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

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A test file of `mib` MiB in the temporary directory (removed by the caller).
fn test_file(mib: u64) -> PathBuf {
    let path = std::env::temp_dir().join(format!("apivideo-bench-{mib}m.bin"));
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(mib * MIB) {
        let mut file = std::fs::File::create(&path).expect("create");
        let block: Vec<u8> = (0..MIB).map(|i| (i * 31 % 251) as u8).collect();
        for _ in 0..mib {
            file.write_all(&block).expect("write");
        }
    }
    path
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let cases = std::env::var("UPLOAD_BENCH").unwrap_or_else(|_| "sink,link".to_owned());
    for case in cases.split(',').map(str::trim) {
        match case {
            "sink" => sink_case().await,
            "link" => link_case().await,
            other => panic!("unknown UPLOAD_BENCH case {other:?}: sink or link"),
        }
    }
}

async fn sink_case() {
    let mib = env_u64("UPLOAD_BENCH_MIB", 512);
    let size = mib * MIB;
    let path = test_file(mib);
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

/// The shared fake server, started for one upload on a free port.
struct FakeServer {
    child: std::process::Child,
    base: String,
    dir: PathBuf,
}

impl FakeServer {
    fn start(script: &std::path::Path, read_rate: u64) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "apivideo-bench-fake-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let port_file = dir.join("port");
        let child = std::process::Command::new("python3")
            .arg(script)
            .arg("0")
            .arg("--port-file")
            .arg(&port_file)
            .arg("--read-rate")
            .arg(read_rate.to_string())
            .arg("--max-seconds")
            .arg("600")
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs the fake server");
        let started = Instant::now();
        let port = loop {
            if let Ok(port) = std::fs::read_to_string(&port_file)
                && !port.trim().is_empty()
            {
                break port.trim().to_owned();
            }
            assert!(
                started.elapsed().as_secs() < 10,
                "the fake server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir,
        }
    }

    /// Whether every upload the server saw is complete, with no overlapping range, and
    /// the file bytes it counted.
    async fn check(&self) -> (bool, u64) {
        let summary: serde_json::Value = reqwest::get(format!("{}/__bench/summary", self.base))
            .await
            .expect("summary")
            .json()
            .await
            .expect("summary JSON");
        let uploads: Vec<_> = summary["videos"]
            .as_object()
            .map(|v| {
                v.values()
                    .filter(|u| u["requests"].as_u64() > Some(0))
                    .collect()
            })
            .unwrap_or_default();
        let complete = !uploads.is_empty()
            && uploads
                .iter()
                .all(|u| u["complete"] == true && u["ranges_ok"] == true);
        let bytes = uploads
            .iter()
            .filter_map(|u| u["file_bytes"].as_u64())
            .sum();
        (complete, bytes)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The SDK with its defaults against itself with `concurrency(1)`, over a long link.
async fn link_case() {
    // `$APIVIDEO_FAKESERVER`, or the nearest `shared/bench/fakeserver.py` above the crate.
    let script = std::env::var_os("APIVIDEO_FAKESERVER")
        .map(PathBuf::from)
        .or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|dir| dir.join("shared/bench/fakeserver.py"))
                .find(|script| script.is_file())
        });
    let Some(script) = script.filter(|script| script.is_file()) else {
        println!("link: skipped, no shared/bench/fakeserver.py found (set APIVIDEO_FAKESERVER)");
        return;
    };
    let mib = env_u64("UPLOAD_LINK_MIB", 200);
    let chunk = env_u64("UPLOAD_LINK_CHUNK", 20 * MIB);
    let rate = env_u64("UPLOAD_LINK_RATE", 25 * MIB);
    let path = test_file(mib);
    let size = mib * MIB;
    println!(
        "link: {mib} MiB in {} MiB chunks, the server reading each connection at {:.1} MiB/s",
        chunk / MIB,
        rate as f64 / MIB as f64
    );
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut rss: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for round in 1..=3 {
        for (slot, concurrency) in [(0, None), (1, Some(1))] {
            let server = FakeServer::start(&script, rate);
            let client = apivideo::Client::builder()
                .base_url(&server.base)
                .api_key("bench-key")
                .build()
                .expect("client");
            let video = client
                .videos()
                .create(apivideo::models::VideoCreationPayload::new("link bench"))
                .await
                .expect("create");
            let mut upload = client
                .videos()
                .upload(&video.video_id, path.as_path())
                .chunk_size(chunk);
            if let Some(n) = concurrency {
                upload = upload.concurrency(n);
            }
            reset_peak_rss();
            let started = Instant::now();
            upload.await.expect("sdk upload");
            let seconds = started.elapsed().as_secs_f64();
            let peak = peak_rss_mib();
            let (complete, bytes) = server.check().await;
            assert!(
                complete && bytes == size,
                "the server got {bytes} of {size} bytes"
            );
            let name = match concurrency {
                None => format!(
                    "defaults (concurrency {})",
                    apivideo::upload::DEFAULT_CONCURRENCY
                ),
                Some(n) => format!("concurrency {n}"),
            };
            println!(
                "round {round}: sdk {name}: {seconds:.2} s, {:.1} MiB/s, complete; peak RSS {peak:.1} MiB",
                mib as f64 / seconds
            );
            times[slot].push(seconds);
            rss[slot].push(peak);
        }
    }
    let (defaults, one) = (median(times[0].clone()), median(times[1].clone()));
    println!(
        "link: median over 3 rounds, {mib} MiB in {} MiB chunks at {:.1} MiB/s per connection: \
         sdk defaults {defaults:.2} s ({:.1} MiB/s), sdk concurrency 1 {one:.2} s ({:.1} MiB/s); \
         defaults are {:.2}x as fast; peak RSS {:.1} vs {:.1} MiB (process)",
        chunk / MIB,
        rate as f64 / MIB as f64,
        mib as f64 / defaults,
        mib as f64 / one,
        one / defaults,
        median(rss[0].clone()),
        median(rss[1].clone()),
    );
    let _ = std::fs::remove_file(&path);
}
