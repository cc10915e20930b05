//! Lists videos: one page with filters and sorting, then what the page says about the
//! rest.
//!
//! ```text
//! cargo run -p apivideo --example list
//! ```

use apivideo::SortOrder;
use apivideo::models::VideoCreationPayload;
use apivideo::types::ListVideosSortBy;

mod report;
mod support;

use report::Report;

#[tokio::main]
async fn main() -> Result<(), Report> {
    let (client, simulator) = support::client().await?;
    if simulator.is_some() {
        for title in ["Keynote", "Workshop: Rust", "Interview", "Keynote (replay)"] {
            let payload = VideoCreationPayload::new(title)
                .tags(["event"])
                .metadata([("Author", "John Doe")]);
            client.videos().create(payload).await?;
        }
    }

    let page = client
        .videos()
        .list()
        .title("Keynote")
        .tag("event")
        .sort_by(ListVideosSortBy::CreatedAt)
        .sort_order(SortOrder::Desc)
        .page_size(10)
        .await?;
    println!(
        "page {} of {}, {} of {} matching videos:",
        page.current_page(),
        page.pages_total().unwrap_or(1),
        page.items.len(),
        page.items_total().unwrap_or(page.items.len() as i64)
    );
    for video in &page.items {
        println!(
            "  {}  {}",
            video.video_id,
            video.title.as_deref().unwrap_or("(untitled)")
        );
    }
    Ok(())
}
