#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod call;
mod client;
mod error;
mod origin;
pub mod pagination;
pub mod resources;
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
/// Date-times used by models and analytics filters.
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
