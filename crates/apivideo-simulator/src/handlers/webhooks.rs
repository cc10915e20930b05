//! Webhook subscriptions (deliveries are in `events`).

use std::sync::Arc;

use apivideo_api::models::{self, WebhookEventType};
use http::StatusCode;

use crate::http::{self as h, HandlerResult, Problem, Req};
use crate::state::{Shared, new_id, now, random_hex};

fn webhook_not_found() -> Problem {
    h::not_found("No webhook exists with this id.", "webhookId")
}

pub(crate) async fn create(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::WebhooksCreationPayload = h::json_body(req).await?;
    if payload.events.is_empty() {
        return Err(h::bad_request(
            "attribute-required",
            "At least one event is required.",
            "events",
        ));
    }
    for (index, event) in payload.events.iter().enumerate() {
        if let WebhookEventType::Unknown(name) = event {
            return Err(h::bad_request(
                "invalid-attribute",
                format!("{name:?} is not a webhook event."),
                format!("events[{index}]"),
            ));
        }
    }
    let url = payload.url.trim();
    let valid_url = url::Url::parse(url)
        .ok()
        .is_some_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
    if !valid_url {
        return Err(h::bad_request(
            "invalid-attribute",
            "url must be an HTTP or HTTPS URL.",
            "url",
        ));
    }
    let id = new_id("webhook");
    let webhook = models::Webhook::new()
        .webhook_id(id.clone())
        .created_at(now())
        .events(payload.events)
        .url(url)
        .signature_secret(random_hex(32));
    shared.lock().webhooks.insert(id, webhook.clone());
    Ok(h::json(StatusCode::CREATED, &webhook))
}

pub(crate) fn get(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let state = shared.lock();
    let webhook = state
        .webhooks
        .get(req.param("webhookId"))
        .ok_or_else(webhook_not_found)?;
    Ok(h::json(StatusCode::OK, webhook))
}

pub(crate) fn delete(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    match shared.lock().webhooks.shift_remove(req.param("webhookId")) {
        Some(_) => Ok(h::empty(StatusCode::NO_CONTENT)),
        None => Err(webhook_not_found()),
    }
}

pub(crate) fn list(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let event = req.query("events");
    let all: Vec<models::Webhook> = shared
        .lock()
        .webhooks
        .values()
        .filter(|hook| event.is_none_or(|event| hook.events.iter().any(|e| e.as_str() == event)))
        .cloned()
        .collect();
    let (data, pagination) = h::paginate(all, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::WebhooksListResponse::new(data, pagination),
    ))
}
