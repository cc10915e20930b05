//! The command line of the `apivideo-simulator` binary, parsed without dependencies.
//!
//! ```text
//! apivideo-simulator [--port 8080] [--api-key KEY] [--token-ttl SECS]
//!                    [--encoding-delay-ms MS] [--rate-limit N] [--verbose]
//! ```
//!
//! ```
//! use apivideo_simulator::cli::{Command, parse};
//!
//! let Command::Serve(args) = parse(["--port", "9000", "--api-key=abc"]).unwrap() else {
//!     unreachable!()
//! };
//! assert_eq!((args.port, args.api_key.as_str()), (9000, "abc"));
//! ```

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use crate::{
    DEFAULT_API_KEY, DEFAULT_ENCODING_DELAY, DEFAULT_RATE_LIMIT, DEFAULT_TOKEN_TTL,
    SimulatorBuilder,
};

/// The port the binary listens on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 8080;

/// The help text.
pub const USAGE: &str = "\
apivideo-simulator: a stateful fake of the api.video API, for tests

Usage: apivideo-simulator [OPTIONS]

Options:
  --port PORT              port on 127.0.0.1 (default 8080; 0 picks a free one)
  --api-key KEY            the API key to accept (default: the simulator's test key)
  --token-ttl SECS         lifetime of bearer tokens in seconds (default 3600)
  --encoding-delay-ms MS   time from upload to playable video (default 500)
  --rate-limit N           requests per minute before 429 (default 1000)
  -v, --verbose            log every request
  -h, --help               print this help
  -V, --version            print the version

Serves until Ctrl-C.";

/// Settings given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Args {
    /// `--port`.
    pub port: u16,
    /// `--api-key`.
    pub api_key: String,
    /// `--token-ttl`, in seconds on the command line.
    pub token_ttl: Duration,
    /// `--encoding-delay-ms`.
    pub encoding_delay: Duration,
    /// `--rate-limit`.
    pub rate_limit: u32,
    /// `--verbose`: log every request.
    pub verbose: bool,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            port: DEFAULT_PORT,
            api_key: DEFAULT_API_KEY.to_owned(),
            token_ttl: DEFAULT_TOKEN_TTL,
            encoding_delay: DEFAULT_ENCODING_DELAY,
            rate_limit: DEFAULT_RATE_LIMIT,
            verbose: false,
        }
    }
}

impl Args {
    /// A simulator builder with these settings.
    pub fn builder(&self) -> SimulatorBuilder {
        crate::Simulator::builder()
            .port(self.port)
            .api_key(self.api_key.clone())
            .token_ttl(self.token_ttl)
            .encoding_delay(self.encoding_delay)
            .rate_limit(self.rate_limit)
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Run a simulator.
    Serve(Args),
    /// Print [`USAGE`].
    Help,
    /// Print the version.
    Version,
}

/// A command line that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgsError(String);

impl fmt::Display for ArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgsError {}

/// Parses the arguments after the program name. Options take their value as the next
/// argument or after `=` (`--port 8080`, `--port=8080`).
///
/// # Errors
///
/// On an unknown option, a missing value, or a value that is not a number where one
/// is expected.
pub fn parse<I, S>(args: I) -> Result<Command, ArgsError>
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let mut parsed = Args::default();
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|arg| ArgsError(format!("argument {arg:?} is not valid UTF-8")))?;
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, ArgsError> {
            if let Some(value) = inline.clone() {
                return Ok(value);
            }
            args.next()
                .and_then(|value| value.into_string().ok())
                .ok_or_else(|| ArgsError(format!("{name} needs a value")))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "-v" | "--verbose" => parsed.verbose = true,
            "--port" => parsed.port = number(&name, &value(&name)?)?,
            "--api-key" => {
                let key = value(&name)?;
                if key.is_empty() {
                    return Err(ArgsError("--api-key cannot be empty".to_owned()));
                }
                parsed.api_key = key;
            }
            "--token-ttl" => {
                parsed.token_ttl = Duration::from_secs(number(&name, &value(&name)?)?);
            }
            "--encoding-delay-ms" => {
                parsed.encoding_delay = Duration::from_millis(number(&name, &value(&name)?)?);
            }
            "--rate-limit" => parsed.rate_limit = number(&name, &value(&name)?)?,
            other => {
                return Err(ArgsError(format!("unknown argument {other:?}; see --help")));
            }
        }
    }
    Ok(Command::Serve(parsed))
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, ArgsError> {
    value
        .trim()
        .parse()
        .map_err(|_| ArgsError(format!("{name} expects a number, not {value:?}")))
}
