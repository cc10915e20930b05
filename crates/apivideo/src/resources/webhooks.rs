//! `client.webhooks()`.

use apivideo_api::models::{
    Webhook, WebhookEventType, WebhooksCreationPayload, WebhooksListResponse,
};

use super::{id, resource};
use crate::error::{Error, Result};
use crate::pagination::{ListRequest, list_operation};

resource! {
    /// Webhook subscriptions. Verifying a delivery is [`crate::webhooks::verify`].
    Webhooks
}

list_operation!(
    /// `GET /webhooks`.
    WebhooksList, ListWebhooks, list_webhooks, WebhooksListResponse, Webhook
);

/// Lists webhooks; see [`Webhooks::list`].
pub type ListWebhooks = ListRequest<WebhooksList>;

impl ListWebhooks {
    /// Webhooks subscribed to this event.
    pub fn event(self, event: WebhookEventType) -> Self {
        let event = event.as_str().to_owned();
        self.set(move |b| b.events(event.clone()))
    }
}

impl Webhooks {
    /// Subscribes `url` to events. Keep the returned `signature_secret` to verify
    /// deliveries.
    ///
    /// ```
    /// use apivideo::models::{WebhookEventType, WebhooksCreationPayload};
    /// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
    /// let webhook = client
    ///     .webhooks()
    ///     .create(WebhooksCreationPayload::new(
    ///         [WebhookEventType::VideoEncodingQualityCompleted],
    ///         "https://example.com/hooks/apivideo",
    ///     ))
    ///     .await?;
    /// # Ok(()) }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> apivideo::Result<()> {
    /// #     let sim = apivideo_simulator::Simulator::start().await;
    /// #     let client = apivideo::Client::builder().api_key(sim.api_key()).base_url(sim.base_url());
    /// #     run(client.build()?).await
    /// # }
    /// ```
    pub async fn create(&self, payload: WebhooksCreationPayload) -> Result<Webhook> {
        if payload.events.is_empty() {
            return Err(Error::invalid(
                "payload.events",
                "subscribe to at least one event",
            ));
        }
        match reqwest::Url::parse(&payload.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => return Err(Error::invalid("payload.url", "must be an http(s) URL")),
        }
        self.client
            .call(|api| async move { api.post_webhooks().body(payload).send().await })
            .await
    }

    /// Lists webhooks.
    pub fn list(&self) -> ListWebhooks {
        ListRequest::new(self.client.clone())
    }

    /// One webhook.
    pub async fn get(&self, webhook_id: &str) -> Result<Webhook> {
        let webhook_id = id("webhook_id", webhook_id)?;
        self.client
            .call(|api| async move { api.get_webhook().webhook_id(webhook_id).send().await })
            .await
    }

    /// Deletes a webhook.
    pub async fn delete(&self, webhook_id: &str) -> Result<()> {
        let webhook_id = id("webhook_id", webhook_id)?;
        self.client
            .call(|api| async move { api.delete_webhook().webhook_id(webhook_id).send().await })
            .await
    }
}
