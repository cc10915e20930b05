//! Uploads against an in-test server that assembles what it receives: exact ranges and
//! fields, faults, retries, resume, validation, progress, cancellation.

mod upload_server;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apivideo::upload::{Progress, Source};
use apivideo::{Client, Error, RetryPolicy};
use upload_server::{Fault, Recorded, UploadServer};

const MIB: u64 = 1024 * 1024;

fn client(server: &UploadServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("upload-test-key")
        .basic_auth()
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("client")
}

/// Deterministic, non-repeating test bytes.
fn bytes(len: u64) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, data: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("apivideo-uploads-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, data).expect("write temp file");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The first byte of a request's `Content-Range: bytes FROM-TO/TOTAL`.
fn range_start(request: &Recorded) -> u64 {
    let range = request.content_range.as_deref().expect("a Content-Range");
    let from = range.strip_prefix("bytes ").expect("a byte range");
    from.split('-').next().unwrap().parse().expect("a number")
}

#[tokio::test]
async fn chunks_carry_exact_ranges_and_fields_and_assemble_the_file() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    let data = bytes(12 * MIB + 345);
    let file = TempFile::new("talk.mp4", &data);

    let video = client(&server)
        .videos()
        .upload(&video_id, file.path())
        .chunk_size(5 * MIB)
        .await
        .expect("upload");

    assert_eq!(video.video_id, video_id);
    assert!(
        server.assembled(&video_id) == data,
        "assembled bytes differ from the file"
    );
    // The middle chunks travel concurrently: they arrive in any order, the last one last.
    let mut requests = server.upload_requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[2].completed_before, 2, "the last chunk went last");
    requests.sort_by_key(range_start);
    insta::assert_yaml_snapshot!(requests);
}

#[tokio::test]
async fn a_source_no_larger_than_a_chunk_goes_in_one_request_without_content_range() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    let data = bytes(3 * MIB);
    client(&server)
        .videos()
        .upload(&video_id, data.clone())
        .await
        .expect("upload");
    let requests = server.upload_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].content_range, None);
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn token_uploads_name_the_video_created_by_the_first_chunk() {
    let server = UploadServer::start().await;
    let data = bytes(11 * MIB);
    // No API key: token uploads need none.
    let client = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .build()
        .expect("client");

    let video = client
        .upload_tokens()
        .upload("to1tcmSFHeYY5KzyhOqVKMKb", data.clone())
        .chunk_size(5 * MIB)
        .concurrency(2)
        .await
        .expect("upload");

    assert_eq!(
        server.video_ids(),
        vec![video.video_id.clone()],
        "exactly one video"
    );
    assert!(server.assembled(&video.video_id) == data);
    let requests = server.upload_requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests[0].fields.iter().all(|f| f.name != "videoId"),
        "first chunk names no video"
    );
    for later in &requests[1..] {
        let named = later
            .fields
            .iter()
            .find(|f| f.name == "videoId")
            .and_then(|f| f.text.clone());
        assert_eq!(named.as_deref(), Some(video.video_id.as_str()));
    }
    insta::assert_yaml_snapshot!(requests);
}

#[tokio::test]
async fn a_500_on_chunk_3_is_resent_alone() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    server.fault(Fault::Status {
        nth: 3,
        status: 500,
        retry_after: None,
    });
    let data = bytes(22 * MIB);
    let file = TempFile::new("five-chunks.mp4", &data);

    client(&server)
        .videos()
        .upload(&video_id, file.path())
        .chunk_size(5 * MIB)
        .concurrency(1) // in order, so the third request is chunk 3
        .await
        .expect("upload");

    let requests = server.upload_requests();
    // 5 chunks + 1 retry of chunk 3.
    assert_eq!(requests.len(), 6);
    assert_eq!(requests[2].status, 500);
    assert_eq!(
        requests[2].content_range, requests[3].content_range,
        "the same chunk again"
    );
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn a_429_waits_for_x_ratelimit_retry_after() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    server.fault(Fault::Status {
        nth: 2,
        status: 429,
        retry_after: Some(1),
    });
    let data = bytes(11 * MIB);

    let started = Instant::now();
    client(&server)
        .videos()
        .upload(&video_id, data.clone())
        .chunk_size(5 * MIB)
        .await
        .expect("upload");

    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as the server asked"
    );
    assert_eq!(server.upload_requests().len(), 4, "3 chunks + 1 retry");
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn a_connection_reset_mid_chunk_is_retried() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    server.fault(Fault::Reset { nth: 2 });
    let data = bytes(16 * MIB);
    let file = TempFile::new("reset.mp4", &data);

    client(&server)
        .videos()
        .upload(&video_id, file.path())
        .chunk_size(5 * MIB)
        .await
        .expect("upload survives a reset");

    let requests = server.upload_requests();
    assert_eq!(requests.len(), 5, "4 chunks + 1 retry of the reset one");
    // Chunks travel concurrently, so the second request to arrive is any of the first three.
    let cut: Vec<_> = requests.iter().filter(|r| r.status == 0).collect();
    assert_eq!(cut.len(), 1, "one request was cut: {requests:?}");
    let retried = requests
        .iter()
        .filter(|r| r.content_range == cut[0].content_range)
        .count();
    assert_eq!(retried, 2, "the cut chunk was sent again");
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn a_failed_upload_reports_what_was_confirmed_and_resumes_with_the_rest() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    // A 400 is not retried: the upload stops at chunk 3.
    server.fault(Fault::Status {
        nth: 3,
        status: 400,
        retry_after: None,
    });
    let data = bytes(17 * MIB);
    let file = TempFile::new("resume.mp4", &data);
    let client = client(&server);

    let error = client
        .videos()
        .upload(&video_id, file.path())
        .chunk_size(5 * MIB)
        .concurrency(1) // in order, so the third request is chunk 3
        .await
        .expect_err("the 400 stops it");
    let Error::Upload(upload) = error else {
        panic!("not an upload error: {error}")
    };
    assert_eq!(upload.video_id.as_deref(), Some(video_id.as_str()));
    assert!(upload.to_string().contains(&video_id), "{upload}");
    let resume = upload.resume.expect("resumable");
    assert_eq!(resume.confirmed_chunks().collect::<Vec<_>>(), [0, 1]);
    assert_eq!(resume.confirmed_bytes(), 10 * MIB);
    assert_eq!(server.upload_requests().len(), 3);

    client
        .videos()
        .resume(resume, file.path())
        .await
        .expect("resume");

    let requests = server.upload_requests();
    let resent: Vec<_> = requests[3..]
        .iter()
        .map(|r| r.content_range.clone().unwrap())
        .collect();
    assert_eq!(
        resent,
        [
            "bytes 10485760-15728639/17825792",
            "bytes 15728640-17825791/17825792"
        ],
        "only the unconfirmed chunks"
    );
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn an_upload_resumes_from_the_status_endpoints_received_bytes() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    server.fault(Fault::Status {
        nth: 2,
        status: 400,
        retry_after: None,
    });
    let data = bytes(13 * MIB);
    let file = TempFile::new("status.mp4", &data);
    let client = client(&server);
    client
        .videos()
        .upload(&video_id, file.path())
        .chunk_size(5 * MIB)
        .await
        .expect_err("stops at chunk 2");

    client
        .videos()
        .resume_from_status(&video_id, file.path())
        .chunk_size(5 * MIB)
        .await
        .expect("resume from status");

    let ranges: Vec<_> = server.upload_requests()[2..]
        .iter()
        .map(|r| r.content_range.clone().unwrap())
        .collect();
    assert_eq!(
        ranges,
        [
            "bytes 5242880-10485759/13631488",
            "bytes 10485760-13631487/13631488"
        ]
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/status"))
    );
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn parallel_chunks_assemble_and_the_last_goes_after_all_others() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    let data = bytes(31 * MIB);
    let file = TempFile::new("parallel.mp4", &data);

    client(&server)
        .videos()
        .upload(&video_id, file.path())
        .chunk_size(5 * MIB)
        .concurrency(3)
        .await
        .expect("upload");

    let requests = server.upload_requests();
    assert_eq!(requests.len(), 7);
    let last = requests
        .iter()
        .find(|r| {
            r.content_range
                .as_deref()
                .is_some_and(|c| c.contains("-32505855/"))
        })
        .expect("last chunk");
    assert_eq!(
        last.completed_before, 6,
        "the last chunk arrived after the 6 others were accepted"
    );
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn progress_reports_every_byte_and_the_chunks() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    let data = bytes(11 * MIB);
    let reports: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let seen = reports.clone();

    client(&server)
        .videos()
        .upload(&video_id, data.clone())
        .chunk_size(5 * MIB)
        .on_progress(move |p| seen.lock().unwrap().push(p))
        .await
        .expect("upload");

    let reports = reports.lock().unwrap();
    let last = reports.last().expect("some reports");
    assert_eq!(last.bytes_sent, data.len() as u64);
    assert_eq!(last.total, Some(data.len() as u64));
    assert_eq!(last.chunk_count, Some(3));
    assert!(
        reports
            .windows(2)
            .all(|w| w[0].bytes_sent <= w[1].bytes_sent)
    );
    let chunks: std::collections::BTreeSet<u32> = reports.iter().map(|p| p.chunk_index).collect();
    assert_eq!(chunks, [0, 1, 2].into());
}

#[tokio::test]
async fn a_reader_of_known_length_uploads_byte_exact() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    let data = bytes(12 * MIB);
    let reader = std::io::Cursor::new(data.clone());

    client(&server)
        .videos()
        .upload(&video_id, Source::reader(reader, data.len() as u64))
        .chunk_size(5 * MIB)
        .concurrency(2)
        .await
        .expect("upload");

    assert_eq!(server.upload_requests().len(), 3);
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn a_stream_of_unknown_length_goes_progressive() {
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    let data = bytes(12 * MIB);

    client(&server)
        .videos()
        .upload(
            &video_id,
            Source::stream(std::io::Cursor::new(data.clone())),
        )
        .chunk_size(5 * MIB)
        .await
        .expect("upload");

    let ranges: Vec<_> = server
        .upload_requests()
        .iter()
        .map(|r| r.content_range.clone().unwrap())
        .collect();
    assert_eq!(ranges, ["part 1/*", "part 2/*", "part 3/3"]);
    assert!(server.assembled(&video_id) == data);
}

#[tokio::test]
async fn progressive_sessions_send_parts_and_carry_the_token_video() {
    let server = UploadServer::start().await;
    let client = client(&server);
    let (a, b) = (bytes(5 * MIB), bytes(MIB / 2));

    let video_id = server.create_video();
    let mut session = client.videos().progressive_upload(&video_id);
    session.upload_part(a.clone()).await.expect("part 1");
    session
        .upload_last_part(b.clone())
        .await
        .expect("last part");
    assert!(server.assembled(&video_id) == [a.clone(), b.clone()].concat());

    let mut session = client
        .upload_tokens()
        .progressive_upload("to1tcmSFHeYY5KzyhOqVKMKb");
    session.upload_part(a.clone()).await.expect("part 1");
    let created = session
        .video_id()
        .expect("known after the first part")
        .to_owned();
    let video = session
        .upload_last_part(b.clone())
        .await
        .expect("last part");
    assert_eq!(video.video_id, created);
    assert!(server.assembled(&created) == [a, b].concat());

    let requests = server.upload_requests();
    let ranges: Vec<_> = requests
        .iter()
        .map(|r| r.content_range.clone().unwrap())
        .collect();
    assert_eq!(ranges, ["part 1/*", "part 2/2", "part 1/*", "part 2/2"]);
    let named = requests[3]
        .fields
        .iter()
        .find(|f| f.name == "videoId")
        .and_then(|f| f.text.clone());
    assert_eq!(named.as_deref(), Some(created.as_str()));

    // Parts other than the last must be at least 5 MiB.
    let mut session = client.videos().progressive_upload(&video_id);
    let error = session
        .upload_part(bytes(MIB))
        .await
        .expect_err("too small");
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                argument: "part",
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = UploadServer::start().await;
    let client = client(&server);
    let videos = client.videos();
    let dir = std::env::temp_dir();
    let empty = TempFile::new("empty.mp4", b"");
    let data = bytes(MIB);

    // (case, upload, the argument named, words of the reason)
    let cases: Vec<(&str, apivideo::upload::Upload, &str, &str)> = vec![
        (
            "missing file",
            videos.upload("vi1", Path::new("/no/such/file.mp4")),
            "source",
            "does not exist",
        ),
        (
            "directory",
            videos.upload("vi1", dir.as_path()),
            "source",
            "is a directory",
        ),
        (
            "unreadable file",
            videos.upload("vi1", unreadable_file().as_path()),
            "source",
            "cannot be read",
        ),
        (
            "empty file",
            videos.upload("vi1", empty.path()),
            "source",
            "is empty",
        ),
        (
            "empty bytes",
            videos.upload("vi1", Vec::new()),
            "source",
            "no bytes to upload",
        ),
        (
            "empty reader",
            videos.upload("vi1", Source::reader(tokio::io::empty(), 0)),
            "source",
            "length 0",
        ),
        (
            "chunk too small",
            videos.upload("vi1", data.clone()).chunk_size(5 * MIB - 1),
            "chunk_size",
            "5242879 bytes is outside 5 MiB..=128 MiB",
        ),
        (
            "chunk too large",
            videos.upload("vi1", data.clone()).chunk_size(128 * MIB + 1),
            "chunk_size",
            "134217729 bytes is outside 5 MiB..=128 MiB",
        ),
        (
            "no concurrency",
            videos.upload("vi1", data.clone()).concurrency(0),
            "concurrency",
            "at least one",
        ),
        (
            "empty video id",
            videos.upload(" ", data.clone()),
            "video_id",
            "must not be empty",
        ),
        (
            "empty token",
            client.upload_tokens().upload("", data.clone()),
            "token",
            "must not be empty",
        ),
        (
            "empty stream",
            videos.upload("vi1", Source::stream(tokio::io::empty())),
            "source",
            "the stream ended before any byte",
        ),
    ];
    for (case, upload, expected_argument, expected_reason) in cases {
        match upload.await {
            Err(Error::InvalidInput { argument, reason }) => {
                assert_eq!(argument, expected_argument, "{case}: {reason}");
                assert!(reason.contains(expected_reason), "{case}: {reason}");
            }
            other => panic!("{case}: expected InvalidInput, got {other:?}"),
        }
    }
    // Creating a video is not attempted when the source is bad either.
    let error = videos
        .create_and_upload(
            apivideo::models::VideoCreationPayload::new("x"),
            Path::new("/no/such.mp4"),
        )
        .await
        .expect_err("missing file");
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                argument: "source",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing was sent: {:?}",
        server.requests()
    );
}

#[tokio::test]
async fn create_and_upload_creates_the_video_first() {
    let server = UploadServer::start().await;
    let data = bytes(2 * MIB);
    let video = client(&server)
        .videos()
        .create_and_upload(
            apivideo::models::VideoCreationPayload::new("Keynote"),
            data.clone(),
        )
        .await
        .expect("upload");
    assert!(server.assembled(&video.video_id) == data);
    let paths: Vec<_> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /videos".to_owned(),
            format!("POST /videos/{}/source", video.video_id)
        ]
    );
}

/// Polls `check` every 10 ms until it holds or `limit` passes; whether it held.
async fn eventually(limit: Duration, check: impl Fn() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

#[tokio::test]
async fn dropping_the_upload_stops_it() {
    // The server reads the first chunk's head, then waits this long before its body.
    const STALL: Duration = Duration::from_secs(1);
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    server.fault(Fault::Stall {
        nth: 1,
        delay: STALL,
    });
    // A first chunk far larger than socket buffers hold: it cannot be sent whole before
    // the server reads it.
    let data = vec![7u8; 40 * MIB as usize];
    let mut upload = client(&server)
        .videos()
        .upload(&video_id, data)
        .chunk_size(32 * MIB)
        .into_future();

    // Drop it once the first chunk is under way (its head arrived).
    tokio::select! {
        result = &mut upload => panic!("finished during the stall: {result:?}"),
        started = eventually(Duration::from_secs(30), || server.upload_heads() == 1) => {
            assert!(started, "the first chunk never started");
        }
    }
    drop(upload);

    // When the stall is over the server reads the body: the client must have closed the
    // connection by then, mid-body.
    let closed = eventually(Duration::from_secs(30), || !server.aborted().is_empty()).await;
    let source = format!("/videos/{video_id}/source");
    assert!(
        closed,
        "the connection was not closed: {:?}",
        server.requests()
    );
    assert_eq!(server.aborted(), [source]);
    // Then, for longer than the stall again, nothing else arrives.
    tokio::time::sleep(2 * STALL).await;
    assert_eq!(server.upload_heads(), 1, "no other chunk was started");
    assert!(
        server.requests().is_empty(),
        "nothing was received whole: {:?}",
        server.requests()
    );
    assert_eq!(server.aborted().len(), 1);
}

use std::future::IntoFuture;

#[tokio::test]
async fn an_open_file_uploads_whole_whatever_its_cursor() {
    use tokio::io::AsyncReadExt;
    let server = UploadServer::start().await;
    let video_id = server.create_video();
    let data = bytes(11 * MIB);
    let temp = TempFile::new("open.mp4", &data);
    let mut file = tokio::fs::File::open(temp.path()).await.expect("open");
    let mut first = [0u8; 100];
    file.read_exact(&mut first).await.expect("read a little");

    client(&server)
        .videos()
        .upload(&video_id, file)
        .chunk_size(5 * MIB)
        .concurrency(3)
        .await
        .expect("upload");

    assert_eq!(server.upload_requests().len(), 3);
    assert!(
        server.assembled(&video_id) == data,
        "read from the start, in positions, not the cursor"
    );
}

#[tokio::test]
async fn a_failed_token_upload_keeps_the_token_out_of_its_error() {
    let server = UploadServer::start().await;
    // A 400 on the second chunk stops the upload after the first created the video.
    server.fault(Fault::Status {
        nth: 2,
        status: 400,
        retry_after: None,
    });
    let token = "to1SECRETtokenVALUE0000";
    let client = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .build()
        .expect("client");

    let error = client
        .upload_tokens()
        .upload(token, bytes(11 * MIB))
        .chunk_size(5 * MIB)
        .await
        .expect_err("stops at chunk 2");

    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("SECRET"), "the upload token leaked: {text}");
    }
    let Error::Upload(upload) = error else {
        panic!("not an upload error")
    };
    let resume = upload.resume.expect("resumable");
    assert!(
        resume.video_id().is_some(),
        "the first chunk's video is kept for the resume"
    );
    assert_eq!(resume.confirmed_chunks().collect::<Vec<_>>(), [0]);
}

/// A path that exists and cannot be opened (see `apivideo_test_support::files`); the
/// temporary file is left behind on purpose, as it may be the path returned.
fn unreadable_file() -> PathBuf {
    let candidate = TempFile::new("unreadable.mp4", b"data");
    let path = candidate.path().to_path_buf();
    std::mem::forget(candidate);
    apivideo_test_support::files::unreadable_file(&path)
}
