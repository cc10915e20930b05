//! Rust names for spec names, identical to what progenitor's typify derives.
//!
//! progenitor replaces a component schema only when our replacement is keyed by the
//! name typify derives for it, so both generators must agree on one rule.

use heck::{ToPascalCase, ToSnakeCase};

/// A type name: `video-status` → `VideoStatus`, `403-error-schema` → `X403ErrorSchema`.
pub fn type_name(input: &str) -> String {
    sanitize(input, Case::Pascal)
}

/// A function or parameter name as typify and progenitor derive it: `videoId` →
/// `video_id`, `type` → `type_`.
pub fn field_name(input: &str) -> String {
    sanitize(input, Case::Snake)
}

/// A field of our models (and its setter): as [`field_name`], except that a keyword
/// becomes a raw identifier, `type` → `r#type`, the form hand-written code uses too
/// (`auth::Problem::r#type`), so that one convention holds across the crates. serde
/// strips `r#`, so the JSON name is unchanged. The keywords that cannot be raw (`self`,
/// `Self`, `super`, `crate`, `_`) keep the trailing underscore.
pub fn member_name(input: &str) -> String {
    let name = field_name(input);
    match name.strip_suffix('_') {
        Some(keyword) if is_keyword(keyword) && can_be_raw(keyword) => format!("r#{keyword}"),
        _ => name,
    }
}

fn can_be_raw(keyword: &str) -> bool {
    !matches!(keyword, "_" | "self" | "Self" | "super" | "crate")
}

/// An enum variant for a string value: `240p` → `X240p`, `live-stream.broadcast.started` →
/// `LiveStreamBroadcastStarted`.
pub fn variant_name(value: &str) -> String {
    sanitize(value, Case::Pascal)
}

#[derive(Clone, Copy)]
enum Case {
    Pascal,
    Snake,
}

fn sanitize(input: &str, case: Case) -> String {
    let to_case = |s: &str| match case {
        Case::Pascal => s.to_pascal_case(),
        Case::Snake => s.to_snake_case(),
    };
    let cleaned: String = input
        .replace('\'', "")
        .chars()
        .map(|c| if is_ident_continue(c) { c } else { '-' })
        .collect();
    let out = to_case(&cleaned);
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("{}{}", to_case("x"), out),
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify() {
        assert_eq!(type_name("video"), "Video");
        assert_eq!(type_name("videos-list-response"), "VideosListResponse");
        assert_eq!(type_name("403-error-schema"), "X403ErrorSchema");
        assert_eq!(field_name("videoId"), "video_id");
        assert_eq!(field_name("mp4Support"), "mp4_support");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("abstract"), "abstract_");
        assert_eq!(field_name("tags[]"), "tags");
        assert_eq!(member_name("type"), "r#type");
        assert_eq!(member_name("abstract"), "r#abstract");
        assert_eq!(member_name("self"), "self_");
        assert_eq!(member_name("videoId"), "video_id");
        assert_eq!(variant_name("240p"), "X240p");
        assert_eq!(
            variant_name("live-stream.broadcast.started"),
            "LiveStreamBroadcastStarted"
        );
        assert_eq!(variant_name("no"), "No");
        assert_eq!(variant_name("AS"), "As");
    }
}
