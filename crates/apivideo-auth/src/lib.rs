// The README links to docs.rs so that it reads well on crates.io too. These definitions
// come first, and the first definition of a link wins: here rustdoc links (and checks)
// the same names within these docs instead.
#![doc = "[`AccessToken::from_json_response`]: crate::AccessToken::from_json_response"]
#![doc = "[`ApiKey::expose_secret`]: crate::ApiKey::expose_secret"]
#![doc = "[`ApiKey`]: crate::ApiKey"]
#![doc = "[`auth_fn`]: crate::auth_fn"]
#![doc = "[`Basic`]: crate::Basic"]
#![doc = "[`BearerToken::new`]: crate::BearerToken::new"]
#![doc = "[`BearerToken`]: crate::BearerToken"]
#![doc = "[`Error::Rejected`]: crate::Error::Rejected"]
#![doc = "[`Error`]: crate::Error"]
#![doc = "[`http::HeaderValue::set_sensitive`]: http::HeaderValue::set_sensitive"]
#![doc = "[`install_crypto_provider`]: crate::install_crypto_provider"]
#![doc = "[`invalidate`]: crate::ProvideAuthorization::invalidate"]
#![doc = "[`NoCredentials`]: crate::NoCredentials"]
#![doc = "[`Problem`]: crate::Problem"]
#![doc = "[`ProvideAuthorization::invalidate`]: crate::ProvideAuthorization::invalidate"]
#![doc = "[`ProvideAuthorization`]: crate::ProvideAuthorization"]
#![doc = "[`ReqwestTokenEndpoint`]: crate::ReqwestTokenEndpoint"]
#![doc = "[`ScopedToOrigin`]: crate::ScopedToOrigin"]
#![doc = "[`secrecy::SecretString`]: secrecy::SecretString"]
#![doc = "[`SharedAuth`]: crate::SharedAuth"]
#![doc = "[`TokenEndpoint`]: crate::TokenEndpoint"]
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
#![cfg_attr(docsrs, feature(doc_cfg))]

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
mod tls;

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
pub use crate::tls::install_crypto_provider;

/// Re-exported so that implementors of [`TokenEndpoint`] and users of
/// [`Authorization::bearer`] name the same `SecretString` type as this crate.
pub use secrecy;

/// Re-exported so that the types this crate's signatures take ([`http::Method`] in
/// [`RequestContext::new`], [`http::HeaderValue`] from [`Authorization::header_value`])
/// need no dependency of your own, at a version that always matches.
pub use http;
