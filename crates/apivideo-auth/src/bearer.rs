//! Disposable bearer tokens, fetched once and shared by every request.

mod cache;

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use secrecy::SecretString;
use tracing::{debug, trace};

use self::cache::{Cached, Schedule};
use crate::authorization::Authorization;
use crate::clock::{Clock, SystemClock};
use crate::endpoint::{AccessToken, TokenEndpoint};
use crate::error::Error;
use crate::key::ApiKey;
use crate::provider::{AuthFuture, ProvideAuthorization, RequestContext, SharedAuth};

/// Default for [`BearerTokenBuilder::refresh_margin`].
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Default for [`BearerTokenBuilder::jitter`].
pub const DEFAULT_JITTER: Duration = Duration::from_secs(30);
/// Default for [`BearerTokenBuilder::min_lifetime`]: a token announced to live less
/// (`expires_in` of 0, or a few seconds) is kept this long, so a server handing out such
/// tokens cannot make every call fetch a new one. If the API refuses it earlier, the 401
/// invalidates it and one caller fetches the next.
pub const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(30);
/// The deadline of one token request, retries included (see
/// [`ReqwestTokenEndpoint::with_timeout`](crate::ReqwestTokenEndpoint::with_timeout)).
/// Every task that needs a token waits for the auth call, so it must not hang.
#[cfg(feature = "reqwest")]
pub const DEFAULT_AUTH_TIMEOUT: Duration = Duration::from_secs(30);

/// Exchanges the API key for short-lived bearer tokens and renews them before they expire.
///
/// * **Lazy**: nothing is fetched until the first request asks (`POST /auth/api-key`).
/// * **Renewed early**: `refresh_margin` plus a random part of `jitter` before expiry, but
///   not before half of the token's lifetime, with `POST /auth/refresh`. If the server
///   refuses the refresh token, the key is used once more instead.
/// * **Single flight**: however many tasks ask while the token is missing or due, one auth
///   request is in flight and the others wait for its outcome; if it fails, they all get
///   that error, and the next request tries again.
/// * **Resilient renewal**: if renewing fails while the current token has not expired yet,
///   the current token keeps being served and renewal is retried a few seconds later.
/// * **Invalidation**: [`invalidate`](ProvideAuthorization::invalidate) with the header a
///   server answered 401 to drops the cached token only if it is still that header, so a
///   burst of 401s causes one new token, not one per request. The next token is then
///   fetched with the key.
///
/// Requests that need no credentials (see [`RequestContext::requires_credentials`]) get
/// none and never cause a fetch. `Debug` shows the token's state, never the token.
pub struct BearerToken {
    api_key: ApiKey,
    endpoint: Box<dyn TokenEndpoint>,
    clock: Box<dyn Clock>,
    schedule: Schedule,
    state: Mutex<State>,
    /// Held by the one task that talks to the auth endpoint; the others queue on it.
    flight: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    token: Option<Cached>,
    /// Finished fetch attempts. A task that waited for the flight lock compares this with
    /// the value it saw before waiting, to tell whether someone fetched on its behalf.
    completed: u64,
    /// The error of the last attempt, for the tasks that waited for it.
    failure: Option<Error>,
}

enum Renewal {
    Authenticate,
    Refresh(SecretString),
}

struct Outcome {
    result: Result<Cached, Error>,
    /// The server refused the refresh token, so it must not be used again.
    refresh_token_rejected: bool,
}

impl BearerToken {
    /// Bearer tokens from the api.video API at `base_url` (e.g. [`PRODUCTION_BASE_URL`]),
    /// fetched with a dedicated reqwest client that has a
    /// [30 s timeout](DEFAULT_AUTH_TIMEOUT) and follows no redirects (a redirect would carry
    /// the key to wherever it points).
    ///
    /// [`PRODUCTION_BASE_URL`]: crate::PRODUCTION_BASE_URL
    #[cfg(feature = "reqwest")]
    pub fn new(api_key: ApiKey, base_url: &str) -> Result<Self, Error> {
        crate::install_crypto_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .user_agent(concat!("apivideo-auth/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(Error::transport)?;
        let endpoint = crate::endpoint::ReqwestTokenEndpoint::new(client, base_url)?;
        Ok(Self::builder(api_key, endpoint).build())
    }

    /// Configures a strategy that gets its tokens from `endpoint`.
    pub fn builder(api_key: ApiKey, endpoint: impl TokenEndpoint + 'static) -> BearerTokenBuilder {
        BearerTokenBuilder {
            api_key,
            endpoint: Box::new(endpoint),
            clock: Box::new(SystemClock),
            schedule: Schedule {
                refresh_margin: DEFAULT_REFRESH_MARGIN,
                jitter: DEFAULT_JITTER,
                min_lifetime: MIN_TOKEN_LIFETIME,
            },
        }
    }

    /// The current bearer header, fetching or renewing the token first if needed.
    ///
    /// This is what [`ProvideAuthorization::authorization`] uses for requests that need
    /// credentials; call it directly when you use this crate without a client.
    pub async fn authorization_header(&self) -> Result<Authorization, Error> {
        let seen = {
            let state = self.lock_state();
            let now = self.clock.now();
            if let Some(cached) = state.token.as_ref().filter(|c| c.is_fresh(now)) {
                return Ok(cached.header.clone());
            }
            state.completed
        };

        let _flight = self.flight.lock().await;

        let renewal = {
            let state = self.lock_state();
            let now = self.clock.now();
            if state.completed != seen {
                // Another task fetched while we waited: share its outcome rather than
                // sending a request of our own.
                if let Some(error) = &state.failure {
                    return Err(error.clone());
                }
                if let Some(cached) = state.token.as_ref().filter(|c| c.is_usable(now)) {
                    return Ok(cached.header.clone());
                }
            }
            match &state.token {
                Some(cached) if cached.is_fresh(now) => return Ok(cached.header.clone()),
                Some(Cached {
                    refresh_token: Some(refresh_token),
                    ..
                }) => Renewal::Refresh(refresh_token.clone()),
                _ => Renewal::Authenticate,
            }
        };

        // If this future is dropped here, nothing is recorded and the next task to take the
        // flight lock simply fetches again.
        let outcome = self.renew(renewal).await;
        self.record(outcome)
    }

    async fn renew(&self, renewal: Renewal) -> Outcome {
        let mut refresh_token_rejected = false;
        let token = match renewal {
            Renewal::Authenticate => {
                debug!("fetching token");
                self.endpoint.authenticate(&self.api_key).await
            }
            Renewal::Refresh(refresh_token) => {
                debug!("refreshing token");
                match self.endpoint.refresh(&refresh_token).await {
                    Err(error) if error.is_rejected() => {
                        debug!(%error, "refresh rejected, re-authenticating");
                        refresh_token_rejected = true;
                        self.endpoint.authenticate(&self.api_key).await
                    }
                    other => other,
                }
            }
        };
        let received_at = self.clock.now();
        let result = token.and_then(|token: AccessToken| {
            debug!(
                expires_in_secs = token.expires_in.as_secs(),
                "token received"
            );
            Cached::new(token, received_at, self.schedule)
        });
        Outcome {
            result,
            refresh_token_rejected,
        }
    }

    fn record(&self, outcome: Outcome) -> Result<Authorization, Error> {
        let mut state = self.lock_state();
        state.completed = state.completed.wrapping_add(1);
        match outcome.result {
            Ok(cached) => {
                let header = cached.header.clone();
                state.token = Some(cached);
                state.failure = None;
                Ok(header)
            }
            Err(error) => {
                debug!(%error, "token request failed");
                let now = self.clock.now();
                if let Some(cached) = state.token.as_mut() {
                    if outcome.refresh_token_rejected {
                        cached.refresh_token = None;
                    }
                    if cached.is_usable(now) {
                        cached.postpone_refresh(now);
                        let header = cached.header.clone();
                        state.failure = None;
                        debug!("renewal failed; serving the current token until it expires");
                        return Ok(header);
                    }
                }
                if error.is_rejected() {
                    // The key itself was refused; nothing cached is worth keeping.
                    state.token = None;
                }
                state.failure = Some(error.clone());
                Err(error)
            }
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        // No code panics while holding this lock, and the state is valid after any
        // statement anyway; a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ProvideAuthorization for BearerToken {
    fn authorization<'a>(&'a self, request: &'a RequestContext<'a>) -> AuthFuture<'a> {
        Box::pin(async move {
            if !request.requires_credentials() {
                return Ok(None);
            }
            self.authorization_header().await.map(Some)
        })
    }

    fn invalidate(&self, rejected: &Authorization) {
        let mut state = self.lock_state();
        if state.token.as_ref().is_some_and(|c| &c.header == rejected) {
            state.token = None;
            debug!("token invalidated");
        } else {
            trace!("rejected token is no longer cached; nothing to invalidate");
        }
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("BearerToken");
        // try_lock: Debug must not deadlock if it is ever called while the state is locked.
        match self.state.try_lock() {
            Ok(state) => {
                let now = self.clock.now();
                match &state.token {
                    Some(cached) => out.field("state", &cached.label(now)).field(
                        "expires_in",
                        &cached.expires_at.saturating_duration_since(now),
                    ),
                    None => out.field("state", &"empty"),
                };
            }
            Err(_) => {
                out.field("state", &"busy");
            }
        }
        out.field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl From<BearerToken> for SharedAuth {
    fn from(provider: BearerToken) -> Self {
        SharedAuth::new(provider)
    }
}

/// Configures a [`BearerToken`]; made by [`BearerToken::builder`].
#[derive(Debug)]
pub struct BearerTokenBuilder {
    api_key: ApiKey,
    endpoint: Box<dyn TokenEndpoint>,
    clock: Box<dyn Clock>,
    schedule: Schedule,
}

impl BearerTokenBuilder {
    /// How long before expiry to renew (default 60 s), so that a request signed just before
    /// renewal still reaches the server in time.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.schedule.refresh_margin = margin;
        self
    }

    /// The upper bound of a random extra margin (default 30 s), drawn anew for every token,
    /// so that processes started together do not renew together.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.schedule.jitter = jitter;
        self
    }

    /// The shortest lifetime a token is given (default [`MIN_TOKEN_LIFETIME`]): a token
    /// announced to live less is kept this long, so short-lived tokens cannot make every
    /// call fetch one. Lower it only against a server whose tokens are meant to be that
    /// short (a local simulator testing renewals).
    pub fn min_lifetime(mut self, floor: Duration) -> Self {
        self.schedule.min_lifetime = floor;
        self
    }

    /// The clock token lifetimes are measured with (default [`SystemClock`]); tests pass a
    /// [`ManualClock`](crate::ManualClock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// The strategy. Nothing is fetched yet.
    pub fn build(self) -> BearerToken {
        BearerToken {
            api_key: self.api_key,
            endpoint: self.endpoint,
            clock: self.clock,
            schedule: self.schedule,
            state: Mutex::new(State::default()),
            flight: tokio::sync::Mutex::new(()),
        }
    }
}
