//! Running a package's examples from its tests, as a user runs them.
//!
//! `cargo test` builds every example of the packages it tests (to check that they compile)
//! before it runs any test, into `target/<profile>/examples/`, next to the `deps/` folder
//! that holds the test programs. [`program`] finds one there; [`Example`] runs it with
//! no inherited `APIVIDEO_*` variable, so a key in the developer's environment can never
//! send a test to the real API, and fails with its output when it fails.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

/// The built example `name` of the package whose directory is `package_dir` (pass
/// `env!("CARGO_MANIFEST_DIR")`).
///
/// Panics, saying what to run, when the program is missing or older than a `.rs` file of
/// the package's `src/` or `examples/`: running a stale build would test old code. That
/// happens when only some tests were built (`cargo test --test NAME`); `cargo test -p
/// PACKAGE` or `cargo build -p PACKAGE --examples` builds them.
pub fn program(package_dir: &str, name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("the test program's path");
    // target/<profile>/deps/<test>-<hash> → target/<profile>/examples/<name>
    let profile = test
        .parent()
        .and_then(Path::parent)
        .expect("the test program is in target/<profile>/deps");
    let program = profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let package = Path::new(package_dir);
    let rebuild = format!(
        "build it with `cargo test -p {package}` (which builds the examples) or \
         `cargo build -p {package} --examples`",
        package = package
            .file_name()
            .and_then(OsStr::to_str)
            .unwrap_or("<package>")
    );
    let built = std::fs::metadata(&program)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| panic!("example `{name}` is not built at {program:?}: {rebuild}"));
    let newest = ["src", "examples"]
        .iter()
        .filter_map(|dir| newest_source(&package.join(dir)))
        .max();
    if let Some((changed, file)) = newest
        && changed > built
    {
        panic!("example `{name}` was built before {file:?} changed: {rebuild}");
    }
    program
}

/// The latest modification time of a `.rs` file under `dir`, and that file.
fn newest_source(dir: &Path) -> Option<(SystemTime, PathBuf)> {
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let found = if path.is_dir() {
            newest_source(&path)
        } else if path.extension() == Some(OsStr::new("rs")) {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .map(|t| (t, path))
        } else {
            None
        };
        if let Some(found) = found
            && newest.as_ref().is_none_or(|(t, _)| found.0 > *t)
        {
            newest = Some(found);
        }
    }
    newest
}

/// One run of an example program: arguments and environment, then [`run`](Self::run).
#[derive(Debug)]
pub struct Example {
    name: String,
    command: Command,
}

impl Example {
    /// The built example `name` of the package at `package_dir` (see [`program`]), with
    /// every inherited `APIVIDEO_*` variable removed.
    pub fn new(package_dir: &str, name: &str) -> Self {
        let mut command = Command::new(program(package_dir, name));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("APIVIDEO_") {
                command.env_remove(key);
            }
        }
        Self {
            name: name.to_owned(),
            command,
        }
    }

    /// Adds command-line arguments.
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Sets an environment variable for the run.
    #[must_use]
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Runs the example to its end (on a blocking thread, so that a server on the test's
    /// runtime keeps answering it) and returns its standard output. Panics with both
    /// outputs when it does not exit with success.
    pub async fn run(mut self) -> String {
        let name = self.name;
        let output: Output = tokio::task::spawn_blocking(move || self.command.output())
            .await
            .expect("the example's thread")
            .unwrap_or_else(|e| panic!("example `{name}` could not start: {e}"));
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "example `{name}` failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
            output.status
        );
        stdout
    }

    /// Runs the example to its end, expecting it to fail, and returns its standard error.
    /// Panics with both outputs when it succeeds.
    pub async fn run_failing(mut self) -> String {
        let name = self.name;
        let output: Output = tokio::task::spawn_blocking(move || self.command.output())
            .await
            .expect("the example's thread")
            .unwrap_or_else(|e| panic!("example `{name}` could not start: {e}"));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            !output.status.success(),
            "example `{name}` succeeded where it should fail:\n--- stdout\n{}\n--- stderr\n{stderr}",
            String::from_utf8_lossy(&output.stdout)
        );
        stderr
    }
}
