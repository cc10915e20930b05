//! A webhook receiver for tests: an HTTP endpoint on 127.0.0.1 that keeps every delivery
//! (headers and the exact body bytes, which the signature covers).

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;

/// One request the receiver got.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Delivery {
    /// The request headers (`X-Api-Video-WebhookID`, `X-Api-Video-Signature`, ...).
    pub headers: http::HeaderMap,
    /// The body exactly as received.
    pub body: Bytes,
}

/// Receives webhook deliveries on `http://127.0.0.1:<port>/webhook`, answering `202`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use apivideo_simulator::WebhookReceiver;
///
/// let receiver = WebhookReceiver::start().await?;
/// reqwest::Client::new().post(receiver.url()).body("{}").send().await.expect("sent");
/// let delivery = receiver.next(Duration::from_secs(5)).await.expect("delivered");
/// assert_eq!(&delivery.body[..], b"{}");
/// # Ok(()) }
/// ```
pub struct WebhookReceiver {
    url: String,
    deliveries: Mutex<mpsc::UnboundedReceiver<Delivery>>,
    tasks: JoinSet<()>,
}

impl std::fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl WebhookReceiver {
    /// Starts listening on a free port of 127.0.0.1; it stops when dropped.
    pub async fn start() -> std::io::Result<Self> {
        apivideo_api::auth::install_crypto_provider(); // for the reqwest client of the test
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}/webhook", listener.local_addr()?);
        let (sender, deliveries) = mpsc::unbounded_channel();
        let mut tasks = JoinSet::new();
        tasks.spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let sender = sender.clone();
                connections.spawn(async move {
                    let service =
                        service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                            let sender = sender.clone();
                            async move {
                                let (parts, body) = request.into_parts();
                                let body = body
                                    .collect()
                                    .await
                                    .map(|b| b.to_bytes())
                                    .unwrap_or_default();
                                let _ = sender.send(Delivery {
                                    headers: parts.headers,
                                    body,
                                });
                                Ok::<_, Infallible>(
                                    hyper::Response::builder()
                                        .status(202)
                                        .body(Full::new(Bytes::new()))
                                        .unwrap_or_default(),
                                )
                            }
                        });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            url,
            deliveries: Mutex::new(deliveries),
            tasks,
        })
    }

    /// The URL to register as the webhook's `url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next delivery, waiting at most `timeout`.
    pub async fn next(&self, timeout: Duration) -> Option<Delivery> {
        let mut deliveries = self.deliveries.lock().await;
        tokio::time::timeout(timeout, deliveries.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.tasks.abort_all();
    }
}
