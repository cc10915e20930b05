//! The crypto provider a program installs before ours stays: `install_crypto_provider`
//! never replaces it and never fails because of it. In a file of its own, because the
//! provider is process-wide.

#![cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]

use rustls::crypto::{CryptoProvider, ring};

#[test]
fn a_provider_installed_first_is_kept() {
    assert!(
        CryptoProvider::get_default().is_none(),
        "nothing installed yet"
    );
    // Yours: ring with a single cipher suite, so it can be told from ours.
    let yours = CryptoProvider {
        cipher_suites: vec![ring::cipher_suite::TLS13_AES_128_GCM_SHA256],
        ..ring::default_provider()
    };
    yours.install_default().expect("first install");

    apivideo_auth::install_crypto_provider();
    let token = apivideo_auth::BearerToken::new(
        apivideo_auth::ApiKey::new("a-test-key").expect("key"),
        "https://ws.api.video",
    );
    assert!(token.is_ok());

    let current = CryptoProvider::get_default().expect("installed");
    assert_eq!(
        current.cipher_suites.len(),
        1,
        "our provider replaced yours"
    );
    reqwest::Client::builder().build().expect("client");
}
