//! The command line: every command and option, parsed with clap.
// The doc comments below are the `--help` text too, which is plain text: URLs stay bare.
#![allow(rustdoc::bare_urls)]

use std::ffi::OsString;
use std::path::PathBuf;

use apivideo::upload::{MAX_CHUNK_SIZE, MIN_CHUNK_SIZE};
use clap::{Args, Parser, Subcommand};

/// The journal used unless `--journal` says otherwise.
pub const DEFAULT_JOURNAL: &str = ".apivideo-upload.json";

/// `apivideo`: the command line.
#[derive(Debug, Parser)]
#[command(
    name = "apivideo",
    version,
    about = "api.video from the command line: resumable bulk uploads, videos, upload tokens, \
             webhook checks, and an offline simulator",
    after_help = "The API key comes from the APIVIDEO_API_KEY environment variable or from \
                  --api-key-file PATH, never from the command line."
)]
pub struct Cli {
    /// Options every command takes, before or after its name.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Use the api.video sandbox (https://sandbox.api.video) instead of production.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Another API base URL, such as a simulator's http://127.0.0.1:8080.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Read the API key from this file instead of APIVIDEO_API_KEY.
    #[arg(long, global = true, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Upload files and directories (recursively), resumably, with progress.
    Upload(UploadArgs),
    /// List, show and delete videos; follow their encoding.
    #[command(subcommand)]
    Videos(VideosCommand),
    /// Create, list and delete upload tokens (uploads without the API key).
    #[command(subcommand)]
    UploadTokens(UploadTokensCommand),
    /// Check webhook deliveries.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Run the bundled api.video simulator (same options as `apivideo-simulator`; try
    /// `apivideo simulator --help`).
    #[command(disable_help_flag = true)]
    Simulator(SimulatorArgs),
}

/// `apivideo upload`.
#[derive(Debug, Clone, Args)]
pub struct UploadArgs {
    /// Files and directories to upload; directories are walked recursively for video
    /// files (by extension; see --all).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// In directories, upload every file, not only video files.
    #[arg(long)]
    pub all: bool,
    /// The video's title (one file only; default: the file name without its extension).
    #[arg(long)]
    pub title: Option<String>,
    /// A tag for every video (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A metadata pair for every video (repeatable).
    #[arg(long = "metadata", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub metadata: Vec<(String, String)>,
    /// Make the videos public (the default).
    #[arg(long, overrides_with = "private")]
    pub public: bool,
    /// Make the videos private (playable with a private token only).
    #[arg(long, overrides_with = "public")]
    pub private: bool,
    /// Bytes per chunk, from 5 MiB to 128 MiB: 52428800, 50MiB, 50M, 52MB...
    #[arg(long, value_name = "SIZE", default_value = "50MiB", value_parser = parse_chunk_size)]
    pub chunk_size: u64,
    /// Chunks of one file in flight at once (the SDK's default, 4: each on its own
    /// connection, which a long link needs).
    #[arg(long, value_name = "N", default_value_t = apivideo::upload::DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub concurrency: u16,
    /// Files uploaded at once.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub parallel: u16,
    /// Wait until each video is playable.
    #[arg(long)]
    pub wait: bool,
    /// Print one JSON line per file on stdout (path, videoId, bytes, seconds, player),
    /// nothing else.
    #[arg(long)]
    pub json: bool,
    /// Where to record progress, so that running the same command again resumes.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_JOURNAL)]
    pub journal: PathBuf,
}

impl UploadArgs {
    /// The `public` field of new videos: `Some(false)` with `--private`, `Some(true)` with
    /// `--public`, unset otherwise (api.video's default, public).
    pub fn public(&self) -> Option<bool> {
        match (self.public, self.private) {
            (_, true) => Some(false),
            (true, false) => Some(true),
            (false, false) => None,
        }
    }
}

/// `apivideo videos ...`.
#[derive(Debug, Subcommand)]
pub enum VideosCommand {
    /// List videos, newest first, every page.
    List(VideosListArgs),
    /// Show one video.
    Get {
        /// The video id (vi...).
        id: String,
        /// Print the video as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete videos.
    Delete {
        /// The video ids (vi...).
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Show upload and encoding status.
    Status {
        /// The video id (vi...).
        id: String,
        /// Wait until the video is playable (or its encoding failed).
        #[arg(long)]
        wait: bool,
        /// Print the status as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `apivideo videos list`.
#[derive(Debug, Clone, Args)]
pub struct VideosListArgs {
    /// Videos with this tag (repeatable: all of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Videos whose title contains this.
    #[arg(long)]
    pub title: Option<String>,
    /// Videos with this metadata pair (repeatable).
    #[arg(long = "metadata", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub metadata: Vec<(String, String)>,
    /// Stop after this many videos.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// One JSON object per line, as the API returns them.
    #[arg(long)]
    pub json: bool,
}

/// `apivideo upload-tokens ...`.
#[derive(Debug, Subcommand)]
pub enum UploadTokensCommand {
    /// Create an upload token and print it.
    Create {
        /// Lifetime in seconds (default: until deleted).
        #[arg(long, value_name = "SECS")]
        ttl: Option<u32>,
        /// Print the token as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List upload tokens.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Delete an upload token.
    Delete {
        /// The token (to...).
        token: String,
    },
}

/// `apivideo webhooks ...`.
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Verify a delivery: its raw body on stdin, its X-Api-Video-Signature header as
    /// --signature; exits 0 when the signature is valid, 1 when it is not.
    Verify {
        /// The environment variable holding the webhook's signatureSecret.
        #[arg(long, value_name = "VAR")]
        secret_env: String,
        /// The X-Api-Video-Signature header of the delivery.
        #[arg(long, value_name = "SIG")]
        signature: String,
    },
}

/// `apivideo simulator ...`: handed as they are to the simulator's own parser.
#[derive(Debug, Clone, Args)]
pub struct SimulatorArgs {
    /// The simulator's options (see `apivideo simulator --help`).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "OPTIONS"
    )]
    pub args: Vec<OsString>,
}

/// Parses `KEY=VALUE` (the key not empty; the value may be).
pub fn parse_key_value(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        Some(_) => Err(format!("{raw:?} has an empty key; expected KEY=VALUE")),
        None => Err(format!("{raw:?} has no `=`; expected KEY=VALUE")),
    }
}

/// Parses a size: bytes, or a number with a unit (`KiB`, `MiB`, `GiB`, `K`, `M`, `G` are
/// powers of 1024; `KB`, `MB`, `GB` of 1000), any case.
pub fn parse_size(raw: &str) -> Result<u64, String> {
    let text = raw.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{raw:?} is not a size such as 52428800 or 50MiB"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {raw:?}; use KiB, MiB, GiB (or KB, MB, GB)"
            ));
        }
    };
    let bytes = number * factor as f64;
    if !bytes.is_finite() || bytes.fract() != 0.0 || bytes > u64::MAX as f64 {
        return Err(format!("{raw:?} is not a whole number of bytes"));
    }
    Ok(bytes as u64)
}

/// Parses a chunk size and checks it is one api.video accepts.
pub fn parse_chunk_size(raw: &str) -> Result<u64, String> {
    let bytes = parse_size(raw)?;
    if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&bytes) {
        return Err(format!(
            "{bytes} bytes is outside what api.video accepts: 5MiB to 128MiB \
             ({MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE} bytes)"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_and_decimal_units() {
        assert_eq!(parse_size("52428800"), Ok(52_428_800));
        assert_eq!(parse_size("50MiB"), Ok(50 << 20));
        assert_eq!(parse_size("50 mib"), Ok(50 << 20));
        assert_eq!(parse_size("50M"), Ok(50 << 20));
        assert_eq!(parse_size("52MB"), Ok(52_000_000));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("5 parsecs").is_err());
        assert!(parse_size("0.3").is_err());
    }

    #[test]
    fn chunk_sizes_stay_within_what_the_api_accepts() {
        assert_eq!(parse_chunk_size("5MiB"), Ok(MIN_CHUNK_SIZE));
        assert_eq!(parse_chunk_size("128MiB"), Ok(MAX_CHUNK_SIZE));
        let low = parse_chunk_size("1MiB").unwrap_err();
        assert!(low.contains("5MiB to 128MiB"), "{low}");
        assert!(parse_chunk_size("129MiB").is_err());
    }

    #[test]
    fn key_values_need_a_key_and_an_equals_sign() {
        assert_eq!(
            parse_key_value("Author=John Doe"),
            Ok(("Author".to_owned(), "John Doe".to_owned()))
        );
        assert_eq!(
            parse_key_value("k=a=b"),
            Ok(("k".to_owned(), "a=b".to_owned()))
        );
        assert_eq!(parse_key_value("k="), Ok(("k".to_owned(), String::new())));
        assert!(parse_key_value("=v").is_err());
        assert!(parse_key_value("novalue").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let before = Cli::try_parse_from(["apivideo", "--sandbox", "videos", "list"]).unwrap();
        let after = Cli::try_parse_from(["apivideo", "videos", "list", "--sandbox"]).unwrap();
        assert!(before.global.sandbox && after.global.sandbox);
        let url = Cli::try_parse_from(["apivideo", "videos", "--base-url", "http://x", "list"]);
        assert_eq!(url.unwrap().global.base_url.as_deref(), Some("http://x"));
    }

    #[test]
    fn the_simulator_gets_its_options_untouched() {
        let cli = Cli::try_parse_from(["apivideo", "simulator", "--port", "0", "--help"]).unwrap();
        let Command::Simulator(args) = cli.command else {
            panic!("not the simulator")
        };
        assert_eq!(args.args, ["--port", "0", "--help"]);
    }
}
