//! Keeping credentials on the API's own origin.

use std::fmt;

use url::{Origin, Url};

use crate::authorization::Authorization;
use crate::base_url::parse_base_url;
use crate::error::Error;
use crate::provider::{AuthFuture, ProvideAuthorization, RequestContext, SharedAuth};

/// Wraps a strategy so that credentials go only to the API's origin (scheme, host and
/// port).
///
/// Clients also fetch URLs the API hands out (CDN assets, upload URLs, redirect targets);
/// those must never receive the API key or a token. For any other origin, or a URL that does
/// not parse, this returns `Ok(None)` without asking the inner strategy.
///
/// ```
/// use apivideo_auth::{scoped_to_origin, ApiKey, Basic, ProvideAuthorization, RequestContext};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), apivideo_auth::Error> {
/// let auth = scoped_to_origin(Basic::new(ApiKey::new("abc123")?), "https://ws.api.video")?;
/// let get = http::Method::GET;
/// let cdn = RequestContext::new(&get, "https://vod.api.video/vod/vi123/mp4/source.mp4");
/// assert!(auth.authorization(&cdn).await?.is_none());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ScopedToOrigin<P> {
    inner: P,
    origin: Origin,
}

/// Shorthand for [`ScopedToOrigin::new`].
pub fn scoped_to_origin<P: ProvideAuthorization>(
    provider: P,
    base_url: &str,
) -> Result<ScopedToOrigin<P>, Error> {
    ScopedToOrigin::new(provider, base_url)
}

impl<P: ProvideAuthorization> ScopedToOrigin<P> {
    /// Limits `provider` to the origin of `base_url` (http or https).
    pub fn new(provider: P, base_url: &str) -> Result<Self, Error> {
        let origin = parse_base_url(base_url)?.origin();
        Ok(Self {
            inner: provider,
            origin,
        })
    }

    /// The wrapped strategy.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// The origin credentials are limited to, e.g. `https://ws.api.video`.
    pub fn origin(&self) -> String {
        self.origin.ascii_serialization()
    }

    fn in_scope(&self, url: &str) -> bool {
        match Url::parse(url) {
            Ok(url) if url.origin() == self.origin => true,
            Ok(url) => {
                // The origin only: the full URL may carry an upload token in its query.
                tracing::debug!(
                    request_origin = %url.origin().ascii_serialization(),
                    api_origin = %self.origin.ascii_serialization(),
                    "request outside the API origin; sending no credentials"
                );
                false
            }
            Err(_) => {
                tracing::debug!("request URL does not parse; sending no credentials");
                false
            }
        }
    }
}

impl<P: fmt::Debug> fmt::Debug for ScopedToOrigin<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedToOrigin")
            .field("origin", &self.origin.ascii_serialization())
            .field("inner", &self.inner)
            .finish()
    }
}

impl<P: ProvideAuthorization> ProvideAuthorization for ScopedToOrigin<P> {
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        if self.in_scope(request.url) {
            self.inner.authorization(request)
        } else {
            Box::pin(std::future::ready(Ok(None)))
        }
    }

    fn invalidate(&self, rejected: &Authorization) {
        self.inner.invalidate(rejected);
    }
}

impl<P: ProvideAuthorization + 'static> From<ScopedToOrigin<P>> for SharedAuth {
    fn from(provider: ScopedToOrigin<P>) -> Self {
        SharedAuth::new(provider)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use secrecy::SecretString;

    use super::*;
    use crate::{AccessToken, ApiKey, Basic, BearerToken, TokenEndpoint, TokenFuture};

    async fn header_for(auth: &impl ProvideAuthorization, url: &str) -> Option<Authorization> {
        let get = http::Method::GET;
        auth.authorization(&RequestContext::new(&get, url))
            .await
            .expect("infallible")
    }

    #[tokio::test]
    async fn credentials_only_for_the_api_origin() {
        let basic = Basic::new(ApiKey::new("abc123").expect("valid"));
        let auth = scoped_to_origin(basic, "https://ws.api.video").expect("valid base");
        assert!(
            header_for(&auth, "https://ws.api.video/videos")
                .await
                .is_some()
        );
        assert!(
            header_for(&auth, "https://WS.api.video:443/videos?x=1")
                .await
                .is_some()
        );
        for other in [
            "https://vod.api.video/vod/vi1/mp4/source.mp4",
            "http://ws.api.video/videos",
            "https://ws.api.video:8443/videos",
            "https://ws.api.video.evil.example/videos",
            "https://evil.example/https://ws.api.video/videos",
            "/videos",
            "not a url",
        ] {
            assert!(header_for(&auth, other).await.is_none(), "{other}");
        }
        assert_eq!(auth.origin(), "https://ws.api.video");
    }

    #[tokio::test]
    async fn ports_are_part_of_the_origin() {
        let basic = Basic::new(ApiKey::new("abc123").expect("valid"));
        let auth = scoped_to_origin(basic, "http://127.0.0.1:8080/").expect("valid base");
        assert!(
            header_for(&auth, "http://127.0.0.1:8080/videos")
                .await
                .is_some()
        );
        assert!(
            header_for(&auth, "http://127.0.0.1:8081/videos")
                .await
                .is_none()
        );
        assert!(
            header_for(&auth, "http://localhost:8080/videos")
                .await
                .is_none()
        );
        let debug = format!("{auth:?}");
        assert!(
            debug.contains("127.0.0.1:8080") && !debug.contains("YWJj"),
            "{debug}"
        );
    }

    /// Issues `token-1`, `token-2`, ... for the key, counting the requests.
    #[derive(Debug)]
    struct Issuer(Arc<AtomicUsize>);

    impl TokenEndpoint for Issuer {
        fn authenticate<'a>(&'a self, _key: &'a ApiKey) -> TokenFuture<'a> {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(std::future::ready(Ok(AccessToken {
                token_type: "Bearer".to_owned(),
                expires_in: Duration::from_secs(3600),
                access_token: SecretString::from(format!("token-{n}")),
                refresh_token: SecretString::from(format!("refresh-{n}")),
            })))
        }

        fn refresh<'a>(&'a self, _refresh_token: &'a SecretString) -> TokenFuture<'a> {
            panic!("an hour-long token is not refreshed in this test")
        }
    }

    /// A 401 reported to the wrapper reaches the wrapped strategy: a bearer token scoped to
    /// the API's origin (the crate's example) drops the refused token and fetches another.
    #[tokio::test]
    async fn invalidation_reaches_the_wrapped_strategy() {
        let issued = Arc::new(AtomicUsize::new(0));
        let bearer = BearerToken::builder(
            ApiKey::new("abc123").expect("valid"),
            Issuer(Arc::clone(&issued)),
        )
        .build();
        let auth = scoped_to_origin(bearer, "https://ws.api.video").expect("valid base");
        let url = "https://ws.api.video/videos";
        let first = header_for(&auth, url).await.expect("a header");
        assert_eq!(
            header_for(&auth, url).await.as_ref(),
            Some(&first),
            "cached"
        );
        auth.invalidate(&first);
        let second = header_for(&auth, url).await.expect("a header");
        assert_eq!(second.header_value(), "Bearer token-2");
        assert_eq!(issued.load(Ordering::SeqCst), 2);
    }
}
