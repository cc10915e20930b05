//! One handle per resource group, each a light copy of the [`Client`](crate::Client).

mod analytics;
mod authentication;
mod captions;
mod chapters;
mod live_streams;
mod players;
mod summaries;
mod tags;
mod upload_tokens;
mod videos;
mod vtt_files;
mod watermarks;
mod webhooks;

pub use analytics::{Aggregated, Analytics, MetricsBreakdown, MetricsOverTime};
pub use authentication::Authentication;
pub use captions::{Captions, ListCaptions};
pub use chapters::{Chapters, ListChapters};
pub use live_streams::{ListLiveStreams, LiveStreams};
pub use players::{ListPlayers, Players};
pub use summaries::{ListSummaries, Summaries};
pub use tags::{ListTags, Tags};
pub use upload_tokens::{ListUploadTokens, UploadTokens};
pub use videos::{ListDiscardedVideos, ListVideos, Videos, WaitUntilPlayable};
pub use watermarks::{ListWatermarks, Watermarks};
pub use webhooks::{ListWebhooks, Webhooks};

use crate::error::{Error, Result};

/// Sort direction of list calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SortOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

impl SortOrder {
    /// This direction as the list operation's own parameter type.
    pub(crate) fn into_param<T: SortOrderParam>(self) -> T {
        T::from_sort_order(self)
    }
}

/// The `sortOrder` parameter type of a list operation: each has its own enum of `asc` and
/// `desc` (watermarks take a plain string).
pub(crate) trait SortOrderParam {
    fn from_sort_order(order: SortOrder) -> Self;
}

macro_rules! sort_order_params {
    ($($ty:ident),* $(,)?) => {
        $(impl SortOrderParam for apivideo_api::types::$ty {
            fn from_sort_order(order: SortOrder) -> Self {
                match order {
                    SortOrder::Asc => Self::Asc,
                    SortOrder::Desc => Self::Desc,
                }
            }
        })*
    };
}

sort_order_params!(
    GetLiveStreamsSortOrder,
    GetMetricsBreakdownSortOrder,
    GetMetricsOverTimeSortOrder,
    GetPlayersSortOrder,
    GetSummariesSortOrder,
    GetUploadTokensSortOrder,
    ListDiscardedVideosSortOrder,
    ListTagsSortOrder,
    ListVideosSortOrder,
);

impl SortOrderParam for String {
    fn from_sort_order(order: SortOrder) -> Self {
        match order {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
        .to_owned()
    }
}

/// An id for a path segment: refused when empty or blank, before anything is sent.
pub(crate) fn id(argument: &'static str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::invalid(argument, "must not be empty"));
    }
    Ok(value.to_owned())
}

/// Declares a resource handle type.
macro_rules! resource {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            pub(crate) client: crate::Client,
        }

        impl $name {
            pub(crate) fn new(client: crate::Client) -> Self {
                Self { client }
            }
        }
    };
}
pub(crate) use resource;
