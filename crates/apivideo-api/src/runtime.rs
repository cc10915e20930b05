//! What happens to every request the client sends: credentials, retries, tracing.
//!
//! progenitor calls these hooks for each generated operation, and the hand-written
//! multipart calls go through them too, so there is one request path.

use std::sync::{Arc, Mutex, PoisonError};

use apivideo_auth::{
    Authorization, NoCredentials, ProvideAuthorization, RequestContext, SharedAuth,
};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::Client;
use crate::operation::Operation;
use crate::retry::{Outcome, RetryPolicy, transport_outcome};

/// The settings the hooks read: how to authenticate and when to retry. Cheap to clone.
///
/// ```
/// use apivideo_api::{Client, Context, RetryPolicy};
/// use apivideo_auth::{ApiKey, Basic};
///
/// let key = ApiKey::new("my-api-key")?;
/// let context = Context::new(Basic::new(key)).with_retry_policy(RetryPolicy::default());
/// let client = Client::new_with_client("https://sandbox.api.video", reqwest::Client::new(), context);
/// # Ok::<(), apivideo_auth::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Context {
    shared: Arc<Shared>,
    log: Option<Arc<CallLog>>,
}

#[derive(Debug)]
struct Shared {
    auth: SharedAuth,
    retry: RetryPolicy,
    headers: HeaderMap,
}

impl Context {
    /// Authenticates with `auth` (any `apivideo-auth` strategy) and retries with the
    /// default [`RetryPolicy`].
    pub fn new(auth: impl ProvideAuthorization + 'static) -> Self {
        Self::from_shared(
            SharedAuth::new(auth),
            RetryPolicy::default(),
            HeaderMap::new(),
        )
    }

    /// No credentials: only public operations (the upload-token upload) can be called;
    /// the others fail before anything is sent.
    pub fn anonymous() -> Self {
        Self::new(NoCredentials)
    }

    fn from_shared(auth: SharedAuth, retry: RetryPolicy, headers: HeaderMap) -> Self {
        apivideo_auth::install_crypto_provider(); // before the caller builds its reqwest client
        Self {
            shared: Arc::new(Shared {
                auth,
                retry,
                headers,
            }),
            log: None,
        }
    }

    /// The same settings with another retry policy.
    #[must_use]
    pub fn with_retry_policy(self, retry: RetryPolicy) -> Self {
        Self::from_shared(self.shared.auth.clone(), retry, self.shared.headers.clone())
    }

    /// The same settings, adding `headers` to every request (those a request sets itself
    /// win). Used for `User-Agent` and api.video's `AV-Origin-*` headers, so they are sent
    /// whatever `reqwest::Client` the caller brings.
    #[must_use]
    pub fn with_headers(self, headers: HeaderMap) -> Self {
        Self::from_shared(self.shared.auth.clone(), self.shared.retry.clone(), headers)
    }

    /// The headers added to every request.
    pub fn headers(&self) -> &HeaderMap {
        &self.shared.headers
    }

    /// The credentials strategy.
    pub fn auth(&self) -> &SharedAuth {
        &self.shared.auth
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }
}

/// What happened during one call, for callers that need more than progenitor's error
/// keeps: the last status and headers (a success body that fails to decode loses them),
/// the attempts made, and why credentials could not be attached.
///
/// Attach one with [`Client::with_call_log`].
#[derive(Debug, Default)]
pub struct CallLog(Mutex<CallRecord>);

/// A snapshot of a [`CallLog`].
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CallRecord {
    /// Requests sent (retries included).
    pub attempts: u32,
    /// The status of the last response.
    pub status: Option<StatusCode>,
    /// The headers of the last response.
    pub headers: HeaderMap,
    /// Why no request was sent, when credentials were the problem.
    pub credentials: Option<CredentialsFailure>,
}

/// Why credentials could not be attached.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum CredentialsFailure {
    /// The operation needs credentials and the client has none.
    Missing,
    /// The strategy failed (for example the API key was refused).
    Failed(apivideo_auth::Error),
}

impl CallLog {
    /// A copy of what was recorded so far.
    pub fn snapshot(&self) -> CallRecord {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn update(&self, f: impl FnOnce(&mut CallRecord)) {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

impl Client {
    /// The settings this client's hooks use.
    pub fn context(&self) -> &Context {
        &self.inner
    }

    /// A copy of this client (sharing its connection pool and credentials) that records
    /// the next calls into `log`.
    pub fn with_call_log(&self, log: Arc<CallLog>) -> Client {
        let mut inner = self.inner.clone();
        inner.log = Some(log);
        Client::new_with_client(self.baseurl(), self.client().clone(), inner)
    }

    fn record(&self, f: impl FnOnce(&mut CallRecord)) {
        if let Some(log) = &self.inner.log {
            log.update(f);
        }
    }

    /// Puts credentials on `request` when the operation needs them and the request goes
    /// to this client's own origin (never to another host).
    async fn authorize(
        &self,
        request: &mut Request,
        operation: Option<&'static Operation>,
    ) -> Result<Option<Authorization>, CredentialsFailure> {
        if !operation.is_none_or(Operation::requires_credentials)
            || !same_origin(request.url(), self.baseurl())
        {
            return Ok(None);
        }
        let context = RequestContext::new(request.method(), request.url().as_str());
        let context = match operation {
            Some(op) => context.with_operation_id(op.id),
            None => context,
        };
        match self.inner.shared.auth.authorization(&context).await {
            Ok(Some(authorization)) => {
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, authorization.header_value().clone());
                Ok(Some(authorization))
            }
            Ok(None) => Err(CredentialsFailure::Missing),
            Err(error) => Err(CredentialsFailure::Failed(error)),
        }
    }

    /// Sends `request`, retrying as the policy says and once with fresh credentials after
    /// a 401. Requests whose body cannot be copied (streams) are sent once.
    async fn send_with_retries(
        &self,
        mut request: Request,
        operation: Option<&'static Operation>,
    ) -> reqwest::Result<Response> {
        let policy = self.inner.retry_policy();
        let idempotent = operation.map_or_else(
            || request.method() != reqwest::Method::POST,
            Operation::is_idempotent,
        );
        let span = tracing::Span::current();
        let mut attempt = 1;
        let mut reauthorized = false;
        loop {
            span.record("attempt", attempt);
            let spare = request.try_clone();
            let sent = request.headers().get(AUTHORIZATION).cloned();
            self.record(|r| r.attempts = attempt);
            let result = self.client().execute(request).await;

            let unauthorized = matches!(&result, Ok(r) if r.status() == StatusCode::UNAUTHORIZED);
            if unauthorized && !reauthorized {
                reauthorized = true;
                let retry = match (spare, sent) {
                    (Some(mut next), Some(sent)) => self
                        .reauthorize(&mut next, sent, operation)
                        .await
                        .then_some(next),
                    // A streamed body cannot be sent again from here; dropping the rejected
                    // credentials lets the caller's own retry (an upload chunk) get fresh ones.
                    (None, Some(sent)) => {
                        if let Ok(rejected) = Authorization::from_header_value(sent) {
                            self.inner.shared.auth.invalidate(&rejected);
                        }
                        None
                    }
                    _ => None,
                };
                if let Some(next) = retry {
                    tracing::info!(attempt, "retrying with fresh credentials after 401");
                    request = next;
                    attempt += 1;
                    continue;
                }
                return self.finish(result, &span);
            }

            let outcome = match &result {
                Ok(response) => Outcome::Response(response.status(), response.headers()),
                Err(error) => transport_outcome(error),
            };
            match (policy.decide(attempt, idempotent, outcome), spare) {
                (Some((wait, reason)), Some(next)) => {
                    tracing::info!(attempt, wait_ms = wait.as_millis() as u64, %reason, "retrying");
                    tokio::time::sleep(wait).await;
                    request = next;
                    attempt += 1;
                }
                _ => return self.finish(result, &span),
            }
        }
    }

    fn finish(
        &self,
        result: reqwest::Result<Response>,
        span: &tracing::Span,
    ) -> reqwest::Result<Response> {
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
            let (status, headers) = (response.status(), response.headers().clone());
            self.record(|r| {
                r.status = Some(status);
                r.headers = headers;
            });
        }
        result
    }

    /// After a 401: tells the strategy the credentials it gave failed, and puts fresh ones
    /// on `request`. False when there are none, or they are the same as the rejected ones.
    async fn reauthorize(
        &self,
        request: &mut Request,
        rejected: reqwest::header::HeaderValue,
        operation: Option<&'static Operation>,
    ) -> bool {
        let Ok(rejected) = Authorization::from_header_value(rejected) else {
            return false;
        };
        self.inner.shared.auth.invalidate(&rejected);
        match self.authorize(request, operation).await {
            Ok(Some(fresh)) => fresh != rejected,
            Ok(None) => false,
            Err(failure) => {
                self.record(|r| r.credentials = Some(failure));
                false
            }
        }
    }
}

/// Whether `url` has the scheme, host and port of `base`.
fn same_origin(url: &reqwest::Url, base: &str) -> bool {
    reqwest::Url::parse(base).is_ok_and(|base| base.origin() == url.origin())
}

impl ClientHooks<Context> for Client {
    async fn pre<E>(&self, request: &mut Request, info: &OperationInfo) -> Result<(), Error<E>> {
        for (name, value) in &self.inner.shared.headers {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        match self
            .authorize(request, Operation::find(info.operation_id))
            .await
        {
            Ok(_) => Ok(()),
            Err(failure) => {
                let message = match &failure {
                    CredentialsFailure::Missing => format!(
                        "{} needs an API key and this client has none",
                        info.operation_id
                    ),
                    CredentialsFailure::Failed(error) => format!("credentials failed: {error}"),
                };
                self.record(|r| r.credentials = Some(failure));
                Err(Error::Custom(message))
            }
        }
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let operation = Operation::find(info.operation_id);
        let span = tracing::info_span!(
            "apivideo.request",
            method = %request.method(),
            route = operation.map_or("", |op| op.path),
            operation = operation.map_or(info.operation_id, |op| op.id),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_with_retries(request, operation)
            .instrument(span)
            .await
    }
}
