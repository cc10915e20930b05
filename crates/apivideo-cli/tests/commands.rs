//! The other commands as a subprocess, and every bad input refused with exit status 2
//! before any request.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use apivideo::webhooks::{SignatureSecret, sign};
use common::*;

fn facade(sim: &apivideo_simulator::Simulator) -> apivideo::Client {
    apivideo::Client::builder()
        .base_url(sim.base_url())
        .api_key(KEY)
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn videos_list_streams_every_page_and_stops_at_the_limit() {
    let sim = simulator().await;
    let dir = TempDir::new("list");
    let client = facade(&sim);
    for i in 0..105 {
        let payload = apivideo::models::VideoCreationPayload::new(format!("video {i}"));
        let payload = if i % 2 == 0 {
            payload.tags(["even"])
        } else {
            payload
        };
        client.videos().create(payload).await.expect("create");
    }
    let pages = |sim: &apivideo_simulator::Simulator| sim.request_count("GET /videos");

    let all = run(apivideo(&sim, dir.path(), &["videos", "list", "--json"])).await;
    assert_eq!(all.code, 0, "{all:?}");
    let videos = all.json_lines();
    assert_eq!(videos.len(), 105);
    let mut ids: Vec<&str> = videos
        .iter()
        .map(|v| v["videoId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 105, "every video once");
    assert_eq!(pages(&sim), 2, "two pages of 100");

    let even = run(apivideo(
        &sim,
        dir.path(),
        &["videos", "list", "--tag", "even"],
    ))
    .await;
    assert_eq!(even.code, 0, "{even:?}");
    let rows: Vec<&str> = even.stdout.lines().collect();
    assert_eq!(rows.len(), 1 + 53, "a header and 53 rows: {even:?}");
    assert!(rows[0].starts_with("VIDEO ID"), "{even:?}");
    assert!(even.stderr.contains("53 videos"), "{even:?}");

    let before = pages(&sim);
    let few = run(apivideo(
        &sim,
        dir.path(),
        &["videos", "list", "--limit", "3", "--json"],
    ))
    .await;
    assert_eq!(few.json_lines().len(), 3);
    assert_eq!(few.json_lines()[0]["title"], "video 104", "newest first");
    assert_eq!(pages(&sim), before + 1, "one page is enough for 3");

    let titled = run(apivideo(
        &sim,
        dir.path(),
        &["videos", "list", "--title", "video 104", "--json"],
    ))
    .await;
    assert_eq!(titled.json_lines().len(), 1, "{titled:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_status_wait_and_delete() {
    let sim = simulator().await;
    let dir = TempDir::new("videos");
    dir.file("a.mp4", &bytes(MIB, 8));
    let up = run(apivideo(
        &sim,
        dir.path(),
        &["upload", "a.mp4", "--json", "--wait"],
    ))
    .await;
    assert_eq!(up.code, 0, "{up:?}");
    let id = up.json_lines()[0]["videoId"].as_str().unwrap().to_owned();
    assert!(up.stderr.contains("playable"), "{up:?}");

    let get = run(apivideo(&sim, dir.path(), &["videos", "get", &id])).await;
    assert_eq!(get.code, 0, "{get:?}");
    assert!(
        get.stdout.contains(&format!("video id:    {id}")),
        "{get:?}"
    );
    assert!(get.stdout.contains("title:       a"), "{get:?}");

    let status = run(apivideo(
        &sim,
        dir.path(),
        &["videos", "status", &id, "--wait"],
    ))
    .await;
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("ingest:    uploaded"), "{status:?}");
    assert!(status.stdout.contains("playable:  yes"), "{status:?}");

    let delete = run(apivideo(
        &sim,
        dir.path(),
        &["videos", "delete", &id, "viNope"],
    ))
    .await;
    assert_eq!(delete.code, 1, "{delete:?}");
    assert!(
        delete.stdout.contains(&format!("deleted {id}")),
        "{delete:?}"
    );
    assert!(
        delete.stderr.contains("1 of 2 videos not deleted"),
        "{delete:?}"
    );
    assert!(
        delete.stderr.contains("viNope: api.video answered 404"),
        "{delete:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_show_the_problem_details_one_per_line() {
    let sim = simulator().await;
    let dir = TempDir::new("problem");
    let run = run(apivideo(
        &sim,
        dir.path(),
        &["videos", "get", "viDoesNotExist"],
    ))
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0], "apivideo: error: api.video answered 404 Not Found",
        "{run:?}"
    );
    assert!(
        lines.iter().any(|l| l.trim_start().starts_with("title: ")),
        "{run:?}"
    );
    assert!(
        lines.iter().any(|l| l.trim() == "field: videoId"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_tokens_are_created_listed_and_deleted() {
    let sim = simulator().await;
    let dir = TempDir::new("tokens");
    let created = run(apivideo(
        &sim,
        dir.path(),
        &["upload-tokens", "create", "--ttl", "3600"],
    ))
    .await;
    assert_eq!(created.code, 0, "{created:?}");
    let token = created.stdout.trim().to_owned();
    assert!(token.starts_with("to"), "{created:?}");
    assert!(created.stderr.contains("valid 3600 s"), "{created:?}");

    let list = run(apivideo(
        &sim,
        dir.path(),
        &["upload-tokens", "list", "--json"],
    ))
    .await;
    let tokens = list.json_lines();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["token"], token.as_str());

    let deleted = run(apivideo(
        &sim,
        dir.path(),
        &["upload-tokens", "delete", &token],
    ))
    .await;
    assert_eq!(deleted.code, 0, "{deleted:?}");
    let list = run(apivideo(
        &sim,
        dir.path(),
        &["upload-tokens", "list", "--json"],
    ))
    .await;
    assert!(list.stdout.is_empty(), "{list:?}");
}

#[test]
fn webhooks_verify_accepts_the_right_signature_only() {
    let body = br#"{"type":"video.encoding.quality.completed","emittedAt":"2026-11-27T10:00:00+00:00","videoId":"vi1","encoding":"hls","quality":"720p"}"#;
    let secret = "sig_sec_cli_test";
    let good = sign(&SignatureSecret::new(secret), body);
    let verify = |signature: &str, env: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_apivideo"));
        command
            .args([
                "webhooks",
                "verify",
                "--secret-env",
                "WEBHOOK_SECRET",
                "--signature",
                signature,
            ])
            .env_remove("APIVIDEO_API_KEY")
            .env_remove("WEBHOOK_SECRET")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(value) = env {
            command.env("WEBHOOK_SECRET", value);
        }
        let mut child = command.spawn().expect("spawn");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), body).unwrap();
        let run = checked(child.wait_with_output().unwrap());
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{run:?}"
        );
        run
    };
    let ok = verify(&good, Some(secret));
    assert_eq!(ok.code, 0, "{ok:?}");
    assert_eq!(
        ok.stdout.trim(),
        "valid signature: video.encoding.quality.completed"
    );

    let mut bad = good.clone().into_bytes();
    bad[0] = if bad[0] == b'0' { b'1' } else { b'0' };
    let bad = verify(std::str::from_utf8(&bad).unwrap(), Some(secret));
    assert_eq!(bad.code, 1, "{bad:?}");
    assert!(bad.stderr.contains("does not match"), "{bad:?}");

    let other = verify(&good, Some("another secret"));
    assert_eq!(other.code, 1, "{other:?}");

    let unset = verify(&good, None);
    assert_eq!(unset.code, 2, "{unset:?}");
    assert!(unset.stderr.contains("WEBHOOK_SECRET"), "{unset:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_status_2_before_any_request() {
    let sim = simulator().await;
    let dir = TempDir::new("bad");
    dir.file("ok.mp4", &bytes(1000, 9));
    dir.file("two.mp4", &bytes(1000, 10));
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    dir.file("texts/readme.txt", b"text");
    let unreadable = unreadable_file(&dir);
    let unreadable = unreadable.to_str().unwrap();

    let cases: &[(&[&str], &str)] = &[
        (&["upload", "missing.mp4"], "missing.mp4: it does not exist"),
        (&["upload", "empty"], "empty has no video files"),
        (&["upload", "texts"], "--all uploads every file"),
        (&["upload", unreadable], "cannot be read"),
        (
            &["upload", "ok.mp4", "--chunk-size", "1MiB"],
            "5MiB to 128MiB",
        ),
        (
            &["upload", "ok.mp4", "--chunk-size", "200MiB"],
            "5MiB to 128MiB",
        ),
        (&["upload", "ok.mp4", "--chunk-size", "fifty"], "not a size"),
        (
            &["upload", "ok.mp4", "--metadata", "novalue"],
            "expected KEY=VALUE",
        ),
        (&["upload", "ok.mp4", "--metadata", "=v"], "empty key"),
        (
            &["upload", "ok.mp4", "two.mp4", "--title", "T"],
            "give exactly one file",
        ),
        (&["upload", "ok.mp4", "--concurrency", "0"], "--concurrency"),
        (&["upload"], "PATH"),
        (&["videos", "list", "--metadata", "x"], "expected KEY=VALUE"),
        (&["--sandbox", "videos", "list"], "two environments"),
    ];
    for (args, message) in cases {
        let run = run(apivideo(&sim, dir.path(), args)).await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains(message),
            "{args:?} should say {message:?}: {run:?}"
        );
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
    }
    assert!(
        sim.received_requests().is_empty(),
        "nothing was sent: {:?}",
        sim.received_requests()
    );
    assert!(
        !dir.path().join(".apivideo-upload.json").exists(),
        "bad arguments leave no journal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_comes_from_the_environment_or_a_file_and_its_absence_is_explained() {
    let sim = simulator().await;
    let dir = TempDir::new("key");
    dir.file("ok.mp4", &bytes(1000, 11));
    for args in [&["videos", "list"][..], &["upload", "ok.mp4"][..]] {
        let mut command = apivideo(&sim, dir.path(), args);
        command.env_remove("APIVIDEO_API_KEY");
        let run = run(command).await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains("APIVIDEO_API_KEY") && run.stderr.contains("--api-key-file"),
            "both ways to give a key: {run:?}"
        );
    }
    assert!(sim.received_requests().is_empty());

    let key_file = dir.file("key.txt", format!("{KEY}\n").as_bytes());
    let mut command = apivideo(
        &sim,
        dir.path(),
        &[
            "videos",
            "list",
            "--api-key-file",
            key_file.to_str().unwrap(),
        ],
    );
    command.env_remove("APIVIDEO_API_KEY");
    let listed = run(command).await;
    assert_eq!(listed.code, 0, "{listed:?}");

    let mut command = apivideo(
        &sim,
        dir.path(),
        &["--api-key-file", "nope.txt", "videos", "list"],
    );
    command.env_remove("APIVIDEO_API_KEY");
    let missing = run(command).await;
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("nope.txt"), "{missing:?}");

    // A wrong key is the API's refusal, explained without the key.
    let mut command = apivideo(&sim, dir.path(), &["videos", "list"]);
    command.env("APIVIDEO_API_KEY", "wrong_key_abcdefghijklmnop");
    let refused = run(command).await;
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(!refused.stderr.contains("wrong_key"), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_simulator_serves_the_other_commands() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_apivideo"))
        .args(["simulator", "--port", "0", "--api-key", KEY])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("apivideo simulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let mut rest = String::new();
    stdout.read_line(&mut rest).unwrap();
    assert!(
        !rest.contains(KEY),
        "a key given with --api-key is not echoed: {rest:?}"
    );

    let dir = TempDir::new("bundled");
    dir.file("a.mp4", &bytes(MIB, 12));
    let upload = Command::new(env!("CARGO_BIN_EXE_apivideo"))
        .current_dir(dir.path())
        .args(["upload", "a.mp4", "--json", "--base-url", &url])
        .env("APIVIDEO_API_KEY", KEY)
        .output()
        .unwrap();
    let upload = checked(upload);
    assert_eq!(upload.code, 0, "{upload:?}");
    let list = checked(
        Command::new(env!("CARGO_BIN_EXE_apivideo"))
            .args(["videos", "list", "--json", "--base-url", &url])
            .env("APIVIDEO_API_KEY", KEY)
            .output()
            .unwrap(),
    );
    assert_eq!(list.json_lines().len(), 1, "{list:?}");
    child.kill().unwrap();
    let _ = child.wait();

    let help = checked(
        Command::new(env!("CARGO_BIN_EXE_apivideo"))
            .args(["simulator", "--help"])
            .output()
            .unwrap(),
    );
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("apivideo simulator"), "{help:?}");
    assert!(help.stdout.contains("--port"), "{help:?}");
    let bad = checked(
        Command::new(env!("CARGO_BIN_EXE_apivideo"))
            .args(["simulator", "--port", "many"])
            .output()
            .unwrap(),
    );
    assert_eq!(bad.code, 2, "{bad:?}");
}
