//! `apivideo upload` as a subprocess: several files with `--json`, resume after a fault and
//! after a kill (only the missing chunks, one video per file), a changed file.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_files_upload_with_json_lines_and_a_second_run_skips_them() {
    let sim = simulator().await;
    let dir = TempDir::new("several");
    let a = bytes(12 * MIB + 3, 1);
    let b = bytes(6 * MIB, 2);
    let c = bytes(1000, 3);
    dir.file("talks/a.mp4", &a);
    dir.file("talks/deeper/b.MOV", &b);
    dir.file("talks/notes.txt", b"not a video");
    dir.file("c.webm", &c);

    let first = run(apivideo(
        &sim,
        dir.path(),
        &[
            "upload",
            "talks",
            "c.webm",
            "--json",
            "--chunk-size",
            "5MiB",
            "--parallel",
            "2",
            "--concurrency",
            "2",
            "--tag",
            "cli",
            "--metadata",
            "team=video",
            "--private",
        ],
    ))
    .await;
    assert_eq!(first.code, 0, "{first:?}");
    let lines = first.json_lines();
    assert_eq!(lines.len(), 3, "{first:?}");
    for (path, data) in [
        ("talks/a.mp4", &a),
        ("talks/deeper/b.MOV", &b),
        ("c.webm", &c),
    ] {
        let line = lines
            .iter()
            .find(|l| l["path"] == path)
            .unwrap_or_else(|| panic!("no line for {path}: {first:?}"));
        let id = line["videoId"].as_str().expect("videoId");
        assert_eq!(line["status"], "uploaded");
        assert_eq!(line["bytes"], data.len() as u64);
        assert!(line["seconds"].as_f64().is_some(), "{line}");
        assert!(line["player"].as_str().unwrap().contains(id), "{line}");
        assert_eq!(sim.video_source(id).as_deref(), Some(&data[..]), "{path}");
    }
    assert_eq!(sim.request_count("POST /videos"), 3);
    // a.mp4 in 3 chunks, b.MOV in 2, c.webm in one request.
    assert_eq!(sim.request_count(SOURCE), 6);
    assert!(
        first.stderr.contains("VIDEO ID"),
        "the summary goes to stderr with --json"
    );

    let video = run(apivideo(
        &sim,
        dir.path(),
        &[
            "videos",
            "get",
            lines[0]["videoId"].as_str().unwrap(),
            "--json",
        ],
    ))
    .await;
    let video: serde_json::Value = serde_json::from_str(video.stdout.trim()).expect("video");
    assert_eq!(video["tags"], serde_json::json!(["cli"]));
    assert_eq!(video["public"], false);
    assert!(
        video["metadata"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["key"] == "team" && m["value"] == "video"),
        "{video}"
    );

    // Again: nothing is created or sent.
    let second = run(apivideo(
        &sim,
        dir.path(),
        &[
            "upload",
            "talks",
            "c.webm",
            "--json",
            "--chunk-size",
            "5MiB",
        ],
    ))
    .await;
    assert_eq!(second.code, 0, "{second:?}");
    let again = second.json_lines();
    assert_eq!(again.len(), 3);
    assert!(again.iter().all(|l| l["status"] == "skipped"), "{second:?}");
    assert_eq!(sim.request_count("POST /videos"), 3);
    assert_eq!(sim.request_count(SOURCE), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_upload_resumes_with_only_the_missing_chunks_and_one_video() {
    let sim = simulator().await;
    let dir = TempDir::new("fault");
    let data = bytes(12 * MIB + 11, 4);
    let file = dir.file("talk.mp4", &data);
    let args = ["upload", "talk.mp4", "--chunk-size", "5MiB", "--json"];

    // Chunks wait a little on the server, so the fault lands on the chunk after the first
    // confirmed one; the network then fails for good (every retry too).
    sim.faults().latency(SOURCE, Duration::from_millis(300));
    let child = apivideo(&sim, dir.path(), &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let journal_dir = &dir;
    let journaled = &file;
    eventually("chunk 0 confirmed in the journal", || {
        std::fs::metadata(journal_dir.path().join(".apivideo-upload.json")).is_ok()
            && !journal_chunks(journal_dir, journaled).is_empty()
    })
    .await;
    sim.faults().fail_next(SOURCE, 20, 503);
    let first = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let first = checked(first);
    assert_eq!(first.code, 1, "{first:?}");
    assert!(first.stderr.contains("1 of 1 file failed"), "{first:?}");
    assert!(first.stderr.contains("503"), "{first:?}");
    assert!(first.stderr.contains("to resume"), "{first:?}");
    assert!(
        first
            .stderr
            .contains("upload talk.mp4 --chunk-size 5MiB --json"),
        "the command to run again: {first:?}"
    );
    let line = &first.json_lines()[0];
    assert_eq!(line["status"], "failed");
    let video_id = line["videoId"].as_str().expect("video id").to_owned();

    let confirmed = journal_chunks(&dir, &file);
    assert!(
        !confirmed.is_empty() && !confirmed.contains(&2),
        "{confirmed:?}"
    );
    sim.faults().clear();
    let before = sim.request_count(SOURCE);

    let second = run(apivideo(&sim, dir.path(), &args)).await;
    assert_eq!(second.code, 0, "{second:?}");
    let line = &second.json_lines()[0];
    assert_eq!(line["status"], "resumed");
    assert_eq!(line["videoId"], video_id.as_str());
    let total = data.len() as u64;
    let missing: Vec<String> = (0..3)
        .filter(|i| !confirmed.contains(i))
        .map(|i| chunk_range(i, 5 * MIB, total))
        .collect();
    assert_eq!(source_ranges(&sim, before), missing);
    assert_eq!(sim.request_count("POST /videos"), 1);
    assert_eq!(sim.video_source(&video_id).as_deref(), Some(&data[..]));
    assert_eq!(dir.journal()["files"].as_object().unwrap().len(), 1);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_upload_resumes_from_its_journal() {
    let sim = simulator().await;
    let dir = TempDir::new("kill");
    let data = bytes(16 * MIB, 5);
    let file = dir.file("long.mp4", &data);
    // One chunk at a time: the run is killed after the first is confirmed, and the resumed
    // run's chunks are compared in order.
    let args = ["upload", ".", "--chunk-size", "5MiB", "--concurrency", "1"];

    sim.faults().latency(SOURCE, Duration::from_millis(300));
    let mut child = apivideo(&sim, dir.path(), &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let journal_dir = &dir;
    let journaled = &file;
    eventually("chunk 0 confirmed in the journal", || {
        std::fs::metadata(journal_dir.path().join(".apivideo-upload.json")).is_ok()
            && !journal_chunks(journal_dir, journaled).is_empty()
    })
    .await;
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    // Let the chunk that was in flight end on the server before counting.
    tokio::time::sleep(Duration::from_millis(600)).await;
    sim.faults().clear();
    let confirmed = journal_chunks(&dir, &file);
    assert!(!confirmed.contains(&3), "{confirmed:?}");
    let before = sim.request_count(SOURCE);

    let second = run(apivideo(&sim, dir.path(), &args)).await;
    assert_eq!(second.code, 0, "{second:?}");
    assert!(second.stderr.contains("resuming video"), "{second:?}");
    assert!(second.stdout.contains("resumed"), "{second:?}");
    let total = data.len() as u64;
    let missing: Vec<String> = (0..4)
        .filter(|i| !confirmed.contains(i))
        .map(|i| chunk_range(i, 5 * MIB, total))
        .collect();
    assert_eq!(source_ranges(&sim, before), missing);
    assert_eq!(sim.request_count("POST /videos"), 1);
    let key = std::fs::canonicalize(&file).unwrap();
    let entry = &dir.journal()["files"][key.to_string_lossy().as_ref()];
    assert_eq!(entry["status"], "done");
    let video_id = entry["videoId"].as_str().unwrap();
    assert_eq!(sim.video_source(video_id).as_deref(), Some(&data[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_file_is_uploaded_anew_and_the_note_says_so() {
    let sim = simulator().await;
    let dir = TempDir::new("changed");
    let before = bytes(3 * MIB, 6);
    dir.file("clip.mp4", &before);
    let args = ["upload", "clip.mp4", "--json"];
    let first = run(apivideo(&sim, dir.path(), &args)).await;
    assert_eq!(first.code, 0, "{first:?}");
    let old_id = first.json_lines()[0]["videoId"]
        .as_str()
        .unwrap()
        .to_owned();

    // Same size, other bytes at the end.
    let mut after = before.clone();
    *after.last_mut().unwrap() ^= 0x5a;
    dir.file("clip.mp4", &after);
    let second = run(apivideo(&sim, dir.path(), &args)).await;
    assert_eq!(second.code, 0, "{second:?}");
    assert!(
        second.stderr.contains("changed since the last run"),
        "{second:?}"
    );
    assert!(second.stderr.contains("uploading it anew"), "{second:?}");
    assert!(second.stderr.contains(&old_id), "{second:?}");
    let line = &second.json_lines()[0];
    assert_eq!(line["status"], "uploaded");
    let new_id = line["videoId"].as_str().unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(sim.video_source(new_id).as_deref(), Some(&after[..]));
    assert_eq!(sim.video_source(&old_id).as_deref(), Some(&before[..]));
    assert_eq!(sim.request_count("POST /videos"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_created_by_a_run_that_died_before_recording_it_is_found_by_its_marker() {
    let sim = simulator().await;
    let dir = TempDir::new("marker");
    let data = bytes(2 * MIB, 7);
    let file = dir.file("a.mp4", &data);
    // What a run leaves when it dies between creating the video and recording its id.
    let fingerprint = apivideo::upload::Fingerprint::of_path(&file).await.unwrap();
    let key = std::fs::canonicalize(&file).unwrap();
    let journal = serde_json::json!({
        "version": 1,
        "files": { key.to_string_lossy(): {
            "status": "creating",
            "fingerprint": fingerprint,
            "marker": "0123456789abcdef0123456789abcdef",
        }}
    });
    std::fs::write(
        dir.path().join(".apivideo-upload.json"),
        journal.to_string(),
    )
    .unwrap();
    let client = apivideo::Client::builder()
        .base_url(sim.base_url())
        .api_key(KEY)
        .build()
        .unwrap();
    let created = client
        .videos()
        .create(
            apivideo::models::VideoCreationPayload::new("a").metadata([
                apivideo::models::Metadata::new()
                    .key("apivideo-cli-upload")
                    .value("0123456789abcdef0123456789abcdef"),
            ]),
        )
        .await
        .unwrap();

    let run = run(apivideo(&sim, dir.path(), &["upload", "a.mp4", "--json"])).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("created by an interrupted run"),
        "{run:?}"
    );
    assert_eq!(run.json_lines()[0]["videoId"], created.video_id.as_str());
    assert_eq!(sim.request_count("POST /videos"), 1);
    assert_eq!(
        sim.video_source(&created.video_id).as_deref(),
        Some(&data[..])
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_with_status_130_and_says_how_to_resume() {
    let sim = simulator().await;
    let dir = TempDir::new("sigint");
    let data = bytes(11 * MIB, 13);
    let file = dir.file("a.mp4", &data);
    let args = ["upload", "a.mp4", "--chunk-size", "5MiB", "--json"];

    sim.faults().latency(SOURCE, Duration::from_millis(300));
    let child = apivideo(&sim, dir.path(), &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let journal_dir = &dir;
    let journaled = &file;
    eventually("chunk 0 confirmed in the journal", || {
        std::fs::metadata(journal_dir.path().join(".apivideo-upload.json")).is_ok()
            && !journal_chunks(journal_dir, journaled).is_empty()
    })
    .await;
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(sent.success());
    let first = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let first = checked(first);
    assert_eq!(first.code, 130, "{first:?}");
    assert!(first.stderr.contains("interrupted"), "{first:?}");
    assert!(first.stderr.contains("to resume"), "{first:?}");
    assert_eq!(first.json_lines()[0]["status"], "interrupted");

    tokio::time::sleep(Duration::from_millis(600)).await;
    sim.faults().clear();
    let second = run(apivideo(&sim, dir.path(), &args)).await;
    assert_eq!(second.code, 0, "{second:?}");
    let id = second.json_lines()[0]["videoId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(sim.request_count("POST /videos"), 1);
    assert_eq!(sim.video_source(&id).as_deref(), Some(&data[..]));
}
