//! HTTP Basic with the API key.

use std::fmt;

use crate::authorization::Authorization;
use crate::key::ApiKey;
use crate::provider::{AuthFuture, ProvideAuthorization, RequestContext, SharedAuth};

/// Sends the API key with every request as `Authorization: Basic base64("<key>:")`.
///
/// The simplest strategy: no token calls, no state. The price is that the long-lived key
/// travels with every request; [`BearerToken`](crate::BearerToken) sends it only once an
/// hour. Requests that need no credentials (see
/// [`RequestContext::requires_credentials`]) get none.
#[derive(Clone)]
pub struct Basic {
    header: Authorization,
}

impl Basic {
    /// Computes the header once, so requests only clone it.
    pub fn new(key: ApiKey) -> Self {
        Self {
            header: Authorization::basic(&key),
        }
    }

    /// The header this strategy sends.
    pub fn header(&self) -> &Authorization {
        &self.header
    }
}

impl fmt::Debug for Basic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Basic")
            .field("header", &self.header)
            .finish()
    }
}

impl ProvideAuthorization for Basic {
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        let header = request.requires_credentials().then(|| self.header.clone());
        Box::pin(std::future::ready(Ok(header)))
    }
}

impl From<Basic> for SharedAuth {
    fn from(provider: Basic) -> Self {
        SharedAuth::new(provider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sends_the_exact_basic_header() {
        let basic = Basic::new(ApiKey::new("abc123").expect("valid"));
        let get = http::Method::GET;
        let ctx = RequestContext::new(&get, "https://ws.api.video/videos");
        let header = basic
            .authorization(&ctx)
            .await
            .expect("infallible")
            .expect("a header");
        assert_eq!(header.header_value(), "Basic YWJjMTIzOg==");
        assert_eq!(&header, basic.header());

        let post = http::Method::POST;
        let upload = RequestContext::new(&post, "https://ws.api.video/upload?token=to1");
        assert_eq!(
            basic.authorization(&upload).await.expect("infallible"),
            None
        );
    }

    #[test]
    fn debug_shows_no_key() {
        let basic = Basic::new(ApiKey::new("abc123").expect("valid"));
        let debug = format!("{basic:?} {:?}", SharedAuth::from(basic.clone()));
        assert!(
            !debug.contains("abc123") && !debug.contains("YWJjMTIz"),
            "{debug}"
        );
        assert!(debug.contains("Basic"), "{debug}");
    }
}
