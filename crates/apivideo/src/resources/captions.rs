//! `client.captions()`.

use apivideo_api::models::{Caption, CaptionsUpdatePayload};

use super::vtt_files::{video_and_language, vtt_files};
use crate::call::Call;

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
    pub fn set_default(&self, video_id: &str, language: &str, default: bool) -> Call<Caption> {
        self.update(
            video_id,
            language,
            CaptionsUpdatePayload::new().default(default),
        )
    }

    /// Changes a caption's settings.
    pub fn update(
        &self,
        video_id: &str,
        language: &str,
        payload: CaptionsUpdatePayload,
    ) -> Call<Caption> {
        let ids = video_and_language(video_id, language);
        self.client.request(|client| async move {
            let (video_id, language) = ids?;
            client
                .call_full(|api| async move {
                    api.patch_videos_video_id_captions_language()
                        .video_id(video_id)
                        .language(language)
                        .body(payload)
                        .send()
                        .await
                })
                .await
        })
    }
}
