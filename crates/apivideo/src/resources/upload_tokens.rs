//! `client.upload_tokens()`.

use apivideo_api::models::{TokenCreationPayload, TokenListResponse, UploadToken};
use apivideo_api::types::GetUploadTokensSortBy;

use super::{SortOrder, id, resource};
use crate::call::Call;
use crate::error::Error;
use crate::pagination::{ListRequest, list_operation};
use crate::upload::{ProgressiveUpload, Source, Target, Upload};

resource! {
    /// Upload tokens: let a browser or device upload without your API key. Uploading with
    /// one is [`upload`](UploadTokens::upload) or
    /// [`progressive_upload`](UploadTokens::progressive_upload).
    UploadTokens
}

list_operation!(
    /// `GET /upload-tokens`.
    UploadTokensList, GetUploadTokensParams, TokenListResponse, UploadToken
);

/// Lists upload tokens; see [`UploadTokens::list`].
pub type ListUploadTokens = ListRequest<UploadTokensList>;

impl ListUploadTokens {
    /// The field to sort by.
    pub fn sort_by(self, field: GetUploadTokensSortBy) -> Self {
        self.set(|p| p.sort_by = Some(field))
    }

    /// The sort direction.
    pub fn sort_order(self, order: SortOrder) -> Self {
        self.set(|p| p.sort_order = Some(order.into_param()))
    }
}

impl UploadTokens {
    /// Creates a token valid for `payload.ttl` seconds (0 or unset: until deleted).
    pub fn create(&self, payload: TokenCreationPayload) -> Call<UploadToken> {
        self.client.request(|client| async move {
            if let Some(ttl) = payload.ttl
                && !(0..=i64::from(i32::MAX)).contains(&ttl)
            {
                return Err(Error::invalid(
                    "payload.ttl",
                    format!("must be 0 to 2147483647, got {ttl}"),
                ));
            }
            client
                .call_full(|api| api.post_upload_tokens().body(payload).send())
                .await
        })
    }

    /// Lists tokens.
    pub fn list(&self) -> ListUploadTokens {
        ListRequest::new(self.client.clone())
    }

    /// One token.
    pub fn get(&self, token: &str) -> Call<UploadToken> {
        let token = id("token", token);
        self.client.request(|client| async move {
            let token = token?;
            client
                .call_full(|api| {
                    api.get_upload_tokens_upload_token()
                        .upload_token(token)
                        .send()
                })
                .await
        })
    }

    /// Deletes a token: uploads with it stop working.
    pub fn delete(&self, token: &str) -> Call<()> {
        let token = id("token", token);
        self.client.request(|client| async move {
            let token = token?;
            client
                .call_full(|api| {
                    api.delete_upload_tokens_upload_token()
                        .upload_token(token)
                        .send()
                })
                .await
        })
    }

    /// Uploads with an upload token: needs no API key, so it works with a client built
    /// without one. The first chunk creates the video; every later chunk names it.
    /// `.await` the returned [`Upload`] for the video once the upload completed.
    pub fn upload(&self, token: &str, source: impl Into<Source>) -> Upload {
        Upload::with_token(self.client.clone(), token, source.into())
    }

    /// Starts a progressive upload with an upload token, part by part; parts are sent as
    /// `Content-Range: part <n>/*`, the last one as `part <n>/<n>`, as the spec allows for
    /// `POST /upload`.
    pub fn progressive_upload(&self, token: &str) -> ProgressiveUpload {
        ProgressiveUpload::new(
            self.client.clone(),
            Target::Token {
                token: token.to_owned(),
                video_id: None,
            },
        )
    }
}
