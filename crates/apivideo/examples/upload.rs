//! Creates a video and uploads a file to it, reporting throughput: the SDK side of the
//! upload benchmark (`../shared/bench/compare-upload.sh`).
//!
//! ```text
//! APIVIDEO_API_KEY=... cargo run --release -p apivideo --example upload -- \
//!     --file PATH [--base-url URL] [--chunk-size BYTES] [--concurrency N]
//! ```
//!
//! The key comes from `APIVIDEO_API_KEY`; the base URL defaults to the api.video sandbox.
//! `--api-key KEY` is for local test servers only (the benchmark passes its fake server's
//! key): a real key on a command line ends up in shell history and in `ps` output.
//!
//! Prints MiB/s on stderr and the video id as the last line of stdout.

use std::path::PathBuf;
use std::time::Instant;

use apivideo::models::VideoCreationPayload;

mod report;

use report::Report;

struct Args {
    base_url: String,
    api_key: String,
    file: PathBuf,
    chunk_size: Option<u64>,
    concurrency: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut base_url, mut api_key, mut file, mut chunk_size, mut concurrency) =
        (None, None, None, None, None);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--base-url" => base_url = Some(value()?),
            "--api-key" => api_key = Some(value()?),
            "--file" => file = Some(PathBuf::from(value()?)),
            "--chunk-size" => {
                chunk_size = Some(value()?.parse().map_err(|e| format!("--chunk-size: {e}"))?)
            }
            "--concurrency" => {
                concurrency = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--concurrency: {e}"))?,
                )
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let api_key = match api_key {
        Some(key) => key,
        None => std::env::var(apivideo::auth::API_KEY_ENV_VAR)
            .map_err(|_| "set APIVIDEO_API_KEY (or --api-key for a local test server)")?,
    };
    Ok(Args {
        base_url: base_url.unwrap_or_else(|| apivideo::SANDBOX.to_owned()),
        api_key,
        file: file.ok_or("--file is required")?,
        chunk_size,
        concurrency,
    })
}

#[tokio::main]
async fn main() -> Result<(), Report> {
    let args = parse_args().map_err(|e| {
        Report::msg(format!("{e}\nusage: APIVIDEO_API_KEY=... upload --file PATH [--base-url URL] [--chunk-size BYTES] [--concurrency N]"))
    })?;
    let client = apivideo::Client::builder()
        .base_url(&args.base_url)
        .api_key(&args.api_key)
        .build()?;
    let size = std::fs::metadata(&args.file)?.len();
    let video = client
        .videos()
        .create(VideoCreationPayload::new("upload benchmark"))
        .await?;
    let mut upload = client.videos().upload(&video.video_id, args.file.as_path());
    if let Some(chunk_size) = args.chunk_size {
        upload = upload.chunk_size(chunk_size);
    }
    if let Some(concurrency) = args.concurrency {
        upload = upload.concurrency(concurrency);
    }
    let started = Instant::now();
    let uploaded = upload.await?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "uploaded {:.1} MiB in {seconds:.2} s: {:.1} MiB/s",
        size as f64 / 1048576.0,
        size as f64 / 1048576.0 / seconds
    );
    println!("{}", uploaded.video_id);
    Ok(())
}
