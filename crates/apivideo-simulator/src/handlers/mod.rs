//! One handler per operation of the spec.

use std::sync::Arc;

use crate::http::{Req, Resp};
use crate::routes::Op;
use crate::state::Shared;

pub(crate) mod analytics;
pub(crate) mod auth;
pub(crate) mod live;
pub(crate) mod media;
pub(crate) mod players;
pub(crate) mod summaries;
pub(crate) mod tokens;
pub(crate) mod upload;
pub(crate) mod videos;
pub(crate) mod webhooks;

/// Runs the handler of `op`.
pub(crate) async fn dispatch(shared: &Arc<Shared>, op: Op, req: &mut Req) -> Resp {
    let result = match op {
        Op::AuthApiKey => auth::api_key(shared, req).await,
        Op::AuthRefresh => auth::refresh(shared, req).await,

        Op::ListVideos => videos::list(shared, req, false),
        Op::CreateVideo => videos::create(shared, req).await,
        Op::GetVideo => videos::get(shared, req, false),
        Op::PatchVideo => videos::update(shared, req).await,
        Op::DeleteVideo => videos::delete(shared, req),
        Op::ListDiscarded => videos::list(shared, req, true),
        Op::GetDiscarded => videos::get(shared, req, true),
        Op::RestoreDiscarded => videos::restore(shared, req).await,
        Op::VideoStatus => videos::status(shared, req),
        Op::ListTags => videos::tags(shared, req),

        Op::UploadSource => upload::source(shared, req).await,
        Op::TokenUpload => upload::with_token(shared, req).await,

        Op::UploadThumbnail => media::upload_thumbnail(shared, req).await,
        Op::PickThumbnail => media::pick_thumbnail(shared, req).await,
        Op::GetCaption => media::get_caption(shared, req),
        Op::UploadCaption => media::upload_caption(shared, req).await,
        Op::DeleteCaption => media::delete_caption(shared, req),
        Op::PatchCaption => media::patch_caption(shared, req).await,
        Op::ListCaptions => media::list_captions(shared, req),
        Op::GetChapter => media::get_chapter(shared, req),
        Op::UploadChapter => media::upload_chapter(shared, req).await,
        Op::DeleteChapter => media::delete_chapter(shared, req),
        Op::ListChapters => media::list_chapters(shared, req),
        Op::CreateWatermark => media::create_watermark(shared, req).await,
        Op::ListWatermarks => media::list_watermarks(shared, req),
        Op::DeleteWatermark => media::delete_watermark(shared, req),

        Op::ListPlayers => players::list(shared, req),
        Op::CreatePlayer => players::create(shared, req).await,
        Op::GetPlayer => players::get(shared, req),
        Op::PatchPlayer => players::update(shared, req).await,
        Op::DeletePlayer => players::delete(shared, req),
        Op::UploadLogo => players::upload_logo(shared, req).await,
        Op::DeleteLogo => players::delete_logo(shared, req),

        Op::ListLiveStreams => live::list(shared, req),
        Op::CreateLiveStream => live::create(shared, req).await,
        Op::GetLiveStream => live::get(shared, req),
        Op::PatchLiveStream => live::update(shared, req).await,
        Op::DeleteLiveStream => live::delete(shared, req),
        Op::UploadLiveThumbnail => live::upload_thumbnail(shared, req).await,
        Op::DeleteLiveThumbnail => live::delete_thumbnail(shared, req),
        Op::CompleteLiveStream => live::complete(shared, req),

        Op::ListUploadTokens => tokens::list(shared, req),
        Op::CreateUploadToken => tokens::create(shared, req).await,
        Op::GetUploadToken => tokens::get(shared, req),
        Op::DeleteUploadToken => tokens::delete(shared, req),

        Op::CreateSummary => summaries::create(shared, req).await,
        Op::ListSummaries => summaries::list(shared, req),
        Op::DeleteSummary => summaries::delete(shared, req),
        Op::GetSummarySource => summaries::get_source(shared, req),
        Op::PatchSummarySource => summaries::patch_source(shared, req).await,

        Op::AggregatedMetrics => analytics::aggregated(shared, req),
        Op::MetricsBreakdown => analytics::breakdown(shared, req),
        Op::MetricsOverTime => analytics::timeseries(shared, req),

        Op::ListWebhooks => webhooks::list(shared, req),
        Op::CreateWebhook => webhooks::create(shared, req).await,
        Op::GetWebhook => webhooks::get(shared, req),
        Op::DeleteWebhook => webhooks::delete(shared, req),
    };
    result.unwrap_or_else(crate::http::Problem::into_response)
}
