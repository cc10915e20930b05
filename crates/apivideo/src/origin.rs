//! The `AV-Origin-*` headers api.video uses to know which integration sent a request.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::error::{Error, Result};

/// An application or SDK name and version, validated as api.video requires:
/// name `^[\w-]{1,50}$`, version `^\d{1,3}(\.\d{1,3}(\.\d{1,3})?)?$`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    name: String,
    version: String,
}

impl Origin {
    pub(crate) fn new(setting: &'static str, name: &str, version: &str) -> Result<Self> {
        let name_ok = (1..=50).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !name_ok {
            return Err(Error::Config {
                setting,
                reason: format!("the name {name:?} must be 1 to 50 letters, digits, `_` or `-`"),
            });
        }
        let parts: Vec<&str> = version.split('.').collect();
        let version_ok = parts.len() <= 3
            && parts
                .iter()
                .all(|p| (1..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
        if !version_ok {
            return Err(Error::Config {
                setting,
                reason: format!(
                    "the version {version:?} must be 1 to 3 dot-separated numbers of up to 3 \
                     digits, such as 1.2.3"
                ),
            });
        }
        Ok(Self {
            name: name.to_owned(),
            version: version.to_owned(),
        })
    }

    fn header_value(&self) -> HeaderValue {
        // Validated above: ASCII letters, digits, `_`, `-`, `.` and `:` only.
        HeaderValue::from_str(&format!("{}:{}", self.name, self.version))
            .unwrap_or_else(|_| HeaderValue::from_static("invalid"))
    }
}

/// The headers every request carries.
pub(crate) fn headers(application: Option<&Origin>, sdk: Option<&Origin>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_static("av-origin-client"),
        HeaderValue::from_static(concat!("rust:", env!("CARGO_PKG_VERSION"))),
    );
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("apivideo-rs/", env!("CARGO_PKG_VERSION"))),
    );
    if let Some(app) = application {
        headers.insert(HeaderName::from_static("av-origin-app"), app.header_value());
    }
    if let Some(sdk) = sdk {
        headers.insert(HeaderName::from_static("av-origin-sdk"), sdk.header_value());
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_versions_follow_the_api_rules() {
        assert!(Origin::new("application", "my-app_2", "1.2.3").is_ok());
        assert!(Origin::new("application", "a", "1").is_ok());
        assert!(Origin::new("application", &"x".repeat(50), "999.999.999").is_ok());
        assert!(Origin::new("application", &"x".repeat(51), "1").is_err());
        assert!(Origin::new("application", "", "1").is_err());
        assert!(Origin::new("application", "my app", "1").is_err());
        assert!(Origin::new("application", "my:app", "1").is_err());
        assert!(Origin::new("application", "app", "").is_err());
        assert!(Origin::new("application", "app", "1.2.3.4").is_err());
        assert!(Origin::new("application", "app", "1000").is_err());
        assert!(Origin::new("application", "app", "1.x").is_err());
        assert!(Origin::new("application", "app", "1..2").is_err());
        let error = Origin::new("sdk", "bad name", "1").unwrap_err();
        assert!(error.to_string().contains("`sdk`"), "{error}");
    }

    #[test]
    fn headers_name_the_crate_and_the_integrations() {
        let app = Origin::new("application", "shop", "2.1").unwrap();
        let headers = headers(Some(&app), None);
        assert_eq!(
            headers["av-origin-client"],
            concat!("rust:", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(headers["av-origin-app"], "shop:2.1");
        assert!(headers.get("av-origin-sdk").is_none());
        assert!(
            headers[USER_AGENT]
                .to_str()
                .unwrap()
                .starts_with("apivideo-rs/")
        );
    }
}
