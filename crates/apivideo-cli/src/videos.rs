//! `apivideo videos ...`: list (every page), get, delete, status.

use apivideo::models::{Video, VideoStatus};
use apivideo::types::ListVideosSortBy;
use apivideo::{Client, SortOrder};
use futures_util::TryStreamExt as _;

use crate::args::{Global, VideosCommand, VideosListArgs};
use crate::failure::{self, Failure};
use crate::output;

/// Runs `apivideo videos ...`.
pub async fn run(global: &Global, command: VideosCommand) -> Result<(), Failure> {
    let client = crate::connect::client(global)?;
    match command {
        VideosCommand::List(args) => list(&client, args).await,
        VideosCommand::Get { id, json } => {
            let video = client.videos().get(&id).await?;
            if json {
                output::json_line(&video);
            } else {
                show(&video);
            }
            Ok(())
        }
        VideosCommand::Delete { ids } => delete(&client, &ids).await,
        VideosCommand::Status { id, wait, json } => {
            let status = if wait {
                eprintln!("apivideo: waiting until {id} is playable…");
                client.videos().wait_until_playable(&id).await?
            } else {
                client.videos().status(&id).await?
            };
            if json {
                output::json_line(&status);
            } else {
                show_status(&id, &status);
            }
            Ok(())
        }
    }
}

async fn list(client: &Client, args: VideosListArgs) -> Result<(), Failure> {
    // Asked for, since api.video documents no default order.
    let mut request = client
        .videos()
        .list()
        .sort_by(ListVideosSortBy::CreatedAt)
        .sort_order(SortOrder::Desc)
        .page_size(100);
    if !args.tags.is_empty() {
        request = request.tags(args.tags);
    }
    if let Some(title) = args.title {
        request = request.title(title);
    }
    for (key, value) in args.metadata {
        request = request.metadata(key, value);
    }
    let limit = args.limit.unwrap_or(u64::MAX);
    let mut videos = request.stream();
    let mut shown = 0u64;
    if !args.json {
        output::line(&row("VIDEO ID", "CREATED", "PUBLIC", "TITLE"));
    }
    while shown < limit {
        let Some(video) = videos.try_next().await? else {
            break;
        };
        shown += 1;
        if args.json {
            output::json_line(&video);
        } else {
            let created = video
                .created_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            let public = match video.public {
                Some(false) => "no",
                _ => "yes",
            };
            output::line(&row(
                &video.video_id,
                &created,
                public,
                video.title.as_deref().unwrap_or(""),
            ));
        }
    }
    if !args.json {
        eprintln!(
            "apivideo: {shown} video{}",
            if shown == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

fn row(id: &str, created: &str, public: &str, title: &str) -> String {
    format!("{id:<26} {created:<16}  {public:<6}  {title}")
}

fn show(video: &Video) {
    let mut lines = vec![format!("video id:    {}", video.video_id)];
    let mut add = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            lines.push(format!("{label:<12} {value}"));
        }
    };
    add("title:", video.title.clone());
    add("description:", video.description.clone());
    add("created:", video.created_at.map(|t| t.to_rfc3339()));
    add(
        "public:",
        video
            .public
            .map(|p| if p { "yes" } else { "no" }.to_owned()),
    );
    add("tags:", Some(video.tags.join(", ")));
    add(
        "metadata:",
        Some(
            video
                .metadata
                .iter()
                .map(|m| {
                    format!(
                        "{}={}",
                        m.key.as_deref().unwrap_or(""),
                        m.value.as_deref().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    if let Some(assets) = &video.assets {
        add("player:", assets.player.clone());
        add("hls:", assets.hls.clone());
        add("mp4:", assets.mp4.clone());
        add("thumbnail:", assets.thumbnail.clone());
    }
    for line in lines {
        output::line(&line);
    }
}

fn show_status(id: &str, status: &VideoStatus) {
    output::line(&format!("video id:  {id}"));
    if let Some(ingest) = &status.ingest {
        let state = ingest.status.as_ref().map_or("unknown", |s| s.as_str());
        let mut line = format!("ingest:    {state}");
        if let Some(size) = ingest.filesize.and_then(|s| u64::try_from(s).ok()) {
            line.push_str(&format!(" ({})", output::size(size)));
        }
        output::line(&line);
    }
    if let Some(encoding) = &status.encoding {
        let playable = encoding.playable == Some(true);
        output::line(&format!(
            "playable:  {}",
            if playable { "yes" } else { "no" }
        ));
        let qualities: Vec<String> = encoding
            .qualities
            .iter()
            .map(|q| {
                format!(
                    "{} {} {}",
                    q.r#type.as_ref().map_or("?", |t| t.as_str()),
                    q.quality.as_ref().map_or("?", |r| r.as_str()),
                    q.status.as_ref().map_or("?", |s| s.as_str())
                )
            })
            .collect();
        if !qualities.is_empty() {
            output::line(&format!("renditions: {}", qualities.join(", ")));
        }
    }
}

async fn delete(client: &Client, ids: &[String]) -> Result<(), Failure> {
    let mut failures: Vec<(String, Failure)> = Vec::new();
    for id in ids {
        match client.videos().delete(id).await {
            Ok(()) => output::line(&format!("deleted {id}")),
            Err(error) => failures.push((id.clone(), Failure::from(error))),
        }
    }
    if failures.is_empty() {
        return Ok(());
    }
    let mut failure = Failure::failed(format!(
        "{} of {} video{} not deleted",
        failures.len(),
        ids.len(),
        if ids.len() == 1 { "" } else { "s" }
    ));
    for (id, error) in failures {
        for (i, line) in error.lines.iter().enumerate() {
            failure = failure.line(if i == 0 {
                format!("{id}: {line}")
            } else {
                format!("    {line}")
            });
        }
        if error.code == failure::USAGE {
            failure.code = failure::USAGE;
        }
    }
    Err(failure)
}
