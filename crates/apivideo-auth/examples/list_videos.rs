//! Lists your videos with nothing but this crate and plain reqwest.
//!
//! ```sh
//! APIVIDEO_API_KEY=... cargo run -p apivideo-auth --example list_videos
//! ```
//!
//! Uses the sandbox unless `APIVIDEO_BASE_URL` says otherwise.

use apivideo_auth::{
    ApiKey, BearerToken, ProvideAuthorization, RequestContext, SANDBOX_BASE_URL, http,
    scoped_to_origin,
};
use url::Url;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The message, then each cause once: an error returned from `main` would be
            // printed with `Debug`.
            eprintln!("error: {error}");
            let mut cause = error.source();
            while let Some(inner) = cause {
                eprintln!("  caused by: {inner}");
                cause = inner.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let base = std::env::var("APIVIDEO_BASE_URL").unwrap_or_else(|_| SANDBOX_BASE_URL.to_owned());
    let base = base.trim_end_matches('/');
    // Scoped so that the token is never sent to a URL on another origin, such as a CDN
    // asset or a redirect target.
    let auth = scoped_to_origin(BearerToken::new(ApiKey::from_env()?, base)?, base)?;
    let http = reqwest::Client::new();

    let mut url = Url::parse(&format!("{base}/videos?pageSize=100"))?;
    loop {
        let page = get_json(&http, &auth, url.as_str()).await?;
        for video in page["data"].as_array().into_iter().flatten() {
            let id = video["videoId"].as_str().unwrap_or("?");
            let title = video["title"].as_str().unwrap_or("(untitled)");
            println!("{id}  {title}");
        }
        // Follow the link marked "next", if any. Its `uri` is an absolute URL in
        // api.video's answers (`https://ws.api.video/videos?currentPage=2&pageSize=100`)
        // and a path in some of its docs (`/videos?currentPage=2`): joining it to the
        // URL just read handles both.
        let next = page["pagination"]["links"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|link| link["rel"] == "next")
            .and_then(|link| link["uri"].as_str());
        match next {
            Some(uri) => url = url.join(uri)?,
            None => return Ok(()),
        }
    }
}

/// GET with credentials; on a 401 the token is reported as rejected and the request is
/// tried once more with a new one.
async fn get_json(
    http: &reqwest::Client,
    auth: &impl ProvideAuthorization,
    url: &str,
) -> Result<serde_json::Value, BoxError> {
    let get = http::Method::GET;
    let context = RequestContext::new(&get, url);
    for _attempt in 0..2 {
        let header = auth.authorization(&context).await?;
        let mut request = http.get(url);
        if let Some(header) = &header {
            request = request.header(http::header::AUTHORIZATION, header.header_value().clone());
        }
        let response = request.send().await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            if let Some(header) = &header {
                auth.invalidate(header);
            }
            continue;
        }
        return Ok(response.error_for_status()?.json().await?);
    }
    Err("api.video refused a freshly issued token".into())
}
