//! Runs the `apivideo` binary as a subprocess against an in-process simulator. Every run
//! checks that the API key appears in none of its output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use apivideo_simulator::Simulator;

/// The key the simulators of these tests accept: it must never be printed.
pub const KEY: &str = "cli_test_key_do_not_print_7f3a9c2e5b1d";
pub const MIB: u64 = 1024 * 1024;
pub const SOURCE: &str = "POST /videos/{videoId}/source";

pub async fn simulator() -> Simulator {
    Simulator::builder()
        .api_key(KEY)
        .encoding_delay(Duration::from_millis(50))
        .start()
        .await
        .expect("simulator")
}

/// A directory of its own for each test, removed at the end.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("apivideo-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(&path, data).expect("write");
        path
    }

    pub fn journal(&self) -> serde_json::Value {
        let text = std::fs::read(self.0.join(".apivideo-upload.json")).expect("journal");
        serde_json::from_slice(&text).expect("journal JSON")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Deterministic, non-repeating bytes; another `seed` gives another file.
pub fn bytes(len: u64, seed: u64) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// `apivideo --base-url SIM ARGS...` in `dir`, the key in the child's environment only.
pub fn apivideo(sim: &Simulator, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apivideo"));
    command
        .current_dir(dir)
        .env("APIVIDEO_API_KEY", KEY)
        .env_remove("NO_COLOR")
        .arg("--base-url")
        .arg(sim.base_url())
        .args(args)
        .stdin(Stdio::null());
    command
}

/// What a finished run printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout lines, each parsed as JSON (panics on anything else).
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}\n{self:?}"))
            })
            .collect()
    }
}

/// Runs `command` to its end (on a blocking thread, so the simulator keeps serving).
pub async fn run(mut command: Command) -> Run {
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("run apivideo");
    checked(output)
}

/// Checks the output of a finished child for the key, and reads it.
pub fn checked(output: std::process::Output) -> Run {
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "the API key was printed: {run:?}"
    );
    assert!(
        !run.stderr.contains("Error {") && !run.stderr.contains("panicked"),
        "a Debug dump or a panic: {run:?}"
    );
    run
}

/// The `Content-Range` of each source request since the `from`-th one.
pub fn source_ranges(sim: &Simulator, from: usize) -> Vec<String> {
    sim.received_requests()
        .into_iter()
        .filter(|r| r.route == SOURCE)
        .skip(from)
        .map(|r| r.content_range.unwrap_or_default())
        .collect()
}

/// The `Content-Range` of chunk `index` of a `total`-byte file in `chunk`-byte chunks.
pub fn chunk_range(index: u64, chunk: u64, total: u64) -> String {
    let start = index * chunk;
    let end = ((index + 1) * chunk).min(total) - 1;
    format!("bytes {start}-{end}/{total}")
}

/// Polls until `check` holds, for at most a minute.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..6000 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never happened: {what}");
}

/// The chunks the journal confirmed for `file` (an absolute path in `dir`).
pub fn journal_chunks(dir: &TempDir, file: &Path) -> Vec<u64> {
    let key = std::fs::canonicalize(file).expect("canonical");
    dir.journal()["files"][key.to_string_lossy().as_ref()]["resume"]["confirmedChunks"]
        .as_array()
        .map(|chunks| {
            chunks
                .iter()
                .filter_map(serde_json::Value::as_u64)
                .collect()
        })
        .unwrap_or_default()
}

/// A path that exists and cannot be opened (see `apivideo_test_support::files`).
pub fn unreadable_file(dir: &TempDir) -> PathBuf {
    apivideo_test_support::files::unreadable_file(&dir.file("unreadable.mp4", b"data"))
}
