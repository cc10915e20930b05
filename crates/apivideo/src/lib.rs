// The README links to docs.rs so that it reads well on crates.io too. These definitions
// come first, and the first definition of a link wins: here rustdoc links (and checks)
// the same names within these docs instead.
#![doc = "[`models`]: crate::models"]
#![doc = "[`Error`]: crate::Error"]
#![doc = "[`RetryPolicy`]: crate::RetryPolicy"]
#![doc = "[`upload`]: crate::upload"]
#![doc = "[`ListRequest`]: crate::ListRequest"]
#![doc = "[`webhooks`]: crate::webhooks"]
#![doc = "[`install_crypto_provider`]: crate::install_crypto_provider"]
#![doc = "[`ClientBuilder::base_url`]: crate::ClientBuilder::base_url"]
#![doc = "[`Call`]: crate::Call"]
#![doc = "[`Response`]: crate::Response"]
#![doc = "[`Page`]: crate::Page"]
#![doc = "[`Error::retry_after`]: crate::Error::retry_after"]
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

mod assertions;
mod call;
mod client;
mod error;
mod origin;
pub mod pagination;
pub mod resources;
mod tls;
pub mod upload;
pub mod webhooks;

pub use call::{Call, Metadata, Response, WithMetadata};
pub use client::{Client, ClientBuilder, PRODUCTION, SANDBOX};
pub use error::{ApiError, Error, RateLimit, Result, Stage};
pub use pagination::{ListRequest, Page};
pub use resources::SortOrder;

/// The low-level generated client, for what this crate does not wrap.
pub use apivideo_api as api;
/// Retry settings: see [`ClientBuilder::retry_policy`].
pub use apivideo_api::RetryPolicy;
/// The parameters of each list operation as plain data, as
/// [`ListRequest::params`](crate::ListRequest::params) shows them.
pub use apivideo_api::list_params;
/// Every model of the API, named after its schema (`video` → [`models::Video`],
/// `videos-list-response` → [`models::VideosListResponse`]). Request fields that can
/// be left out, `null` or set are [`models::Nullable`]; date-times are
/// [`models::DateTime`].
pub use apivideo_api::models;
/// Enums of query and path parameters (sort fields, analytics metrics...).
pub use apivideo_api::types;
/// Credentials: strategies, keys, problem details.
pub use apivideo_auth as auth;
/// Installs rustls's `ring` crypto provider if none is installed; see the crate docs'
/// features section. [`Client::builder`] calls it, so you need it only for a
/// `reqwest::Client` you build before that.
pub use apivideo_auth::install_crypto_provider;
/// Bytes of uploads and downloads.
pub use bytes;
/// Date-times used by models and analytics filters (with chrono's `now` feature, so
/// `chrono::Utc::now()` works; time zones need chrono's `clock` feature in your own
/// `Cargo.toml`).
pub use chrono;
/// Re-exported so that the types this crate's signatures take
/// ([`webhooks::verify_request`] reads an [`http::HeaderMap`]) need no dependency of your
/// own, at a version that always matches.
pub use http;

/// The traits that streams need: `use apivideo::prelude::*;` brings `try_next`,
/// `try_collect`, `take` and the rest to [`ListRequest::stream`], with no dependency
/// on `futures-util` of your own.
pub mod prelude {
    pub use futures_util::{StreamExt, TryStreamExt};
}
/// The HTTP client underneath: [`ClientBuilder::http_client`] takes a
/// `reqwest::ClientBuilder`, and errors carry `reqwest` types. Re-exported so the version
/// always matches ours.
pub use reqwest;
