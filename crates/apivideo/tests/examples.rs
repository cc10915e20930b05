//! Every program in `examples/`, run as a user runs it, so that none can rot: `cargo
//! test` builds them first, and each test here fails when its example fails or stops
//! doing what it shows.
//!
//! Without `APIVIDEO_API_KEY` (every `APIVIDEO_*` variable is removed for the run) the
//! examples start the simulator in-process, as they do on a fresh machine; `upload`, the
//! benchmark's client, is given a simulator started here.

use apivideo_simulator::Simulator;
use apivideo_test_support::examples::Example;

fn example(name: &str) -> Example {
    Example::new(env!("CARGO_MANIFEST_DIR"), name)
}

#[track_caller]
fn assert_shows(stdout: &str, expected: &str) {
    assert!(
        stdout.contains(expected),
        "the output lacks {expected:?}:\n{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart() {
    let stdout = example("quickstart").run().await;
    assert_shows(&stdout, "quickstart report");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list() {
    let stdout = example("list").run().await;
    assert_shows(&stdout, "page 1 of 1, 2 of 2 matching videos:");
    assert_shows(&stdout, "Keynote (replay)");
    assert!(!stdout.contains("Interview"), "filtered out:\n{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination() {
    let stdout = example("pagination").run().await;
    assert_shows(&stdout, "first 30 episodes");
    assert_shows(&stdout, "57 episodes in all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors() {
    let stdout = example("errors").run().await;
    assert!(!stdout.contains("unexpected"), "{stdout}");
    assert_shows(&stdout, "API error: api.video answered 404 Not Found");
    assert_shows(&stdout, "invalid `payload.title`");
    assert_shows(&stdout, "invalid `timecode`");
    assert_shows(&stdout, "credentials: ");
    assert_shows(&stdout, "rate limited: false");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks() {
    let stdout = example("webhooks").run().await;
    assert_shows(&stdout, "verified: ");
    assert!(!stdout.contains("refused"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload() {
    let sim = Simulator::start().await;
    // Two chunks of 5 MiB and 1 MiB, sent two at a time.
    let data: Vec<u8> = (0..6 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let file = TempFile::new("upload-example.mp4", &data);

    let stdout = example("upload")
        .args(["--base-url", sim.base_url(), "--api-key", sim.api_key()])
        .args(["--chunk-size", "5242880", "--concurrency", "2", "--file"])
        .args([&file.0])
        .run()
        .await;

    let video_id = stdout.lines().last().expect("the video id, last");
    assert_eq!(
        sim.video_source(video_id).as_deref(),
        Some(&data[..]),
        "the simulator holds the file's bytes"
    );
    assert_eq!(sim.request_count("POST /videos/{videoId}/source"), 2);
}

/// An example that fails prints the error's message and each cause once, on lines of
/// their own, never a `Debug` dump of the error's structure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_example_prints_the_error_and_its_chain() {
    let (base_url, _socket) = apivideo_test_support::refused_base_url();
    let file = TempFile::new("unreachable.mp4", &[1u8; 1024]);
    let stderr = example("upload")
        .args([
            "--base-url",
            &base_url,
            "--api-key",
            "a-local-test-key",
            "--file",
        ])
        .args([&file.0])
        .run_failing()
        .await;

    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let first = lines.first().expect("an error message");
    assert!(first.starts_with("Error: "), "{stderr}");
    let causes: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("  caused by: "))
        .collect();
    assert!(!causes.is_empty(), "the cause chain is printed:\n{stderr}");
    assert!(
        stderr.contains("refused"),
        "the root cause is named:\n{stderr}"
    );
    for (i, line) in lines.iter().enumerate() {
        let text = line
            .trim_start_matches("Error: ")
            .trim_start_matches("  caused by: ");
        assert!(
            !lines[i + 1..].iter().any(|later| later.contains(text)),
            "{text:?} is printed twice:\n{stderr}"
        );
    }
    for debug_only in ["{ ", "kind:", "source:", "Some("] {
        assert!(!stderr.contains(debug_only), "a Debug dump:\n{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_usage_error_reads_as_text() {
    let stderr = example("upload")
        .args(["--api-key", "a-local-test-key"])
        .run_failing()
        .await;
    assert!(
        stderr.starts_with(
            "Error: --file is required\nusage: APIVIDEO_API_KEY=... upload --file PATH"
        ),
        "{stderr}"
    );
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, data: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("apivideo-{}-{name}", std::process::id()));
        std::fs::write(&path, data).expect("write the temporary file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
