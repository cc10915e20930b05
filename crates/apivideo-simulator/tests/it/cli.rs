//! The binary's command line, and the binary itself.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command as Process, Stdio};
use std::time::Duration;

use apivideo_simulator::cli::{Args, Command, DEFAULT_PORT, USAGE, parse};
use apivideo_simulator::{DEFAULT_API_KEY, DEFAULT_ENCODING_DELAY, DEFAULT_TOKEN_TTL};
use reqwest::StatusCode;

use crate::common::http;

fn serve(args: &[&str]) -> Args {
    match parse(args) {
        Ok(Command::Serve(args)) => args,
        other => panic!("{args:?} gave {other:?}"),
    }
}

#[test]
fn defaults() {
    let args = serve(&[]);
    assert_eq!(args.port, DEFAULT_PORT);
    assert_eq!(args.api_key, DEFAULT_API_KEY);
    assert_eq!(args.token_ttl, DEFAULT_TOKEN_TTL);
    assert_eq!(args.encoding_delay, DEFAULT_ENCODING_DELAY);
    assert!(!args.verbose);
}

#[test]
fn every_option_in_both_spellings() {
    let args = serve(&[
        "--port",
        "9000",
        "--api-key",
        "KEY",
        "--token-ttl",
        "5",
        "--encoding-delay-ms",
        "250",
        "--rate-limit",
        "7",
        "-v",
    ]);
    assert_eq!(args.port, 9000);
    assert_eq!(args.api_key, "KEY");
    assert_eq!(args.token_ttl, Duration::from_secs(5));
    assert_eq!(args.encoding_delay, Duration::from_millis(250));
    assert_eq!(args.rate_limit, 7);
    assert!(args.verbose);
    let args = serve(&["--port=0", "--api-key=a=b", "--token-ttl=1"]);
    assert_eq!((args.port, args.api_key.as_str()), (0, "a=b"));
    assert_eq!(args.token_ttl, Duration::from_secs(1));
}

#[test]
fn help_version_and_errors() {
    assert_eq!(parse(["--help"]).unwrap(), Command::Help);
    assert_eq!(parse(["-h", "--port", "x"]).unwrap(), Command::Help);
    assert_eq!(parse(["--version"]).unwrap(), Command::Version);
    for bad in [
        &["--port"][..],
        &["--port", "eighty"],
        &["--port", "70000"],
        &["--token-ttl", "-1"],
        &["--api-key", ""],
        &["--bogus"],
        &["serve"],
    ] {
        let error = parse(bad).expect_err(&format!("{bad:?} should fail"));
        assert!(!error.to_string().is_empty());
    }
}

/// Kills the child even when the test fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_url_and_serves() {
    let mut child = Running(
        Process::new(env!("CARGO_BIN_EXE_apivideo-simulator"))
            .args([
                "--port",
                "0",
                "--api-key",
                "cli-key",
                "--encoding-delay-ms",
                "0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let mut lines = Vec::new();
        for _ in 0..2 {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            lines.push(line.trim().to_owned());
        }
        lines
    });
    let lines = tokio::time::timeout(Duration::from_secs(20), lines)
        .await
        .expect("the binary printed its address in time")
        .unwrap();
    let url = lines[0].rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{lines:?}");
    assert_eq!(lines[1], "API key: cli-key");

    let ok = http()
        .get(format!("{url}/videos"))
        .basic_auth("cli-key", Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let refused = http()
        .get(format!("{url}/videos"))
        .basic_auth(DEFAULT_API_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let status = Process::new(env!("CARGO_BIN_EXE_apivideo-simulator"))
        .arg("--nope")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

/// Everything a user of another language needs is in `--help`: the base URL printed, the
/// key accepted and how to change it, both kinds of credentials, faults and rate limits.
#[test]
fn help_tells_how_to_point_a_client_at_it() {
    for needed in [
        "listening on http://127.0.0.1:",
        "base URL",
        DEFAULT_API_KEY,
        "--api-key KEY",
        "Bearer",
        "POST /auth/api-key",
        "Basic",
        "POST /upload?token=",
        "/_simulator/faults",
        "failNext",
        "resetNext",
        "latency",
        "rateLimit",
        "--rate-limit N",
        "X-RateLimit-Retry-After",
    ] {
        assert!(USAGE.contains(needed), "--help does not mention {needed:?}");
    }
    let output = Process::new(env!("CARGO_BIN_EXE_apivideo-simulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim_end(), USAGE);
}
