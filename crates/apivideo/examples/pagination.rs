//! Walks every video across pages with a stream; pages are fetched only as they are
//! needed.
//!
//! ```text
//! cargo run -p apivideo --example pagination
//! ```

use apivideo::models::VideoCreationPayload;
use apivideo::prelude::*; // StreamExt::take, TryStreamExt::{try_next, try_collect}

mod report;
mod support;

use report::Report;

#[tokio::main]
async fn main() -> Result<(), Report> {
    let (client, simulator) = support::client().await?;
    if simulator.is_some() {
        for n in 0..57 {
            let payload = VideoCreationPayload::new(format!("Episode {n}")).tags(["series"]);
            client.videos().create(payload).await?;
        }
    }

    // The first 30 items: two pages of 25 are fetched, the rest never is.
    let first: Vec<_> = client
        .videos()
        .list()
        .tag("series")
        .stream()
        .take(30)
        .try_collect()
        .await?;
    println!(
        "first {} episodes, starting with {:?}",
        first.len(),
        first.first().and_then(|v| v.title.clone())
    );

    // Everything, 10 per page, counting as it goes.
    let mut stream = client.videos().list().tag("series").page_size(10).stream();
    let mut total = 0;
    while let Some(video) = stream.try_next().await? {
        total += 1;
        if total % 20 == 0 {
            println!("  ... {total} so far ({})", video.video_id);
        }
    }
    println!("{total} episodes in all");
    Ok(())
}
