//! `POST /auth/api-key` and `POST /auth/refresh`: disposable bearer tokens.

use std::sync::Arc;

use apivideo_api::models;
use base64::Engine as _;
use http::StatusCode;
use tokio::time::Instant;

use crate::http::{self as h, HandlerResult, Req};
use crate::state::{Shared, State, random_chars, random_hex};

const INVALID_CREDENTIALS: &str = "authentication-invalid-user-credentials";

pub(crate) async fn api_key(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::AuthenticatePayload = h::json_body(req).await?;
    if payload.api_key != shared.config.api_key {
        return Err(h::bad_request(
            INVALID_CREDENTIALS,
            "The user credentials were incorrect.",
            "",
        ));
    }
    let token = issue(shared, &mut shared.lock());
    Ok(h::json(StatusCode::OK, &token))
}

pub(crate) async fn refresh(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::RefreshTokenPayload = h::json_body(req).await?;
    let mut state = shared.lock();
    if !state.refresh_tokens.remove(&payload.refresh_token) {
        return Err(h::bad_request(
            INVALID_CREDENTIALS,
            "This refresh token has expired or was already used.",
            "refreshToken",
        ));
    }
    let token = issue(shared, &mut state);
    Ok(h::json(StatusCode::OK, &token))
}

/// A new access token (JWT-shaped) and refresh token.
fn issue(shared: &Shared, state: &mut State) -> models::AccessToken {
    let ttl = shared.config.token_ttl;
    let now = Instant::now();
    state.access_tokens.retain(|_, expires| *expires > now);
    let issued = chrono::Utc::now().timestamp();
    let ttl_secs = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
    let claims = serde_json::json!({
        "aud": "library",
        "iat": issued,
        "exp": issued.saturating_add(ttl_secs),
        "projectId": "prSimulat0r",
        "jti": random_hex(16),
    });
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let access = format!(
        "{}.{}.{}",
        b64.encode(br#"{"typ":"JWT","alg":"RS256"}"#),
        b64.encode(claims.to_string()),
        random_chars("", 86)
    );
    let refresh = format!("def502{}", random_hex(74));
    state
        .access_tokens
        .insert(access.clone(), now.checked_add(ttl).unwrap_or(now));
    state.refresh_tokens.insert(refresh.clone());
    models::AccessToken::new()
        .token_type("Bearer")
        .expires_in(ttl_secs)
        .access_token(access)
        .refresh_token(refresh)
}

/// Whether `token` was issued and has not expired.
pub(crate) fn bearer_is_valid(shared: &Shared, token: &str) -> bool {
    shared
        .lock()
        .access_tokens
        .get(token)
        .is_some_and(|expires| *expires > Instant::now())
}
