//! [`Client`] and its builder.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use apivideo_api::{CallLog, Context, ResponseValue, RetryPolicy};
use apivideo_auth::{
    ApiKey, Basic, BearerToken, NoCredentials, ProvideAuthorization, ReqwestTokenEndpoint,
    SharedAuth,
};

use crate::error::{Error, Result};
use crate::origin::{self, Origin};
use crate::resources::{
    Analytics, Captions, Chapters, LiveStreams, Players, Summaries, Tags, UploadTokens, Videos,
    Watermarks, Webhooks,
};

/// api.video's production environment.
pub const PRODUCTION: &str = "https://ws.api.video";
/// api.video's sandbox: videos are watermarked and deleted after a day.
pub const SANDBOX: &str = "https://sandbox.api.video";

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

    /// Runs one low-level call, mapping its failure (with what the hooks recorded) to
    /// [`Error`].
    pub(crate) async fn call<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(apivideo_api::Client) -> Fut,
        Fut: Future<Output = std::result::Result<ResponseValue<T>, apivideo_api::Error>>,
    {
        let log = Arc::new(CallLog::default());
        match f(self.inner.api.with_call_log(log.clone())).await {
            Ok(value) => Ok(value.into_inner()),
            Err(error) => Err(Error::from_low_level(error, &log.snapshot()).await),
        }
    }
}

enum Scheme {
    Bearer,
    Basic,
}

enum Key {
    None,
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
    application: Option<(String, String)>,
    sdk: Option<(String, String)>,
    connect_timeout: Duration,
    read_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            key: Key::None,
            scheme: Scheme::Bearer,
            custom: None,
            base_url: PRODUCTION.to_owned(),
            application: None,
            sdk: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Some(Duration::from_secs(60)),
            timeout: None,
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

    /// The API key from the `APIVIDEO_API_KEY` environment variable.
    #[must_use]
    pub fn api_key_from_env(mut self) -> Self {
        self.key = Key::Given(ApiKey::from_env());
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
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
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

    /// How long a response may stay silent (default 60 s).
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// A limit on each whole request, upload bodies included (default none).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// When failed requests are retried (default: [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Your own `reqwest::Client` (proxies, TLS roots, ...). The timeouts above are then
    /// yours to set on it; our headers are added to each request.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client> {
        let base_url = validate_base_url(&self.base_url)?;
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
            ("read_timeout", self.read_timeout),
            ("timeout", self.timeout),
        ] {
            if value == Some(Duration::ZERO) {
                return Err(Error::Config {
                    setting,
                    reason: "must be longer than zero".into(),
                });
            }
        }
        let headers = origin::headers(application.as_ref(), sdk.as_ref());
        let http = match self.http {
            Some(http) => http,
            None => {
                // Also as defaults of our own client, so the token requests carry them.
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .default_headers(headers.clone());
                if let Some(timeout) = self.read_timeout {
                    builder = builder.read_timeout(timeout);
                }
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                builder.build().map_err(|e| Error::Config {
                    setting: "http_client",
                    reason: e.to_string(),
                })?
            }
        };
        let (auth, scheme) = match (self.custom, self.key) {
            (Some(custom), _) => (custom, "custom"),
            (None, Key::None) => (SharedAuth::new(NoCredentials), "none"),
            (None, Key::Given(key)) => {
                let key = key?;
                match self.scheme {
                    Scheme::Basic => (SharedAuth::new(Basic::new(key)), "basic"),
                    Scheme::Bearer => {
                        let endpoint = ReqwestTokenEndpoint::new(http.clone(), &base_url)?;
                        (
                            SharedAuth::new(BearerToken::builder(key, endpoint).build()),
                            "bearer",
                        )
                    }
                }
            }
        };
        let context = Context::new(auth)
            .with_retry_policy(self.retry)
            .with_headers(headers);
        let api = apivideo_api::Client::new_with_client(&base_url, http, context);
        Ok(Client {
            inner: Arc::new(Inner {
                api,
                base_url,
                scheme,
            }),
        })
    }
}

fn validate_base_url(raw: &str) -> Result<String> {
    let invalid = |reason: String| Error::Config {
        setting: "base_url",
        reason,
    };
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| invalid(format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("{raw:?} must use http or https")));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(format!("{raw:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "{raw:?} must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("the base URL must not carry credentials".into()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalized() {
        assert_eq!(
            validate_base_url("https://ws.api.video/").unwrap(),
            "https://ws.api.video"
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "",
            "ws.api.video",
            "ftp://x",
            "https://x/?a=1",
            "https://u:p@x",
            "http://",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad} accepted");
        }
    }
}
