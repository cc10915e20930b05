//! Pages of list results, and streams of every item across pages.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use apivideo_api::ResponseValue;
use apivideo_api::models::Pagination;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};

use crate::call::Metadata;
use crate::client::Client;
use crate::error::{Error, Result};

/// One page of a list: its items, where it sits among all pages, and the metadata of the
/// answer that carried it (rate limit, request id, headers).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The API's pagination object (totals, current page, links).
    pub pagination: Pagination,
    /// What the answer said besides its body.
    pub metadata: Metadata,
}

impl<T> Page<T> {
    /// The number of this page, from 1.
    pub fn current_page(&self) -> i64 {
        self.pagination.current_page.unwrap_or(1)
    }

    /// How many pages there are at this page size.
    pub fn pages_total(&self) -> Option<i64> {
        self.pagination.pages_total
    }

    /// How many items there are across all pages.
    pub fn items_total(&self) -> Option<i64> {
        self.pagination.items_total
    }

    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        match self.pagination.pages_total {
            Some(total) => self.current_page() < total,
            // Without totals, a page as long as the page size may be followed by another.
            None => self
                .pagination
                .page_size
                .is_some_and(|size| self.items.len() as i64 >= size && size > 0),
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// How one paginated operation is called and read. Implemented once per list operation;
/// its parameters are plain data ([`Params`](Self::Params), one of
/// [`list_params`](apivideo_api::list_params)) from which each page's request is built.
pub trait ListOperation: Send + Sync + 'static {
    /// The operation's parameters but the page number, as plain data.
    type Params: Clone + fmt::Debug + Default + PartialEq + Send + Sync + 'static;
    /// The item type of a page.
    type Item: Send + 'static;
    /// The response model.
    #[doc(hidden)]
    type Response: Send + 'static;

    #[doc(hidden)]
    fn page_size(params: &mut Self::Params) -> &mut Option<i64>;
    #[doc(hidden)]
    fn send<'a>(
        api: &'a apivideo_api::Client,
        params: &'a Self::Params,
        page: i64,
    ) -> impl Future<
        Output = std::result::Result<ResponseValue<Self::Response>, apivideo_api::Error>,
    > + Send
    + 'a;
    #[doc(hidden)]
    fn into_page(response: Self::Response, metadata: Metadata) -> Page<Self::Item>;
}

/// A list request: set filters and sorting, then `.await` it for one page, or call
/// [`stream`](Self::stream) for every item across pages. The settings are plain data,
/// [`params`](Self::params), read by each page's request.
///
/// ```
/// use apivideo::prelude::*;
/// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
/// let first = client.videos().list().tag("keynote").page_size(50).await?;
/// println!("{} of {:?} videos", first.items.len(), first.items_total());
///
/// let mut all = client.videos().list().metadata("Author", "John Doe").stream();
/// while let Some(video) = all.try_next().await? {
///     println!("{}", video.video_id);
/// }
/// # Ok(()) }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> apivideo::Result<()> {
/// #     let sim = apivideo_simulator::Simulator::start().await;
/// #     let client = apivideo::Client::builder().api_key(sim.api_key()).base_url(sim.base_url());
/// #     run(client.build()?).await
/// # }
/// ```
#[must_use = "a list request does nothing until awaited or streamed"]
pub struct ListRequest<Op: ListOperation> {
    client: Client,
    params: Op::Params,
    current_page: i64,
    error: Option<Error>,
}

impl<Op: ListOperation> ListRequest<Op> {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            params: Op::Params::default(),
            current_page: 1,
            error: None,
        }
    }

    /// Changes the parameters.
    pub(crate) fn set(mut self, f: impl FnOnce(&mut Op::Params)) -> Self {
        f(&mut self.params);
        self
    }

    /// Records an invalid argument, reported when the request is awaited or streamed.
    pub(crate) fn fail(mut self, error: Error) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// What each page's request will send, the page number apart.
    pub fn params(&self) -> &Op::Params {
        &self.params
    }

    /// The page to fetch, from 1 (default 1; for [`stream`](Self::stream), where to start).
    pub fn page(mut self, page: i64) -> Self {
        if page < 1 {
            return self.fail(Error::invalid(
                "page",
                format!("pages start at 1, got {page}"),
            ));
        }
        self.current_page = page;
        self
    }

    /// Items per page (the API's default is 25; at most 100).
    pub fn page_size(mut self, size: i64) -> Self {
        if !(1..=100).contains(&size) {
            return self.fail(Error::invalid(
                "page_size",
                format!("must be from 1 to 100, got {size}"),
            ));
        }
        *Op::page_size(&mut self.params) = Some(size);
        self
    }

    /// Fetches the page.
    pub async fn send(self) -> Result<Page<Op::Item>> {
        if let Some(error) = self.error {
            return Err(error);
        }
        fetch::<Op>(&self.client, &self.params, self.current_page).await
    }

    /// Every item from the requested page on, fetching each page when the previous one is
    /// used up and stopping after the last page. Boxed and pinned, so `try_next()` and
    /// the other stream adapters work on it directly.
    pub fn stream(self) -> BoxStream<'static, Result<Op::Item>> {
        self.pages()
            .map_ok(|page| futures_util::stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every page from the requested one on, each with its items, its pagination and the
    /// [`Metadata`] of its answer (rate limit, request id), fetched one after the other as
    /// the stream is polled.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
    /// let mut pages = client.videos().list().page_size(100).pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!(
    ///         "page {}: {} videos, {:?} requests left",
    ///         page.current_page(),
    ///         page.items.len(),
    ///         page.metadata.rate_limit.remaining
    ///     );
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> BoxStream<'static, Result<Page<Op::Item>>> {
        let state = (
            self.client,
            self.params,
            Some(self.current_page),
            self.error,
        );
        futures_util::stream::try_unfold(state, |(client, params, next_page, error)| async move {
            if let Some(error) = error {
                return Err(error);
            }
            let Some(number) = next_page else {
                return Ok(None);
            };
            let page = fetch::<Op>(&client, &params, number).await?;
            // No page follows page `i64::MAX`, whatever the server says.
            let next = if page.has_next() && !page.items.is_empty() {
                number.checked_add(1)
            } else {
                None
            };
            Ok(Some((page, (client, params, next, None))))
        })
        .boxed()
    }
}

impl<Op: ListOperation> fmt::Debug for ListRequest<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("params", &self.params)
            .field("current_page", &self.current_page)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

async fn fetch<Op: ListOperation>(
    client: &Client,
    params: &Op::Params,
    page: i64,
) -> Result<Page<Op::Item>> {
    let response = client.call_full(|api| Op::send(api, params, page)).await?;
    Ok(Op::into_page(response.value, response.metadata))
}

impl<Op: ListOperation> IntoFuture for ListRequest<Op> {
    type Output = Result<Page<Op::Item>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The `pagination` of a list response, required or not in the spec.
#[doc(hidden)]
pub trait IntoPagination {
    fn into_pagination(self) -> Pagination;
}

impl IntoPagination for Pagination {
    fn into_pagination(self) -> Pagination {
        self
    }
}

impl IntoPagination for Option<Pagination> {
    fn into_pagination(self) -> Pagination {
        self.unwrap_or_default()
    }
}

/// Implements [`ListOperation`] for a marker type over a generated parameters struct
/// (`apivideo_api::list_params::$params`) whose response has `data` and `pagination`.
macro_rules! list_operation {
    ($(#[$doc:meta])* $name:ident, $params:ident, $response:ty, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        #[non_exhaustive]
        pub struct $name;

        impl $crate::pagination::ListOperation for $name {
            type Params = apivideo_api::list_params::$params;
            type Item = $item;
            type Response = $response;

            fn page_size(params: &mut Self::Params) -> &mut Option<i64> {
                &mut params.page_size
            }

            fn send<'a>(
                api: &'a apivideo_api::Client,
                params: &'a Self::Params,
                page: i64,
            ) -> impl std::future::Future<
                Output = std::result::Result<apivideo_api::ResponseValue<$response>, apivideo_api::Error>,
            > + Send + 'a {
                params.page(api, page).send()
            }

            fn into_page(
                response: $response,
                metadata: $crate::Metadata,
            ) -> $crate::pagination::Page<$item> {
                $crate::pagination::Page {
                    items: response.data,
                    pagination: $crate::pagination::IntoPagination::into_pagination(response.pagination),
                    metadata,
                }
            }
        }
    };
}
pub(crate) use list_operation;
