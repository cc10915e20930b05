//! Live streams, their thumbnails, and simulated broadcasts.

use std::sync::Arc;
use std::time::Duration;

use apivideo_api::models::{self, WebhookEvent};
use http::StatusCode;
use tokio::time::Instant;

use crate::events;
use crate::http::{self as h, HandlerResult, Problem, Req};
use crate::state::{IngestKind, LiveRec, Shared, State, VideoRec, new_id, now, uuid};

/// How long `PUT /live-streams/{id}/complete` takes to end a broadcast.
const COMPLETION_DELAY: Duration = Duration::from_millis(100);

fn live_not_found() -> Problem {
    h::not_found("No live stream exists with this id.", "liveStreamId")
}

/// The live stream as the API shows it: fresh asset URLs (a new session token when
/// private).
fn render(rec: &LiveRec) -> models::LiveStream {
    let mut live = rec.live.clone();
    let id = &live.live_stream_id;
    let assets = if live.public == Some(false) {
        let token = uuid();
        models::LiveStreamAssets::new()
            .hls(format!("https://live.api.video/private/{token}/{id}.m3u8"))
            .player(format!("https://embed.api.video/live/{id}?token={token}"))
            .thumbnail(format!(
                "https://live.api.video/private/{token}/{id}/thumbnail.jpg"
            ))
    } else {
        models::LiveStreamAssets::new()
            .hls(format!("https://live.api.video/{id}.m3u8"))
            .player(format!("https://embed.api.video/live/{id}"))
            .thumbnail(format!("https://live.api.video/{id}/thumbnail.jpg"))
    };
    let player = assets.player.clone().unwrap_or_default();
    live.assets = Some(assets.iframe(format!(
        "<iframe src=\"{player}\" width=\"100%\" height=\"100%\" frameborder=\"0\" \
         scrolling=\"no\" allowfullscreen=\"true\"></iframe>"
    )));
    live
}

fn restreams(
    list: Option<Vec<models::RestreamsRequestObject>>,
) -> Result<Option<Vec<models::RestreamsResponseObject>>, Problem> {
    let Some(list) = list else {
        return Ok(None);
    };
    if list.len() > 5 {
        return Err(h::bad_request(
            "invalid-attribute",
            "No more than five restream destinations are allowed.",
            "restreams",
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (index, restream) in list.into_iter().enumerate() {
        if restream.name.trim().is_empty() {
            return Err(h::bad_request(
                "invalid-attribute",
                "Each restream needs a non-empty name.",
                format!("restreams[{index}][name]"),
            ));
        }
        let url = restream.server_url.to_ascii_lowercase();
        if !(url.starts_with("rtmp://") || url.starts_with("rtmps://")) {
            return Err(h::bad_request(
                "invalid-attribute",
                "serverUrl must be an rtmp:// or rtmps:// URL.",
                format!("restreams[{index}][serverUrl]"),
            ));
        }
        if restream.stream_key.trim().is_empty() {
            return Err(h::bad_request(
                "invalid-attribute",
                "Each restream needs a stream key.",
                format!("restreams[{index}][streamKey]"),
            ));
        }
        out.push(
            models::RestreamsResponseObject::new()
                .name(restream.name)
                .server_url(restream.server_url)
                .stream_key(restream.stream_key),
        );
    }
    Ok(Some(out))
}

fn check_player(state: &State, player_id: Option<&String>) -> Result<(), Problem> {
    match player_id {
        Some(id) if !state.players.contains_key(id) => Err(h::bad_request(
            "invalid-attribute",
            "No player theme exists with this id.",
            "playerId",
        )),
        _ => Ok(()),
    }
}

pub(crate) async fn create(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::LiveStreamCreationPayload = h::json_body(req).await?;
    let restreams = restreams(payload.restreams)?.unwrap_or_default();
    let mut state = shared.lock();
    check_player(&state, payload.player_id.as_ref())?;
    let id = new_id("li");
    let at = now();
    let mut live = models::LiveStream::new(id.clone(), restreams)
        .name(payload.name)
        .stream_key(uuid())
        .public(payload.public.unwrap_or(true))
        .broadcasting(false)
        .created_at(at)
        .updated_at(at);
    live.player_id = payload.player_id;
    let rec = LiveRec {
        live,
        thumbnail: None,
    };
    let body = render(&rec);
    state.live_streams.insert(id, rec);
    Ok(h::json(StatusCode::OK, &body))
}

pub(crate) fn get(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let state = shared.lock();
    let rec = state
        .live_streams
        .get(req.param("liveStreamId"))
        .ok_or_else(live_not_found)?;
    Ok(h::json(StatusCode::OK, &render(rec)))
}

pub(crate) async fn update(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::LiveStreamUpdatePayload = h::json_body(req).await?;
    let restreams = restreams(payload.restreams)?;
    let mut state = shared.lock();
    check_player(&state, payload.player_id.as_ref())?;
    let rec = state
        .live_streams
        .get_mut(req.param("liveStreamId"))
        .ok_or_else(live_not_found)?;
    let live = &mut rec.live;
    if let Some(name) = payload.name {
        live.name = Some(name);
    }
    if let Some(public) = payload.public {
        live.public = Some(public);
    }
    if let Some(player) = payload.player_id {
        live.player_id = Some(player);
    }
    if let Some(restreams) = restreams {
        live.restreams = restreams;
    }
    live.updated_at = Some(now());
    Ok(h::json(StatusCode::OK, &render(rec)))
}

pub(crate) fn delete(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    match shared
        .lock()
        .live_streams
        .shift_remove(req.param("liveStreamId"))
    {
        Some(_) => Ok(h::empty(StatusCode::NO_CONTENT)),
        None => Err(live_not_found()),
    }
}

pub(crate) fn list(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let sort = h::sort_by(req, &["name", "createdAt", "updatedAt"], "createdAt")?;
    let descending = h::sort_descending(req)?;
    let key = req.query("streamKey");
    let name = req.query("name").map(str::to_lowercase);
    let state = shared.lock();
    let mut found: Vec<&LiveRec> = state
        .live_streams
        .values()
        .filter(|rec| key.is_none_or(|key| rec.live.stream_key.as_deref() == Some(key)))
        .filter(|rec| {
            name.as_deref().is_none_or(|name| {
                rec.live
                    .name
                    .as_deref()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(name)
            })
        })
        .collect();
    found.sort_by(|a, b| {
        let (a, b) = (&a.live, &b.live);
        let order = match sort {
            "name" => a.name.cmp(&b.name),
            "updatedAt" => a.updated_at.cmp(&b.updated_at),
            _ => a.created_at.cmp(&b.created_at),
        };
        if descending { order.reverse() } else { order }
    });
    let all: Vec<models::LiveStream> = found.into_iter().map(render).collect();
    let (data, pagination) = h::paginate(all, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::LiveStreamListResponse::new(data, pagination),
    ))
}

pub(crate) async fn upload_thumbnail(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let id = req.param("liveStreamId").to_owned();
    if !shared.lock().live_streams.contains_key(&id) {
        return Err(live_not_found());
    }
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;
    h::check_image(
        &file,
        &[h::Image::Jpeg, h::Image::Png, h::Image::Webp],
        "Thumbnails must be JPEG, PNG or WebP images.",
    )?;
    let mut state = shared.lock();
    let rec = state.live_streams.get_mut(&id).ok_or_else(live_not_found)?;
    rec.thumbnail = Some(file.data);
    rec.live.updated_at = Some(now());
    Ok(h::json(StatusCode::CREATED, &render(rec)))
}

pub(crate) fn delete_thumbnail(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let mut state = shared.lock();
    let rec = state
        .live_streams
        .get_mut(req.param("liveStreamId"))
        .ok_or_else(live_not_found)?;
    rec.thumbnail = None;
    rec.live.updated_at = Some(now());
    Ok(h::json(StatusCode::OK, &render(rec)))
}

pub(crate) fn complete(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let id = req.param("liveStreamId").to_owned();
    let broadcasting = shared
        .lock()
        .live_streams
        .get(&id)
        .ok_or_else(live_not_found)?
        .live
        .broadcasting
        == Some(true);
    if broadcasting {
        let task_shared = Arc::clone(shared);
        shared.spawn_background(async move {
            tokio::time::sleep(COMPLETION_DELAY).await;
            set_broadcasting(&task_shared, &id, false);
        });
    }
    Ok(h::empty(StatusCode::ACCEPTED))
}

/// Starts or ends a broadcast; see [`crate::Simulator::trigger_broadcast`].
pub(crate) fn set_broadcasting(shared: &Arc<Shared>, id: &str, started: bool) -> bool {
    let mut events = Vec::new();
    let mut recording = None;
    {
        let mut state = shared.lock();
        let Some(rec) = state.live_streams.get_mut(id) else {
            return false;
        };
        let was_broadcasting = rec.live.broadcasting == Some(true);
        rec.live.broadcasting = Some(started);
        let live = rec.live.clone();
        if started {
            let event = models::LiveStreamBroadcastStartedEvent::new()
                .r#type("live-stream.broadcast.started")
                .emitted_at(now())
                .live_stream_id(id);
            events.push(WebhookEvent::LiveStreamBroadcastStarted(event));
        } else {
            let event = models::LiveStreamBroadcastEndedEvent::new()
                .r#type("live-stream.broadcast.ended")
                .emitted_at(now())
                .live_stream_id(id);
            events.push(WebhookEvent::LiveStreamBroadcastEnded(event));
            if was_broadcasting {
                let video_id = record(&mut state, &live);
                let event = models::VideoSourceRecordedEvent::new()
                    .r#type("video.source.recorded")
                    .emitted_at(now())
                    .live_stream_id(id)
                    .video_id(video_id.clone());
                events.push(WebhookEvent::VideoSourceRecorded(event));
                recording = Some(video_id);
            }
        }
    }
    for event in &events {
        events::deliver(shared, event);
    }
    if let Some(video_id) = recording {
        events::schedule_encoding(shared, &video_id);
    }
    true
}

/// Stores the recording of a broadcast as a new video.
fn record(state: &mut State, live: &models::LiveStream) -> String {
    let id = new_id("vi");
    let at = now();
    let live_id = &live.live_stream_id;
    let source = models::VideoSource::new()
        .uri(format!("/videos/{id}/source"))
        .r#type("live")
        .live_stream(
            models::VideoSourceLiveStream::new()
                .live_stream_id(live_id.clone())
                .links([models::VideoSourceLiveStreamLink::new()
                    .rel("self")
                    .uri(format!("/live-streams/{live_id}"))]),
        );
    let mut video = models::Video::new(id.clone())
        .created_at(at)
        .published_at(at)
        .updated_at(at)
        .title(live.name.clone().unwrap_or_default())
        .description("")
        .discarded(false)
        .language("")
        .source(source)
        .public(live.public.unwrap_or(true))
        .panoramic(false)
        .mp4_support(true);
    video.player_id = live.player_id.clone();
    let mut rec = VideoRec::new(video);
    rec.ingest = IngestKind::Import;
    rec.completed_at = Some(Instant::now());
    state.videos.insert(id.clone(), rec);
    id
}
