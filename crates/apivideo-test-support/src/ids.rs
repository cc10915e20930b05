//! Ids the tests share, written as api.video writes them (prefix and length).

/// A video (`GET /videos/{videoId}`).
pub const VIDEO_ID: &str = "vi4blUQJFrYWbaG44NChkH27";
/// A live stream.
pub const LIVE_STREAM_ID: &str = "li400mYKSgQ6xs7taUeSaEKr";
/// A player theme.
pub const PLAYER_ID: &str = "pl45d5vFFGrfdXt5ZQXfTvgu";
/// A summary.
pub const SUMMARY_ID: &str = "summary_1CGHWuXjhxmCPFsgYpdt9P";
/// A watermark.
pub const WATERMARK_ID: &str = "watermark_1BWr2L5MTQwxGkuxKjzh6i";
/// An upload token.
pub const UPLOAD_TOKEN: &str = "to1tcmSFHeYY5KzyhOqVKMKb";
/// A webhook.
pub const WEBHOOK_ID: &str = "webhook_XXXXXXXXXXXXXXX";
