//! `client.analytics()`.

use std::future::IntoFuture;

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
use crate::call::{Call, WithMetadata};
use crate::error::Result;
use crate::pagination::{ListRequest, list_operation};

resource! {
    /// Viewing analytics: aggregated values, breakdowns by dimension, and time series.
    Analytics
}

list_operation!(
    /// `GET /data/buckets/{metric}/{breakdown}`.
    BreakdownList, GetMetricsBreakdownParams, AnalyticsMetricsBreakdownResponse,
    AnalyticsMetricsBreakdownResponseData
);

list_operation!(
    /// `GET /data/timeseries/{metric}`.
    OverTimeList, GetMetricsOverTimeParams, AnalyticsMetricsOverTimeResponse,
    AnalyticsMetricsOverTimeResponseData
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
                self.set(|p| p.from = Some(from.into()))
            }

            /// End of the period (default: now).
            pub fn to(self, to: impl Into<DateTime<Utc>>) -> Self {
                self.set(|p| p.to = Some(to.into()))
            }

            /// Count each viewer once.
            pub fn unique(self, unique: bool) -> Self {
                self.set(|p| p.unique = Some(unique))
            }

            /// How long a play must last to count as a view.
            pub fn view_duration(self, duration: $view) -> Self {
                self.set(|p| p.view_duration = Some(duration))
            }

            /// The field to sort by.
            pub fn sort_by(self, field: $sort) -> Self {
                self.set(|p| p.sort_by = Some(field))
            }

            /// The sort direction.
            pub fn sort_order(self, order: SortOrder) -> Self {
                self.set(|p| p.sort_order = Some(order.into_param()))
            }

            /// Restricts to some media, countries, devices... (sent as `filterBy[...]`).
            pub fn filter(self, filter: FilterByQuery) -> Self {
                self.set(|p| p.filter_by = Some(filter))
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
        self.set(|p| p.interval = Some(interval))
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

    /// The value and the answer's [`Metadata`](crate::Metadata) (rate limit, request
    /// id...); see [`Call::with_metadata`].
    pub fn with_metadata(self) -> WithMetadata<AnalyticsAggregatedMetricsResponse> {
        self.into_future().with_metadata()
    }
}

impl IntoFuture for Aggregated {
    type Output = Result<AnalyticsAggregatedMetricsResponse>;
    type IntoFuture = Call<AnalyticsAggregatedMetricsResponse>;
    fn into_future(self) -> Self::IntoFuture {
        let (metric, aggregation, setters) = (self.metric, self.aggregation, self.setters);
        self.client.request(move |client| async move {
            client
                .call_full(|api| {
                    let mut builder = api
                        .get_aggregated_metrics()
                        .metric(metric)
                        .aggregation(aggregation);
                    for setter in setters {
                        builder = setter(builder);
                    }
                    builder.send()
                })
                .await
        })
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
        MetricsBreakdown::new(self.client.clone()).set(|p| {
            p.metric = Some(metric);
            p.breakdown = Some(breakdown);
        })
    }

    /// `metric` over time, page by page (`.await`) or as a stream.
    pub fn over_time(&self, metric: GetMetricsOverTimeMetric) -> MetricsOverTime {
        MetricsOverTime::new(self.client.clone()).set(|p| p.metric = Some(metric))
    }
}
