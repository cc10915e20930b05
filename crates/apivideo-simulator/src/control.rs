//! `/_simulator/faults`: fault injection over HTTP, for tests that drive the binary from
//! another language and cannot reach [`Faults`](crate::Faults).
//!
//! ```text
//! POST   /_simulator/faults  {"failNext": {"route": "POST /upload", "status": 503, "times": 2}}
//! POST   /_simulator/faults  {"resetNext": {"route": "POST /upload", "times": 1}}
//! POST   /_simulator/faults  {"latency": {"route": "*", "ms": 200}}
//! POST   /_simulator/faults  {"rateLimit": 5, "retryAfter": 2}
//! DELETE /_simulator/faults
//! ```
//!
//! The keys combine in one body. These requests need no credentials, are not rate
//! limited and are not recorded: they are not calls to the API.

use std::sync::Arc;
use std::time::Duration;

use http::{Method, StatusCode};
use serde::Deserialize;

use crate::Faults;
use crate::http::{self as h, HandlerResult, Req};
use crate::routes;
use crate::state::Shared;

/// Paths under this prefix are the simulator's own.
pub(crate) const PREFIX: &str = "/_simulator/";

/// More than any test needs; keeps a hostile `times` from filling the memory.
const MAX_TIMES: usize = 10_000;

/// Ten minutes, the longest latency worth injecting.
const MAX_LATENCY_MS: u64 = 600_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FaultsPayload {
    fail_next: Option<FailNext>,
    reset_next: Option<ResetNext>,
    latency: Option<Latency>,
    rate_limit: Option<u32>,
    retry_after: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailNext {
    route: String,
    status: u16,
    #[serde(default = "once")]
    times: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetNext {
    route: String,
    #[serde(default = "once")]
    times: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Latency {
    /// A route, or every route when absent or `"*"`.
    route: Option<String>,
    ms: u64,
}

fn once() -> usize {
    1
}

/// Answers a request under [`PREFIX`].
pub(crate) async fn handle(shared: &Arc<Shared>, method: &Method, req: &mut Req) -> HandlerResult {
    if req.path.trim_end_matches('/') != "/_simulator/faults" {
        return Err(h::unrecognized(
            "The simulator's control paths are POST and DELETE /_simulator/faults.",
        ));
    }
    let faults = Faults::new(Arc::clone(shared));
    match *method {
        Method::DELETE => {
            faults.clear();
            Ok(h::empty(StatusCode::NO_CONTENT))
        }
        Method::POST => {
            let payload: FaultsPayload = h::json_body(req).await?;
            apply(&faults, payload)?;
            Ok(h::empty(StatusCode::NO_CONTENT))
        }
        _ => Err(h::generic_problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Use POST to add faults and DELETE to clear them.",
            "",
        )),
    }
}

/// Checks everything first, so a bad body changes nothing.
fn apply(faults: &Faults, payload: FaultsPayload) -> Result<(), h::Problem> {
    let route = |route: &str, name: &str| {
        routes::canonical_key(route).ok_or_else(|| {
            h::bad_request(
                "invalid-attribute",
                format!(
                    "{route:?} is not a route of the API; write \"METHOD /template\", e.g. \"GET /videos/{{videoId}}\"."
                ),
                name,
            )
        })
    };
    let times = |times: usize, name: &str| {
        if times > MAX_TIMES {
            Err(h::bad_request(
                "invalid-attribute",
                format!("times is limited to {MAX_TIMES}."),
                name,
            ))
        } else {
            Ok(times)
        }
    };
    let fail = match &payload.fail_next {
        Some(fail) => {
            if !(100..=599).contains(&fail.status) {
                return Err(h::bad_request(
                    "invalid-attribute",
                    format!("{} is not an HTTP status.", fail.status),
                    "failNext[status]",
                ));
            }
            Some((
                route(&fail.route, "failNext[route]")?,
                times(fail.times, "failNext[times]")?,
                fail.status,
            ))
        }
        None => None,
    };
    let reset = match &payload.reset_next {
        Some(reset) => Some((
            route(&reset.route, "resetNext[route]")?,
            times(reset.times, "resetNext[times]")?,
        )),
        None => None,
    };
    let latency = match &payload.latency {
        Some(latency) => {
            if latency.ms > MAX_LATENCY_MS {
                return Err(h::bad_request(
                    "invalid-attribute",
                    format!("ms is limited to {MAX_LATENCY_MS}."),
                    "latency[ms]",
                ));
            }
            let scope = match latency.route.as_deref().map(str::trim) {
                None | Some("*" | "all") => None,
                Some(one) => Some(route(one, "latency[route]")?),
            };
            Some((scope, Duration::from_millis(latency.ms)))
        }
        None => None,
    };

    if let Some((route, times, status)) = fail {
        faults.fail_next(route, times, status);
    }
    if let Some((route, times)) = reset {
        faults.reset_next(route, times);
    }
    if let Some((scope, delay)) = latency {
        faults.latency(scope.as_deref(), delay);
    }
    if let Some(limit) = payload.rate_limit {
        faults.rate_limit(limit);
    }
    if let Some(seconds) = payload.retry_after {
        faults.retry_after(seconds);
    }
    Ok(())
}
