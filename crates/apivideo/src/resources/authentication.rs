//! `client.authentication()`.

use apivideo_api::models::{AccessToken, AuthenticatePayload, RefreshTokenPayload};

use super::resource;
use crate::call::Call;
use crate::error::Error;

resource! {
    /// The two token operations, `POST /auth/api-key` and `POST /auth/refresh`, for
    /// handing a short-lived token to another process.
    ///
    /// You do not need them to use this client: it already exchanges its key for a
    /// bearer token, caches it, and refreshes it before it expires (see
    /// [`ClientBuilder::bearer_auth`](crate::ClientBuilder::bearer_auth)). Call them when
    /// something else must reach api.video without ever holding your API key: a worker,
    /// a browser, a job in another language. Give it the access token (valid one hour)
    /// and, if it should renew it itself, the refresh token.
    ///
    /// These calls never send the client's own credentials, whatever they are: the API
    /// key (or refresh token) is in the body, and a client built with
    /// [`anonymous`](crate::ClientBuilder::anonymous) can make them.
    ///
    /// The returned [`AccessToken`] holds secrets: its `Debug` output redacts them, and
    /// they should go only to the process that needs them.
    ///
    /// ```no_run
    /// use apivideo::models::{AuthenticatePayload, RefreshTokenPayload};
    /// # async fn run(client: apivideo::Client, key: String) -> apivideo::Result<()> {
    /// let token = client.authentication().authenticate(AuthenticatePayload::new(key)).await?;
    /// // hand token.access_token to the worker; an hour later, or when it is refused:
    /// let renewed = client
    ///     .authentication()
    ///     .refresh(RefreshTokenPayload::new(token.refresh_token.unwrap_or_default()))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    Authentication
}

impl Authentication {
    /// Exchanges an API key for an access token and a refresh token
    /// (`POST /auth/api-key`). A sandbox key gives sandbox tokens, a production key
    /// production ones.
    pub fn authenticate(&self, payload: AuthenticatePayload) -> Call<AccessToken> {
        self.client.request(|client| async move {
            if payload.api_key.trim().is_empty() {
                return Err(Error::invalid("payload.api_key", "must not be empty"));
            }
            client
                .call_full(|api| api.post_auth_api_key().body(payload).send())
                .await
        })
    }

    /// Exchanges a refresh token for a new access token and a new refresh token
    /// (`POST /auth/refresh`); keep the new refresh token for the next renewal.
    pub fn refresh(&self, payload: RefreshTokenPayload) -> Call<AccessToken> {
        self.client.request(|client| async move {
            if payload.refresh_token.trim().is_empty() {
                return Err(Error::invalid("payload.refresh_token", "must not be empty"));
            }
            client
                .call_full(|api| api.post_auth_refresh().body(payload).send())
                .await
        })
    }
}
