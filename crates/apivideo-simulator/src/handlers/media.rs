//! Files attached to videos (thumbnails, captions, chapters) and watermark images.

use std::sync::Arc;

use apivideo_api::models;
use http::StatusCode;

use super::videos::{self, active};
use crate::http::{self as h, HandlerResult, Image, Invalid, Problem, Req};
use crate::state::{CaptionRec, Shared, new_id, now};

const MAX_THUMBNAIL: usize = 8 << 20;

// -------------------------------------------------------------- thumbnails ---

pub(crate) async fn upload_thumbnail(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let id = req.param("videoId").to_owned();
    active(&mut shared.lock(), &id)?;
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;
    h::check_image(
        &file,
        &[Image::Jpeg, Image::Png, Image::Webp],
        "Thumbnails must be JPEG, PNG or WebP images.",
    )?;
    if file.data.len() > MAX_THUMBNAIL {
        return Err(h::bad_request(
            "file-too-large",
            "Thumbnails are limited to 8 MiB.",
            "file",
        ));
    }
    let mut state = shared.lock();
    let rec = active(&mut state, &id)?;
    rec.thumbnail = Some(file.data);
    rec.video.updated_at = Some(now());
    Ok(h::json(StatusCode::OK, &videos::render(rec)))
}

/// A timecode in one of the forms api.video documents for this field ("hh:mm:ss.ms",
/// "hh:mm:ss:frameNumber", or "124" seconds; the description ships in its clients, e.g.
/// the Python client's `VideoThumbnailPickPayload`): `HH:MM:SS`, optionally followed by
/// a fraction of one to three digits or by `:FF`, a frame number of one or two digits;
/// or a whole number of seconds (up to seven digits). Its PHP client test picks
/// `00:00:09.000` against the API, its Node test `00:15:22.05`.
fn is_thumbnail_timecode(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: &[u8], min: usize, max: usize| {
        (min..=max).contains(&range.len()) && range.iter().all(u8::is_ascii_digit)
    };
    if digits(bytes, 1, 7) {
        return true;
    }
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let clock = bytes.len() >= 8
        && digit(0)
        && digit(1)
        && bytes[2] == b':'
        && digit(3)
        && digit(4)
        && bytes[5] == b':'
        && digit(6)
        && digit(7);
    if !clock {
        return false;
    }
    match &bytes[8..] {
        [] => true,
        [b'.', fraction @ ..] => digits(fraction, 1, 3),
        [b':', frame @ ..] => digits(frame, 1, 2),
        _ => false,
    }
}

pub(crate) async fn pick_thumbnail(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::VideoThumbnailPickPayload = h::json_body(req).await?;
    if !is_thumbnail_timecode(&payload.timecode) {
        return Err(h::bad_request(
            "invalid-attribute",
            "The timecode must be written HH:MM:SS, HH:MM:SS.mmm, HH:MM:SS:FF or as seconds.",
            "timecode",
        ));
    }
    let mut state = shared.lock();
    let rec = active(&mut state, req.param("videoId"))?;
    rec.thumbnail = None;
    rec.video.updated_at = Some(now());
    Ok(h::json(StatusCode::OK, &videos::render(rec)))
}

// --------------------------------------------------------------- languages ---

/// Endonyms of the languages the simulator knows.
const LANGUAGES: &[(&str, &str)] = &[
    ("ar", "العربية"),
    ("bg", "Български"),
    ("ca", "Català"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("et", "Eesti"),
    ("fa", "فارسی"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hr", "Hrvatski"),
    ("hu", "Magyar"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("lt", "Lietuvių"),
    ("lv", "Latviešu"),
    ("ml", "മലയാളം"),
    ("ms", "Bahasa Melayu"),
    ("nb", "Norsk bokmål"),
    ("nl", "Nederlands"),
    ("nn", "Norsk nynorsk"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sk", "Slovenčina"),
    ("sl", "Slovenščina"),
    ("sr", "Српски"),
    ("sv", "Svenska"),
    ("te", "తెలుగు"),
    ("th", "ไทย"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ur", "اردو"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
];

const REGIONS: &[(&str, &str)] = &[
    ("AT", "Österreich"),
    ("AU", "Australia"),
    ("BE", "Belgique"),
    ("BR", "Brasil"),
    ("CA", "Canada"),
    ("CH", "Schweiz"),
    ("CN", "中国"),
    ("DE", "Deutschland"),
    ("ES", "España"),
    ("FR", "France"),
    ("GB", "United Kingdom"),
    ("HK", "香港"),
    ("IE", "Ireland"),
    ("IN", "India"),
    ("MX", "México"),
    ("NZ", "New Zealand"),
    ("PT", "Portugal"),
    ("TW", "台灣"),
    ("US", "United States"),
];

/// Every two-letter language code of ISO 639-1. The API takes them all, not only the
/// ones with a name in [`LANGUAGES`]: api.video's PHP client tests upload captions and
/// chapters in `ch` (tests/Api/CaptionsApiTest.php and ChaptersApiTest.php, `testList`).
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Checks an IETF tag such as `en`, `fr-CA`, `zh-Hant` or `zh-Hans-CN` (language, then
/// an optional script, then an optional region, as the API's description of the
/// parameter allows); returns it normalized with its endonym (the code itself for a
/// language the simulator has no name for).
pub(crate) fn language_tag(tag: &str) -> Result<(String, String), Problem> {
    let unsupported = |hint: &str| {
        h::bad_request_many(
            Invalid::new(
                "invalid-attribute",
                "The language tag is not supported.",
                "language",
            ),
            vec![Invalid::new("invalid-attribute", hint, "language")],
        )
    };
    if tag.contains('_') {
        return Err(unsupported("Separate subtags with dashes, as in pt-BR."));
    }
    let mut subtags = tag.split('-').peekable();
    let primary = subtags.next().unwrap_or_default().to_ascii_lowercase();
    if !ISO_639_1.contains(&primary.as_str()) {
        return Err(unsupported(
            "Use a supported language code such as en, fr or pt-BR.",
        ));
    }
    let name = LANGUAGES
        .iter()
        .find(|(code, _)| *code == primary)
        .map_or(primary.as_str(), |(_, name)| name);
    let alphabetic =
        |sub: &str, len: usize| sub.len() == len && sub.bytes().all(|b| b.is_ascii_alphabetic());
    let script = subtags.next_if(|sub| alphabetic(sub, 4)).map(|sub| {
        format!(
            "{}{}",
            sub[..1].to_ascii_uppercase(),
            sub[1..].to_ascii_lowercase()
        )
    });
    let region = subtags
        .next_if(|sub| alphabetic(sub, 2))
        .map(str::to_ascii_uppercase);
    if subtags.next().is_some() {
        return Err(unsupported(
            "Use a language code with at most a script and a region, as in pt-BR or zh-Hans-CN.",
        ));
    }
    let mut normalized = primary.clone();
    let mut details = Vec::new();
    if let Some(script) = &script {
        normalized = format!("{normalized}-{script}");
        details.push(script.clone());
    }
    if let Some(region) = &region {
        normalized = format!("{normalized}-{region}");
        details.push(
            REGIONS
                .iter()
                .find(|(code, _)| code == region)
                .map_or(region.as_str(), |(_, name)| name)
                .to_owned(),
        );
    }
    let name = if details.is_empty() {
        name.to_owned()
    } else {
        format!("{name} ({})", details.join(", "))
    };
    Ok((normalized, name))
}

// ---------------------------------------------------------------- captions ---

fn caption_json(video_id: &str, language: &str, default: bool) -> models::Caption {
    let name = language_tag(language).map_or_else(|_| language.to_owned(), |(_, name)| name);
    models::Caption::new()
        .uri(format!("/videos/{video_id}/captions/{language}"))
        .src(format!(
            "https://vod.api.video/vod/{video_id}/captions/{language}.vtt"
        ))
        .srclang(language)
        .language_name(name)
        .default(default)
}

fn caption_not_found() -> Problem {
    h::not_found(
        "This video has no caption in the requested language.",
        "language",
    )
}

fn is_webvtt(file: &h::FilePart) -> bool {
    let text = file
        .data
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.data);
    file.extension().as_deref() == Some("vtt") || text.starts_with(b"WEBVTT")
}

pub(crate) async fn upload_caption(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let (language, _) = language_tag(req.param("language"))?;
    let id = req.param("videoId").to_owned();
    active(&mut shared.lock(), &id)?;
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;
    if !is_webvtt(&file) {
        return Err(h::bad_request(
            "uploaded-file-extension-invalid",
            "Caption files must be WebVTT (.vtt).",
            "file",
        ));
    }
    let mut state = shared.lock();
    let rec = active(&mut state, &id)?;
    let default = rec.captions.get(&language).is_some_and(|c| c.default);
    rec.captions.insert(
        language.clone(),
        CaptionRec {
            vtt: file.data,
            default,
        },
    );
    Ok(h::json(
        StatusCode::OK,
        &caption_json(&id, &language, default),
    ))
}

pub(crate) fn get_caption(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let (language, _) = language_tag(req.param("language"))?;
    let mut state = shared.lock();
    let id = req.param("videoId");
    let rec = active(&mut state, id)?;
    let caption = rec.captions.get(&language).ok_or_else(caption_not_found)?;
    Ok(h::json(
        StatusCode::OK,
        &caption_json(id, &language, caption.default),
    ))
}

pub(crate) fn delete_caption(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let (language, _) = language_tag(req.param("language"))?;
    let mut state = shared.lock();
    let rec = active(&mut state, req.param("videoId"))?;
    rec.captions
        .shift_remove(&language)
        .ok_or_else(caption_not_found)?;
    Ok(h::empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn patch_caption(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let (language, _) = language_tag(req.param("language"))?;
    let payload: models::CaptionsUpdatePayload = h::json_body(req).await?;
    let mut state = shared.lock();
    let id = req.param("videoId");
    let rec = active(&mut state, id)?;
    if !rec.captions.contains_key(&language) {
        return Err(caption_not_found());
    }
    if let Some(default) = payload.default {
        for (lang, caption) in &mut rec.captions {
            if *lang == language {
                caption.default = default;
            } else if default {
                caption.default = false;
            }
        }
    }
    let default = rec.captions.get(&language).is_some_and(|c| c.default);
    Ok(h::json(
        StatusCode::OK,
        &caption_json(id, &language, default),
    ))
}

pub(crate) fn list_captions(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let mut state = shared.lock();
    let id = req.param("videoId");
    let rec = active(&mut state, id)?;
    let captions: Vec<models::Caption> = rec
        .captions
        .iter()
        .map(|(language, caption)| caption_json(id, language, caption.default))
        .collect();
    let (data, pagination) = h::paginate(captions, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::CaptionsListResponse::new(data, pagination),
    ))
}

// ---------------------------------------------------------------- chapters ---

fn chapter_json(video_id: &str, language: &str) -> models::Chapter {
    models::Chapter::new()
        .uri(format!("/videos/{video_id}/chapters/{language}"))
        .src(format!(
            "https://vod.api.video/vod/{video_id}/chapters/{language}.vtt"
        ))
        .language(language)
}

fn chapter_not_found() -> Problem {
    h::not_found(
        "This video has no chapters in the requested language.",
        "language",
    )
}

pub(crate) async fn upload_chapter(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let (language, _) = language_tag(req.param("language"))?;
    let id = req.param("videoId").to_owned();
    active(&mut shared.lock(), &id)?;
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;
    if !is_webvtt(&file) {
        return Err(h::bad_request(
            "uploaded-file-extension-invalid",
            "Chapter files must be WebVTT (.vtt).",
            "file",
        ));
    }
    let mut state = shared.lock();
    let rec = active(&mut state, &id)?;
    rec.chapters.insert(language.clone(), file.data);
    Ok(h::json(StatusCode::OK, &chapter_json(&id, &language)))
}

pub(crate) fn get_chapter(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let (language, _) = language_tag(req.param("language"))?;
    let mut state = shared.lock();
    let id = req.param("videoId");
    let rec = active(&mut state, id)?;
    if !rec.chapters.contains_key(&language) {
        return Err(chapter_not_found());
    }
    Ok(h::json(StatusCode::OK, &chapter_json(id, &language)))
}

pub(crate) fn delete_chapter(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let (language, _) = language_tag(req.param("language"))?;
    let mut state = shared.lock();
    let rec = active(&mut state, req.param("videoId"))?;
    rec.chapters
        .shift_remove(&language)
        .ok_or_else(chapter_not_found)?;
    Ok(h::empty(StatusCode::NO_CONTENT))
}

pub(crate) fn list_chapters(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let mut state = shared.lock();
    let id = req.param("videoId");
    let rec = active(&mut state, id)?;
    let chapters: Vec<models::Chapter> = rec
        .chapters
        .keys()
        .map(|language| chapter_json(id, language))
        .collect();
    let (data, pagination) = h::paginate(chapters, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::ChaptersListResponse::new(data, pagination),
    ))
}

// -------------------------------------------------------------- watermarks ---

pub(crate) async fn create_watermark(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;
    h::check_image(
        &file,
        &[Image::Jpeg, Image::Png],
        "Watermarks must be .jpg, .jpeg or .png files.",
    )?;
    let id = new_id("watermark_");
    let watermark = models::Watermark::new()
        .watermark_id(id.clone())
        .created_at(now());
    shared.lock().watermarks.insert(id, watermark.clone());
    Ok(h::json(StatusCode::OK, &watermark))
}

pub(crate) fn list_watermarks(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    h::sort_by(req, &["createdAt"], "createdAt")?;
    let descending = h::sort_descending(req)?;
    let mut all: Vec<models::Watermark> = shared.lock().watermarks.values().cloned().collect();
    if descending {
        all.reverse();
    }
    let (data, pagination) = h::paginate(all, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::WatermarksListResponse::new(data, pagination),
    ))
}

pub(crate) fn delete_watermark(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    match shared
        .lock()
        .watermarks
        .shift_remove(req.param("watermarkId"))
    {
        Some(_) => Ok(h::empty(StatusCode::NO_CONTENT)),
        None => Err(h::not_found(
            "No watermark exists with this id.",
            "watermarkId",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert_eq!(
            language_tag("fr-ca").unwrap(),
            ("fr-CA".to_owned(), "Français (Canada)".to_owned())
        );
        assert_eq!(language_tag("ja").unwrap().1, "日本語");
        assert!(language_tag("pt_BR").is_err());
        assert!(language_tag("xx").is_err());
        assert!(language_tag("en-US-x-y").is_err());
        assert!(language_tag("fr-").is_err());
        assert!(language_tag("fr-CA-Latn").is_err());
        // A code without a name here (api.video's PHP client tests send `ch`).
        assert_eq!(
            language_tag("ch").unwrap(),
            ("ch".to_owned(), "ch".to_owned())
        );
        // The API's own example of a script and a region.
        assert_eq!(
            language_tag("zh-hans-cn").unwrap(),
            ("zh-Hans-CN".to_owned(), "中文 (Hans, 中国)".to_owned())
        );
        assert_eq!(language_tag("zh-Hant").unwrap().0, "zh-Hant");
    }

    #[test]
    fn thumbnail_timecodes() {
        assert!(is_thumbnail_timecode("00:01:02"));
        assert!(is_thumbnail_timecode("00:01:02.50"));
        // The forms api.video documents, and what its PHP client test sends
        // (tests/Api/VideosApiTest.php, testUpload).
        assert!(is_thumbnail_timecode("00:00:09.000"));
        assert!(is_thumbnail_timecode("00:01:02.5"));
        assert!(is_thumbnail_timecode("00:01:02:12"));
        assert!(is_thumbnail_timecode("124"));
        for bad in [
            "0:01:02",
            "00:00:09.0000",
            "00:00:09.",
            "00:00:09:",
            "00:00:09:123",
            "12345678",
            "",
            "00:01:02 ",
            "aa:bb:cc",
        ] {
            assert!(!is_thumbnail_timecode(bad), "{bad:?}");
        }
    }
}
