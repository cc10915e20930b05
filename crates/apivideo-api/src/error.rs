//! The one error type of the low-level client, decoded where responses are read.

use std::fmt;
use std::time::Duration;

use apivideo_auth::Problem;
use apivideo_auth::retry::{self, Failure};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a call can end in besides its answer. Nothing secret (key, token, upload
/// token, signature secret) is ever in a message: URLs are dropped from transport errors
/// and secret-looking fields are masked in body snippets.
///
/// Each message says what failed; the cause, if any, is only in
/// [`source()`](std::error::Error::source), so error reports print it once.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status; everything it said is in [`ApiError`].
    #[error(transparent)]
    Api(Box<ApiError>),

    /// An answer could not be read: not JSON, or not the documented shape.
    #[error("could not decode the answer{}: {reason}", status_suffix(*status))]
    Decode {
        /// The HTTP status of the answer, when one was received.
        status: Option<StatusCode>,
        /// What was wrong, without the values involved.
        reason: String,
        /// The first bytes of the body (at most 512), with secret-looking fields masked.
        snippet: String,
    },

    /// The connection could not be made, or broke before the answer was complete.
    #[error("{}", transport_message(.0))]
    Transport(#[source] reqwest::Error),

    /// Nothing moved for longer than the client's `read_timeout`, or the request took
    /// longer than its `timeout`.
    #[error("{stage} (after {after:?})")]
    Timeout {
        /// What the request was doing when time ran out.
        stage: Stage,
        /// The limit that was reached.
        after: Duration,
    },

    /// The server answered with a redirect. api.video does not redirect API calls, and a
    /// redirect could lead credentials or an upload token to another host, so none is
    /// followed.
    #[error(
        "api.video answered {status} with a redirect{}; redirects are not followed",
        location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
    )]
    Redirect {
        /// The 3xx status.
        status: StatusCode,
        /// The `Location` header (an address, not a secret), when there was one.
        location: Option<String>,
    },

    /// A success answer was larger than the client accepts (see [`MAX_ANSWER_BYTES`]).
    #[error("the answer is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },

    /// Credentials are missing, malformed or were refused; see the inner error.
    #[error(transparent)]
    Credentials(#[from] apivideo_auth::Error),

    /// The request could not be built from the arguments given (a required argument is
    /// missing, a header value is not valid). Nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

/// The largest success answer read (32 MiB); the largest real one is a list page of a
/// few hundred KiB, so more means a broken or hostile server.
pub const MAX_ANSWER_BYTES: u64 = 32 * 1024 * 1024;

/// The most of an error answer kept: enough for any problem document.
pub(crate) const MAX_ERROR_BYTES: u64 = 64 * 1024;

/// What a request was doing when it timed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// The server stopped accepting the request body.
    SendingBody,
    /// The request was sent; no answer came.
    WaitingForAnswer,
    /// The answer stopped arriving part way.
    ReadingAnswer,
    /// The whole request took longer than its `timeout`.
    Whole,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SendingBody => "the server stopped accepting the request body",
            Self::WaitingForAnswer => "no answer came from api.video",
            Self::ReadingAnswer => "the answer from api.video stalled",
            Self::Whole => "the request took longer than its timeout",
        })
    }
}

fn status_suffix(status: Option<StatusCode>) -> String {
    status
        .map(|s| format!(" (HTTP {})", s.as_u16()))
        .unwrap_or_default()
}

fn transport_message(error: &reqwest::Error) -> &'static str {
    if error.is_connect() {
        "could not connect to api.video"
    } else if error.is_timeout() {
        "the connection to api.video timed out"
    } else {
        "the connection to api.video failed"
    }
}

impl fmt::Debug for Error {
    /// Compact: the message, then the fields that help to act on it (what `main`
    /// printing a returned error shows).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => fmt::Debug::fmt(api, f),
            Self::Transport(error) => f
                .debug_tuple("Transport")
                .field(&format_args!("{self}"))
                .field(&format_args!("{error}"))
                .finish(),
            _ => f
                .debug_tuple(self.kind())
                .field(&format_args!("{self}"))
                .finish(),
        }
    }
}

impl Error {
    fn kind(&self) -> &'static str {
        match self {
            Self::Api(_) => "Api",
            Self::Decode { .. } => "Decode",
            Self::Transport(_) => "Transport",
            Self::Timeout { .. } => "Timeout",
            Self::Redirect { .. } => "Redirect",
            Self::TooLarge { .. } => "TooLarge",
            Self::Credentials(_) => "Credentials",
            Self::InvalidRequest(_) => "InvalidRequest",
        }
    }

    /// A transport error, with its URL dropped: an upload-token URL carries the token.
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        Self::Transport(error.without_url())
    }

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
            Self::Redirect { status, .. } => Some(*status),
            Self::Credentials(
                apivideo_auth::Error::Rejected { status, .. }
                | apivideo_auth::Error::Unavailable { status, .. },
            ) => StatusCode::from_u16(*status).ok(),
            _ => None,
        }
    }

    /// How this failure reads to the retry policy; `None` when it is final whatever the
    /// policy (a redirect, a decoding failure, refused credentials).
    pub fn failure(&self) -> Option<Failure> {
        match self {
            Self::Api(api) => Some(Failure::Status {
                status: api.status.as_u16(),
                retry_after: api.rate_limit.retry_after,
            }),
            Self::Transport(error) if error.is_connect() => Some(Failure::ConnectFailed),
            Self::Transport(_) | Self::Timeout { .. } => Some(Failure::Transport),
            _ => None,
        }
    }
}

/// The rate-limit headers api.video sends with every answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Retry-After`: the time until the window resets (after a 429, how long
    /// to wait), parsed like every other reader of this header does
    /// ([`apivideo_auth::retry::parse_retry_after`]).
    pub retry_after: Option<Duration>,
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
            retry_after: retry::retry_after(headers),
        }
    }
}

/// The request id the server sent (`X-Request-Id` or a proxy's equivalent), to quote
/// when asking api.video's support about a call.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "x-amzn-requestid", "x-correlation-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

/// An error answer from the API, with everything the server said.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The problem details (`type`, `title`, `name`, `status`, `detail`, `problems` and any
    /// other field the server sent, in `extra`). Empty when the body was not JSON.
    pub problem: Problem,
    /// The rate-limit headers of the answer.
    pub rate_limit: RateLimit,
    /// The request id header, when the server sent one.
    pub request_id: Option<String>,
    /// The start of the body when it was not a JSON problem (an HTML error page, say).
    pub snippet: Option<String>,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("ApiError");
        out.field("status", &self.status.as_u16());
        if let Some(title) = &self.problem.title {
            out.field("title", title);
        }
        if let Some(detail) = &self.problem.detail {
            out.field("detail", detail);
        }
        if let Some(name) = self.problem.name.as_deref().filter(|n| !n.is_empty()) {
            out.field("field", &name);
        }
        if let Some(id) = &self.request_id {
            out.field("request_id", id);
        }
        if let Some(snippet) = &self.snippet {
            out.field("snippet", snippet);
        }
        out.finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
    /// An error answer from its status, headers and (bounded) body.
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let parsed = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| match v {
                serde_json::Value::Object(map) => Some(Problem::from_json_object(map)),
                _ => None,
            });
        Self {
            status,
            snippet: parsed.is_none().then(|| snippet(body)),
            problem: parsed.unwrap_or_default(),
            rate_limit: RateLimit::from_headers(headers),
            request_id: request_id(headers),
        }
    }

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
        self.rate_limit.retry_after
    }
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
pub fn snippet(body: &[u8]) -> String {
    const MAX: usize = 512;
    let cut = body.get(..MAX).unwrap_or(body);
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
    while let Some((before, after_key)) = rest.split_once(needle.as_str()) {
        out.push_str(before);
        out.push_str(&needle);
        rest = after_key;
        let Some(after_colon) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let Some(inner) = after_colon.trim_start().strip_prefix('"') else {
            continue;
        };
        out.push_str(":\"[REDACTED]");
        // Skip to the closing quote (not an escaped one), or to the end of the snippet.
        let mut escaped = false;
        let mut close = None;
        for (i, c) in inner.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    close = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        rest = match close.and_then(|i| inner.get(i..)) {
            Some(from_quote) => {
                out.push('"');
                from_quote.get(1..).unwrap_or_default()
            }
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// serde_json quotes offending values in its messages (`invalid type: string "..."`);
/// those may be secrets, so they are dropped.
pub(crate) fn redact_quoted(message: &str) -> String {
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

/// A local failure carried through progenitor's response path: the request hooks can only
/// return a `reqwest::Response`, so a typed failure travels as a placeholder response
/// holding it, and [`from_raw`] takes it back out.
#[derive(Clone)]
pub(crate) struct Carried(pub(crate) std::sync::Arc<std::sync::Mutex<Option<Error>>>);

impl Carried {
    /// A placeholder response holding `error`. Its status (599) is documented as a
    /// success by no operation, so progenitor hands it back as unexpected.
    pub(crate) fn into_response(error: Error) -> reqwest::Response {
        let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
        *response.status_mut() = StatusCode::from_u16(599).unwrap_or(StatusCode::BAD_GATEWAY);
        response
            .extensions_mut()
            .insert(Self(std::sync::Arc::new(std::sync::Mutex::new(Some(
                error,
            )))));
        reqwest::Response::from(response)
    }

    fn take(response: &reqwest::Response) -> Option<Error> {
        let carried = response.extensions().get::<Self>()?;
        carried
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

tokio::task_local! {
    /// The status of the last answer of the call under way: progenitor's decoding errors
    /// do not keep it, and a decoding error should say which answer failed.
    pub(crate) static LAST_STATUS: std::cell::Cell<Option<StatusCode>>;
}

/// Runs a generated call, turning progenitor's error into [`Error`].
pub(crate) async fn from_raw<T>(
    call: impl Future<
        Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>,
    >,
) -> Result<progenitor_client::ResponseValue<T>> {
    let (result, status) = LAST_STATUS
        .scope(std::cell::Cell::new(None), async {
            let result = call.await;
            (result, LAST_STATUS.with(std::cell::Cell::get))
        })
        .await;
    let error = match result {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    use progenitor_client::Error as Raw;
    Err(match error {
        Raw::InvalidRequest(reason) | Raw::Custom(reason) => Error::InvalidRequest(reason),
        Raw::CommunicationError(e) | Raw::InvalidUpgrade(e) => Error::transport(e),
        Raw::ResponseBodyError(e) => Error::transport(e),
        Raw::InvalidResponsePayload(body, e) => Error::Decode {
            status,
            reason: redact_quoted(&e.to_string()),
            snippet: snippet(&body),
        },
        Raw::UnexpectedResponse(response) => unexpected(response).await,
        Raw::ErrorResponse(value) => Error::Api(Box::new(ApiError::from_parts(
            value.status(),
            value.headers(),
            &[],
        ))),
    })
}

use std::future::Future;

/// An answer whose status the operation does not document as a success: a carried local
/// failure, an error answer, or an undocumented success.
async fn unexpected(response: reqwest::Response) -> Error {
    if let Some(error) = Carried::take(&response) {
        return error;
    }
    let status = response.status();
    let headers = response.headers().clone();
    // The runtime already holds the body in memory, within its bounds.
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) => return Error::transport(e),
    };
    if status.is_success() {
        return Error::Decode {
            status: Some(status),
            reason: "a success status the operation does not document".into(),
            snippet: snippet(&body),
        };
    }
    Error::Api(Box::new(ApiError::from_parts(status, &headers, &body)))
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
        // A multi-byte character cut at the limit does not panic.
        let mut wide = vec![b'a'; 511];
        wide.extend_from_slice("é".as_bytes());
        assert!(snippet(&wide).starts_with("aaa"));
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
    fn only_a_429_asks_to_wait() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-retry-after", "12".parse().expect("valid"));
        let api = |status: u16| {
            ApiError::from_parts(
                StatusCode::from_u16(status).expect("valid"),
                &headers,
                b"{}",
            )
        };
        assert_eq!(api(429).retry_after(), Some(Duration::from_secs(12)));
        assert_eq!(api(404).retry_after(), None);
        assert_eq!(
            api(404).rate_limit.retry_after,
            Some(Duration::from_secs(12))
        );
    }

    #[test]
    fn rate_limit_headers_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "60".parse().expect("valid"));
        headers.insert("x-ratelimit-remaining", "0".parse().expect("valid"));
        headers.insert("x-ratelimit-retry-after", "1.5".parse().expect("valid"));
        let limit = RateLimit::from_headers(&headers);
        assert_eq!(
            limit,
            RateLimit {
                limit: Some(60),
                remaining: Some(0),
                retry_after: Some(Duration::from_millis(1500)),
            }
        );
    }
}
