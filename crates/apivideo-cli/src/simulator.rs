//! `apivideo simulator`: the bundled offline api.video, with the options of the
//! `apivideo-simulator` binary (parsed by the simulator crate itself).

use std::ffi::OsString;

use apivideo_simulator::cli::{self, Command};

use crate::failure::Failure;
use crate::output;

/// Runs the simulator until Ctrl-C (or SIGTERM).
pub async fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let usage = || cli::USAGE.replace("apivideo-simulator", "apivideo simulator");
    let args = match cli::parse(args) {
        Ok(Command::Serve(args)) => args,
        Ok(Command::Help) => {
            output::line(&usage());
            return Ok(());
        }
        Ok(Command::Version) => {
            output::line(concat!("apivideo simulator ", env!("CARGO_PKG_VERSION")));
            return Ok(());
        }
        Ok(_) => return Err(Failure::usage("unsupported simulator command")),
        Err(error) => {
            return Err(Failure::usage(error.to_string()).line("see apivideo simulator --help"));
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(if args.verbose {
            tracing::Level::DEBUG
        } else {
            tracing::Level::INFO
        })
        .with_writer(std::io::stderr)
        .try_init();
    let default_key = args.api_key == apivideo_simulator::DEFAULT_API_KEY;
    let port = args.port;
    args.builder()
        .serve_until(
            |sim| {
                output::line(&format!(
                    "apivideo simulator listening on {}",
                    sim.base_url()
                ));
                if default_key {
                    // The simulator's public test key, not a secret.
                    output::line(&format!("API key: {}", sim.api_key()));
                } else {
                    output::line("API key: the one given with --api-key");
                }
                output::line(&format!(
                    "try: APIVIDEO_API_KEY=... apivideo --base-url {} videos list",
                    sim.base_url()
                ));
            },
            crate::signals::interrupted(),
        )
        .await
        .map_err(|e| Failure::failed(format!("cannot listen on port {port}: {e}")))
}
