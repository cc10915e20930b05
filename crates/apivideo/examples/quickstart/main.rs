//! The SDK's main job from start to finish: authenticate, upload a real (tiny) MP4 with a
//! progress bar, wait until it can be played, list videos page by page, receive and
//! verify a signed webhook, and delete what it created.
//!
//! ```text
//! cargo run -p apivideo --example quickstart
//! ```
//!
//! Without `APIVIDEO_API_KEY` it starts the api.video simulator in-process, so it runs
//! offline on a fresh machine. With the variable set it uses the api.video sandbox (then
//! the webhook step is skipped: the sandbox cannot deliver to this machine).
//!
//! What it creates is deleted on every way out: when it finishes, when a step fails, and
//! on Ctrl-C (exit status 130).

use std::process::ExitCode;
use std::time::Instant;

#[path = "../report/mod.rs"]
mod report;
#[path = "../support/mod.rs"]
mod support;

mod job;

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let (client, simulator) = match support::client().await {
        Ok(found) => found,
        Err(error) => {
            eprintln!("quickstart: {error:?}"); // the message and its causes
            return ExitCode::FAILURE;
        }
    };
    let outcome = job::run(&client, simulator.is_some(), tokio::signal::ctrl_c()).await;

    println!("\nquickstart report");
    for line in outcome.report.iter().chain(&outcome.cleanup) {
        println!("  - {line}");
    }
    match outcome.ended {
        job::Ended::Done => {
            println!("  done in {:.1} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        job::Ended::Interrupted => {
            eprintln!("quickstart: interrupted; what it created was deleted");
            ExitCode::from(130)
        }
        job::Ended::Failed(error) => {
            eprintln!("quickstart: {:?}", report::Report::boxed(error));
            eprintln!("quickstart: what it created was deleted");
            ExitCode::FAILURE
        }
    }
}
