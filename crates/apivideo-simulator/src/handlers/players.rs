//! Player themes and their logos.

use std::sync::Arc;

use apivideo_api::models;
use http::StatusCode;

use crate::http::{self as h, HandlerResult, Problem, Req};
use crate::state::{Shared, new_id, now};

const MAX_LOGO: usize = 100 << 10;

fn player_not_found() -> Problem {
    h::not_found("No player theme exists with this id.", "playerId")
}

/// `rgba(r, g, b, a)` with numbers, as the player expects.
fn is_rgba(value: &str) -> bool {
    let Some(inner) = value
        .trim()
        .strip_prefix("rgba(")
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return false;
    };
    let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
    parts.len() == 4 && parts.iter().all(|part| part.parse::<f64>().is_ok())
}

/// The color fields of a theme payload, by API name.
fn colors(fields: [(&'static str, Option<&String>); 10]) -> Result<(), Problem> {
    for (name, value) in fields {
        if let Some(value) = value.filter(|value| !is_rgba(value)) {
            return Err(h::bad_request(
                "invalid-attribute",
                format!("{value:?} is not a color; write rgba(r, g, b, a)."),
                name,
            ));
        }
    }
    Ok(())
}

fn check_name(name: Option<&String>) -> Result<(), Problem> {
    if name.is_some_and(|name| name.chars().count() > 100) {
        return Err(h::bad_request(
            "invalid-attribute",
            "The name of a player theme is limited to 100 characters.",
            "name",
        ));
    }
    Ok(())
}

pub(crate) async fn create(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let p: models::PlayerThemeCreationPayload = h::json_body(req).await?;
    check_name(p.name.as_ref())?;
    colors([
        ("text", p.text.as_ref()),
        ("link", p.link.as_ref()),
        ("linkHover", p.link_hover.as_ref()),
        ("linkActive", p.link_active.as_ref()),
        ("trackPlayed", p.track_played.as_ref()),
        ("trackUnplayed", p.track_unplayed.as_ref()),
        ("trackBackground", p.track_background.as_ref()),
        ("backgroundTop", p.background_top.as_ref()),
        ("backgroundBottom", p.background_bottom.as_ref()),
        ("backgroundText", p.background_text.as_ref()),
    ])?;
    let id = new_id("pt");
    let at = now();
    let mut theme = models::PlayerTheme::new(id.clone())
        .enable_api(p.enable_api.unwrap_or(true))
        .enable_controls(p.enable_controls.unwrap_or(true))
        .force_autoplay(p.force_autoplay.unwrap_or(false))
        .hide_title(p.hide_title.unwrap_or(false))
        .force_loop(p.force_loop.unwrap_or(false))
        .created_at(at)
        .updated_at(at);
    theme.name = p.name;
    theme.text = p.text;
    theme.link = p.link;
    theme.link_hover = p.link_hover;
    theme.link_active = p.link_active;
    theme.track_played = p.track_played;
    theme.track_unplayed = p.track_unplayed;
    theme.track_background = p.track_background;
    theme.background_top = p.background_top;
    theme.background_bottom = p.background_bottom;
    theme.background_text = p.background_text;
    shared.lock().players.insert(id, theme.clone());
    Ok(h::json(StatusCode::CREATED, &theme))
}

pub(crate) fn get(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let state = shared.lock();
    let theme = state
        .players
        .get(req.param("playerId"))
        .ok_or_else(player_not_found)?;
    Ok(h::json(StatusCode::OK, theme))
}

pub(crate) async fn update(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let p: models::PlayerThemeUpdatePayload = h::json_body(req).await?;
    check_name(p.name.as_ref())?;
    colors([
        ("text", p.text.as_ref()),
        ("link", p.link.as_ref()),
        ("linkHover", p.link_hover.as_ref()),
        ("linkActive", p.link_active.as_ref()),
        ("trackPlayed", p.track_played.as_ref()),
        ("trackUnplayed", p.track_unplayed.as_ref()),
        ("trackBackground", p.track_background.as_ref()),
        ("backgroundTop", p.background_top.as_ref()),
        ("backgroundBottom", p.background_bottom.as_ref()),
        ("backgroundText", p.background_text.as_ref()),
    ])?;
    let mut state = shared.lock();
    let theme = state
        .players
        .get_mut(req.param("playerId"))
        .ok_or_else(player_not_found)?;
    macro_rules! keep_or_set {
        ($($field:ident),*) => {
            $(if let Some(value) = p.$field { theme.$field = Some(value); })*
        };
    }
    keep_or_set!(
        name,
        text,
        link,
        link_hover,
        link_active,
        track_played,
        track_unplayed,
        track_background,
        background_top,
        background_bottom,
        background_text,
        enable_api,
        enable_controls,
        force_autoplay,
        hide_title,
        force_loop
    );
    theme.updated_at = Some(now());
    Ok(h::json(StatusCode::OK, theme))
}

pub(crate) fn delete(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let id = req.param("playerId");
    let mut state = shared.lock();
    state
        .players
        .shift_remove(id)
        .ok_or_else(player_not_found)?;
    // Videos and live streams fall back to the default player.
    for rec in state.videos.values_mut() {
        if rec.video.player_id.as_deref() == Some(id) {
            rec.video.player_id = None;
        }
    }
    for rec in state.live_streams.values_mut() {
        if rec.live.player_id.as_deref() == Some(id) {
            rec.live.player_id = None;
        }
    }
    Ok(h::empty(StatusCode::NO_CONTENT))
}

pub(crate) fn list(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let sort = h::sort_by(req, &["name", "createdAt", "updatedAt"], "createdAt")?;
    let descending = h::sort_descending(req)?;
    let mut all: Vec<models::PlayerTheme> = shared.lock().players.values().cloned().collect();
    all.sort_by(|a, b| {
        let order = match sort {
            "name" => a.name.cmp(&b.name),
            "updatedAt" => a.updated_at.cmp(&b.updated_at),
            _ => a.created_at.cmp(&b.created_at),
        };
        if descending { order.reverse() } else { order }
    });
    let (data, pagination) = h::paginate(all, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::PlayerThemesListResponse::new(data, pagination),
    ))
}

pub(crate) async fn upload_logo(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let id = req.param("playerId").to_owned();
    if !shared.lock().players.contains_key(&id) {
        return Err(player_not_found());
    }
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;
    let image = h::check_image(
        &file,
        &[h::Image::Jpeg, h::Image::Png],
        "Logos must be JPEG or PNG images.",
    )?;
    if file.data.len() > MAX_LOGO {
        return Err(h::bad_request(
            "file-too-large",
            "Logos are limited to 100 KiB.",
            "file",
        ));
    }
    let link = form.fields.remove("link").filter(|link| !link.is_empty());
    let mut state = shared.lock();
    let theme = state.players.get_mut(&id).ok_or_else(player_not_found)?;
    let ext = image.extension();
    let mut assets = models::PlayerThemeAssets::new()
        .logo(format!("https://vod.api.video/players/{id}/logo.{ext}"));
    assets.link = link;
    theme.assets = Some(assets);
    theme.updated_at = Some(now());
    Ok(h::json(StatusCode::CREATED, theme))
}

pub(crate) fn delete_logo(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let mut state = shared.lock();
    let theme = state
        .players
        .get_mut(req.param("playerId"))
        .ok_or_else(player_not_found)?;
    theme.assets = None;
    theme.updated_at = Some(now());
    Ok(h::empty(StatusCode::NO_CONTENT))
}
