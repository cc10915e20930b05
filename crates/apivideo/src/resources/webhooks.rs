//! `client.webhooks()`.

use apivideo_api::models::{
    Webhook, WebhookEventType, WebhooksCreationPayload, WebhooksListResponse,
};

use super::{id, resource};
use crate::call::Call;
use crate::error::Error;
use crate::pagination::{ListRequest, list_operation};

resource! {
    /// Webhook subscriptions. Verifying a delivery is [`crate::webhooks::verify`].
    Webhooks
}

list_operation!(
    /// `GET /webhooks`.
    WebhooksList, ListWebhooksParams, WebhooksListResponse, Webhook
);

/// Lists webhooks; see [`Webhooks::list`].
pub type ListWebhooks = ListRequest<WebhooksList>;

impl ListWebhooks {
    /// Webhooks subscribed to this event.
    pub fn event(self, event: WebhookEventType) -> Self {
        self.set(|p| p.events = Some(event.as_str().to_owned()))
    }
}

impl Webhooks {
    /// Subscribes `url` to events. Keep the returned webhook's
    /// [`verification_secret`](Webhook::verification_secret) to verify deliveries
    /// ([`crate::webhooks::verify_request`]).
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
    /// let secret = webhook.verification_secret().expect("api.video sends it on creation");
    /// # Ok(()) }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> apivideo::Result<()> {
    /// #     let sim = apivideo_simulator::Simulator::start().await;
    /// #     let client = apivideo::Client::builder().api_key(sim.api_key()).base_url(sim.base_url());
    /// #     run(client.build()?).await
    /// # }
    /// ```
    pub fn create(&self, payload: WebhooksCreationPayload) -> Call<Webhook> {
        self.client.request(|client| async move {
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
            client
                .call_full(|api| async move { api.post_webhooks().body(payload).send().await })
                .await
        })
    }

    /// Lists webhooks.
    pub fn list(&self) -> ListWebhooks {
        ListRequest::new(self.client.clone())
    }

    /// One webhook.
    pub fn get(&self, webhook_id: &str) -> Call<Webhook> {
        let webhook_id = id("webhook_id", webhook_id);
        self.client.request(|client| async move {
            let webhook_id = webhook_id?;
            client
                .call_full(
                    |api| async move { api.get_webhook().webhook_id(webhook_id).send().await },
                )
                .await
        })
    }

    /// Deletes a webhook.
    pub fn delete(&self, webhook_id: &str) -> Call<()> {
        let webhook_id = id("webhook_id", webhook_id);
        self.client.request(|client| async move {
            let webhook_id = webhook_id?;
            client
                .call_full(
                    |api| async move { api.delete_webhook().webhook_id(webhook_id).send().await },
                )
                .await
        })
    }
}
