//! What captions and chapters share: one WebVTT file per language of a video, to get,
//! upload, delete and list.

/// Declares a resource of WebVTT files kept per language of a video: the handle, its list
/// request, and `get`, `upload`, `delete` and `list`, each over its own generated
/// operation. The resource's file adds what only it has.
macro_rules! vtt_files {
    (
        $(#[$doc:meta])*
        $name:ident {
            // How the docs name one file and several.
            noun: $noun:literal, plural: $plural:literal,
            // The file name sent when the source has none.
            file_name: $file_name:literal,
            item: $item:ty,
            list: $list_op:ident, $list:ident, $params:ident, $list_response:ty, $list_doc:literal,
            get: $get:ident,
            upload: $upload:ident, $payload:ident,
            delete: $delete:ident $(,)?
        }
    ) => {
        $crate::resources::resource! {
            $(#[$doc])*
            $name
        }

        $crate::pagination::list_operation!(
            #[doc = $list_doc]
            $list_op, $params, $list_response, $item
        );

        #[doc = concat!("Lists a video's ", $plural, "; see [`", stringify!($name), "::list`].")]
        pub type $list = $crate::pagination::ListRequest<$list_op>;

        impl $name {
            #[doc = concat!(
                "The ", $noun, " of `video_id` in `language` (an IETF tag such as `en` or `fr`)."
            )]
            pub fn get(&self, video_id: &str, language: &str) -> $crate::Call<$item> {
                let ids = $crate::resources::vtt_files::video_and_language(video_id, language);
                self.client.request(|client| async move {
                    let (video_id, language) = ids?;
                    client
                        .call_full(|api| api.$get().video_id(video_id).language(language).send())
                        .await
                })
            }

            #[doc = concat!(
                "Uploads a WebVTT file as the ", $noun, " in `language`, replacing any existing one."
            )]
            pub fn upload(
                &self,
                video_id: &str,
                language: &str,
                vtt: impl Into<$crate::upload::Source>,
            ) -> $crate::Call<$item> {
                let ids = $crate::resources::vtt_files::video_and_language(video_id, language);
                let vtt = vtt.into();
                self.client.request(|client| async move {
                    let (video_id, language) = ids?;
                    $crate::upload::send_file(vtt, $file_name, |file| {
                        client.call_full(|api| {
                            let body = apivideo_api::models::$payload::new(file);
                            api.$upload(&video_id, &language, body)
                        })
                    })
                    .await
                })
            }

            #[doc = concat!("Deletes the ", $noun, " in `language`.")]
            pub fn delete(&self, video_id: &str, language: &str) -> $crate::Call<()> {
                let ids = $crate::resources::vtt_files::video_and_language(video_id, language);
                self.client.request(|client| async move {
                    let (video_id, language) = ids?;
                    client
                        .call_full(|api| api.$delete().video_id(video_id).language(language).send())
                        .await
                })
            }

            #[doc = concat!("Lists a video's ", $plural, ".")]
            pub fn list(&self, video_id: &str) -> $list {
                let request = $list::new(self.client.clone());
                match $crate::resources::id("video_id", video_id) {
                    Ok(video_id) => request.set(|p| p.video_id = Some(video_id)),
                    Err(error) => request.fail(error),
                }
            }
        }
    };
}
pub(crate) use vtt_files;

/// The two path ids of a per-language file, refused when empty.
pub(crate) fn video_and_language(
    video_id: &str,
    language: &str,
) -> crate::Result<(String, String)> {
    Ok((
        super::id("video_id", video_id)?,
        super::id("language", language)?,
    ))
}
