//! What happens to every request the client sends: headers, credentials, retries,
//! timeouts, tracing.
//!
//! progenitor calls the hooks below for each generated operation, and the hand-written
//! multipart calls go through [`Client::execute`] too, so there is one request path: one
//! retry loop ([`apivideo_auth::retry::run`]), one place that attaches credentials (from
//! the operations table), one place that reads answers ([`crate::transfer`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use apivideo_auth::retry::{self, RetryPolicy, Step};
use apivideo_auth::{
    Authorization, NoCredentials, ProvideAuthorization, RequestContext, SharedAuth,
};
use progenitor_client::{ClientHooks, ClientInfo, Error as RawError, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::Client;
use crate::error::{ApiError, Carried, Error, LAST_STATUS, Result};
use crate::operation::Operation;
use crate::transfer::{self, Answer, Limits};

/// The default of [`Context::with_read_timeout`]: how long a request may make no
/// progress at all.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The settings the hooks read: how to authenticate, when to retry, how long a request
/// may stay silent. Cheap to clone.
///
/// ```
/// use std::time::Duration;
/// use apivideo_api::{Client, Context, RetryPolicy};
/// use apivideo_auth::{ApiKey, Basic};
///
/// let key = ApiKey::new("my-api-key")?;
/// let context = Context::new(Basic::new(key))
///     .with_retry_policy(RetryPolicy::default())
///     .with_read_timeout(Duration::from_secs(30));
/// let client = Client::new("https://sandbox.api.video", context);
/// # Ok::<(), apivideo_auth::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Context {
    shared: Arc<Shared>,
}

#[derive(Clone, Debug)]
struct Shared {
    auth: SharedAuth,
    retry: RetryPolicy,
    headers: HeaderMap,
    read_timeout: Duration,
    timeout: Option<Duration>,
}

impl Context {
    /// Authenticates with `auth` (any `apivideo-auth` strategy), retries with the default
    /// [`RetryPolicy`], and tolerates [`DEFAULT_READ_TIMEOUT`] of silence.
    pub fn new(auth: impl ProvideAuthorization + 'static) -> Self {
        apivideo_auth::install_crypto_provider(); // before the caller builds its reqwest client
        Self {
            shared: Arc::new(Shared {
                auth: SharedAuth::new(auth),
                retry: RetryPolicy::default(),
                headers: HeaderMap::new(),
                read_timeout: DEFAULT_READ_TIMEOUT,
                timeout: None,
            }),
        }
    }

    /// No credentials: only public operations (the upload-token upload, the auth calls)
    /// can be called; the others fail before anything is sent.
    pub fn anonymous() -> Self {
        Self::new(NoCredentials)
    }

    fn with(self, change: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Arc::unwrap_or_clone(self.shared);
        change(&mut shared);
        Self {
            shared: Arc::new(shared),
        }
    }

    /// The same settings with another credentials strategy.
    #[must_use]
    pub fn with_auth(self, auth: impl ProvideAuthorization + 'static) -> Self {
        let auth = SharedAuth::new(auth);
        self.with(|s| s.auth = auth)
    }

    /// The same settings with another retry policy.
    #[must_use]
    pub fn with_retry_policy(self, retry: RetryPolicy) -> Self {
        self.with(|s| s.retry = retry)
    }

    /// The same settings, adding `headers` to every request (those a request sets itself
    /// win). Used for `User-Agent` and api.video's `AV-Origin-*` headers, so they are sent
    /// whatever `reqwest::Client` the caller brings.
    #[must_use]
    pub fn with_headers(self, headers: HeaderMap) -> Self {
        self.with(|s| s.headers = headers)
    }

    /// How long a request may make no progress: no byte of its body taken by the
    /// connection, no answer after the body was sent, or no byte of the answer (default
    /// [`DEFAULT_READ_TIMEOUT`]). A slow upload that keeps moving is never cut.
    #[must_use]
    pub fn with_read_timeout(self, silence: Duration) -> Self {
        self.with(|s| s.read_timeout = silence)
    }

    /// A limit on each whole attempt, upload bodies included (default none). It caps
    /// uploads too: a 50 MiB chunk on a 2 Mbit/s link needs about 210 s.
    #[must_use]
    pub fn with_timeout(self, timeout: Duration) -> Self {
        self.with(|s| s.timeout = Some(timeout))
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

    /// The longest silence tolerated.
    pub fn read_timeout(&self) -> Duration {
        self.shared.read_timeout
    }

    /// The limit on each whole attempt, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.shared.timeout
    }

    fn limits(&self) -> Limits {
        Limits {
            silence: self.shared.read_timeout,
            total: self.shared.timeout,
        }
    }
}

/// A `reqwest::ClientBuilder` with the settings this crate relies on: no redirects
/// (api.video does not redirect API calls, and a followed redirect would carry credentials,
/// an API key body or an upload token to wherever it points), no `Referer` (it would copy
/// an upload token's query), a connect timeout of 10 s, and no total timeout (uploads on
/// slow links take long; stalls are caught by [`Context::with_read_timeout`]).
///
/// Add your own settings (proxies, TLS roots) and build it for
/// [`Client::new_with_client`].
pub fn http_client_builder() -> reqwest::ClientBuilder {
    apivideo_auth::install_crypto_provider(); // reqwest's build() needs one with `rustls`
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .connect_timeout(Duration::from_secs(10))
}

/// The HTTP client of [`Client::new`]: [`http_client_builder`] as it is.
pub(crate) fn default_http_client() -> reqwest::Client {
    // Building fails only when the TLS backend cannot initialise; a client without
    // settings is then the best that can be done, and its first request reports it.
    http_client_builder()
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

impl Client {
    /// The settings this client's hooks use.
    pub fn context(&self) -> &Context {
        &self.inner
    }

    /// Sends the request `build` makes, as many times as the retry policy allows:
    /// credentials attached when the operation needs them, once more with fresh ones
    /// after a 401, every answer read whole within bounds. `idempotent` says whether a
    /// request that may have reached the server can be repeated; `replayable` whether
    /// `build` can make the request more than once (a streamed body cannot).
    pub(crate) async fn execute(
        &self,
        operation: Option<&'static Operation>,
        idempotent: bool,
        replayable: bool,
        mut build: impl FnMut() -> Result<Request>,
    ) -> Result<Answer> {
        let span = tracing::info_span!(
            "apivideo.request",
            method = operation.map_or("", |op| op.method.as_str()),
            route = operation.map_or("", |op| op.path),
            operation = operation.map_or("", |op| op.id),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let policy = self.inner.retry_policy().clone();
        // Fresh credentials are fetched once per call at most: a second 401 is final.
        let renewed = AtomicBool::new(false);
        let renewed = &renewed;
        retry::run(&policy, idempotent, |number| {
            let request = build();
            async move {
                let request = request.map_err(Step::Stop)?;
                let step = self.attempt(operation, request, number, renewed).await;
                match step {
                    Err(Step::Failed(error, _) | Step::Again(error)) if !replayable => {
                        Err(Step::Stop(error))
                    }
                    other => other,
                }
            }
        })
        .instrument(span)
        .await
    }

    async fn attempt(
        &self,
        operation: Option<&'static Operation>,
        mut request: Request,
        number: u32,
        renewed: &AtomicBool,
    ) -> std::result::Result<Answer, Step<Error>> {
        let span = tracing::Span::current();
        span.record("attempt", number);
        for (name, value) in self.inner.headers() {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        let sent = self
            .authorize(&mut request, operation)
            .await
            .map_err(Step::Stop)?;
        let context_url = request.url().clone();
        let method = request.method().clone();
        let answer = transfer::send(self.client(), request, self.inner.limits()).await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => {
                return Err(match error.failure() {
                    Some(failure) => Step::Failed(error, failure),
                    None => Step::Stop(error),
                });
            }
        };
        span.record("status", answer.status.as_u16());
        // Outside a generated call there is no scope; nothing to record then.
        let _ = LAST_STATUS.try_with(|last| last.set(Some(answer.status)));
        if answer.status.is_success() {
            return Ok(answer);
        }
        let error = Error::Api(Box::new(ApiError::from_parts(
            answer.status,
            &answer.headers,
            &answer.body,
        )));
        if answer.status == StatusCode::UNAUTHORIZED
            && let Some(rejected) = sent
        {
            let context = self.request_context(&method, &context_url, operation);
            self.inner.auth().invalidate(&rejected);
            let first = !renewed.swap(true, Ordering::Relaxed);
            return Err(if first && self.renewed(&rejected, &context).await {
                Step::Again(error)
            } else {
                Step::Stop(error)
            });
        }
        Err(match error.failure() {
            Some(failure) => Step::Failed(error, failure),
            None => Step::Stop(error),
        })
    }

    fn request_context<'a>(
        &self,
        method: &'a reqwest::Method,
        url: &'a reqwest::Url,
        operation: Option<&'static Operation>,
    ) -> RequestContext<'a> {
        let context = RequestContext::new(method, url.as_str());
        match operation {
            Some(op) => context
                .with_operation_id(op.id)
                .with_credentials_required(op.requires_credentials()),
            None => context,
        }
    }

    /// Puts credentials on `request` when the operations table says the operation needs
    /// them; returns what was attached.
    async fn authorize(
        &self,
        request: &mut Request,
        operation: Option<&'static Operation>,
    ) -> Result<Option<Authorization>> {
        if !operation.is_none_or(Operation::requires_credentials) {
            return Ok(None);
        }
        let (method, url) = (request.method().clone(), request.url().clone());
        let context = self.request_context(&method, &url, operation);
        match self.inner.auth().authorization(&context).await? {
            Some(authorization) => {
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, authorization.header_value().clone());
                Ok(Some(authorization))
            }
            None if operation.is_some() => {
                Err(Error::Credentials(apivideo_auth::Error::MissingApiKey))
            }
            // An unknown operation the strategy chose not to authenticate.
            None => Ok(None),
        }
    }

    /// After a 401 and the refused credentials' invalidation: true when the strategy now
    /// gives other ones, worth one more attempt.
    async fn renewed(&self, rejected: &Authorization, context: &RequestContext<'_>) -> bool {
        match self.inner.auth().authorization(context).await {
            Ok(Some(fresh)) => &fresh != rejected,
            Ok(None) | Err(_) => false,
        }
    }
}

impl ClientHooks<Context> for Client {
    async fn pre<E>(
        &self,
        _request: &mut Request,
        _info: &OperationInfo,
    ) -> std::result::Result<(), RawError<E>> {
        // Headers and credentials are attached per attempt, in `exec`.
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let operation = Operation::find(info.operation_id);
        let idempotent = operation.map_or_else(
            || request.method() != reqwest::Method::POST,
            Operation::is_idempotent,
        );
        let replayable = request.try_clone().is_some();
        // Each attempt takes the request held back and leaves a copy for the next one.
        let mut spare = Some(request);
        let answer = self
            .execute(operation, idempotent, replayable, || {
                let request = spare.take().ok_or_else(|| {
                    Error::InvalidRequest("the request cannot be sent again".to_owned())
                })?;
                spare = request.try_clone();
                Ok(request)
            })
            .await;
        Ok(match answer {
            Ok(answer) => answer.into_response(),
            Err(error) => Carried::into_response(error),
        })
    }
}
