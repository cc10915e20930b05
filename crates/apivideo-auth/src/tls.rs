//! The rustls crypto provider that reqwest needs with the `rustls` feature.
//!
//! reqwest's own `rustls` feature brings the `aws-lc-rs` provider, whose C library is the
//! longest part of a first build. Our `rustls` feature takes reqwest's
//! `rustls-no-provider` instead and the `ring` provider; reqwest then finds its provider
//! in rustls's process-wide default, which must be installed before any `reqwest::Client`
//! is built, or reqwest panics. [`install_crypto_provider`] does that, and every place of
//! these crates that builds a reqwest client, or comes before one, calls it.

/// Makes sure rustls has a process-wide crypto provider, so that `reqwest::Client`s
/// (ours and yours) can be built.
///
/// With the `rustls` feature (the default) and without `rustls-aws-lc`, installs the
/// `ring` provider as rustls's process default, unless one is installed already: a
/// provider you install first is kept. Otherwise it does nothing: reqwest brings
/// `aws-lc-rs` itself (`rustls-aws-lc`), or uses no rustls at all (`native-tls`, no TLS).
///
/// [`BearerToken::new`](crate::BearerToken::new) calls it, as do `apivideo_api::Context`
/// and `apivideo::Client::builder`. Call it yourself if your program builds a
/// `reqwest::Client` before any of those and has no crypto provider of its own. Calling
/// it again costs an atomic load.
///
/// ```
/// apivideo_auth::install_crypto_provider();
/// # #[cfg(feature = "reqwest")]
/// let http = reqwest::Client::new(); // would panic without a provider
/// ```
pub fn install_crypto_provider() {
    #[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err means another thread installed one in between: that one stays, which is
        // just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]
    fn installs_a_default_provider_and_keeps_it() {
        use rustls::crypto::CryptoProvider;

        super::install_crypto_provider();
        let first = CryptoProvider::get_default().expect("installed").clone();
        super::install_crypto_provider();
        let second = CryptoProvider::get_default().expect("still installed");
        assert!(std::sync::Arc::ptr_eq(&first, second), "replaced");
    }

    #[test]
    #[cfg(feature = "reqwest")]
    fn a_reqwest_client_builds_afterwards() {
        super::install_crypto_provider();
        reqwest::Client::builder().build().expect("client");
    }
}
