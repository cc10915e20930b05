//! The strategy trait every credential source implements, and its shared handle.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::authorization::Authorization;
use crate::error::Error;

/// What [`ProvideAuthorization::authorization`] returns: a boxed future, so the trait stays
/// object safe and a client can hold any strategy as `Arc<dyn ProvideAuthorization>`.
pub type AuthFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Authorization>, Error>> + Send + 'a>>;

/// The request a credential is asked for.
///
/// Strategies use it to decide whether credentials belong on the request at all (see
/// [`requires_credentials`](Self::requires_credentials) and
/// [`ScopedToOrigin`](crate::ScopedToOrigin)). `#[non_exhaustive]` so fields can be added;
/// build it with [`new`](Self::new).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct RequestContext<'a> {
    /// The HTTP method.
    pub method: &'a http::Method,
    /// The full request URL, query included.
    pub url: &'a str,
    /// The OpenAPI operation id of the call, when the caller knows it.
    pub operation_id: Option<&'a str>,
    /// Whether the caller's operations table says the call needs credentials.
    required: Option<bool>,
}

impl<'a> RequestContext<'a> {
    /// A context for `method` on the absolute `url`.
    pub fn new(method: &'a http::Method, url: &'a str) -> Self {
        Self {
            method,
            url,
            operation_id: None,
            required: None,
        }
    }

    /// Adds the OpenAPI operation id, for strategies that decide per operation.
    pub fn with_operation_id(mut self, operation_id: &'a str) -> Self {
        self.operation_id = Some(operation_id);
        self
    }

    /// States whether the call needs credentials, as a client that knows its operations
    /// decides it (apivideo-api's operations table); [`requires_credentials`] then
    /// returns this rather than guessing from the URL.
    ///
    /// [`requires_credentials`]: Self::requires_credentials
    pub fn with_credentials_required(mut self, required: bool) -> Self {
        self.required = Some(required);
        self
    }

    /// Whether api.video needs credentials for this request.
    ///
    /// What [`with_credentials_required`](Self::with_credentials_required) stated, when a
    /// client stated it. Otherwise (this crate used alone) a guess from the URL: `false` only for the calls that authenticate by other means: `POST …/auth/api-key`,
    /// `POST …/auth/refresh` (they carry the key or refresh token in their body) and
    /// `POST …/upload?token=…` (the upload token is the credential). The built-in strategies
    /// return `None` for these, so uploading with an upload token never fetches a bearer
    /// token. A URL that does not parse counts as needing credentials: the decision whether
    /// to send them is then left to the strategy.
    pub fn requires_credentials(&self) -> bool {
        if let Some(required) = self.required {
            return required;
        }
        if self.method != http::Method::POST {
            return true;
        }
        let Ok(url) = url::Url::parse(self.url) else {
            return true;
        };
        let path = url.path().trim_end_matches('/');
        if path.ends_with("/auth/api-key") || path.ends_with("/auth/refresh") {
            return false;
        }
        let has_upload_token = url
            .query_pairs()
            .any(|(k, v)| k == "token" && !v.is_empty());
        !(path.ends_with("/upload") && has_upload_token)
    }
}

impl fmt::Debug for RequestContext<'_> {
    /// Omits the query string: it can hold an upload token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url.split_once('?') {
            Some((before, _)) => format!("{before}?[REDACTED]"),
            None => self.url.to_owned(),
        };
        f.debug_struct("RequestContext")
            .field("method", self.method)
            .field("url", &url)
            .field("operation_id", &self.operation_id)
            .finish()
    }
}

/// A source of `Authorization` headers: one strategy of authenticating to api.video.
///
/// Implementations must be cheap to call per request (cache what is expensive) and safe to
/// call from many tasks at once. The trait is object safe; [`SharedAuth`] is the shareable
/// handle clients store.
pub trait ProvideAuthorization: Send + Sync + fmt::Debug {
    /// The header for `request`; `None` means send this request without credentials.
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a>;

    /// The server answered 401 to a request that carried `rejected`.
    ///
    /// Strategies that cache should forget `rejected` here, but only if it is still what
    /// they would hand out: when many requests fail with the same stale token at once, only
    /// the first report may cause a refetch.
    fn invalidate(&self, rejected: &Authorization) {
        let _ = rejected;
    }
}

impl<P: ProvideAuthorization + ?Sized> ProvideAuthorization for Arc<P> {
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        (**self).authorization(request)
    }

    fn invalidate(&self, rejected: &Authorization) {
        (**self).invalidate(rejected);
    }
}

impl<P: ProvideAuthorization + ?Sized> ProvideAuthorization for Box<P> {
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        (**self).authorization(request)
    }

    fn invalidate(&self, rejected: &Authorization) {
        (**self).invalidate(rejected);
    }
}

/// A cheaply cloneable handle to any strategy, for clients that are cloned per task.
///
/// Clones share the strategy and hence its cache: a bearer token fetched through one clone
/// serves all of them.
#[derive(Clone)]
pub struct SharedAuth(Arc<dyn ProvideAuthorization>);

impl SharedAuth {
    /// Wraps `provider`.
    pub fn new(provider: impl ProvideAuthorization + 'static) -> Self {
        Self(Arc::new(provider))
    }

    /// A handle that never sends credentials.
    pub fn none() -> Self {
        Self::new(NoCredentials)
    }
}

impl fmt::Debug for SharedAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedAuth").field(&self.0).finish()
    }
}

impl ProvideAuthorization for SharedAuth {
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        self.0.authorization(request)
    }

    fn invalidate(&self, rejected: &Authorization) {
        self.0.invalidate(rejected);
    }
}

impl From<Arc<dyn ProvideAuthorization>> for SharedAuth {
    fn from(provider: Arc<dyn ProvideAuthorization>) -> Self {
        Self(provider)
    }
}

impl From<NoCredentials> for SharedAuth {
    fn from(provider: NoCredentials) -> Self {
        Self::new(provider)
    }
}

impl<F, Fut> From<AuthFn<F>> for SharedAuth
where
    F: Fn(&RequestContext<'_>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Authorization>, Error>> + Send + 'static,
{
    fn from(provider: AuthFn<F>) -> Self {
        Self::new(provider)
    }
}

/// Sends every request without credentials, e.g. for uploads with an upload token only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoCredentials;

impl ProvideAuthorization for NoCredentials {
    fn authorization<'a>(&'a self, _request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        Box::pin(std::future::ready(Ok(None)))
    }
}

/// A strategy made from a closure; see [`auth_fn`].
#[derive(Clone)]
pub struct AuthFn<F> {
    f: F,
}

/// Makes a strategy from a closure that returns a future, so a credential from your own
/// vault or gateway can be plugged in without writing a type.
///
/// The future may not borrow the context; copy what you need from it first.
///
/// ```
/// use apivideo_auth::{auth_fn, Authorization, SharedAuth};
/// use secrecy::SecretString;
///
/// let auth = SharedAuth::from(auth_fn(|_ctx| async {
///     let token = SecretString::from("token-from-my-vault");
///     Authorization::bearer(&token).map(Some)
/// }));
/// ```
pub fn auth_fn<F, Fut>(f: F) -> AuthFn<F>
where
    F: Fn(&RequestContext<'_>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Option<Authorization>, Error>> + Send + 'static,
{
    AuthFn { f }
}

impl<F> fmt::Debug for AuthFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthFn")
    }
}

impl<F, Fut> ProvideAuthorization for AuthFn<F>
where
    F: Fn(&RequestContext<'_>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Option<Authorization>, Error>> + Send + 'static,
{
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        Box::pin((self.f)(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_free_requests_are_recognised() {
        let post = http::Method::POST;
        let get = http::Method::GET;
        let free =
            |m: &http::Method, url: &str| !RequestContext::new(m, url).requires_credentials();
        assert!(free(&post, "https://ws.api.video/auth/api-key"));
        assert!(free(&post, "https://ws.api.video/auth/refresh"));
        assert!(free(&post, "https://ws.api.video/upload?token=to1234"));
        assert!(!free(&post, "https://ws.api.video/upload"));
        assert!(!free(&post, "https://ws.api.video/upload?token="));
        assert!(!free(&get, "https://ws.api.video/auth/api-key"));
        assert!(!free(&post, "https://ws.api.video/videos"));
        assert!(!free(&get, "https://ws.api.video/videos?token=x"));
        assert!(!free(&post, "not a url"));
    }

    #[test]
    fn a_stated_requirement_wins_over_the_url() {
        let post = http::Method::POST;
        let stated = RequestContext::new(&post, "https://ws.api.video/auth/api-key")
            .with_credentials_required(true);
        assert!(stated.requires_credentials());
        let stated = RequestContext::new(&post, "https://ws.api.video/videos")
            .with_credentials_required(false);
        assert!(!stated.requires_credentials());
    }

    #[test]
    fn debug_hides_the_query() {
        let post = http::Method::POST;
        let ctx = RequestContext::new(&post, "https://ws.api.video/upload?token=to1secret")
            .with_operation_id("POST_upload");
        let debug = format!("{ctx:?}");
        assert!(!debug.contains("to1secret"), "{debug}");
        assert!(debug.contains("POST_upload"), "{debug}");
    }

    #[tokio::test]
    async fn no_credentials_gives_none() {
        let get = http::Method::GET;
        let ctx = RequestContext::new(&get, "https://ws.api.video/videos");
        assert_eq!(
            NoCredentials.authorization(&ctx).await.expect("infallible"),
            None
        );
        assert_eq!(
            SharedAuth::none()
                .authorization(&ctx)
                .await
                .expect("infallible"),
            None
        );
    }

    #[tokio::test]
    async fn auth_fn_is_called_per_request_and_shared() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let auth = SharedAuth::from(auth_fn(move |ctx| {
            counter.fetch_add(1, Ordering::SeqCst);
            let is_videos = ctx.url.ends_with("/videos");
            async move {
                if is_videos {
                    Authorization::bearer(&secrecy::SecretString::from("vault-token")).map(Some)
                } else {
                    Err(Error::custom(std::io::Error::other("vault sealed")))
                }
            }
        }));
        let get = http::Method::GET;
        let clone = auth.clone();
        let ok = clone
            .authorization(&RequestContext::new(&get, "https://ws.api.video/videos"))
            .await
            .expect("vault answers")
            .expect("a header");
        assert_eq!(ok.header_value(), "Bearer vault-token");
        let err = auth
            .authorization(&RequestContext::new(&get, "https://ws.api.video/other"))
            .await
            .expect_err("vault sealed");
        assert!(matches!(err, Error::Custom(_)), "{err:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(format!("{auth:?}"), "SharedAuth(AuthFn)");
    }
}
