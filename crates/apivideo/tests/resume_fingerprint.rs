//! Resuming checks the source by fingerprint; `Resume` survives serialization (without
//! upload tokens); `on_chunk_confirmed` reports each chunk as the server accepts it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use apivideo::models::{TokenCreationPayload, VideoCreationPayload};
use apivideo::upload::{ChunkConfirmed, Fingerprint, Resume};
use apivideo::{Client, Error, RetryPolicy};
use apivideo_simulator::Simulator;

const MIB: u64 = 1024 * 1024;
const SOURCE: &str = "POST /videos/{videoId}/source";

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .base_url(sim.base_url())
        .api_key(sim.api_key())
        .basic_auth()
        .retry_policy(RetryPolicy::default().max_attempts(1))
        .build()
        .expect("client")
}

/// Deterministic, non-repeating bytes; `seed` makes another file of the same length.
fn bytes(len: u64, seed: u64) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("apivideo-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, data).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The chunk ranges of the source requests received since `from`.
fn source_ranges(sim: &Simulator, route: &str, from: usize) -> Vec<String> {
    sim.received_requests()
        .into_iter()
        .filter(|r| r.route == route)
        .skip(from)
        .map(|r| r.content_range.unwrap_or_default())
        .collect()
}

/// Uploads `path` in 5 MiB chunks and breaks the upload once chunk 0 is confirmed (the
/// fault is injected from the confirmation callback, so it always hits chunk 1).
async fn interrupted_upload(sim: &Simulator, path: &Path) -> (String, Resume, Vec<ChunkConfirmed>) {
    let client = client(sim);
    let video = client
        .videos()
        .create(VideoCreationPayload::new("resume me"))
        .await
        .expect("create");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let faults = sim.faults().clone();
    let record = seen.clone();
    let error = client
        .videos()
        .upload(&video.video_id, path)
        .chunk_size(5 * MIB)
        .concurrency(1) // chunk 1 is sent after chunk 0 was confirmed
        .on_chunk_confirmed(move |chunk| {
            if chunk.index == 0 {
                faults.fail_next(SOURCE, 1, 503);
            }
            record.lock().unwrap().push(chunk);
        })
        .await
        .expect_err("the upload breaks");
    let Error::Upload(upload) = error else {
        panic!("not an upload error: {error}");
    };
    let resume = upload.resume.expect("resumable");
    let seen = seen.lock().unwrap().clone();
    (video.video_id, resume, seen)
}

#[tokio::test]
async fn an_interrupted_upload_keeps_the_fingerprint_and_resumes_the_same_file_only() {
    let sim = Simulator::start().await;
    let dir = TempDir::new("resume-fp");
    let data = bytes(12 * MIB + 7, 1);
    let path = dir.file("talk.mp4", &data);
    let (video_id, resume, seen) = interrupted_upload(&sim, &path).await;

    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].video_id, video_id);
    assert_eq!((seen[0].index, seen[0].range.clone()), (0, 0..5 * MIB));
    assert_eq!((seen[0].total, seen[0].chunk_count), (data.len() as u64, 3));
    assert_eq!(resume.confirmed_chunks().collect::<Vec<_>>(), [0]);
    let fingerprint = Fingerprint::of_path(&path).await.expect("fingerprint");
    assert_eq!(resume.fingerprint(), Some(&fingerprint));
    assert_eq!(fingerprint.size(), data.len() as u64);

    // Another file of the same length is refused before anything is sent.
    let other = dir.file("other.mp4", &bytes(data.len() as u64, 2));
    let before = sim.request_count(SOURCE);
    let error = client(&sim)
        .videos()
        .resume(resume.clone(), other.as_path())
        .await
        .expect_err("another file");
    match &error {
        Error::InvalidInput { argument, reason } => {
            assert_eq!(*argument, "source");
            assert!(reason.contains("not the file"), "{reason}");
            assert!(reason.contains(&fingerprint.to_string()), "{reason}");
        }
        other => panic!("unexpected error: {other}"),
    }
    assert_eq!(sim.request_count(SOURCE), before);

    // The same file, through a serialization round trip (a journal), sends the rest only.
    let json = serde_json::to_value(&resume).expect("serialize");
    assert_eq!(json["videoId"], video_id.as_str());
    assert_eq!(json["total"], data.len() as u64);
    assert_eq!(json["chunkSize"], 5 * MIB);
    assert_eq!(json["confirmedChunks"], serde_json::json!([0]));
    assert_eq!(json["fingerprint"]["size"], data.len() as u64);
    assert!(json.get("uploadToken").is_none(), "{json}");
    let resume: Resume = serde_json::from_value(json).expect("deserialize");

    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let before = sim.request_count(SOURCE);
    let video = client(&sim)
        .videos()
        .resume(resume, path.as_path())
        .on_chunk_confirmed(move |chunk| record.lock().unwrap().push(chunk.index))
        .await
        .expect("resume");
    assert_eq!(video.video_id, video_id);
    assert_eq!(
        source_ranges(&sim, SOURCE, before),
        [
            format!("bytes {}-{}/{}", 5 * MIB, 10 * MIB - 1, data.len()),
            format!("bytes {}-{}/{}", 10 * MIB, data.len() - 1, data.len()),
        ]
    );
    assert_eq!(*seen.lock().unwrap(), [1, 2]);
    assert_eq!(sim.video_source(&video_id).as_deref(), Some(&data[..]));
}

#[tokio::test]
async fn a_resume_built_by_hand_with_a_fingerprint_checks_it_too() {
    let sim = Simulator::start().await;
    let dir = TempDir::new("resume-new");
    let data = bytes(11 * MIB, 3);
    let path = dir.file("a.mp4", &data);
    let (video_id, resume, _) = interrupted_upload(&sim, &path).await;

    let fingerprint = Fingerprint::of_path(&path).await.expect("fingerprint");
    let mut by_hand = Resume::new(&video_id, data.len() as u64, 5 * MIB, []);
    by_hand.confirm_chunk(0);
    let by_hand = by_hand.with_fingerprint(fingerprint.clone());
    assert_eq!(by_hand.chunk_count(), 3);
    assert_eq!(by_hand.confirmed_bytes(), resume.confirmed_bytes());
    assert!(!by_hand.uses_upload_token());

    // The file changed after the interruption (same length, last byte): refused.
    let mut changed = data.clone();
    *changed.last_mut().unwrap() ^= 0xff;
    std::fs::write(&path, &changed).expect("rewrite");
    let file = std::fs::File::open(&path).expect("open");
    let now = Fingerprint::of_file(&file).await.expect("fingerprint");
    assert_ne!(now, fingerprint);
    let error = client(&sim)
        .videos()
        .resume(by_hand.clone(), path.as_path())
        .await
        .expect_err("changed");
    assert!(
        matches!(
            &error,
            Error::InvalidInput {
                argument: "source",
                ..
            }
        ),
        "{error}"
    );

    // Back as it was: accepted, and an open file is checked the same way.
    std::fs::write(&path, &data).expect("restore");
    let file = tokio::fs::File::open(&path).await.expect("open");
    let video = client(&sim)
        .videos()
        .resume(by_hand, file)
        .await
        .expect("resume");
    assert_eq!(
        sim.video_source(&video.video_id).as_deref(),
        Some(&data[..])
    );
}

#[tokio::test]
async fn a_token_upload_serializes_without_its_token_and_needs_it_back() {
    let sim = Simulator::start().await;
    let dir = TempDir::new("resume-token");
    let data = bytes(11 * MIB, 4);
    let path = dir.file("t.mp4", &data);
    let client = client(&sim);
    let token = client
        .upload_tokens()
        .create(TokenCreationPayload::new())
        .await
        .expect("token")
        .token
        .expect("token value");

    let faults = sim.faults().clone();
    let error = client
        .upload_tokens()
        .upload(&token, path.as_path())
        .chunk_size(5 * MIB)
        .on_chunk_confirmed(move |chunk| {
            if chunk.index == 0 {
                faults.fail_next("POST /upload", 1, 503);
            }
        })
        .await
        .expect_err("breaks");
    let Error::Upload(upload) = error else {
        panic!("not an upload error: {error}");
    };
    let resume = upload.resume.expect("resumable");
    let json = serde_json::to_string(&resume).expect("serialize");
    assert!(!json.contains(&token), "{json}");
    assert!(json.contains(r#""uploadToken":true"#), "{json}");
    let video_id = upload.video_id.expect("video created by the first chunk");
    assert!(json.contains(&video_id), "{json}");

    let read: Resume = serde_json::from_str(&json).expect("deserialize");
    assert!(read.uses_upload_token());
    let error = client
        .videos()
        .resume(read.clone(), path.as_path())
        .await
        .expect_err("no token");
    assert!(
        matches!(
            &error,
            Error::InvalidInput {
                argument: "resume",
                ..
            }
        ),
        "{error}"
    );
    assert!(!error.to_string().contains(&token));

    let video = client
        .videos()
        .resume(read.with_upload_token(&token), path.as_path())
        .await
        .expect("resume");
    assert_eq!(video.video_id, video_id);
    assert_eq!(sim.video_source(&video_id).as_deref(), Some(&data[..]));
}

#[test]
fn malformed_resumes_are_refused_when_read() {
    for bad in [
        r#"{"total": 10, "chunkSize": 5, "confirmedChunks": []}"#,
        r#"{"videoId": "vi1", "total": 10, "chunkSize": 0, "confirmedChunks": []}"#,
        r#"{"videoId": "vi1", "total": 10, "chunkSize": 5, "confirmedChunks": [2]}"#,
        r#"{"videoId": "vi1", "total": 10, "chunkSize": 5, "confirmedChunks": [0],
            "fingerprint": {"size": 10, "sha256": "00"}}"#,
    ] {
        assert!(serde_json::from_str::<Resume>(bad).is_err(), "{bad}");
    }
    let good = r#"{"videoId": "vi1", "total": 10, "chunkSize": 5, "confirmedChunks": [1]}"#;
    let resume: Resume = serde_json::from_str(good).expect("good");
    assert_eq!(resume.video_id(), Some("vi1"));
    assert_eq!(resume.confirmed_bytes(), 5);
    assert_eq!(resume.fingerprint(), None);
}
