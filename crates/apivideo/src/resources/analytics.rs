//! `client.analytics()`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use apivideo_api::models::{
    AnalyticsAggregatedMetricsResponse, AnalyticsMetricsBreakdownResponse,
    AnalyticsMetricsBreakdownResponseData, AnalyticsMetricsOverTimeResponse,
    AnalyticsMetricsOverTimeResponseData, FilterByQuery,
};
use apivideo_api::types::{
    GetAggregatedMetricsAggregation, GetAggregatedMetricsMetric, GetAggregatedMetricsViewDuration,
    GetMetricsBreakdownBreakdown, GetMetricsBreakdownMetric, GetMetricsBreakdownSortBy,
    GetMetricsBreakdownViewDuration, GetMetricsOverTimeInterval, GetMetricsOverTimeMetric,
    GetMetricsOverTimeSortBy, GetMetricsOverTimeViewDuration,
};
use chrono::{DateTime, Utc};

use super::{SortOrder, resource};
use crate::error::Result;
use crate::pagination::{ListRequest, list_operation};

resource! {
    /// Viewing analytics: aggregated values, breakdowns by dimension, and time series.
    Analytics
}

/// The path parameters and deep-object filter of a breakdown.
#[derive(Clone, Debug, Default)]
#[doc(hidden)]
pub struct BreakdownState {
    metric: Option<GetMetricsBreakdownMetric>,
    breakdown: Option<GetMetricsBreakdownBreakdown>,
    filter: Option<FilterByQuery>,
}

/// The path parameter and deep-object filter of a time series.
#[derive(Clone, Debug, Default)]
#[doc(hidden)]
pub struct OverTimeState {
    metric: Option<GetMetricsOverTimeMetric>,
    filter: Option<FilterByQuery>,
}

list_operation!(
    /// `GET /data/buckets/{metric}/{breakdown}`.
    BreakdownList, GetMetricsBreakdown, get_metrics_breakdown, AnalyticsMetricsBreakdownResponse,
    AnalyticsMetricsBreakdownResponseData,
    state = BreakdownState, |builder, state| {
        let mut builder = builder;
        if let Some(metric) = state.metric {
            builder = builder.metric(metric);
        }
        if let Some(breakdown) = state.breakdown {
            builder = builder.breakdown(breakdown);
        }
        if let Some(filter) = state.filter.clone() {
            builder = builder.filter_by(filter);
        }
        builder
    }
);

list_operation!(
    /// `GET /data/timeseries/{metric}`.
    OverTimeList, GetMetricsOverTime, get_metrics_over_time, AnalyticsMetricsOverTimeResponse,
    AnalyticsMetricsOverTimeResponseData,
    state = OverTimeState, |builder, state| {
        let mut builder = builder;
        if let Some(metric) = state.metric {
            builder = builder.metric(metric);
        }
        if let Some(filter) = state.filter.clone() {
            builder = builder.filter_by(filter);
        }
        builder
    }
);

/// A metric broken down by a dimension (country, browser...), page by page; see
/// [`Analytics::breakdown`].
pub type MetricsBreakdown = ListRequest<BreakdownList>;
/// A metric over time, page by page; see [`Analytics::over_time`].
pub type MetricsOverTime = ListRequest<OverTimeList>;

/// Filters the three analytics calls share.
macro_rules! analytics_filters {
    ($ty:ty, $view:ty, $sort:ty) => {
        impl $ty {
            /// Start of the period (default: the API's, a day or so before `to`).
            pub fn from(self, from: impl Into<DateTime<Utc>>) -> Self {
                let from = from.into();
                self.set(move |b| b.from(from))
            }

            /// End of the period (default: now).
            pub fn to(self, to: impl Into<DateTime<Utc>>) -> Self {
                let to = to.into();
                self.set(move |b| b.to(to))
            }

            /// Count each viewer once.
            pub fn unique(self, unique: bool) -> Self {
                self.set(move |b| b.unique(unique))
            }

            /// How long a play must last to count as a view.
            pub fn view_duration(self, duration: $view) -> Self {
                self.set(move |b| b.view_duration(duration))
            }

            /// The field to sort by.
            pub fn sort_by(self, field: $sort) -> Self {
                self.set(move |b| b.sort_by(field))
            }

            /// The sort direction.
            pub fn sort_order(self, order: SortOrder) -> Self {
                self.set(move |b| b.sort_order(order.as_str()))
            }

            /// Restricts to some media, countries, devices... (sent as `filterBy[...]`).
            pub fn filter(self, filter: FilterByQuery) -> Self {
                self.update(move |state| state.filter = Some(filter))
            }
        }
    };
}

analytics_filters!(
    MetricsBreakdown,
    GetMetricsBreakdownViewDuration,
    GetMetricsBreakdownSortBy
);
analytics_filters!(
    MetricsOverTime,
    GetMetricsOverTimeViewDuration,
    GetMetricsOverTimeSortBy
);

impl MetricsOverTime {
    /// The width of each point of the series.
    pub fn interval(self, interval: GetMetricsOverTimeInterval) -> Self {
        self.set(move |b| b.interval(interval))
    }
}

type AggregatedSetter = Box<
    dyn for<'a> FnOnce(
            apivideo_api::builder::GetAggregatedMetrics<'a>,
        ) -> apivideo_api::builder::GetAggregatedMetrics<'a>
        + Send,
>;

/// One aggregated value of a metric; see [`Analytics::aggregated`]. `.await` it.
#[must_use = "does nothing until awaited"]
pub struct Aggregated {
    client: crate::Client,
    metric: GetAggregatedMetricsMetric,
    aggregation: GetAggregatedMetricsAggregation,
    setters: Vec<AggregatedSetter>,
}

impl std::fmt::Debug for Aggregated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aggregated")
            .field("metric", &self.metric)
            .field("aggregation", &self.aggregation)
            .finish_non_exhaustive()
    }
}

impl Aggregated {
    fn with(
        mut self,
        setter: impl for<'a> FnOnce(
            apivideo_api::builder::GetAggregatedMetrics<'a>,
        ) -> apivideo_api::builder::GetAggregatedMetrics<'a>
        + Send
        + 'static,
    ) -> Self {
        self.setters.push(Box::new(setter));
        self
    }

    /// Start of the period.
    pub fn from(self, from: impl Into<DateTime<Utc>>) -> Self {
        let from = from.into();
        self.with(move |b| b.from(from))
    }

    /// End of the period (default: now).
    pub fn to(self, to: impl Into<DateTime<Utc>>) -> Self {
        let to = to.into();
        self.with(move |b| b.to(to))
    }

    /// Count each viewer once.
    pub fn unique(self, unique: bool) -> Self {
        self.with(move |b| b.unique(unique))
    }

    /// How long a play must last to count as a view.
    pub fn view_duration(self, duration: GetAggregatedMetricsViewDuration) -> Self {
        self.with(move |b| b.view_duration(duration))
    }

    /// Restricts to some media, countries, devices... (sent as `filterBy[...]`).
    pub fn filter(self, filter: FilterByQuery) -> Self {
        self.with(move |b| b.filter_by(filter))
    }

    async fn send(self) -> Result<AnalyticsAggregatedMetricsResponse> {
        let (metric, aggregation, setters) = (self.metric, self.aggregation, self.setters);
        self.client
            .call(|api| async move {
                let mut builder = api
                    .get_aggregated_metrics()
                    .metric(metric)
                    .aggregation(aggregation);
                for setter in setters {
                    builder = setter(builder);
                }
                builder.send().await
            })
            .await
    }
}

impl IntoFuture for Aggregated {
    type Output = Result<AnalyticsAggregatedMetricsResponse>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl Analytics {
    /// One value of `metric` over a period, such as the total watch time or the play rate.
    ///
    /// ```
    /// use apivideo::types::{GetAggregatedMetricsAggregation, GetAggregatedMetricsMetric};
    /// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
    /// let plays = client
    ///     .analytics()
    ///     .aggregated(GetAggregatedMetricsMetric::Play, GetAggregatedMetricsAggregation::Count)
    ///     .await?;
    /// println!("{} plays", plays.data);
    /// # Ok(()) }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> apivideo::Result<()> {
    /// #     let sim = apivideo_simulator::Simulator::start().await;
    /// #     let client = apivideo::Client::builder().api_key(sim.api_key()).base_url(sim.base_url());
    /// #     run(client.build()?).await
    /// # }
    /// ```
    pub fn aggregated(
        &self,
        metric: GetAggregatedMetricsMetric,
        aggregation: GetAggregatedMetricsAggregation,
    ) -> Aggregated {
        Aggregated {
            client: self.client.clone(),
            metric,
            aggregation,
            setters: Vec::new(),
        }
    }

    /// `metric` broken down by `breakdown`, page by page (`.await`) or as a stream.
    pub fn breakdown(
        &self,
        metric: GetMetricsBreakdownMetric,
        breakdown: GetMetricsBreakdownBreakdown,
    ) -> MetricsBreakdown {
        ListRequest::new(self.client.clone()).update(move |state: &mut BreakdownState| {
            state.metric = Some(metric);
            state.breakdown = Some(breakdown);
        })
    }

    /// `metric` over time, page by page (`.await`) or as a stream.
    pub fn over_time(&self, metric: GetMetricsOverTimeMetric) -> MetricsOverTime {
        ListRequest::new(self.client.clone())
            .update(move |state: &mut OverTimeState| state.metric = Some(metric))
    }
}
