//! One handle per resource group, each a light copy of the [`Client`](crate::Client).

mod analytics;
mod captions;
mod chapters;
mod live_streams;
mod players;
mod summaries;
mod tags;
mod upload_tokens;
mod videos;
mod watermarks;
mod webhooks;

pub use analytics::{Aggregated, Analytics, MetricsBreakdown, MetricsOverTime};
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
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
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
