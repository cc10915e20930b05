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
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod assertions;
mod client;
mod error;
mod origin;
pub mod pagination;
pub mod resources;
mod tls;
pub mod upload;
pub mod webhooks;

pub use client::{Client, ClientBuilder, PRODUCTION, SANDBOX};
pub use error::{ApiError, Error, RateLimit, Result};
pub use pagination::{ListRequest, Page};
pub use resources::SortOrder;

/// The low-level generated client, for what this crate does not wrap.
pub use apivideo_api as api;
/// Retry settings: see [`ClientBuilder::retry_policy`].
pub use apivideo_api::RetryPolicy;
/// Every model of the API, named after its schema (`video` → [`models::Video`],
/// `videos-list-response` → [`models::VideosListResponse`]).
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
/// The HTTP client underneath: [`ClientBuilder::http_client`] takes a `reqwest::Client`,
/// and errors carry `reqwest` types. Re-exported so the version always matches ours.
pub use reqwest;
