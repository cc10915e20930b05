//! How a command fails: a message of a few lines and an exit status. API errors show
//! the problem details and the request id, one line each; never a `Debug` dump.

use std::process::ExitCode;

/// Exit status: a request or an upload failed, or a signature did not match.
pub const FAILED: u8 = 1;
/// Exit status: bad input (arguments, files, key), refused before any request.
pub const USAGE: u8 = 2;
/// Exit status: interrupted (Ctrl-C), as shells report SIGINT.
pub const INTERRUPTED: u8 = 130;

/// A command's failure: what to print on stderr, and the exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The lines to print, the first one the main message.
    pub lines: Vec<String>,
    /// The exit status.
    pub code: u8,
}

impl Failure {
    /// Bad input: exit status 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            lines: vec![message.into()],
            code: USAGE,
        }
    }

    /// A failure with exit status 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            lines: vec![message.into()],
            code: FAILED,
        }
    }

    /// Adds a line.
    #[must_use]
    pub fn line(mut self, line: impl Into<String>) -> Self {
        self.lines.push(line.into());
        self
    }

    /// Prints the lines on stderr, the first prefixed with `apivideo: error:`.
    pub fn print(&self) {
        let mut lines = self.lines.iter();
        if let Some(first) = lines.next() {
            eprintln!(
                "{} {first}",
                console::style("apivideo: error:").red().for_stderr()
            );
        }
        for line in lines {
            eprintln!("  {line}");
        }
    }

    /// The exit status.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl From<apivideo::Error> for Failure {
    fn from(error: apivideo::Error) -> Self {
        let code = match &error {
            apivideo::Error::InvalidInput { .. } | apivideo::Error::Config { .. } => USAGE,
            _ => FAILED,
        };
        Self {
            lines: describe(&error),
            code,
        }
    }
}

/// An SDK error as lines: the message, then the problem details of an API error (title,
/// detail, field, each sub-problem) and the request id.
pub fn describe(error: &apivideo::Error) -> Vec<String> {
    match error {
        apivideo::Error::Api(api) => describe_api(api),
        apivideo::Error::Upload(upload) => {
            let mut lines = vec![match &upload.video_id {
                Some(id) => format!("the upload of video {id} stopped"),
                None => "the upload stopped".to_owned(),
            }];
            lines.extend(describe(&upload.source));
            lines
        }
        other => {
            let mut lines = vec![other.to_string()];
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                let text = cause.to_string();
                if !lines.iter().any(|line| line.contains(&text)) {
                    lines.push(format!("cause: {text}"));
                }
                source = cause.source();
            }
            lines
        }
    }
}

fn describe_api(api: &apivideo::ApiError) -> Vec<String> {
    let mut lines = vec![format!("api.video answered {}", api.status)];
    let problem = &api.problem;
    if let Some(title) = &problem.title {
        lines.push(format!("title: {title}"));
    }
    if let Some(detail) = &problem.detail {
        lines.push(format!("detail: {detail}"));
    }
    if let Some(name) = problem.name.as_deref().filter(|n| !n.is_empty()) {
        lines.push(format!("field: {name}"));
    }
    for sub in &problem.problems {
        let mut line = format!("problem: {}", sub.title.as_deref().unwrap_or("(no title)"));
        if let Some(name) = sub.name.as_deref().filter(|n| !n.is_empty()) {
            line.push_str(&format!(" (field {name})"));
        }
        lines.push(line);
    }
    if let Some(snippet) = &api.snippet {
        lines.push(format!("body: {}", snippet.replace('\n', " ")));
    }
    if let Some(id) = &api.request_id {
        lines.push(format!("request id: {id}"));
    }
    if let Some(wait) = api.retry_after() {
        lines.push(format!("retry after: {} s", wait.as_secs()));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_is_a_usage_error_and_keeps_its_message() {
        let error = apivideo::Error::InvalidInput {
            argument: "source",
            reason: "a.mp4 is empty".into(),
        };
        let failure = Failure::from(error);
        assert_eq!(failure.code, USAGE);
        assert_eq!(failure.lines, ["invalid `source`: a.mp4 is empty"]);
    }

    #[test]
    fn lines_are_added_in_order() {
        let failure = Failure::failed("one").line("two");
        assert_eq!(failure.lines, ["one", "two"]);
        assert_eq!(failure.code, FAILED);
    }
}
