#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// Code that reads what a server sends must not panic: no unwrap/expect, no panicking
// index or slice, no unchecked arithmetic. Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

mod authorization;
pub mod base_url;
mod basic;
mod bearer;
mod clock;
mod endpoint;
mod error;
mod key;
pub mod problem;
mod provider;
pub mod retry;
mod scoped;

pub use crate::authorization::Authorization;
pub use crate::base_url::{PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use crate::basic::Basic;
#[cfg(feature = "reqwest")]
pub use crate::bearer::DEFAULT_AUTH_TIMEOUT;
pub use crate::bearer::{
    BearerToken, BearerTokenBuilder, DEFAULT_JITTER, DEFAULT_REFRESH_MARGIN, MIN_TOKEN_LIFETIME,
};
pub use crate::clock::{Clock, ManualClock, SystemClock};
#[cfg(feature = "reqwest")]
pub use crate::endpoint::ReqwestTokenEndpoint;
pub use crate::endpoint::{AccessToken, TokenEndpoint, TokenFuture};
pub use crate::error::{BoxError, Error};
pub use crate::key::{API_KEY_ENV_VAR, ApiKey};
pub use crate::problem::Problem;
pub use crate::provider::{
    AuthFn, AuthFuture, NoCredentials, ProvideAuthorization, RequestContext, SharedAuth, auth_fn,
};
pub use crate::scoped::{ScopedToOrigin, scoped_to_origin};

/// Re-exported so that implementors of [`TokenEndpoint`] and users of
/// [`Authorization::bearer`] name the same `SecretString` type as this crate.
pub use secrecy;

/// Re-exported so that the types this crate's signatures take ([`http::Method`] in
/// [`RequestContext::new`], [`http::HeaderValue`] from [`Authorization::header_value`])
/// need no dependency of your own, at a version that always matches.
pub use http;
