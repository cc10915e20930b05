//! Pages of list results, and streams of every item across pages.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;

use apivideo_api::ResponseValue;
use apivideo_api::models::Pagination;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::client::Client;
use crate::error::{Error, Result};

/// One page of a list: its items and where it sits among all pages.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The API's pagination object (totals, current page, links).
    pub pagination: Pagination,
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
/// the setters of [`ListRequest`] record closures over its builder.
pub trait ListOperation: Send + Sync + 'static {
    /// progenitor's builder for the operation.
    type Builder<'a>: Send;
    /// The item type of a page.
    type Item: Send + 'static;
    /// The response model.
    #[doc(hidden)]
    type Response: Send + 'static;
    /// Settings that accumulate across setter calls (deep-object filters).
    #[doc(hidden)]
    type State: Default + Clone + Send + Sync + 'static;

    #[doc(hidden)]
    fn start(api: &apivideo_api::Client) -> Self::Builder<'_>;
    #[doc(hidden)]
    fn page(builder: Self::Builder<'_>, current: i64, size: Option<i64>) -> Self::Builder<'_>;
    #[doc(hidden)]
    fn send(
        builder: Self::Builder<'_>,
    ) -> impl Future<
        Output = std::result::Result<ResponseValue<Self::Response>, apivideo_api::Error>,
    > + Send
    + '_;
    #[doc(hidden)]
    fn into_page(response: Self::Response) -> Page<Self::Item>;
    #[doc(hidden)]
    fn finish<'a>(builder: Self::Builder<'a>, state: &Self::State) -> Self::Builder<'a>;
    /// A recorded builder setter.
    #[doc(hidden)]
    type Setter: Send + Sync + 'static;
    #[doc(hidden)]
    fn apply<'a>(setter: &Self::Setter, builder: Self::Builder<'a>) -> Self::Builder<'a>;
}

/// A list request: set filters and sorting, then `.await` it for one page, or call
/// [`stream`](Self::stream) for every item across pages.
///
/// ```
/// use futures_util::TryStreamExt;
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
    setters: Vec<Arc<Op::Setter>>,
    state: Op::State,
    current_page: i64,
    page_size: Option<i64>,
    error: Option<Error>,
}

impl<Op: ListOperation> ListRequest<Op> {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            setters: Vec::new(),
            state: Op::State::default(),
            current_page: 1,
            page_size: None,
            error: None,
        }
    }

    /// Updates the accumulated settings.
    pub(crate) fn update(mut self, f: impl FnOnce(&mut Op::State)) -> Self {
        f(&mut self.state);
        self
    }

    /// Records a builder setter, applied to every page's request.
    pub(crate) fn with(mut self, setter: Op::Setter) -> Self {
        self.setters.push(Arc::new(setter));
        self
    }

    /// Records an invalid argument, reported when the request is awaited or streamed.
    pub(crate) fn fail(mut self, error: Error) -> Self {
        self.error.get_or_insert(error);
        self
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
        self.page_size = Some(size);
        self
    }

    /// Fetches the page.
    pub async fn send(self) -> Result<Page<Op::Item>> {
        if let Some(error) = self.error {
            return Err(error);
        }
        fetch::<Op>(
            &self.client,
            &self.setters,
            &self.state,
            self.current_page,
            self.page_size,
        )
        .await
    }

    /// Every item from the requested page on, fetching each page when the previous one is
    /// used up and stopping after the last page. Boxed and pinned, so `try_next()` and
    /// the other stream adapters work on it directly.
    pub fn stream(self) -> BoxStream<'static, Result<Op::Item>> {
        let state = StreamState::<Op> {
            client: self.client,
            setters: self.setters,
            state: self.state,
            next_page: Some(self.current_page),
            page_size: self.page_size,
            buffer: VecDeque::new(),
            error: self.error,
        };
        let items = futures_util::stream::try_unfold(state, |mut state| async move {
            if let Some(error) = state.error.take() {
                return Err(error);
            }
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Ok(Some((item, state)));
                }
                let Some(page) = state.next_page else {
                    return Ok(None);
                };
                let fetched = fetch::<Op>(
                    &state.client,
                    &state.setters,
                    &state.state,
                    page,
                    state.page_size,
                )
                .await?;
                state.next_page = fetched.has_next().then_some(page + 1);
                if fetched.items.is_empty() {
                    state.next_page = None;
                }
                state.buffer.extend(fetched.items);
            }
        });
        items.boxed()
    }
}

struct StreamState<Op: ListOperation> {
    client: Client,
    setters: Vec<Arc<Op::Setter>>,
    state: Op::State,
    next_page: Option<i64>,
    page_size: Option<i64>,
    buffer: VecDeque<Op::Item>,
    error: Option<Error>,
}

async fn fetch<Op: ListOperation>(
    client: &Client,
    setters: &[Arc<Op::Setter>],
    state: &Op::State,
    page: i64,
    size: Option<i64>,
) -> Result<Page<Op::Item>> {
    let response = client
        .call(|api| async move {
            let mut builder = Op::start(&api);
            for setter in setters {
                builder = Op::apply(setter, builder);
            }
            builder = Op::finish(builder, state);
            Op::send(Op::page(builder, page, size)).await
        })
        .await?;
    Ok(Op::into_page(response))
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

/// Implements [`ListOperation`] for a marker type over a progenitor builder whose response
/// has `data` and `pagination`.
macro_rules! list_operation {
    ($(#[$doc:meta])* $name:ident, $builder:ident, $method:ident, $response:ty, $item:ty) => {
        $crate::pagination::list_operation!(
            $(#[$doc])* $name, $builder, $method, $response, $item,
            state = (), |builder, _state| builder
        );
    };
    ($(#[$doc:meta])* $name:ident, $builder:ident, $method:ident, $response:ty, $item:ty,
     state = $state:ty, |$b:ident, $s:ident| $finish:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        #[non_exhaustive]
        pub struct $name;

        impl $crate::pagination::ListOperation for $name {
            type Builder<'a> = apivideo_api::builder::$builder<'a>;
            type Item = $item;
            type Response = $response;
            type State = $state;

            fn start(api: &apivideo_api::Client) -> Self::Builder<'_> {
                api.$method()
            }

            fn page(builder: Self::Builder<'_>, current: i64, size: Option<i64>) -> Self::Builder<'_> {
                let builder = builder.current_page(current);
                match size {
                    Some(size) => builder.page_size(size),
                    None => builder,
                }
            }

            fn send(
                builder: Self::Builder<'_>,
            ) -> impl std::future::Future<
                Output = std::result::Result<apivideo_api::ResponseValue<$response>, apivideo_api::Error>,
            > + Send + '_ {
                builder.send()
            }

            fn into_page(response: $response) -> $crate::pagination::Page<$item> {
                $crate::pagination::Page {
                    items: response.data,
                    pagination: $crate::pagination::IntoPagination::into_pagination(response.pagination),
                }
            }

            fn finish<'a>($b: Self::Builder<'a>, $s: &Self::State) -> Self::Builder<'a> {
                $finish
            }

            type Setter = Box<
                dyn for<'a> Fn(apivideo_api::builder::$builder<'a>) -> apivideo_api::builder::$builder<'a>
                    + Send
                    + Sync,
            >;

            fn apply<'a>(setter: &Self::Setter, builder: Self::Builder<'a>) -> Self::Builder<'a> {
                setter(builder)
            }
        }

        impl $crate::pagination::ListRequest<$name> {
            /// Records a setter of the generated builder.
            #[allow(dead_code)]
            fn set(
                self,
                setter: impl for<'a> Fn(apivideo_api::builder::$builder<'a>) -> apivideo_api::builder::$builder<'a>
                    + Send
                    + Sync
                    + 'static,
            ) -> Self {
                self.with(Box::new(setter))
            }
        }
    };
}
pub(crate) use list_operation;
