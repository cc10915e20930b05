//! The one error type of this crate.

use std::sync::Arc;

use crate::problem::Problem;

/// A boxed, shareable error from outside this crate (an HTTP stack, a secret vault, ...).
///
/// `Arc` rather than `Box` so that [`Error`] can be `Clone`: a failed single-flight token
/// fetch hands the very same error to every task that was waiting for it.
pub type BoxError = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while obtaining credentials.
///
/// No variant ever carries an API key or a token, so both `Display` and `Debug` are safe to
/// log. The enum is `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A call needs credentials and none were supplied.
    #[error("no api.video API key: this call needs one, and none was supplied")]
    MissingApiKey,

    /// The environment variable meant to hold the key is unset or empty.
    #[error("no api.video API key: the environment variable {name} is unset or empty")]
    MissingEnvVar {
        /// The variable read, such as `APIVIDEO_API_KEY`.
        name: String,
    },

    /// The API key cannot be a valid api.video key; the key itself is never included.
    #[error("the api.video API key is malformed: {reason}")]
    InvalidApiKeyFormat {
        /// Why the key was refused, e.g. "contains whitespace".
        reason: &'static str,
    },

    /// A token, or a header value built from one, cannot be sent in an HTTP header.
    #[error("the credential cannot be used in an Authorization header: {reason}")]
    InvalidCredential {
        /// Why the credential was refused; the credential itself is never included.
        reason: &'static str,
    },

    /// api.video refused the API key or the refresh token (HTTP 400 or 401).
    #[error("api.video rejected the credentials (HTTP {status}): {problem}")]
    Rejected {
        /// The HTTP status of the answer.
        status: u16,
        /// The problem details the server sent, with every field it sent.
        ///
        /// Boxed to keep `Error`, and so every `Result` of this crate, small.
        problem: Box<Problem>,
    },

    /// The auth endpoint could not be reached, or the connection failed mid-way.
    #[error("could not get a token from the api.video auth endpoint")]
    Transport(#[source] BoxError),

    /// The auth endpoint answered, but not with a usable token.
    ///
    /// `reason` describes the defect (missing field, JSON syntax error position, unexpected
    /// status) and never quotes the body, which may contain a token.
    #[error("the api.video auth endpoint sent an unusable answer (HTTP {status}): {reason}")]
    MalformedTokenResponse {
        /// The HTTP status of the answer.
        status: u16,
        /// What was wrong with it.
        reason: String,
    },

    /// The auth endpoint is rate limiting (429) or failing (5xx): try again later.
    #[error(
        "the api.video auth endpoint is unavailable (HTTP {status}){}",
        retry_after.map(|d| format!("; it asks to wait {} s", d.as_secs())).unwrap_or_default()
    )]
    Unavailable {
        /// The HTTP status of the answer.
        status: u16,
        /// How long the server asked to wait (`X-RateLimit-Retry-After`), if it said.
        retry_after: Option<std::time::Duration>,
    },

    /// The API base URL cannot be used.
    #[error("invalid api.video base URL: {reason}")]
    InvalidBaseUrl {
        /// Why it was refused.
        reason: String,
    },

    /// An error from a user-supplied strategy or token endpoint.
    #[error("the credential provider failed")]
    Custom(#[source] BoxError),
}

impl Error {
    /// Wraps an HTTP-stack error as [`Error::Transport`].
    ///
    /// For [`TokenEndpoint`](crate::TokenEndpoint) implementations over other HTTP stacks.
    pub fn transport(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Transport(Arc::new(source))
    }

    /// Wraps any error as [`Error::Custom`], for strategies written with
    /// [`auth_fn`](crate::auth_fn) or by hand.
    pub fn custom(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Custom(Arc::new(source))
    }

    /// Whether the server refused the credentials, as opposed to a network or parsing fault.
    ///
    /// A refused key stays refused, so callers should not retry; other failures may pass.
    pub fn is_rejected(&self) -> bool {
        matches!(self, Self::Rejected { .. })
    }
}
