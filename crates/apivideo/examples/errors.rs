//! What failures look like: an API error with everything the server said, input refused
//! before sending, missing credentials, and rate limiting.
//!
//! ```text
//! cargo run -p apivideo --example errors
//! ```

use apivideo::Error;
use apivideo::models::VideoCreationPayload;

mod report;
mod support;

use report::Report;

#[tokio::main]
async fn main() -> Result<(), Report> {
    let (client, _simulator) = support::client().await?;

    // The API says no: status, problem details, rate-limit headers, helpers.
    match client.videos().get("vi0000000000000000000000").await {
        Err(Error::Api(api)) => {
            println!("API error: {api}");
            println!("  status {}, not found: {}", api.status, api.is_not_found());
            println!(
                "  type {:?}, title {:?}",
                api.problem.r#type, api.problem.title
            );
            println!("  rate limit: {:?}", api.rate_limit);
        }
        other => println!("unexpected: {other:?}"),
    }

    // Refused before anything is sent.
    match client
        .videos()
        .create(VideoCreationPayload::new("  "))
        .await
    {
        Err(Error::InvalidInput { argument, reason }) => println!("invalid `{argument}`: {reason}"),
        other => println!("unexpected: {other:?}"),
    }
    match client
        .videos()
        .pick_thumbnail("vi0000000000000000000000", "1:02")
        .await
    {
        Err(error @ Error::InvalidInput { .. }) => println!("{error}"),
        other => println!("unexpected: {other:?}"),
    }

    // A client without a key can only upload with an upload token.
    let anonymous = apivideo::Client::builder()
        .base_url(client.base_url())
        .anonymous()
        .build()?;
    match anonymous.videos().list().await {
        Err(Error::Credentials(error)) => println!("credentials: {error}"),
        other => println!("unexpected: {other:?}"),
    }

    // Every error can say whether waiting would help.
    if let Err(error) = client.videos().get("vi0000000000000000000000").await {
        println!(
            "rate limited: {}, retry after: {:?}",
            error.is_rate_limited(),
            error.retry_after()
        );
    }
    Ok(())
}
