//! `client.tags()`.

use apivideo_api::models::{ListTagsResponse, ListTagsResponseData};
use apivideo_api::types::ListTagsSortBy;

use super::{SortOrder, resource};
use crate::pagination::{ListRequest, list_operation};

resource! {
    /// The tags used by the project's videos, with how many videos use each.
    Tags
}

list_operation!(
    /// `GET /tags`.
    TagsList, ListTagsParams, ListTagsResponse, ListTagsResponseData
);

/// Lists tags; see [`Tags::list`].
pub type ListTags = ListRequest<TagsList>;

impl ListTags {
    /// Tags containing `value`.
    pub fn value(self, value: impl Into<String>) -> Self {
        self.set(|p| p.value = Some(value.into()))
    }

    /// The field to sort by.
    pub fn sort_by(self, field: ListTagsSortBy) -> Self {
        self.set(|p| p.sort_by = Some(field))
    }

    /// The sort direction.
    pub fn sort_order(self, order: SortOrder) -> Self {
        self.set(|p| p.sort_order = Some(order.into_param()))
    }
}

impl Tags {
    /// Lists tags.
    pub fn list(&self) -> ListTags {
        ListRequest::new(self.client.clone())
    }
}
