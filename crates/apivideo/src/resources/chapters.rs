//! `client.chapters()`.

use super::vtt_files::vtt_files;

vtt_files! {
    /// Chapters of videos, one WebVTT file per language.
    Chapters {
        noun: "chapters", plural: "chapters",
        file_name: "chapters.vtt",
        item: apivideo_api::models::Chapter,
        list: ChaptersList, ListChapters, GetVideosVideoIdChaptersParams,
            apivideo_api::models::ChaptersListResponse, "`GET /videos/{videoId}/chapters`.",
        get: get_videos_video_id_chapters_language,
        upload: post_videos_video_id_chapters_language, ChaptersUpdatePayload,
        delete: delete_videos_video_id_chapters_language,
    }
}
