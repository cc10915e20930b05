//! [`Client`] and its builder.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use apivideo_api::{ApiTokenEndpoint, Context, ResponseValue, RetryPolicy};
use apivideo_auth::{
    ApiKey, Basic, BearerToken, NoCredentials, ProvideAuthorization, ScopedToOrigin, SharedAuth,
};

use crate::call::{Call, Response};
use crate::error::{Error, Result};
use crate::origin::{self, Origin};
use crate::resources::{
    Analytics, Authentication, Captions, Chapters, LiveStreams, Players, Summaries, Tags,
    UploadTokens, Videos, Watermarks, Webhooks,
};

/// api.video's production environment.
pub const PRODUCTION: &str = apivideo_auth::PRODUCTION_BASE_URL;
/// api.video's sandbox: videos are watermarked and deleted after a day.
pub const SANDBOX: &str = apivideo_auth::SANDBOX_BASE_URL;

/// The api.video client: cheap to clone (`Arc` inside), `Send + Sync`, one connection
/// pool and one token cache shared by all clones.
///
/// ```no_run
/// # async fn run() -> apivideo::Result<()> {
/// let client = apivideo::Client::builder().api_key_from_env().sandbox().build()?;
/// let video = client.videos().get("vi4blUQJFrYWbaG44NChkH27").await?;
/// println!("{}", video.title.unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: apivideo_api::Client,
    /// The same client over an HTTP/1.1-only connection pool, for upload chunks: each
    /// chunk in flight gets its own TCP connection (over HTTP/2 they would share one, and
    /// its window). `None` when the caller brought their own HTTP client.
    uploads: Option<apivideo_api::Client>,
    base_url: String,
    scheme: &'static str,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.scheme)
            .field("retry_policy", self.inner.api.context().retry_policy())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        crate::install_crypto_provider(); // for a `reqwest::Client` the caller builds next
        ClientBuilder::default()
    }

    /// The API base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The low-level generated client this one wraps, for calls beyond this crate's API.
    pub fn low_level(&self) -> &apivideo_api::Client {
        &self.inner.api
    }

    /// Videos: create, list, get, update, delete, upload, status, thumbnails, discarded.
    pub fn videos(&self) -> Videos {
        Videos::new(self.clone())
    }

    /// Upload tokens: delegated uploads that need no API key.
    pub fn upload_tokens(&self) -> UploadTokens {
        UploadTokens::new(self.clone())
    }

    /// Live streams.
    pub fn live_streams(&self) -> LiveStreams {
        LiveStreams::new(self.clone())
    }

    /// Captions (WebVTT) of videos.
    pub fn captions(&self) -> Captions {
        Captions::new(self.clone())
    }

    /// Chapters (WebVTT) of videos.
    pub fn chapters(&self) -> Chapters {
        Chapters::new(self.clone())
    }

    /// Player themes and their logos.
    pub fn players(&self) -> Players {
        Players::new(self.clone())
    }

    /// Watermark images.
    pub fn watermarks(&self) -> Watermarks {
        Watermarks::new(self.clone())
    }

    /// Webhook subscriptions (to verify deliveries, see [`crate::webhooks`]).
    pub fn webhooks(&self) -> Webhooks {
        Webhooks::new(self.clone())
    }

    /// Tags used by videos.
    pub fn tags(&self) -> Tags {
        Tags::new(self.clone())
    }

    /// Summaries of videos.
    pub fn summaries(&self) -> Summaries {
        Summaries::new(self.clone())
    }

    /// Viewing analytics.
    pub fn analytics(&self) -> Analytics {
        Analytics::new(self.clone())
    }

    /// The token operations, for handing a short-lived token to another process; this
    /// client manages its own token without them.
    pub fn authentication(&self) -> Authentication {
        Authentication::new(self.clone())
    }

    /// Runs one low-level call, keeping the answer's status and headers; its failure is
    /// already typed, and only changes crate.
    pub(crate) async fn call_full<'a, T, F, Fut>(&'a self, f: F) -> Result<Response<T>>
    where
        F: FnOnce(&'a apivideo_api::Client) -> Fut,
        Fut: Future<Output = apivideo_api::Result<ResponseValue<T>>>,
    {
        Ok(Response::from(f(&self.inner.api).await?))
    }

    /// [`call_full`](Self::call_full) over the upload connections (see `Inner::uploads`).
    pub(crate) async fn upload_call<'a, T, F, Fut>(&'a self, f: F) -> Result<Response<T>>
    where
        F: FnOnce(&'a apivideo_api::Client) -> Fut,
        Fut: Future<Output = apivideo_api::Result<ResponseValue<T>>>,
    {
        let api = self.inner.uploads.as_ref().unwrap_or(&self.inner.api);
        Ok(Response::from(f(api).await?))
    }

    /// A [`Call`] running `f` with a copy of this client: the call owns what it needs,
    /// so it is `'static` and nothing is sent until it is awaited.
    pub(crate) fn request<T, F, Fut>(&self, f: F) -> Call<T>
    where
        T: Send + 'static,
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Response<T>>> + Send + 'static,
    {
        let client = self.clone();
        Call::new(async move { f(client).await })
    }
}

enum Scheme {
    Bearer,
    Basic,
}

enum Key {
    /// Nothing said yet: `build` refuses, naming the ways to give a key.
    None,
    /// No credentials on purpose (upload-token uploads only).
    Anonymous,
    Given(std::result::Result<ApiKey, apivideo_auth::Error>),
}

/// Configures a [`Client`]; every setting is checked by [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
///
/// let client = apivideo::Client::builder()
///     .api_key("a-test-key")
///     .base_url("http://127.0.0.1:8080")
///     .basic_auth()
///     .application("my-shop", "2.1.0")
///     .timeout(Duration::from_secs(30))
///     .retry_policy(apivideo::RetryPolicy::default().max_attempts(5))
///     .build()?;
/// # Ok::<(), apivideo::Error>(())
/// ```
pub struct ClientBuilder {
    key: Key,
    scheme: Scheme,
    custom: Option<SharedAuth>,
    base_url: String,
    insecure_http: bool,
    application: Option<(String, String)>,
    sdk: Option<(String, String)>,
    connect_timeout: Duration,
    read_timeout: Duration,
    timeout: Option<Duration>,
    token_timeout: Duration,
    retry: RetryPolicy,
    http: Option<reqwest::ClientBuilder>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            key: Key::None,
            scheme: Scheme::Bearer,
            custom: None,
            base_url: PRODUCTION.to_owned(),
            insecure_http: false,
            application: None,
            sdk: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: apivideo_api::DEFAULT_READ_TIMEOUT,
            timeout: None,
            token_timeout: ApiTokenEndpoint::DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            http: None,
        }
    }
}

impl ClientBuilder {
    /// The API key (checked at [`build`](Self::build): not empty, no whitespace).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.key = Key::Given(ApiKey::new(key));
        self
    }

    /// The API key from the `APIVIDEO_API_KEY` environment variable ([`build`] fails,
    /// naming the variable, when it is unset or empty).
    ///
    /// [`build`]: Self::build
    #[must_use]
    pub fn api_key_from_env(mut self) -> Self {
        self.key = Key::Given(ApiKey::from_env());
        self
    }

    /// No credentials at all, on purpose: only uploads with an upload token work
    /// ([`UploadTokens::upload`](crate::resources::UploadTokens::upload)), and the token
    /// operations of [`Client::authentication`], which never send credentials; every
    /// other call fails before anything is sent. Without this, a builder given no key refuses
    /// to build.
    ///
    /// ```
    /// let uploader = apivideo::Client::builder().anonymous().build()?;
    /// # Ok::<(), apivideo::Error>(())
    /// ```
    #[must_use]
    pub fn anonymous(mut self) -> Self {
        self.key = Key::Anonymous;
        self
    }

    /// Production, `https://ws.api.video` (the default).
    #[must_use]
    pub fn production(mut self) -> Self {
        self.base_url = PRODUCTION.to_owned();
        self
    }

    /// The sandbox, `https://sandbox.api.video`.
    #[must_use]
    pub fn sandbox(mut self) -> Self {
        self.base_url = SANDBOX.to_owned();
        self
    }

    /// Another base URL, such as a local simulator (`http://127.0.0.1:8080`).
    ///
    /// Plain `http` is refused at [`build`](Self::build) unless the host is this machine
    /// (`localhost`, `127.0.0.1`, `::1`): over a network it would expose the key, tokens
    /// and uploads. See [`danger_allow_insecure_http`](Self::danger_allow_insecure_http).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Accepts a plain `http` base URL to another machine, such as a test server in a
    /// private network. Everything sent, credentials included, travels unencrypted.
    #[must_use]
    pub fn danger_allow_insecure_http(mut self) -> Self {
        self.insecure_http = true;
        self
    }

    /// Authenticate with a disposable bearer token fetched with the key (the default):
    /// the key itself is sent only to `/auth/api-key`.
    #[must_use]
    pub fn bearer_auth(mut self) -> Self {
        self.scheme = Scheme::Bearer;
        self
    }

    /// Authenticate every request with HTTP Basic (the key as user name).
    #[must_use]
    pub fn basic_auth(mut self) -> Self {
        self.scheme = Scheme::Basic;
        self
    }

    /// Any `apivideo-auth` strategy, such as a token from your own vault; replaces the key.
    #[must_use]
    pub fn credentials(mut self, strategy: impl ProvideAuthorization + 'static) -> Self {
        self.custom = Some(SharedAuth::new(strategy));
        self
    }

    /// Your application's name and version, sent as `AV-Origin-App: name:version`.
    #[must_use]
    pub fn application(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.application = Some((name.into(), version.into()));
        self
    }

    /// The name and version of an SDK built on this one, sent as `AV-Origin-Sdk`.
    #[must_use]
    pub fn sdk(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.sdk = Some((name.into(), version.into()));
        self
    }

    /// How long to wait for a connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a request may make no progress at all (default 60 s): no byte of its
    /// body taken by the connection, no answer after the body was sent, or no byte of
    /// the answer. A slow upload that keeps moving is never cut; a stalled one fails with
    /// [`Error::Timeout`], naming the stage that stalled.
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// A limit on each whole request, upload chunks included (default none). It caps
    /// uploads: a 50 MiB chunk over a 2 Mbit/s link needs about 210 s, so set it above
    /// what your slowest link needs for one chunk, or not at all.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The deadline of one token request, retries included (default 30 s): every call
    /// waiting for a bearer token waits for it.
    #[must_use]
    pub fn token_timeout(mut self, timeout: Duration) -> Self {
        self.token_timeout = timeout;
        self
    }

    /// When failed requests are retried (default: [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Your own reqwest settings (proxies, TLS roots, ...), as a `reqwest::ClientBuilder`
    /// that [`build`](Self::build) finishes: it turns redirects and `Referer` off (a
    /// followed redirect would carry the key or an upload token to wherever it points)
    /// and sets the connect timeout above. Read and whole-request timeouts are enforced
    /// per request whatever the builder says; our headers are added to each request.
    ///
    /// Upload chunks then go through this client too. Without it, the client keeps a
    /// second, HTTP/1.1-only connection pool for chunks, so that each chunk in flight has
    /// its own TCP connection; if your builder lets HTTP/2 be negotiated, concurrent
    /// chunks share one connection (and its window on a long link): add
    /// `.http1_only()` to keep them apart.
    ///
    /// ```
    /// let client = apivideo::Client::builder()
    ///     .api_key("a-test-key")
    ///     .http_client(reqwest::Client::builder().user_agent("my-shop/2.1"))
    ///     .build()?;
    /// # Ok::<(), apivideo::Error>(())
    /// ```
    #[must_use]
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client> {
        let base_url = validate_base_url(&self.base_url, self.insecure_http)?;
        crate::tls::prepare(&base_url)?;
        let application = self
            .application
            .as_ref()
            .map(|(name, version)| Origin::new("application", name, version))
            .transpose()?;
        let sdk = self
            .sdk
            .as_ref()
            .map(|(name, version)| Origin::new("sdk", name, version))
            .transpose()?;
        self.retry.validate().map_err(|reason| Error::Config {
            setting: "retry_policy",
            reason: reason.to_owned(),
        })?;
        for (setting, value) in [
            ("connect_timeout", Some(self.connect_timeout)),
            ("read_timeout", Some(self.read_timeout)),
            ("timeout", self.timeout),
            ("token_timeout", Some(self.token_timeout)),
        ] {
            if value == Some(Duration::ZERO) {
                return Err(Error::Config {
                    setting,
                    reason: "must be longer than zero".into(),
                });
            }
        }
        let headers = origin::headers(application.as_ref(), sdk.as_ref());
        let own_http = self.http.is_none();
        // Settings the SDK's safety relies on go last, over whatever the caller set.
        let http = self
            .http
            .unwrap_or_default()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Config {
                setting: "http_client",
                reason: e.to_string(),
            })?;
        let mut context = Context::anonymous()
            .with_retry_policy(self.retry)
            .with_headers(headers)
            .with_read_timeout(self.read_timeout);
        if let Some(timeout) = self.timeout {
            context = context.with_timeout(timeout);
        }
        let (auth, scheme) = match (self.custom, self.key) {
            (Some(custom), _) => (custom, "custom"),
            (None, Key::Anonymous) => (SharedAuth::new(NoCredentials), "none"),
            (None, Key::None) => {
                return Err(Error::Config {
                    setting: "api_key",
                    reason: "no API key was given: use .api_key(..), .api_key_from_env() \
                             (reads APIVIDEO_API_KEY) or .credentials(..); for upload-token \
                             uploads only, .anonymous()"
                        .into(),
                });
            }
            (None, Key::Given(key)) => {
                let key = key?;
                match self.scheme {
                    Scheme::Basic => (SharedAuth::new(Basic::new(key)), "basic"),
                    Scheme::Bearer => {
                        // Token requests share the HTTP client, retry policy and read
                        // timeout; they never carry credentials.
                        let tokens = apivideo_api::Client::new_with_client(
                            &base_url,
                            http.clone(),
                            context.clone(),
                        );
                        let endpoint =
                            ApiTokenEndpoint::new(tokens).with_timeout(self.token_timeout);
                        (
                            SharedAuth::new(BearerToken::builder(key, endpoint).build()),
                            "bearer",
                        )
                    }
                }
            }
        };
        // Credentials go only to the API's own origin, whatever URL a request ends up with.
        let auth = SharedAuth::new(ScopedToOrigin::new(auth, &base_url)?);
        let context = context.with_auth(auth);
        let uploads = if own_http {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .referer(false)
                .connect_timeout(self.connect_timeout)
                .http1_only()
                .build()
                .map_err(|e| Error::Config {
                    setting: "http_client",
                    reason: e.to_string(),
                })?;
            Some(apivideo_api::Client::new_with_client(
                &base_url,
                http,
                context.clone(),
            ))
        } else {
            None
        };
        let api = apivideo_api::Client::new_with_client(&base_url, http, context);
        Ok(Client {
            inner: Arc::new(Inner {
                api,
                uploads,
                base_url,
                scheme,
            }),
        })
    }
}

/// The base URL checked by the one rule of `apivideo-auth` ([`base_url`]), without a
/// trailing slash.
///
/// [`base_url`]: apivideo_auth::base_url
fn validate_base_url(raw: &str, insecure_http: bool) -> Result<String> {
    let invalid = |error: apivideo_auth::Error| Error::Config {
        setting: "base_url",
        reason: match error {
            apivideo_auth::Error::InvalidBaseUrl { reason } => format!("{raw:?}: {reason}"),
            other => other.to_string(),
        },
    };
    let url = apivideo_auth::base_url::parse_base_url(raw).map_err(invalid)?;
    apivideo_auth::base_url::check_transport(&url, insecure_http).map_err(invalid)?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalized() {
        assert_eq!(
            validate_base_url("https://ws.api.video/", false).unwrap(),
            "https://ws.api.video"
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(validate_base_url("http://ws.api.video", false).is_err());
        assert_eq!(
            validate_base_url("http://10.1.2.3:8080/", true).unwrap(),
            "http://10.1.2.3:8080"
        );
        for bad in [
            "",
            "ws.api.video",
            "ftp://x",
            "https://x/?a=1",
            "https://u:p@x",
            "http://",
        ] {
            assert!(validate_base_url(bad, true).is_err(), "{bad} accepted");
        }
    }
}
