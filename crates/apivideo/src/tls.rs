//! What [`ClientBuilder::build`](crate::ClientBuilder::build) needs from the TLS features:
//! a crypto provider for rustls, and a TLS backend at all when the base URL is `https`.

use crate::error::{Error, Result};

/// Whether this build can speak TLS: one of the TLS features is on.
pub(crate) const TLS: bool = cfg!(any(
    feature = "rustls",
    feature = "rustls-aws-lc",
    feature = "native-tls"
));

/// Gets the process ready for the client `build` is about to make, and refuses an
/// `https` base URL up front when no TLS backend was compiled in (reqwest would only fail
/// on the first request, with a less helpful message).
pub(crate) fn prepare(base_url: &str) -> Result<()> {
    apivideo_auth::install_crypto_provider();
    check_scheme(base_url).map_err(|reason| Error::Config {
        setting: "base_url",
        reason,
    })
}

/// Refuses `https` URLs when no TLS feature is on; everything else passes.
fn check_scheme(base_url: &str) -> std::result::Result<(), String> {
    let https = base_url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    if https && !TLS {
        return Err(format!(
            "{base_url:?} needs TLS, and apivideo was built without it: enable one of its \
             features `rustls` (the default), `rustls-aws-lc` or `native-tls`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_needs_no_tls() {
        assert_eq!(check_scheme("http://127.0.0.1:8080"), Ok(()));
    }

    #[test]
    #[cfg(any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls"))]
    fn https_is_accepted_and_reqwest_clients_build_afterwards() {
        assert_eq!(check_scheme("https://ws.api.video"), Ok(()));
        let client = crate::Client::builder().api_key("a-test-key").build();
        assert_eq!(client.expect("built").base_url(), crate::PRODUCTION);
        // A client of the user's own, after ours: the provider is in place.
        reqwest::Client::builder().build().expect("reqwest client");
    }

    #[test]
    #[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]
    fn build_installs_the_ring_provider() {
        crate::Client::builder()
            .api_key("a-test-key")
            .build()
            .expect("built");
        let provider = rustls::crypto::CryptoProvider::get_default().expect("installed");
        let ring = rustls::crypto::ring::default_provider();
        assert_eq!(
            format!("{:?}", provider.key_provider),
            format!("{:?}", ring.key_provider)
        );
    }

    /// Runs in CI's feature-matrix job (`--no-default-features`).
    #[test]
    #[cfg(not(any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls")))]
    fn without_tls_https_fails_at_build_with_the_features_to_enable() {
        let err = crate::Client::builder()
            .api_key("a-test-key")
            .build()
            .expect_err("https without TLS");
        let message = err.to_string();
        assert!(
            matches!(
                err,
                Error::Config {
                    setting: "base_url",
                    ..
                }
            ),
            "{err:?}"
        );
        for needed in [
            "needs TLS",
            "`rustls`",
            "`native-tls`",
            "https://ws.api.video",
        ] {
            assert!(
                message.contains(needed),
                "{needed:?} missing from: {message}"
            );
        }
        crate::Client::builder()
            .api_key("a-test-key")
            .base_url("http://127.0.0.1:8080")
            .build()
            .expect("plain http works without TLS");
    }
}
