//! What the runtime knows about each operation: the table itself is generated
//! ([`crate::operations`]); the policies that read it live here.

/// One operation of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The client method's name (`post_auth_api_key`), which is what progenitor's hooks
    /// receive as `OperationInfo::operation_id`.
    pub rust_name: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The path template, such as `/videos/{videoId}` (used as the tracing route).
    pub path: &'static str,
    /// The spec's first tag, such as `Videos`.
    pub tag: &'static str,
    /// The spec's `security` for the operation.
    pub security: Security,
    /// Whether it takes `currentPage`/`pageSize` and returns a `pagination` object.
    pub paginated: bool,
    /// The success statuses the spec lists.
    pub success: &'static [u16],
}

/// An operation's `security` as the spec states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// No `security` key.
    Unspecified,
    /// `security: []`: the operation is public (upload with an upload token).
    Anonymous,
    /// The schemes listed, such as `apiKey`.
    Schemes(&'static [&'static str]),
}

/// POSTs that are safe to send twice: they replace a resource (or one byte range of a
/// source) rather than create one, or (the token calls) create nothing a repeat would
/// duplicate. A failed attempt of these may be retried even if it reached the server.
const REPEATABLE_POSTS: &[&str] = &[
    "POST_auth-api-key",
    "POST_auth-refresh",
    "POST_videos-videoId-source",
    "POST_videos-videoId-thumbnail",
    "POST_videos-videoId-captions-language",
    "POST_videos-videoId-chapters-language",
    "POST_players-playerId-logo",
    "POST_live-streams-liveStreamId-thumbnail",
];

impl Operation {
    /// The operation with this `operationId` or client method name.
    pub fn find(id: &str) -> Option<&'static Operation> {
        crate::operations::ALL
            .iter()
            .find(|op| op.id == id || op.rust_name == id)
    }

    /// Whether requests must carry credentials.
    ///
    /// Everything does except the token endpoints (`/auth/...`, which must never carry
    /// any) and operations the spec marks public (`security: []`, the upload-token
    /// upload). The spec leaves `GET /tags`, `GET /summaries` and
    /// `PATCH /summaries/{summaryId}/source` without `security`, but the API requires a
    /// key for them like for every other call.
    pub fn requires_credentials(&self) -> bool {
        self.security != Security::Anonymous && !self.path.starts_with("/auth/")
    }

    /// Whether sending the request twice has the same effect as sending it once, so a
    /// request that may have reached the server can be retried.
    pub fn is_idempotent(&self) -> bool {
        self.method != reqwest::Method::POST || REPEATABLE_POSTS.contains(&self.id)
    }

    /// [`is_idempotent`](Self::is_idempotent) for one request whose body may name an
    /// existing video: `POST /upload` creates a video unless its body names one, in
    /// which case it only adds a byte range (or part) to it and may be repeated.
    pub fn is_idempotent_when(&self, names_existing_video: bool) -> bool {
        self.is_idempotent() || (self.id == "POST_upload" && names_existing_video)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations;

    #[test]
    fn the_table_lists_every_operation_of_the_spec() {
        assert_eq!(operations::ALL.len(), 59);
        let mut ids: Vec<_> = operations::ALL.iter().map(|op| op.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 59, "operation ids are unique");
        assert_eq!(operations::ALL.iter().filter(|op| op.paginated).count(), 13);
    }

    #[test]
    fn credentials_go_everywhere_but_the_token_endpoints_and_the_token_upload() {
        let anonymous: Vec<_> = operations::ALL
            .iter()
            .filter(|op| !op.requires_credentials())
            .map(|op| op.id)
            .collect();
        assert_eq!(
            anonymous,
            ["POST_auth-api-key", "POST_auth-refresh", "POST_upload"]
        );
    }

    #[test]
    fn operations_are_found_by_the_name_progenitor_passes_to_hooks() {
        let op = Operation::find("post_auth_api_key").expect("found by method name");
        assert_eq!(op.id, "POST_auth-api-key");
        assert!(!op.requires_credentials());
        assert_eq!(
            Operation::find("get_video").map(|op| op.path),
            Some("/videos/{videoId}")
        );
        for op in operations::ALL {
            assert_eq!(
                Operation::find(op.rust_name).map(|found| found.id),
                Some(op.id)
            );
        }
    }

    #[test]
    fn only_creating_posts_are_not_idempotent() {
        assert!(Operation::find("GET-video").is_some_and(Operation::is_idempotent));
        assert!(Operation::find("PATCH-video").is_some_and(Operation::is_idempotent));
        assert!(
            Operation::find("POST_videos-videoId-thumbnail").is_some_and(Operation::is_idempotent)
        );
        assert!(!Operation::find("POST-video").is_some_and(Operation::is_idempotent));
        assert!(!Operation::find("POST-webhooks").is_some_and(Operation::is_idempotent));
        assert!(Operation::find("POST_auth-refresh").is_some_and(Operation::is_idempotent));
        let upload = Operation::find("POST_upload").expect("in the table");
        assert!(
            !upload.is_idempotent_when(false),
            "the first chunk creates a video"
        );
        assert!(upload.is_idempotent_when(true), "later chunks name it");
        let create = Operation::find("POST-video").expect("in the table");
        assert!(!create.is_idempotent_when(true));
        for id in REPEATABLE_POSTS {
            assert!(Operation::find(id).is_some(), "{id} is in the spec");
        }
    }
}
