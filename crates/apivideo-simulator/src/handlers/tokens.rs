//! Delegated upload tokens.

use std::sync::Arc;

use apivideo_api::models;
use http::StatusCode;

use crate::http::{self as h, HandlerResult, Problem, Req};
use crate::state::{Shared, State, new_id, now};

/// The largest `ttl` the API accepts.
const MAX_TTL: i64 = 2_147_483_647;

fn token_not_found() -> Problem {
    h::not_found(
        "This upload token does not exist or has expired.",
        "uploadToken",
    )
}

fn expired(token: &models::UploadToken) -> bool {
    token.expires_at.is_some_and(|at| at <= chrono::Utc::now())
}

/// Whether `token` exists and has not expired.
pub(crate) fn is_valid(state: &State, token: &str) -> bool {
    state
        .upload_tokens
        .get(token)
        .is_some_and(|token| !expired(token))
}

pub(crate) async fn create(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::TokenCreationPayload = h::json_body(req).await?;
    let ttl = payload.ttl.unwrap_or(0);
    if !(0..=MAX_TTL).contains(&ttl) {
        return Err(h::bad_request(
            "invalid-attribute",
            "ttl must be a positive integer or 0.",
            "ttl",
        ));
    }
    let id = new_id("to");
    let at = now();
    let mut token = models::UploadToken::new()
        .token(id.clone())
        .ttl(ttl)
        .created_at(at);
    token.expires_at = (ttl > 0).then(|| at + chrono::Duration::seconds(ttl));
    shared.lock().upload_tokens.insert(id, token.clone());
    Ok(h::json(StatusCode::OK, &token))
}

pub(crate) fn get(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let state = shared.lock();
    let token = state
        .upload_tokens
        .get(req.param("uploadToken"))
        .filter(|token| !expired(token))
        .ok_or_else(token_not_found)?;
    Ok(h::json(StatusCode::OK, token))
}

pub(crate) fn delete(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let mut state = shared.lock();
    let id = req.param("uploadToken");
    if !is_valid(&state, id) {
        return Err(token_not_found());
    }
    state.upload_tokens.shift_remove(id);
    Ok(h::empty(StatusCode::NO_CONTENT))
}

pub(crate) fn list(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let sort = h::sort_by(req, &["createdAt", "ttl"], "createdAt")?;
    let descending = h::sort_descending(req)?;
    let mut all: Vec<models::UploadToken> = shared
        .lock()
        .upload_tokens
        .values()
        .filter(|token| !expired(token))
        .cloned()
        .collect();
    all.sort_by(|a, b| {
        let order = if sort == "ttl" {
            a.ttl.cmp(&b.ttl)
        } else {
            a.created_at.cmp(&b.created_at)
        };
        if descending { order.reverse() } else { order }
    });
    let (data, pagination) = h::paginate(all, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::TokenListResponse::new(data, pagination),
    ))
}
