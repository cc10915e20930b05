//! The one error type of the crate, and how raw failures become it.

use std::time::Duration;

use apivideo_api::{CallRecord, CredentialsFailure};
use apivideo_auth::Problem;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. Nothing secret (key, token, signature secret) is ever in
/// a message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status; everything it said is in [`ApiError`].
    #[error(transparent)]
    Api(Box<ApiError>),

    /// An answer could not be read: not JSON, truncated, or not the documented shape.
    #[error("could not decode the answer{}: {reason}", status_suffix(*status))]
    Decode {
        /// The HTTP status of the answer, when one was received.
        status: Option<StatusCode>,
        /// What was wrong, without the values involved.
        reason: String,
        /// The first bytes of the body (at most 512), with secret-looking fields masked.
        snippet: String,
    },

    /// No answer: the connection failed, timed out, or broke mid-way.
    #[error("could not reach api.video: {0}")]
    Transport(#[source] reqwest::Error),

    /// Credentials are missing, malformed or were refused; see the inner error.
    #[error(transparent)]
    Credentials(#[from] apivideo_auth::Error),

    /// The client was configured with a value it cannot use.
    #[error("invalid client setting `{setting}`: {reason}")]
    Config {
        /// The builder setting at fault.
        setting: &'static str,
        /// Why it was refused.
        reason: String,
    },

    /// An argument of a call was refused before anything was sent.
    #[error("invalid `{argument}`: {reason}")]
    InvalidInput {
        /// The argument at fault.
        argument: &'static str,
        /// Why it was refused.
        reason: String,
    },

    /// Waiting for a video to become playable took longer than allowed.
    #[error("video {video_id} was not playable after {waited:?}")]
    Timeout {
        /// The video waited for.
        video_id: String,
        /// How long the wait lasted.
        waited: Duration,
    },

    /// Encoding failed for the video waited for.
    #[error("encoding failed for video {video_id}")]
    EncodingFailed {
        /// The video waited for.
        video_id: String,
    },

    /// An upload stopped before it completed; what the server confirmed is kept so it can
    /// be resumed.
    #[error(transparent)]
    Upload(Box<crate::upload::UploadError>),

    /// Reading the source of an upload failed.
    #[error("could not read the upload source: {0}")]
    Io(#[from] std::io::Error),
}

fn status_suffix(status: Option<StatusCode>) -> String {
    status
        .map(|s| format!(" (HTTP {})", s.as_u16()))
        .unwrap_or_default()
}

/// The rate-limit headers api.video sends with every answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Retry-After`: seconds until the window resets.
    pub retry_after: Option<u64>,
}

impl RateLimit {
    /// Reads the three headers; absent or unreadable ones are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let read = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
        };
        Self {
            limit: read("x-ratelimit-limit"),
            remaining: read("x-ratelimit-remaining"),
            retry_after: read("x-ratelimit-retry-after"),
        }
    }
}

/// An error answer from the API, with everything the server said.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The problem details (`type`, `title`, `name`, `status`, `detail`, `problems` and any
    /// other field the server sent, in `extra`). Empty when the body was not JSON.
    pub problem: Problem,
    /// The rate-limit headers of the answer.
    pub rate_limit: RateLimit,
    /// The request id header (`X-Request-Id`), when the server sent one.
    pub request_id: Option<String>,
    /// The start of the body when it was not a JSON problem (an HTML error page, say).
    pub snippet: Option<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "api.video answered {}", self.status)?;
        if let Some(title) = &self.problem.title {
            write!(f, ": {title}")?;
        }
        if let Some(detail) = &self.problem.detail {
            write!(f, " ({detail})")?;
        }
        if let Some(name) = self.problem.name.as_deref().filter(|n| !n.is_empty()) {
            write!(f, " [field `{name}`]")?;
        }
        for problem in &self.problem.problems {
            if let Some(title) = &problem.title {
                write!(f, "; {title}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The problem's `title`.
    pub fn title(&self) -> Option<&str> {
        self.problem.title.as_deref()
    }

    /// The problem's `detail`.
    pub fn detail(&self) -> Option<&str> {
        self.problem.detail.as_deref()
    }

    /// 404.
    pub fn is_not_found(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
    }

    /// 429.
    pub fn is_rate_limited(&self) -> bool {
        self.status == StatusCode::TOO_MANY_REQUESTS
    }

    /// How long the server asks to wait before trying again: `X-RateLimit-Retry-After`
    /// of a 429. (Other answers carry the header too, as the time until the rate-limit
    /// window resets; it is in [`rate_limit`](Self::rate_limit).)
    pub fn retry_after(&self) -> Option<Duration> {
        if !self.is_rate_limited() {
            return None;
        }
        self.rate_limit.retry_after.map(Duration::from_secs)
    }
}

impl Error {
    /// The API's error answer, if this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of the answer involved, if any.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode { status, .. } => *status,
            Self::Transport(e) => e.status(),
            Self::Credentials(
                apivideo_auth::Error::Rejected { status, .. }
                | apivideo_auth::Error::Unavailable { status, .. },
            ) => StatusCode::from_u16(*status).ok(),
            Self::Upload(upload) => upload.source.status(),
            _ => None,
        }
    }

    /// The API answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// The API answered 429.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// How long the API asks to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Credentials(apivideo_auth::Error::Unavailable { retry_after, .. }) => {
                *retry_after
            }
            _ => self.api_error().and_then(ApiError::retry_after),
        }
    }

    pub(crate) fn invalid(argument: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            argument,
            reason: reason.into(),
        }
    }

    pub(crate) fn transport(error: reqwest::Error) -> Self {
        // reqwest puts the URL in its messages, and an upload-token URL carries the token.
        Self::Transport(error.without_url())
    }

    /// Turns what the low-level client returned, plus what its hooks recorded, into an
    /// [`Error`].
    pub(crate) async fn from_low_level(error: apivideo_api::Error, record: &CallRecord) -> Self {
        use apivideo_api::Error as Raw;
        match error {
            Raw::Custom(message) => match &record.credentials {
                Some(CredentialsFailure::Missing) => {
                    Self::Credentials(apivideo_auth::Error::MissingApiKey)
                }
                Some(CredentialsFailure::Failed(error)) => Self::Credentials(error.clone()),
                _ => Self::invalid("request", message),
            },
            Raw::InvalidRequest(reason) => Self::invalid("request", reason),
            Raw::CommunicationError(e) | Raw::InvalidUpgrade(e) => Self::transport(e),
            Raw::ResponseBodyError(e) => Self::Decode {
                status: record.status,
                reason: format!("the body could not be read: {}", e.without_url()),
                snippet: String::new(),
            },
            Raw::InvalidResponsePayload(body, e) => Self::Decode {
                status: record.status,
                reason: redact_quoted(&e.to_string()),
                snippet: snippet(&body),
            },
            Raw::UnexpectedResponse(response) => Self::from_response(response).await,
            Raw::ErrorResponse(value) => Self::Api(Box::new(ApiError {
                status: value.status(),
                problem: Problem::default(),
                rate_limit: RateLimit::from_headers(value.headers()),
                request_id: request_id(value.headers()),
                snippet: None,
            })),
        }
    }

    /// An answer whose status the operation does not document as a success.
    pub(crate) async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_bounded(response, 64 * 1024).await {
            Ok(body) => body,
            Err(e) => {
                return Self::Decode {
                    status: Some(status),
                    reason: format!("the error body could not be read: {}", e.without_url()),
                    snippet: String::new(),
                };
            }
        };
        if status.is_success() {
            return Self::Decode {
                status: Some(status),
                reason: "a success status the operation does not document".into(),
                snippet: snippet(&body),
            };
        }
        let parsed = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| match v {
                serde_json::Value::Object(map) => Some(Problem::from_json_object(map)),
                _ => None,
            });
        Self::Api(Box::new(ApiError {
            status,
            snippet: parsed.is_none().then(|| snippet(&body)),
            problem: parsed.unwrap_or_default(),
            rate_limit: RateLimit::from_headers(&headers),
            request_id: request_id(&headers),
        }))
    }
}

async fn read_bounded(mut response: reqwest::Response, limit: usize) -> reqwest::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    Ok(body)
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "x-amzn-requestid", "x-correlation-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

/// JSON fields whose values are secrets, masked in snippets.
const SECRET_FIELDS: &[&str] = &[
    "signatureSecret",
    "access_token",
    "refresh_token",
    "apiKey",
    "refreshToken",
    "streamKey",
    "token",
];

/// The first 512 bytes of `body` as text, with secret fields' values masked.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX: usize = 512;
    let cut = &body[..body.len().min(MAX)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    for field in SECRET_FIELDS {
        text = mask_field(&text, field);
    }
    if body.len() > MAX {
        text.push('…');
    }
    text
}

/// Replaces the string value of every `"field": "..."` with `[REDACTED]`, also when the
/// snippet ends inside the value.
fn mask_field(text: &str, field: &str) -> String {
    let needle = format!("\"{field}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let after_key = at + needle.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let trimmed = rest.trim_start();
        let Some(after_colon) = trimmed.strip_prefix(':') else {
            continue;
        };
        let value = after_colon.trim_start();
        let Some(inner) = value.strip_prefix('"') else {
            continue;
        };
        out.push_str(":\"[REDACTED]");
        // Skip to the closing quote (not an escaped one), or to the end of the snippet.
        let mut escaped = false;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = i;
                    break;
                }
                _ => escaped = false,
            }
        }
        if end < inner.len() {
            out.push('"');
            rest = &inner[end + 1..];
        } else {
            rest = "";
        }
    }
    out.push_str(rest);
    out
}

/// serde_json quotes offending values in its messages (`invalid type: string "..."`);
/// those may be secrets, so they are dropped.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    let mut escaped = false;
    for c in message.chars() {
        if inside {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    inside = false;
                    out.push_str("…\"");
                }
                _ => {}
            }
        } else {
            if c == '"' {
                inside = true;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mask_secret_fields_even_when_cut() {
        let body = br#"{"webhookId":"w1","signatureSecret":"s3cr3t-value","url":"https://x"}"#;
        let s = snippet(body);
        assert!(!s.contains("s3cr3t"), "{s}");
        assert!(s.contains("\"webhookId\":\"w1\""), "{s}");
        assert!(s.contains("https://x"), "{s}");
        let cut = br#"{"streamKey": "abcdef-partial"#;
        let s = snippet(cut);
        assert!(!s.contains("abcdef"), "{s}");
        let long = vec![b'x'; 2000];
        assert_eq!(snippet(&long).chars().count(), 513);
    }

    #[test]
    fn escaped_quotes_do_not_end_a_redacted_value() {
        let message =
            r#"invalid type: string "sec\"ret-PART-TWO", expected u64 at line 1 column 30"#;
        let redacted = redact_quoted(message);
        assert!(
            !redacted.contains("sec") && !redacted.contains("PART"),
            "{redacted}"
        );
        assert!(
            redacted.ends_with("expected u64 at line 1 column 30"),
            "{redacted}"
        );
    }

    #[test]
    fn decode_messages_drop_quoted_values() {
        let message = r#"invalid type: string "eyJ-secret", expected i64 at line 1 column 9"#;
        let redacted = redact_quoted(message);
        assert!(!redacted.contains("eyJ"), "{redacted}");
        assert!(
            redacted.contains("expected i64 at line 1 column 9"),
            "{redacted}"
        );
    }

    #[test]
    fn only_a_429_asks_to_wait() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-retry-after", "12".parse().unwrap());
        let api = |status: u16| ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            problem: Problem::default(),
            rate_limit: RateLimit::from_headers(&headers),
            request_id: None,
            snippet: None,
        };
        assert_eq!(api(429).retry_after(), Some(Duration::from_secs(12)));
        assert_eq!(api(404).retry_after(), None);
        assert_eq!(api(404).rate_limit.retry_after, Some(12));
    }

    #[test]
    fn rate_limit_headers_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "60".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        headers.insert("x-ratelimit-retry-after", "12".parse().unwrap());
        let limit = RateLimit::from_headers(&headers);
        assert_eq!(
            limit,
            RateLimit {
                limit: Some(60),
                remaining: Some(0),
                retry_after: Some(12)
            }
        );
    }
}
