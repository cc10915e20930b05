#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod args;
pub mod connect;
pub mod failure;
pub mod files;
pub mod journal;
pub mod output;
pub mod progress;
pub mod signals;
#[cfg(feature = "simulator")]
pub mod simulator;
pub mod upload;
pub mod upload_tokens;
pub mod videos;
pub mod webhooks;

use std::process::ExitCode;

use clap::Parser as _;

use args::{Cli, Command, WebhooksCommand};
use failure::Failure;

/// The `apivideo` program: parses the command line, runs the command, prints a failure
/// and returns the exit status (0 success, 1 failure, 2 bad input, 130 interrupted).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("apivideo: error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print();
            failure.exit_code()
        }
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Upload(args) => upload::run(&cli.global, args).await,
        Command::Videos(command) => videos::run(&cli.global, command).await,
        Command::UploadTokens(command) => upload_tokens::run(&cli.global, command).await,
        Command::Webhooks(WebhooksCommand::Verify {
            secret_env,
            signature,
        }) => webhooks::verify(&secret_env, &signature),
        #[cfg(feature = "simulator")]
        Command::Simulator(args) => simulator::run(args.args).await,
        #[cfg(not(feature = "simulator"))]
        Command::Simulator(_) => Err(Failure::usage(
            "this apivideo was built without the simulator (feature `simulator`)",
        )),
    }
}
