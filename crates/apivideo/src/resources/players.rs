//! `client.players()`.

use apivideo_api::models::{
    PlayerTheme, PlayerThemeCreationPayload, PlayerThemeUpdatePayload,
    PlayerThemeUploadLogoPayload, PlayerThemesListResponse,
};
use apivideo_api::types::GetPlayersSortBy;

use super::{SortOrder, id, resource};
use crate::error::{Error, Result};
use crate::pagination::{ListRequest, list_operation};
use crate::upload::Source;

resource! {
    /// Player themes: colours, controls and logo of the api.video player.
    Players
}

list_operation!(
    /// `GET /players`.
    PlayersList, GetPlayersParams, PlayerThemesListResponse, PlayerTheme
);

/// Lists player themes; see [`Players::list`].
pub type ListPlayers = ListRequest<PlayersList>;

impl ListPlayers {
    /// The field to sort by.
    pub fn sort_by(self, field: GetPlayersSortBy) -> Self {
        self.set(|p| p.sort_by = Some(field))
    }

    /// The sort direction.
    pub fn sort_order(self, order: SortOrder) -> Self {
        self.set(|p| p.sort_order = Some(order.into_param()))
    }
}

const MAX_NAME: usize = 100;

impl Players {
    /// Creates a player theme.
    pub async fn create(&self, payload: PlayerThemeCreationPayload) -> Result<PlayerTheme> {
        if payload
            .name
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NAME)
        {
            return Err(Error::invalid("payload.name", "at most 100 characters"));
        }
        self.client
            .call(|api| async move { api.post_players().body(payload).send().await })
            .await
    }

    /// Lists player themes.
    pub fn list(&self) -> ListPlayers {
        ListRequest::new(self.client.clone())
    }

    /// One player theme.
    pub async fn get(&self, player_id: &str) -> Result<PlayerTheme> {
        let player_id = id("player_id", player_id)?;
        self.client
            .call(|api| async move {
                api.get_players_player_id()
                    .player_id(player_id)
                    .send()
                    .await
            })
            .await
    }

    /// Changes a player theme.
    pub async fn update(
        &self,
        player_id: &str,
        payload: PlayerThemeUpdatePayload,
    ) -> Result<PlayerTheme> {
        let player_id = id("player_id", player_id)?;
        if payload
            .name
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NAME)
        {
            return Err(Error::invalid("payload.name", "at most 100 characters"));
        }
        self.client
            .call(|api| async move {
                api.patch_players_player_id()
                    .player_id(player_id)
                    .body(payload)
                    .send()
                    .await
            })
            .await
    }

    /// Deletes a player theme.
    pub async fn delete(&self, player_id: &str) -> Result<()> {
        let player_id = id("player_id", player_id)?;
        self.client
            .call(|api| async move {
                api.delete_players_player_id()
                    .player_id(player_id)
                    .send()
                    .await
            })
            .await
    }

    /// Uploads the logo shown in the player (JPEG or PNG), opening `link` when clicked.
    pub async fn upload_logo(
        &self,
        player_id: &str,
        image: impl Into<Source>,
        link: Option<&str>,
    ) -> Result<PlayerTheme> {
        let player_id = id("player_id", player_id)?;
        crate::upload::send_file(image.into(), "logo.png", |file| {
            let player_id = &player_id;
            self.client.call(move |api| async move {
                let mut body = PlayerThemeUploadLogoPayload::new(file);
                if let Some(link) = link {
                    body = body.link(link);
                }
                api.post_players_player_id_logo(player_id, body).await
            })
        })
        .await
    }

    /// Removes the logo.
    pub async fn delete_logo(&self, player_id: &str) -> Result<()> {
        let player_id = id("player_id", player_id)?;
        self.client
            .call(|api| async move {
                api.delete_players_player_id_logo()
                    .player_id(player_id)
                    .send()
                    .await
            })
            .await
    }
}
