//! `client.captions()`.

use apivideo_api::models::{
    Caption, CaptionsListResponse, CaptionsUpdatePayload, CaptionsUploadPayload,
};

use super::{id, resource};
use crate::error::Result;
use crate::pagination::{ListRequest, list_operation};
use crate::upload::Source;

resource! {
    /// Captions of videos, one WebVTT file per language.
    Captions
}

list_operation!(
    /// `GET /videos/{videoId}/captions`.
    CaptionsList, GetVideosVideoIdCaptionsParams, CaptionsListResponse, Caption
);

/// Lists a video's captions; see [`Captions::list`].
pub type ListCaptions = ListRequest<CaptionsList>;

impl Captions {
    /// The caption of `video_id` in `language` (an IETF tag such as `en` or `fr`).
    pub async fn get(&self, video_id: &str, language: &str) -> Result<Caption> {
        let (video_id, language) = (id("video_id", video_id)?, id("language", language)?);
        self.client
            .call(|api| async move {
                api.get_videos_video_id_captions_language()
                    .video_id(video_id)
                    .language(language)
                    .send()
                    .await
            })
            .await
    }

    /// Uploads a WebVTT file as the caption in `language`, replacing any existing one.
    pub async fn upload(
        &self,
        video_id: &str,
        language: &str,
        vtt: impl Into<Source>,
    ) -> Result<Caption> {
        let (video_id, language) = (id("video_id", video_id)?, id("language", language)?);
        crate::upload::send_file(vtt.into(), "captions.vtt", |file| {
            let (video_id, language) = (&video_id, &language);
            self.client.call(move |api| async move {
                let body = CaptionsUploadPayload::new(file);
                api.post_videos_video_id_captions_language(video_id, language, body)
                    .await
            })
        })
        .await
    }

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
        let (video_id, language) = (id("video_id", video_id)?, id("language", language)?);
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

    /// Deletes the caption in `language`.
    pub async fn delete(&self, video_id: &str, language: &str) -> Result<()> {
        let (video_id, language) = (id("video_id", video_id)?, id("language", language)?);
        self.client
            .call(|api| async move {
                api.delete_videos_video_id_captions_language()
                    .video_id(video_id)
                    .language(language)
                    .send()
                    .await
            })
            .await
    }

    /// Lists a video's captions.
    pub fn list(&self, video_id: &str) -> ListCaptions {
        let request = ListCaptions::new(self.client.clone());
        match id("video_id", video_id) {
            Ok(video_id) => request.set(|p| p.video_id = Some(video_id)),
            Err(error) => request.fail(error),
        }
    }
}
