//! The command line of the `apivideo-simulator` binary, parsed without dependencies.
//!
//! ```text
//! apivideo-simulator [--port 8080] [--api-key KEY] [--token-ttl SECS]
//!                    [--encoding-delay-ms MS] [--rate-limit N] [--verbose]
//! ```
//!
//! [`USAGE`] (`--help`) tells a user of any language how to point a client at it.
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

/// The help text: everything a client in any language needs to use the simulator.
pub const USAGE: &str = r#"apivideo-simulator: an offline api.video for tests, in any language

Usage: apivideo-simulator [OPTIONS]

It serves api.video's API v1 on 127.0.0.1, keeps everything in memory, and prints two
lines on stdout once it listens:

  apivideo-simulator listening on http://127.0.0.1:8080
  API key: sim_test_key_0123456789abcdefghijklmnopqrstuvw

Give your client the printed URL as its base URL (instead of https://ws.api.video or
https://sandbox.api.video) and the printed key as its API key.

Options:
  --port PORT              port on 127.0.0.1 (default 8080; 0 picks a free one: read
                           it from the first line)
  --api-key KEY            the only API key accepted (default:
                           sim_test_key_0123456789abcdefghijklmnopqrstuvw)
  --token-ttl SECS         lifetime of bearer tokens in seconds (default 3600)
  --encoding-delay-ms MS   time from upload to playable video (default 500)
  --rate-limit N           requests per minute before 429 (default 1000)
  -v, --verbose            log every request on stderr
  -h, --help               print this help
  -V, --version            print the version

Credentials (both are accepted everywhere a key is needed):
  Bearer  POST /auth/api-key with {"apiKey": "KEY"} answers an access token (and a
          refresh token for POST /auth/refresh); send "Authorization: Bearer TOKEN".
          This is what api.video's clients do when given an API key.
  Basic   "Authorization: Basic base64(KEY:)": the key as user name, empty password.
  POST /upload?token=TOKEN needs no credentials; create TOKEN with POST /upload-tokens.

Faults and rate limits, at any time over HTTP (no credentials, not rate limited):
  POST   /_simulator/faults   {"failNext": {"route": "POST /upload", "status": 503, "times": 2}}
         the next 2 requests to the route get 503 (a 429 with X-RateLimit-Retry-After)
  POST   /_simulator/faults   {"resetNext": {"route": "POST /videos/{videoId}/source"}}
         the next request to the route has its connection reset mid-body
  POST   /_simulator/faults   {"latency": {"route": "*", "ms": 200}}
         every answer (or one route's, "GET /videos") waits 200 ms; 0 removes it
  POST   /_simulator/faults   {"rateLimit": 5, "retryAfter": 2}
         5 requests per minute from now on; injected 429s say to retry after 2 s
  DELETE /_simulator/faults   removes every pending failure, reset and latency
  A route is "METHOD /template" with the path template of the API reference, e.g.
  "GET /videos/{videoId}". Every answer carries X-RateLimit-Limit, X-RateLimit-Remaining
  and X-RateLimit-Retry-After; past the limit, requests get 429 until the minute ends.

Serves until Ctrl-C."#;

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
