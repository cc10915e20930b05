//! The API key and the environment: a [`Client`] built from the global options.

use std::path::Path;

use apivideo::Client;

use crate::args::Global;
use crate::failure::Failure;

/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "APIVIDEO_API_KEY";

/// The message when no key was given, naming both ways to give one.
pub const NO_KEY: &str = "no API key: set the APIVIDEO_API_KEY environment variable, or pass \
                          --api-key-file PATH (a file holding the key)";

/// The API key: from `--api-key-file`, else from `APIVIDEO_API_KEY`. Never from a
/// command-line value, which would land in shell history and `ps`.
pub fn api_key(global: &Global) -> Result<String, Failure> {
    if let Some(path) = &global.api_key_file {
        return key_from_file(path);
    }
    match std::env::var(API_KEY_ENV) {
        Ok(key) if !key.trim().is_empty() => Ok(key.trim().to_owned()),
        Ok(_) => Err(Failure::usage(format!("{API_KEY_ENV} is empty")).line(NO_KEY)),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(format!("{API_KEY_ENV} is not valid UTF-8")))
        }
        Err(std::env::VarError::NotPresent) => Err(Failure::usage(NO_KEY)),
    }
}

fn key_from_file(path: &Path) -> Result<String, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the API key file {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    let key = text.trim();
    if key.is_empty() {
        return Err(Failure::usage(format!(
            "the API key file {} is empty",
            path.display()
        )));
    }
    if key.contains(char::is_whitespace) {
        return Err(Failure::usage(format!(
            "the API key file {} must hold the key alone, on one line",
            path.display()
        )));
    }
    Ok(key.to_owned())
}

/// A client for the environment the global options name, with the key.
pub fn client(global: &Global) -> Result<Client, Failure> {
    if global.sandbox && global.base_url.is_some() {
        return Err(Failure::usage(
            "--sandbox and --base-url name two environments: give one of them",
        ));
    }
    let key = api_key(global)?;
    let mut builder = Client::builder()
        .api_key(key)
        .application("apivideo-cli", env!("CARGO_PKG_VERSION"));
    if global.sandbox {
        builder = builder.sandbox();
    }
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url);
    }
    builder.build().map_err(Failure::from)
}

/// A short reason for an I/O error, without Rust's `(os error N)` noise.
pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}
