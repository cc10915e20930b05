//! The one error type of the crate. Request failures are decoded where answers are read,
//! in `apivideo-api`; this type carries them unchanged, plus what only this crate can
//! fail at (settings, arguments, uploads, waits).

use std::time::Duration;

use reqwest::StatusCode;

pub use apivideo_api::{ApiError, RateLimit, Stage};

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. Nothing secret (key, token, upload token, signature
/// secret) is ever in a message.
///
/// Each message says what failed; the cause, if any, is only in
/// [`source()`](std::error::Error::source), so `anyhow`/`eyre` reports print it once.
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

    /// Nothing moved for longer than the client's `read_timeout`, or a request took
    /// longer than its `timeout`. [`Stage`] says what was stalled: sending the body,
    /// waiting for the answer, or reading it.
    #[error("{stage} (after {after:?})")]
    Timeout {
        /// What the request was doing when time ran out.
        stage: Stage,
        /// The limit that was reached.
        after: Duration,
    },

    /// The server answered with a redirect, which is never followed: api.video does not
    /// redirect API calls, and a redirect could lead credentials or an upload token to
    /// another host.
    #[error(
        "api.video answered {status} with a redirect{}; redirects are not followed",
        location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
    )]
    Redirect {
        /// The 3xx status.
        status: StatusCode,
        /// The `Location` header without its query, when there was one.
        location: Option<String>,
    },

    /// A success answer was larger than the client accepts
    /// ([`api::MAX_ANSWER_BYTES`](apivideo_api::MAX_ANSWER_BYTES)).
    #[error("the answer is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },

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
    WaitTimeout {
        /// The video waited for.
        video_id: String,
        /// How long the wait lasted.
        waited: Duration,
    },

    /// Encoding failed for the video waited for: every quality the status lists failed.
    #[error("encoding failed for video {video_id}")]
    EncodingFailed {
        /// The video waited for.
        video_id: String,
    },

    /// api.video could not ingest the source of the video waited for (its status says
    /// the ingest failed): it will never be playable.
    #[error("api.video could not ingest the source of video {video_id} (ingest status {status:?})")]
    IngestFailed {
        /// The video waited for.
        video_id: String,
        /// The ingest status the API reported.
        status: String,
    },

    /// Encoding of the video waited for never started: its status listed no quality for
    /// the whole [`start_timeout`](crate::resources::WaitUntilPlayable::start_timeout),
    /// and nothing of its ingest changed. Its source is most likely incomplete (an upload
    /// that stopped) or missing.
    #[error(
        "encoding of video {video_id} had not started after {waited:?}: its status lists no \
         quality and its ingest is {}; was its source uploaded completely?",
        ingest.as_deref().unwrap_or("not started")
    )]
    EncodingNotStarted {
        /// The video waited for.
        video_id: String,
        /// How long the wait lasted.
        waited: Duration,
        /// The last ingest status reported, if any.
        ingest: Option<String>,
    },

    /// An upload stopped before it completed; what the server confirmed is kept so it can
    /// be resumed.
    #[error(transparent)]
    Upload(Box<crate::upload::UploadError>),

    /// Reading the source of an upload failed.
    #[error("could not read the upload source")]
    Io(#[from] std::io::Error),
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

impl std::fmt::Debug for Error {
    /// Compact, because it is what `fn main() -> Result<(), apivideo::Error>` prints: the
    /// kind, the message, and the cause chain.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api(api) => return std::fmt::Debug::fmt(api, f),
            Self::Decode {
                status,
                reason,
                snippet,
            } => {
                return f
                    .debug_struct("Decode")
                    .field("status", &status.map(|s| s.as_u16()))
                    .field("reason", reason)
                    .field("snippet", snippet)
                    .finish();
            }
            _ => {}
        }
        write!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl From<apivideo_api::Error> for Error {
    fn from(error: apivideo_api::Error) -> Self {
        use apivideo_api::Error as Low;
        match error {
            Low::Api(api) => Self::Api(api),
            Low::Decode {
                status,
                reason,
                snippet,
            } => Self::Decode {
                status,
                reason,
                snippet,
            },
            Low::Transport(error) => Self::Transport(error),
            Low::Timeout { stage, after } => Self::Timeout { stage, after },
            Low::Redirect { status, location } => Self::Redirect { status, location },
            Low::TooLarge { limit } => Self::TooLarge { limit },
            Low::Credentials(error) => Self::Credentials(error),
            Low::InvalidRequest(reason) => Self::InvalidInput {
                argument: "request",
                reason,
            },
            other => Self::InvalidInput {
                argument: "request",
                reason: other.to_string(),
            },
        }
    }
}

impl Error {
    /// The API's error answer, if this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            Self::Upload(upload) => upload.source.api_error(),
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
            Self::Upload(upload) => upload.source.status(),
            _ => None,
        }
    }

    /// The credentials were refused, whatever the scheme: a 401 on a call (HTTP Basic,
    /// or a bearer token refused twice), or the API key refused when a bearer token was
    /// requested (api.video answers 400 or 401 there). Match on this rather than on a
    /// variant and a status.
    pub fn is_unauthorized(&self) -> bool {
        match self {
            Self::Credentials(error) => error.is_rejected(),
            Self::Upload(upload) => upload.source.is_unauthorized(),
            _ => self.status() == Some(StatusCode::UNAUTHORIZED),
        }
    }

    /// The problem details the server sent, whatever the variant carrying them: an
    /// error answer to a call, a refused API key, or the failure that stopped an upload.
    pub fn problem(&self) -> Option<&apivideo_auth::Problem> {
        match self {
            Self::Api(api) => Some(&api.problem),
            Self::Credentials(apivideo_auth::Error::Rejected { problem, .. }) => Some(&**problem),
            Self::Upload(upload) => upload.source.problem(),
            _ => None,
        }
        .filter(|problem| !problem.is_empty())
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_low_level_failure_keeps_its_kind() {
        let low = apivideo_api::Error::Timeout {
            stage: Stage::SendingBody,
            after: Duration::from_secs(3),
        };
        let message = low.to_string();
        let error = Error::from(low);
        assert!(
            matches!(
                error,
                Error::Timeout {
                    stage: Stage::SendingBody,
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(error.to_string(), message);
        let error = Error::from(apivideo_api::Error::InvalidRequest("no body".into()));
        assert!(matches!(
            error,
            Error::InvalidInput {
                argument: "request",
                ..
            }
        ));
    }

    #[test]
    fn debug_is_the_message_and_its_causes() {
        let error = Error::Io(std::io::Error::other("disk on fire"));
        assert_eq!(
            format!("{error:?}"),
            "could not read the upload source: disk on fire"
        );
    }
}
