//! `client.chapters()`.

use apivideo_api::models::{Chapter, ChaptersListResponse, ChaptersUpdatePayload};

use super::{id, resource};
use crate::error::Result;
use crate::pagination::{ListRequest, list_operation};
use crate::upload::Source;

resource! {
    /// Chapters of videos, one WebVTT file per language.
    Chapters
}

list_operation!(
    /// `GET /videos/{videoId}/chapters`.
    ChaptersList, GetVideosVideoIdChaptersParams, ChaptersListResponse, Chapter
);

/// Lists a video's chapters; see [`Chapters::list`].
pub type ListChapters = ListRequest<ChaptersList>;

impl Chapters {
    /// The chapters of `video_id` in `language`.
    pub async fn get(&self, video_id: &str, language: &str) -> Result<Chapter> {
        let (video_id, language) = (id("video_id", video_id)?, id("language", language)?);
        self.client
            .call(|api| async move {
                api.get_videos_video_id_chapters_language()
                    .video_id(video_id)
                    .language(language)
                    .send()
                    .await
            })
            .await
    }

    /// Uploads a WebVTT chapters file for `language`, replacing any existing one.
    pub async fn upload(
        &self,
        video_id: &str,
        language: &str,
        vtt: impl Into<Source>,
    ) -> Result<Chapter> {
        let (video_id, language) = (id("video_id", video_id)?, id("language", language)?);
        crate::upload::send_file(vtt.into(), "chapters.vtt", |file| {
            let (video_id, language) = (&video_id, &language);
            self.client.call(move |api| async move {
                let body = ChaptersUpdatePayload::new(file);
                api.post_videos_video_id_chapters_language(video_id, language, body)
                    .await
            })
        })
        .await
    }

    /// Deletes the chapters in `language`.
    pub async fn delete(&self, video_id: &str, language: &str) -> Result<()> {
        let (video_id, language) = (id("video_id", video_id)?, id("language", language)?);
        self.client
            .call(|api| async move {
                api.delete_videos_video_id_chapters_language()
                    .video_id(video_id)
                    .language(language)
                    .send()
                    .await
            })
            .await
    }

    /// Lists a video's chapters.
    pub fn list(&self, video_id: &str) -> ListChapters {
        let request = ListChapters::new(self.client.clone());
        match id("video_id", video_id) {
            Ok(video_id) => request.set(|p| p.video_id = Some(video_id)),
            Err(error) => request.fail(error),
        }
    }
}
