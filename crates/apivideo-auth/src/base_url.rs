//! Checking the API base URL once, up front.

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
pub(crate) fn parse_base_url(base_url: &str) -> Result<Url, Error> {
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
