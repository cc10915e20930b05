//! The routes of `openapi/apivideo.yaml` and how a request finds its own.

/// What a route does; one per operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    AuthApiKey,
    AuthRefresh,
    ListVideos,
    CreateVideo,
    ListTags,
    CreateSummary,
    ListSummaries,
    DeleteSummary,
    GetSummarySource,
    PatchSummarySource,
    UploadSource,
    CreateWatermark,
    ListWatermarks,
    DeleteWatermark,
    UploadThumbnail,
    PickThumbnail,
    GetVideo,
    DeleteVideo,
    PatchVideo,
    ListDiscarded,
    GetDiscarded,
    RestoreDiscarded,
    VideoStatus,
    ListUploadTokens,
    CreateUploadToken,
    GetUploadToken,
    DeleteUploadToken,
    TokenUpload,
    ListLiveStreams,
    CreateLiveStream,
    GetLiveStream,
    DeleteLiveStream,
    PatchLiveStream,
    UploadLiveThumbnail,
    DeleteLiveThumbnail,
    CompleteLiveStream,
    GetCaption,
    UploadCaption,
    DeleteCaption,
    PatchCaption,
    ListCaptions,
    GetChapter,
    UploadChapter,
    DeleteChapter,
    ListChapters,
    ListPlayers,
    CreatePlayer,
    GetPlayer,
    DeletePlayer,
    PatchPlayer,
    UploadLogo,
    DeleteLogo,
    AggregatedMetrics,
    MetricsBreakdown,
    MetricsOverTime,
    ListWebhooks,
    CreateWebhook,
    GetWebhook,
    DeleteWebhook,
}

/// One route: method, path template, operation, and whether it needs credentials.
#[derive(Debug)]
pub(crate) struct Route {
    pub method: &'static str,
    pub template: &'static str,
    pub op: Op,
    pub auth: bool,
}

impl Route {
    /// `"METHOD /template"`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.template)
    }
}

const fn r(method: &'static str, template: &'static str, op: Op) -> Route {
    Route {
        method,
        template,
        op,
        auth: true,
    }
}

const fn public(method: &'static str, template: &'static str, op: Op) -> Route {
    Route {
        method,
        template,
        op,
        auth: false,
    }
}

/// Every route of the spec, in its order.
pub(crate) static ROUTES: &[Route] = &[
    public("POST", "/auth/api-key", Op::AuthApiKey),
    public("POST", "/auth/refresh", Op::AuthRefresh),
    r("GET", "/videos", Op::ListVideos),
    r("POST", "/videos", Op::CreateVideo),
    r("GET", "/tags", Op::ListTags),
    r("POST", "/summaries", Op::CreateSummary),
    r("GET", "/summaries", Op::ListSummaries),
    r("DELETE", "/summaries/{summaryId}", Op::DeleteSummary),
    r("GET", "/summaries/{summaryId}/source", Op::GetSummarySource),
    r(
        "PATCH",
        "/summaries/{summaryId}/source",
        Op::PatchSummarySource,
    ),
    r("POST", "/videos/{videoId}/source", Op::UploadSource),
    r("POST", "/watermarks", Op::CreateWatermark),
    r("GET", "/watermarks", Op::ListWatermarks),
    r("DELETE", "/watermarks/{watermarkId}", Op::DeleteWatermark),
    r("POST", "/videos/{videoId}/thumbnail", Op::UploadThumbnail),
    r("PATCH", "/videos/{videoId}/thumbnail", Op::PickThumbnail),
    r("GET", "/videos/{videoId}", Op::GetVideo),
    r("DELETE", "/videos/{videoId}", Op::DeleteVideo),
    r("PATCH", "/videos/{videoId}", Op::PatchVideo),
    r("GET", "/discarded/videos", Op::ListDiscarded),
    r("GET", "/discarded/videos/{videoId}", Op::GetDiscarded),
    r("PATCH", "/discarded/videos/{videoId}", Op::RestoreDiscarded),
    r("GET", "/videos/{videoId}/status", Op::VideoStatus),
    r("GET", "/upload-tokens", Op::ListUploadTokens),
    r("POST", "/upload-tokens", Op::CreateUploadToken),
    r("GET", "/upload-tokens/{uploadToken}", Op::GetUploadToken),
    r(
        "DELETE",
        "/upload-tokens/{uploadToken}",
        Op::DeleteUploadToken,
    ),
    public("POST", "/upload", Op::TokenUpload),
    r("GET", "/live-streams", Op::ListLiveStreams),
    r("POST", "/live-streams", Op::CreateLiveStream),
    r("GET", "/live-streams/{liveStreamId}", Op::GetLiveStream),
    r(
        "DELETE",
        "/live-streams/{liveStreamId}",
        Op::DeleteLiveStream,
    ),
    r("PATCH", "/live-streams/{liveStreamId}", Op::PatchLiveStream),
    r(
        "POST",
        "/live-streams/{liveStreamId}/thumbnail",
        Op::UploadLiveThumbnail,
    ),
    r(
        "DELETE",
        "/live-streams/{liveStreamId}/thumbnail",
        Op::DeleteLiveThumbnail,
    ),
    r(
        "PUT",
        "/live-streams/{liveStreamId}/complete",
        Op::CompleteLiveStream,
    ),
    r(
        "GET",
        "/videos/{videoId}/captions/{language}",
        Op::GetCaption,
    ),
    r(
        "POST",
        "/videos/{videoId}/captions/{language}",
        Op::UploadCaption,
    ),
    r(
        "DELETE",
        "/videos/{videoId}/captions/{language}",
        Op::DeleteCaption,
    ),
    r(
        "PATCH",
        "/videos/{videoId}/captions/{language}",
        Op::PatchCaption,
    ),
    r("GET", "/videos/{videoId}/captions", Op::ListCaptions),
    r(
        "GET",
        "/videos/{videoId}/chapters/{language}",
        Op::GetChapter,
    ),
    r(
        "POST",
        "/videos/{videoId}/chapters/{language}",
        Op::UploadChapter,
    ),
    r(
        "DELETE",
        "/videos/{videoId}/chapters/{language}",
        Op::DeleteChapter,
    ),
    r("GET", "/videos/{videoId}/chapters", Op::ListChapters),
    r("GET", "/players", Op::ListPlayers),
    r("POST", "/players", Op::CreatePlayer),
    r("GET", "/players/{playerId}", Op::GetPlayer),
    r("DELETE", "/players/{playerId}", Op::DeletePlayer),
    r("PATCH", "/players/{playerId}", Op::PatchPlayer),
    r("POST", "/players/{playerId}/logo", Op::UploadLogo),
    r("DELETE", "/players/{playerId}/logo", Op::DeleteLogo),
    r(
        "GET",
        "/data/metrics/{metric}/{aggregation}",
        Op::AggregatedMetrics,
    ),
    r(
        "GET",
        "/data/buckets/{metric}/{breakdown}",
        Op::MetricsBreakdown,
    ),
    r("GET", "/data/timeseries/{metric}", Op::MetricsOverTime),
    r("GET", "/webhooks", Op::ListWebhooks),
    r("POST", "/webhooks", Op::CreateWebhook),
    r("GET", "/webhooks/{webhookId}", Op::GetWebhook),
    r("DELETE", "/webhooks/{webhookId}", Op::DeleteWebhook),
];

/// The outcome of looking a request up.
pub(crate) enum Match {
    /// The route and the decoded path parameters.
    Found(&'static Route, Vec<(&'static str, String)>),
    /// The path exists with other methods.
    MethodNotAllowed(Vec<&'static str>),
    NotFound,
}

/// Finds the route of `method` and `path`.
pub(crate) fn find(method: &str, path: &str) -> Match {
    let path = match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    };
    let mut allowed = Vec::new();
    for route in ROUTES {
        let Some(params) = match_template(route.template, path) else {
            continue;
        };
        if route.method == method {
            return Match::Found(route, params);
        }
        allowed.push(route.method);
    }
    if allowed.is_empty() {
        Match::NotFound
    } else {
        Match::MethodNotAllowed(allowed)
    }
}

fn match_template(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    let mut params = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) => {
                if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    if g.is_empty() {
                        return None;
                    }
                    let value = percent_decode(g);
                    params.push((name, value));
                } else if w != g {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Decodes `%XX` escapes (a malformed escape is kept as is).
pub(crate) fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `"METHOD /template"` as the log writes it: method upper-cased, spaces collapsed.
pub(crate) fn normalize_key(route: &str) -> String {
    let mut words = route.split_whitespace();
    match (words.next(), words.next()) {
        (Some(method), Some(template)) => format!("{} {template}", method.to_ascii_uppercase()),
        _ => route.trim().to_owned(),
    }
}

/// The key of a route of the spec, or `None` when `route` names none.
pub(crate) fn canonical_key(route: &str) -> Option<String> {
    let key = normalize_key(route);
    ROUTES.iter().map(Route::key).find(|known| *known == key)
}

/// Every route key, for error messages.
pub(crate) fn all_keys() -> Vec<String> {
    ROUTES.iter().map(Route::key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_templates_and_decodes_parameters() {
        let Match::Found(route, params) = find("GET", "/videos/vi123/captions/fr%2DCA") else {
            panic!("no match");
        };
        assert_eq!(route.op, Op::GetCaption);
        assert_eq!(
            params,
            vec![
                ("videoId", "vi123".to_owned()),
                ("language", "fr-CA".to_owned())
            ]
        );
        assert!(matches!(find("GET", "/videos/"), Match::Found(r, _) if r.op == Op::ListVideos));
        assert!(
            matches!(find("PUT", "/videos"), Match::MethodNotAllowed(m) if m == ["GET", "POST"])
        );
        assert!(matches!(find("GET", "/nope"), Match::NotFound));
        assert!(matches!(find("GET", "/videos//status"), Match::NotFound));
    }

    /// The simulator serves exactly the operations of the generated table: same methods,
    /// same path templates, same need for credentials, none missing, none extra.
    #[test]
    fn the_routes_are_the_operations_of_the_spec() {
        use apivideo_api::operations::ALL;

        assert_eq!(ALL.len(), 59, "the spec's operation count changed");
        let mut problems = Vec::new();
        for op in ALL {
            let matching: Vec<&Route> = ROUTES
                .iter()
                .filter(|route| route.method == op.method.as_str() && route.template == op.path)
                .collect();
            match matching.as_slice() {
                [route] if route.auth == op.requires_credentials() => {}
                [route] => problems.push(format!(
                    "{} {} ({}): the simulator {} credentials, the spec {}",
                    op.method,
                    op.path,
                    op.id,
                    if route.auth {
                        "requires"
                    } else {
                        "does not require"
                    },
                    if op.requires_credentials() {
                        "requires them"
                    } else {
                        "does not"
                    },
                )),
                [] => problems.push(format!("{} {} ({}): no route", op.method, op.path, op.id)),
                _ => problems.push(format!(
                    "{} {} ({}): several routes",
                    op.method, op.path, op.id
                )),
            }
        }
        for route in ROUTES {
            let known = ALL
                .iter()
                .any(|op| op.method.as_str() == route.method && op.path == route.template);
            if !known {
                problems.push(format!("{}: not an operation of the spec", route.key()));
            }
        }
        for (i, route) in ROUTES.iter().enumerate() {
            if ROUTES[i + 1..].iter().any(|other| other.op == route.op) {
                problems.push(format!(
                    "{}: its handler serves another route too",
                    route.key()
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn keys_are_canonical() {
        assert_eq!(
            canonical_key("post   /videos/{videoId}/source").as_deref(),
            Some("POST /videos/{videoId}/source")
        );
        assert_eq!(canonical_key("POST /videos/vi1/source"), None);
        assert_eq!(all_keys().len(), ROUTES.len());
    }
}
