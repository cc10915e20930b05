//! The HTTP server: connections, and the pipeline every request goes through (route,
//! faults, rate limit, credentials, handler, headers, log).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use http::{HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::RecordedRequest;
use crate::faults::Injected;
use crate::handlers;
use crate::http::{self as h, Req, Resp};
use crate::routes::{self, Match};
use crate::state::{RateHeaders, Shared, stopped};

/// Bytes of a reset request read before the connection is dropped.
const RESET_AFTER: usize = 16 << 10;

/// Bytes of an unread body drained before answering.
const DRAIN_LIMIT: u64 = 1 << 30;

/// Accepts connections until the simulator stops, then drops them all.
pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut stop = shared.shutdown_signal();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
    tracing::debug!("apivideo-simulator stopped");
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(Connection {
        stream,
        reset: Arc::clone(&reset),
    });
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        let reset = Arc::clone(&reset);
        async move { handle(shared, reset, request).await }
    });
    if let Err(error) = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service)
        .await
    {
        tracing::debug!(%error, "connection ended");
    }
}

/// A TCP stream that, once `reset` is set, closes with RST instead of FIN.
struct Connection {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Returned to hyper to have it drop a connection being reset.
#[derive(Debug)]
struct ConnectionReset;

impl std::fmt::Display for ConnectionReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ConnectionReset {}

/// What the log keeps of a request's headers.
struct Seen {
    method: String,
    route: String,
    path: String,
    content_range: Option<String>,
    content_type: Option<String>,
    authorization: Option<String>,
}

impl Seen {
    fn record(self, shared: &Shared, status: Option<u16>) {
        tracing::debug!(route = %self.route, status, "request");
        shared.log().push(RecordedRequest {
            method: self.method,
            route: self.route,
            path: self.path,
            content_range: self.content_range,
            content_type: self.content_type,
            authorization: self.authorization,
            status,
        });
    }
}

async fn handle(
    shared: Arc<Shared>,
    reset: Arc<AtomicBool>,
    request: hyper::Request<Incoming>,
) -> Result<Resp, ConnectionReset> {
    let (parts, mut body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let header_text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let mut seen = Seen {
        method: parts.method.as_str().to_owned(),
        route: format!("{} {path}", parts.method),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned()),
        content_range: header_text(header::CONTENT_RANGE),
        content_type: header_text(header::CONTENT_TYPE),
        authorization: header_text(header::AUTHORIZATION)
            .and_then(|value| value.split_whitespace().next().map(str::to_owned)),
        // Never more than the scheme: the credentials stay out of the log.
    };

    if path.starts_with(crate::control::PREFIX) {
        // The simulator's own controls: no faults, rate limit, credentials or log.
        let raw_query = parts.uri.query().map(str::to_owned);
        let mut req = Req {
            query: h::parse_query(raw_query.as_deref()),
            raw_query,
            path,
            headers: parts.headers,
            body,
            params: Vec::new(),
        };
        let resp = crate::control::handle(&shared, &parts.method, &mut req)
            .await
            .unwrap_or_else(h::Problem::into_response);
        h::drain(&mut req.body, DRAIN_LIMIT).await;
        return Ok(resp);
    }

    let (route, params) = match routes::find(parts.method.as_str(), &path) {
        Match::Found(route, params) => (route, params),
        Match::MethodNotAllowed(allowed) => {
            h::drain(&mut body, DRAIN_LIMIT).await;
            let mut resp = h::generic_problem(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "This method is not allowed on this path.",
                "",
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
                resp.headers_mut().insert(header::ALLOW, value);
            }
            return Ok(finish(&shared, resp, shared.rate.peek(), seen));
        }
        Match::NotFound => {
            h::drain(&mut body, DRAIN_LIMIT).await;
            let resp =
                h::unrecognized("This URL does not match any route of the API.").into_response();
            return Ok(finish(&shared, resp, shared.rate.peek(), seen));
        }
    };
    seen.route = route.key();

    if let Some(delay) = shared.faults.latency(&seen.route) {
        tokio::time::sleep(delay).await;
    }
    match shared.faults.take(&seen.route) {
        Some(Injected::Reset) => {
            read_some(&mut body).await;
            reset.store(true, Ordering::SeqCst);
            tracing::debug!(route = %seen.route, "resetting the connection (fault)");
            seen.record(&shared, None);
            return Err(ConnectionReset);
        }
        Some(Injected::Fail {
            status,
            retry_after,
        }) => {
            h::drain(&mut body, DRAIN_LIMIT).await;
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut resp = h::problem_for_status(status, "Injected failure.").into_response();
            let mut rate = shared.rate.peek();
            if status == StatusCode::TOO_MANY_REQUESTS {
                rate.remaining = 0;
                rate.retry_after = retry_after;
            }
            // Faults win over everything, even the status's usual body.
            resp = with_status(resp, status);
            return Ok(finish(&shared, resp, rate, seen));
        }
        None => {}
    }

    let rate = match shared.rate.acquire() {
        Ok(rate) => rate,
        Err(rate) => {
            h::drain(&mut body, DRAIN_LIMIT).await;
            return Ok(finish(
                &shared,
                h::too_many_requests().into_response(),
                rate,
                seen,
            ));
        }
    };

    if route.auth && !authorized(&shared, &parts.headers) {
        h::drain(&mut body, DRAIN_LIMIT).await;
        return Ok(finish(
            &shared,
            h::unauthorized().into_response(),
            rate,
            seen,
        ));
    }

    let raw_query = parts.uri.query().map(str::to_owned);
    let mut req = Req {
        query: h::parse_query(raw_query.as_deref()),
        raw_query,
        path,
        headers: parts.headers,
        body,
        params,
    };
    let resp = handlers::dispatch(&shared, route.op, &mut req).await;
    h::drain(&mut req.body, DRAIN_LIMIT).await;
    match shared.faults.take_after(&seen.route) {
        Some(Injected::Reset) => {
            reset.store(true, Ordering::SeqCst);
            tracing::debug!(route = %seen.route, "resetting the connection after handling (fault)");
            seen.record(&shared, None);
            Err(ConnectionReset)
        }
        Some(Injected::Fail { status, .. }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let failed =
                h::problem_for_status(status, "Injected failure after handling.").into_response();
            Ok(finish(&shared, with_status(failed, status), rate, seen))
        }
        None => Ok(finish(&shared, resp, rate, seen)),
    }
}

fn with_status(mut resp: Resp, status: StatusCode) -> Resp {
    *resp.status_mut() = status;
    resp
}

/// Adds the rate-limit headers and logs the request.
fn finish(shared: &Shared, mut resp: Resp, rate: RateHeaders, seen: Seen) -> Resp {
    let headers = resp.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(rate.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(rate.remaining));
    headers.insert(
        "x-ratelimit-retry-after",
        HeaderValue::from(rate.retry_after),
    );
    seen.record(shared, Some(resp.status().as_u16()));
    resp
}

/// Reads the start of a body (what a server gets before it dies mid-request).
async fn read_some(body: &mut Incoming) {
    let mut read = 0;
    while read < RESET_AFTER {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    read += data.len();
                }
            }
            _ => break,
        }
    }
}

/// Whether the request carries the API key (Basic) or a live bearer token.
fn authorized(shared: &Shared, headers: &http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value, ""));
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credentials) else {
            return false;
        };
        let user = decoded
            .split(|byte| *byte == b':')
            .next()
            .unwrap_or_default();
        user == shared.config.api_key.as_bytes()
    } else if scheme.eq_ignore_ascii_case("bearer") {
        handlers::auth::bearer_is_valid(shared, credentials)
    } else {
        false
    }
}
