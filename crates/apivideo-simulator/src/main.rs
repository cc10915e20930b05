//! `apivideo-simulator`: runs the simulator on 127.0.0.1 until Ctrl-C.

use std::io::Write as _;
use std::process::ExitCode;

use apivideo_simulator::cli::{self, Command};

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args_os().skip(1)) {
        Ok(Command::Serve(args)) => args,
        Ok(Command::Help) => {
            say(cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            say(concat!("apivideo-simulator ", env!("CARGO_PKG_VERSION")));
            return ExitCode::SUCCESS;
        }
        Ok(_) => return ExitCode::FAILURE,
        Err(error) => {
            eprintln!("apivideo-simulator: {error}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_max_level(if args.verbose {
            tracing::Level::DEBUG
        } else {
            tracing::Level::INFO
        })
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("apivideo-simulator: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(args.builder().serve_until(
        |sim| {
            say(&format!(
                "apivideo-simulator listening on {}",
                sim.base_url()
            ));
            say(&format!("API key: {}", sim.api_key()));
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "apivideo-simulator: cannot listen on port {}: {error}",
                args.port
            );
            ExitCode::FAILURE
        }
    }
}

/// Prints a line on stdout; a closed stdout (`| head`) is not an error worth a panic.
fn say(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}
