//! The three `/data/...` routes, answering well-formed synthetic figures.
//!
//! The figures are made up but stable: the same query gives the same numbers, so tests
//! can compare pages. Parameters are checked as api.video checks them.

use std::sync::Arc;

use apivideo_api::models;
use apivideo_api::models::DateTime;
use chrono::{Duration, Timelike};
use http::StatusCode;

use crate::http::{self as h, HandlerResult, Problem, Req};
use crate::state::Shared;

/// Metric → aggregations it supports.
const AGGREGATED: &[(&str, &[&str])] = &[
    ("play", &["count", "rate", "total"]),
    ("start", &["count"]),
    ("end", &["count"]),
    ("impression", &["count"]),
    ("impression-time", &["average", "sum"]),
    ("watch-time", &["average", "sum"]),
    ("ccv", &["peak", "live"]),
    ("view", &["count"]),
];

const BREAKDOWN_METRICS: &[&str] = &[
    "play",
    "play-rate",
    "play-total",
    "start",
    "end",
    "impression",
    "ccv-peak",
    "ccv-average",
    "view",
];

const BREAKDOWNS: &[&str] = &[
    "media-id",
    "media-type",
    "continent",
    "country",
    "device-type",
    "operating-system",
    "browser",
    "referrer",
];

const TIMESERIES_METRICS: &[&str] = &[
    "play",
    "play-rate",
    "start",
    "end",
    "impression",
    "ccv-peak",
    "ccv-average",
    "view",
];

const FILTERS: &[&str] = &[
    "mediaId",
    "mediaType",
    "continent",
    "country",
    "deviceType",
    "operatingSystem",
    "browser",
    "tag",
    "referrer",
];

/// A stable pseudo-random number for `seed` (FNV-1a).
fn figure(seed: &str) -> u64 {
    seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[allow(clippy::cast_precision_loss)]
fn value_for(metric: &str, seed: &str) -> f64 {
    let n = figure(seed);
    if metric.ends_with("rate") {
        (n % 1000) as f64 / 1000.0
    } else if metric.starts_with("ccv") || metric == "peak" || metric == "live" {
        (n % 200) as f64
    } else if metric.ends_with("average") || metric.ends_with("time") {
        (n % 6000) as f64 / 10.0
    } else {
        (n % 5000) as f64
    }
}

struct Window {
    from: DateTime,
    to: DateTime,
}

fn parse_date(req: &Req, name: &str) -> Result<Option<DateTime>, Problem> {
    let Some(raw) = req.query(name) else {
        return Ok(None);
    };
    // A `+` left unencoded in the query string arrives as a space.
    let raw = raw.trim().replace(' ', "+");
    DateTime::parse_from_rfc3339(&raw).map(Some).map_err(|_| {
        h::analytics_bad_request(
            format!("{name} is not a valid date-time."),
            name,
            "Use RFC 3339, e.g. 2024-09-01T00:00:00Z.",
        )
    })
}

/// `from` and `to`, checked: `to` defaults to now, `from` to a day before `to`, and the
/// window may not start more than 30 days ago.
fn window(req: &Req) -> Result<Window, Problem> {
    let now = crate::state::now();
    let to = parse_date(req, "to")?.unwrap_or(now);
    let from = parse_date(req, "from")?.unwrap_or(to - Duration::days(1));
    if from >= to {
        return Err(h::analytics_bad_request(
            "The requested window is empty.",
            "from",
            "from must be before to.",
        ));
    }
    if from < now - Duration::days(30) {
        return Err(h::analytics_bad_request(
            "The requested window starts too early.",
            "from",
            "from must be within the last 30 days.",
        ));
    }
    Ok(Window { from, to })
}

/// `unique`, `viewDuration` and `filterBy[...]`, checked; returns the metric name the
/// context reports (e.g. `view-10`, `unique-ccv`).
fn options(req: &Req, metric: &str) -> Result<String, Problem> {
    let unique = match req.query("unique") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(h::analytics_bad_request(
                "unique must be true or false.",
                "unique",
                "Send true or false, or leave the parameter out.",
            ));
        }
    };
    let view = match req.query("viewDuration") {
        None => None,
        Some(duration @ ("3s" | "5s" | "10s" | "30s")) => Some(duration.trim_end_matches('s')),
        Some(_) => {
            return Err(h::analytics_bad_request(
                "Unknown viewDuration value.",
                "viewDuration",
                "Send 3s, 5s, 10s or 30s, or leave the parameter out.",
            ));
        }
    };
    for (key, value) in &req.query {
        let Some(rest) = key.strip_prefix("filterBy[") else {
            continue;
        };
        let field = rest.split(']').next().unwrap_or_default();
        if !FILTERS.contains(&field) {
            return Err(h::analytics_bad_request(
                format!("{field:?} is not an analytics filter."),
                "filterBy",
                "Filter by mediaId, mediaType, continent, country, deviceType, operatingSystem, browser, tag or referrer.",
            ));
        }
        if field == "mediaType" && !matches!(value.as_str(), "video" | "live-stream") {
            return Err(h::analytics_bad_request(
                "mediaType accepts video or live-stream.",
                "filterBy",
                "Send filterBy[mediaType]=video or filterBy[mediaType]=live-stream.",
            ));
        }
    }
    Ok(match (metric, unique, view) {
        ("view", false, view) => format!("view-{}", view.unwrap_or("5")),
        ("view", true, None) => "unique-view".to_owned(),
        ("view", true, Some(view)) => format!("unique-view-{view}"),
        (metric, true, _) if metric.starts_with("ccv") => format!("unique-{metric}"),
        (metric, _, _) => metric.to_owned(),
    })
}

fn unsupported(title: &str) -> Problem {
    h::unrecognized(title)
}

pub(crate) fn aggregated(_shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let metric = req.param("metric");
    let aggregation = req.param("aggregation");
    let supported = AGGREGATED
        .iter()
        .find(|(name, _)| *name == metric)
        .is_some_and(|(_, aggregations)| aggregations.contains(&aggregation));
    if !supported {
        return Err(unsupported(
            "This metric and aggregation cannot be combined.",
        ));
    }
    let reported = options(req, metric)?;
    let window = window(req)?;
    let seed = format!("{metric}/{aggregation}/{}/{}", window.from, window.to);
    let data = value_for(
        if aggregation == "rate" {
            "rate"
        } else {
            metric
        },
        &seed,
    );
    let timeframe = models::AnalyticsAggregatedMetricsResponseContextTimeframe::new()
        .from(window.from)
        .to(window.to);
    let context = models::AnalyticsAggregatedMetricsResponseContext::new()
        .metric(reported.as_str())
        .aggregation(aggregation)
        .timeframe(timeframe);
    Ok(h::json(
        StatusCode::OK,
        &models::AnalyticsAggregatedMetricsResponse::new(context, data),
    ))
}

/// The values a dimension takes in the synthetic data.
fn dimension_values(shared: &Shared, breakdown: &str, req: &Req) -> Vec<String> {
    let fixed: &[&str] = match breakdown {
        "media-type" => &["video", "live-stream"],
        "continent" => &["EU", "NA", "AS", "SA", "AF"],
        "country" => &["FR", "US", "DE", "GB", "JP", "BR", "CA", "ES", "IT", "IN"],
        "device-type" => &["computer", "phone", "tablet", "tv"],
        "operating-system" => &["windows", "macos", "android", "ios", "linux"],
        "browser" => &["chrome", "safari", "firefox", "edge"],
        "referrer" => &[
            "https://www.example.com/",
            "https://blog.example.org/videos",
            "",
        ],
        _ => &[],
    };
    if breakdown != "media-id" {
        return fixed.iter().map(|value| (*value).to_owned()).collect();
    }
    let wanted: Vec<&str> = req
        .query
        .iter()
        .filter(|(key, _)| key.starts_with("filterBy[mediaId]"))
        .map(|(_, value)| value.as_str())
        .collect();
    let state = shared.lock();
    state
        .videos
        .keys()
        .chain(state.live_streams.keys())
        .filter(|id| wanted.is_empty() || wanted.contains(&id.as_str()))
        .cloned()
        .collect()
}

pub(crate) fn breakdown(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let metric = req.param("metric");
    let breakdown = req.param("breakdown");
    if !BREAKDOWN_METRICS.contains(&metric) || !BREAKDOWNS.contains(&breakdown) {
        return Err(unsupported("This metric and breakdown cannot be combined."));
    }
    if metric == "play-total" && breakdown != "media-id" {
        return Err(unsupported(
            "play-total can only be broken down by media-id.",
        ));
    }
    let page = h::page(req)?;
    let sort = h::sort_by(req, &["metricValue", "dimensionValue"], "metricValue")?;
    let descending = match req.query("sortOrder") {
        None => sort == "metricValue",
        Some(_) => h::sort_descending(req)?,
    };
    let reported = options(req, metric)?;
    let window = window(req)?;
    let mut rows: Vec<(String, f64)> = dimension_values(shared, breakdown, req)
        .into_iter()
        .map(|value| {
            let seed = format!("{metric}/{breakdown}/{value}/{}/{}", window.from, window.to);
            let figure = value_for(metric, &seed);
            (value, figure)
        })
        .collect();
    rows.sort_by(|a, b| {
        let order = if sort == "dimensionValue" {
            a.0.cmp(&b.0)
        } else {
            a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0))
        };
        if descending { order.reverse() } else { order }
    });
    let rows: Vec<models::AnalyticsMetricsBreakdownResponseData> = rows
        .into_iter()
        .map(|(dimension, value)| {
            models::AnalyticsMetricsBreakdownResponseData::new()
                .dimension_value(dimension)
                .metric_value(value)
        })
        .collect();
    let (data, pagination) = h::paginate(rows, page, req, &shared.config.base_url);
    let timeframe = models::AnalyticsMetricsBreakdownResponseContextTimeframe::new()
        .from(window.from)
        .to(window.to);
    let context = models::AnalyticsMetricsBreakdownResponseContext::new()
        .metric(reported.as_str())
        .breakdown(breakdown)
        .timeframe(timeframe);
    Ok(h::json(
        StatusCode::OK,
        &models::AnalyticsMetricsBreakdownResponse::new(context, data, pagination),
    ))
}

/// The start of the bucket holding `at`, in `at`'s own offset.
fn bucket_start(at: DateTime, interval: &str) -> DateTime {
    let at = at.with_nanosecond(0).unwrap_or(at);
    let at = at.with_second(0).unwrap_or(at);
    match interval {
        "minute" => at,
        "hour" => at.with_minute(0).unwrap_or(at),
        _ => at
            .with_minute(0)
            .and_then(|at| at.with_hour(0))
            .unwrap_or(at),
    }
}

pub(crate) fn timeseries(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let metric = req.param("metric");
    if !TIMESERIES_METRICS.contains(&metric) {
        return Err(unsupported("No time series exists for this metric."));
    }
    let page = h::page(req)?;
    let sort = h::sort_by(req, &["metricValue", "emittedAt"], "emittedAt")?;
    let descending = h::sort_descending(req)?;
    let reported = options(req, metric)?;
    let window = window(req)?;
    let span = window.to - window.from;
    let interval = match req.query("interval") {
        None if span <= Duration::days(2) => "hour",
        None => "day",
        Some(interval @ ("minute" | "hour" | "day")) => interval,
        Some(_) => {
            return Err(h::analytics_bad_request(
                "Unknown interval value.",
                "interval",
                "Send minute, hour or day, or leave the parameter out.",
            ));
        }
    };
    if interval == "minute" && span >= Duration::minutes(60) {
        return Err(h::analytics_bad_request(
            "This interval does not fit the requested window.",
            "interval",
            "Per-minute buckets need a window shorter than 60 minutes; use hour instead.",
        ));
    }
    let step = match interval {
        "minute" => Duration::minutes(1),
        "hour" => Duration::hours(1),
        _ => Duration::days(1),
    };
    let mut points = Vec::new();
    let mut at = bucket_start(window.from, interval);
    while at < window.to {
        let emitted = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let value = value_for(metric, &format!("{metric}/{emitted}"));
        points.push((at, emitted, value));
        at += step;
    }
    points.sort_by(|a, b| {
        let order = if sort == "metricValue" {
            a.2.total_cmp(&b.2).then_with(|| a.0.cmp(&b.0))
        } else {
            a.0.cmp(&b.0)
        };
        if descending { order.reverse() } else { order }
    });
    let points: Vec<models::AnalyticsMetricsOverTimeResponseData> = points
        .into_iter()
        .map(|(_, emitted, value)| {
            models::AnalyticsMetricsOverTimeResponseData::new()
                .emitted_at(emitted)
                .metric_value(value)
        })
        .collect();
    let (data, pagination) = h::paginate(points, page, req, &shared.config.base_url);
    let timeframe = models::AnalyticsMetricsOverTimeResponseContextTimeframe::new()
        .from(window.from)
        .to(window.to);
    let context = models::AnalyticsMetricsOverTimeResponseContext::new()
        .metric(reported.as_str())
        .interval(interval)
        .timeframe(timeframe);
    Ok(h::json(
        StatusCode::OK,
        &models::AnalyticsMetricsOverTimeResponse::new(context, data, pagination),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_start_on_boundaries_in_the_given_offset() {
        let at = DateTime::parse_from_rfc3339("2024-09-16T08:42:17-04:00").unwrap();
        assert_eq!(
            bucket_start(at, "hour").to_rfc3339(),
            "2024-09-16T08:00:00-04:00"
        );
        assert_eq!(
            bucket_start(at, "day").to_rfc3339(),
            "2024-09-16T00:00:00-04:00"
        );
        assert_eq!(
            bucket_start(at, "minute").to_rfc3339(),
            "2024-09-16T08:42:00-04:00"
        );
    }

    #[test]
    fn figures_are_stable() {
        // FNV-1a's published 64-bit vector for "a".
        assert_eq!(figure("a"), 0xaf63_dc4c_8601_ec8c);
        // The same seed gives the same figure from one run (and release) to the next;
        // each kind of metric keeps to its scale.
        assert_eq!(value_for("play", "x"), 2271.0);
        assert_eq!(value_for("play-rate", "y"), 0.06);
        assert_eq!(value_for("ccv", "z"), 93.0);
        assert_eq!(value_for("watch-time", "w"), 495.0);
    }
}
