//! The bearer strategy's token requests, through the same request path as every call.

use std::time::Duration;

use apivideo_auth::secrecy::ExposeSecret;
use apivideo_auth::{AccessToken, ApiKey, TokenEndpoint, TokenFuture};
use reqwest::header::{ACCEPT, HeaderValue};

use crate::error::Error;
use crate::operation::Operation;
use crate::{Client, models, operations};

/// [`TokenEndpoint`] over a [`Client`]: `POST /auth/api-key` and `POST /auth/refresh`
/// go through the client's request path, so they get its retry policy, its stall
/// detection and its refusal of redirects (the API key travels in the body; a redirect
/// would carry it away). Credentials are never attached to them (the operations table
/// says so). The answer is read by [`AccessToken::from_json_response`], the one parser of
/// token answers.
///
/// ```
/// use apivideo_api::{ApiTokenEndpoint, Client, Context};
/// use apivideo_auth::{ApiKey, BearerToken};
///
/// let api = Client::new("https://sandbox.api.video", Context::anonymous());
/// let endpoint = ApiTokenEndpoint::new(api);
/// let bearer = BearerToken::builder(ApiKey::new("my-api-key")?, endpoint).build();
/// # Ok::<(), apivideo_auth::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ApiTokenEndpoint {
    api: Client,
    deadline: Duration,
}

impl ApiTokenEndpoint {
    /// The deadline of one token request, retries included, unless set: every task that
    /// needs a token waits for it, whatever the client's own timeouts.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Token requests through `api` (its base URL, HTTP client, retry policy and read
    /// timeout).
    pub fn new(api: Client) -> Self {
        Self {
            api,
            deadline: Self::DEFAULT_TIMEOUT,
        }
    }

    /// The deadline of one whole token request, retries included.
    #[must_use]
    pub fn with_timeout(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    async fn post(
        &self,
        op: &'static Operation,
        body: &(impl serde::Serialize + Sync),
    ) -> Result<AccessToken, apivideo_auth::Error> {
        let url = format!("{}{}", self.api.baseurl, op.path);
        let build = || {
            self.api
                .client
                .post(&url)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .json(body)
                .build()
                .map_err(|e| Error::InvalidRequest(e.without_url().to_string()))
        };
        let call = self.api.execute(Some(op), op.is_idempotent(), true, build);
        let answer = match tokio::time::timeout(self.deadline, call).await {
            Ok(answer) => answer,
            Err(_) => Err(Error::Timeout {
                stage: crate::Stage::Whole,
                after: self.deadline,
            }),
        };
        match answer {
            Ok(answer) => AccessToken::from_json_response(answer.status.as_u16(), &answer.body),
            Err(error) => Err(auth_error(error)),
        }
    }
}

/// A failed token request as the credentials layer sees it.
fn auth_error(error: Error) -> apivideo_auth::Error {
    match error {
        Error::Api(api) => {
            let status = api.status.as_u16();
            match status {
                400 | 401 => apivideo_auth::Error::Rejected {
                    status,
                    problem: Box::new(api.problem),
                },
                429 | 500..=599 => apivideo_auth::Error::Unavailable {
                    status,
                    retry_after: api.rate_limit.retry_after,
                },
                _ => apivideo_auth::Error::MalformedTokenResponse {
                    status,
                    reason: "unexpected HTTP status (expected 2xx, 400, 401, 429 or 5xx)".into(),
                },
            }
        }
        Error::Credentials(error) => error,
        other => apivideo_auth::Error::transport(other),
    }
}

impl TokenEndpoint for ApiTokenEndpoint {
    fn authenticate<'a>(&'a self, key: &'a ApiKey) -> TokenFuture<'a> {
        Box::pin(async move {
            let body = models::AuthenticatePayload::new(key.expose_secret());
            self.post(&operations::POST_AUTH_API_KEY, &body).await
        })
    }

    fn refresh<'a>(
        &'a self,
        refresh_token: &'a apivideo_auth::secrecy::SecretString,
    ) -> TokenFuture<'a> {
        Box::pin(async move {
            let body = models::RefreshTokenPayload::new(refresh_token.expose_secret());
            self.post(&operations::POST_AUTH_REFRESH, &body).await
        })
    }
}
