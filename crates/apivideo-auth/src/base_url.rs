//! The API's base URLs, and checking one once, up front: the one place where the SDK
//! decides what a usable base URL is.

use url::Url;

use crate::error::Error;

/// api.video's production API.
pub const PRODUCTION_BASE_URL: &str = "https://ws.api.video";
/// api.video's sandbox API: same API, test data, watermarked videos.
pub const SANDBOX_BASE_URL: &str = "https://sandbox.api.video";

/// Parses a base URL such as `https://ws.api.video` or `http://127.0.0.1:8080/prefix`.
///
/// Refused: other schemes than http and https (a typo like `ws.api.video` without scheme
/// would otherwise become a relative path), embedded user names or passwords (they would be
/// sent along), and queries or fragments (they would be lost or misapplied when paths are
/// appended).
///
/// ```
/// use apivideo_auth::base_url::parse_base_url;
///
/// assert_eq!(parse_base_url("https://ws.api.video/")?.as_str(), "https://ws.api.video/");
/// assert!(parse_base_url("ws.api.video").is_err());
/// # Ok::<(), apivideo_auth::Error>(())
/// ```
pub fn parse_base_url(base_url: &str) -> Result<Url, Error> {
    let url = Url::parse(base_url.trim()).map_err(|e| Error::InvalidBaseUrl {
        // url's messages are fixed phrases such as "relative URL without a base".
        reason: e.to_string(),
    })?;
    let invalid = |reason: &str| {
        Err(Error::InvalidBaseUrl {
            reason: reason.to_owned(),
        })
    };
    if !matches!(url.scheme(), "http" | "https") {
        return invalid("only http and https URLs are supported");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return invalid("the URL has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return invalid("the URL must not contain a user name or password");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return invalid("the URL must not have a query or a fragment");
    }
    Ok(url)
}

/// Whether `url` goes to this machine (`localhost`, `127.0.0.0/8`, `::1`), where plain
/// `http` exposes nothing on a network: a local simulator or test server.
///
/// ```
/// use apivideo_auth::base_url::{is_loopback, parse_base_url};
///
/// assert!(is_loopback(&parse_base_url("http://127.0.0.1:8080")?));
/// assert!(is_loopback(&parse_base_url("http://[::1]:8080")?));
/// assert!(is_loopback(&parse_base_url("http://localhost")?));
/// assert!(!is_loopback(&parse_base_url("http://ws.api.video")?));
/// # Ok::<(), apivideo_auth::Error>(())
/// ```
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Refuses plain `http` except to a loopback host (see [`is_loopback`]), unless
/// `allow_insecure` is set: over a network, `http` would expose the API key, tokens and
/// every upload to whoever is on the path.
pub fn check_transport(url: &Url, allow_insecure: bool) -> Result<(), Error> {
    if url.scheme() == "https" || allow_insecure || is_loopback(url) {
        return Ok(());
    }
    Err(Error::InvalidBaseUrl {
        reason: format!(
            "plain http to {} would send credentials unencrypted; use https, a loopback \
             host, or opt in to insecure http explicitly",
            url.host_str().unwrap_or_default()
        ),
    })
}

/// `base` with `segments` appended to its path, whether or not it ends in a slash.
#[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
pub(crate) fn join(base: &Url, segments: &[&str]) -> Result<Url, Error> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| Error::InvalidBaseUrl {
            reason: "the URL cannot have a path".to_owned(),
        })?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_api_hosts_and_local_servers() {
        for ok in [
            PRODUCTION_BASE_URL,
            SANDBOX_BASE_URL,
            "http://127.0.0.1:8080",
            "https://x/p/",
        ] {
            assert!(parse_base_url(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_unusable_urls() {
        for bad in [
            "ws.api.video",
            "ftp://ws.api.video",
            "https://user:pw@ws.api.video",
            "https://ws.api.video?x=1",
            "https://ws.api.video#f",
            "",
        ] {
            let result = parse_base_url(bad);
            assert!(
                matches!(result, Err(Error::InvalidBaseUrl { .. })),
                "{bad}: {result:?}"
            );
        }
    }

    #[test]
    fn plain_http_is_only_for_loopback_unless_allowed() {
        for ok in [
            "https://ws.api.video",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9",
            "http://LOCALHOST:3000",
        ] {
            let url = parse_base_url(ok).expect("valid");
            assert!(check_transport(&url, false).is_ok(), "{ok}");
        }
        for insecure in [
            "http://ws.api.video",
            "http://10.0.0.1",
            "http://[::2]",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
        ] {
            let url = parse_base_url(insecure).expect("valid");
            let error = check_transport(&url, false).expect_err(insecure);
            assert!(error.to_string().contains("insecure http"), "{error}");
            assert!(check_transport(&url, true).is_ok(), "{insecure}");
        }
    }

    #[test]
    fn join_appends_segments_with_or_without_trailing_slash() {
        for base in ["https://ws.api.video", "https://ws.api.video/"] {
            let url = join(&parse_base_url(base).expect("valid"), &["auth", "api-key"]);
            assert_eq!(
                url.expect("joinable").as_str(),
                "https://ws.api.video/auth/api-key"
            );
        }
        let prefixed = parse_base_url("http://127.0.0.1:9/proxy/").expect("valid");
        let url = join(&prefixed, &["auth", "refresh"]).expect("joinable");
        assert_eq!(url.as_str(), "http://127.0.0.1:9/proxy/auth/refresh");
    }
}
