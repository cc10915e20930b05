//! `client.captions()`.

use apivideo_api::models::{Caption, CaptionsUpdatePayload};

use super::vtt_files::{video_and_language, vtt_files};
use crate::error::Result;

vtt_files! {
    /// Captions of videos, one WebVTT file per language.
    Captions {
        noun: "caption", plural: "captions",
        file_name: "captions.vtt",
        item: Caption,
        list: CaptionsList, ListCaptions, GetVideosVideoIdCaptionsParams,
            apivideo_api::models::CaptionsListResponse, "`GET /videos/{videoId}/captions`.",
        get: get_videos_video_id_captions_language,
        upload: post_videos_video_id_captions_language, CaptionsUploadPayload,
        delete: delete_videos_video_id_captions_language,
    }
}

impl Captions {
    /// Makes (or stops making) this caption the one players show by default.
    pub async fn set_default(
        &self,
        video_id: &str,
        language: &str,
        default: bool,
    ) -> Result<Caption> {
        self.update(
            video_id,
            language,
            CaptionsUpdatePayload::new().default(default),
        )
        .await
    }

    /// Changes a caption's settings.
    pub async fn update(
        &self,
        video_id: &str,
        language: &str,
        payload: CaptionsUpdatePayload,
    ) -> Result<Caption> {
        let (video_id, language) = video_and_language(video_id, language)?;
        self.client
            .call(|api| async move {
                api.patch_videos_video_id_captions_language()
                    .video_id(video_id)
                    .language(language)
                    .body(payload)
                    .send()
                    .await
            })
            .await
    }
}
