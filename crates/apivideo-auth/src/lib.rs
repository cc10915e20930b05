#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod authorization;
mod base_url;
mod basic;
mod bearer;
mod clock;
mod endpoint;
mod error;
mod key;
pub mod problem;
mod provider;
mod scoped;
mod tls;

pub use crate::authorization::Authorization;
pub use crate::base_url::{PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use crate::basic::Basic;
#[cfg(feature = "reqwest")]
pub use crate::bearer::DEFAULT_AUTH_TIMEOUT;
pub use crate::bearer::{BearerToken, BearerTokenBuilder, DEFAULT_JITTER, DEFAULT_REFRESH_MARGIN};
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
pub use crate::tls::install_crypto_provider;

/// Re-exported so that implementors of [`TokenEndpoint`] and users of
/// [`Authorization::bearer`] name the same `SecretString` type as this crate.
pub use secrecy;
