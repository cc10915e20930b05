//! `client.players()`.

use apivideo_api::models::{
    PlayerTheme, PlayerThemeCreationPayload, PlayerThemeUpdatePayload,
    PlayerThemeUploadLogoPayload, PlayerThemesListResponse,
};
use apivideo_api::types::GetPlayersSortBy;

use super::{SortOrder, id, resource};
use crate::call::Call;
use crate::error::Error;
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
    pub fn create(&self, payload: PlayerThemeCreationPayload) -> Call<PlayerTheme> {
        self.client.request(|client| async move {
            if payload
                .name
                .as_ref()
                .is_some_and(|n| n.chars().count() > MAX_NAME)
            {
                return Err(Error::invalid("payload.name", "at most 100 characters"));
            }
            client
                .call_full(|api| async move { api.post_players().body(payload).send().await })
                .await
        })
    }

    /// Lists player themes.
    pub fn list(&self) -> ListPlayers {
        ListRequest::new(self.client.clone())
    }

    /// One player theme.
    pub fn get(&self, player_id: &str) -> Call<PlayerTheme> {
        let player_id = id("player_id", player_id);
        self.client.request(|client| async move {
            let player_id = player_id?;
            client
                .call_full(|api| async move {
                    api.get_players_player_id()
                        .player_id(player_id)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Changes a player theme.
    pub fn update(&self, player_id: &str, payload: PlayerThemeUpdatePayload) -> Call<PlayerTheme> {
        let player_id = id("player_id", player_id);
        self.client.request(|client| async move {
            let player_id = player_id?;
            if payload
                .name
                .as_ref()
                .is_some_and(|n| n.chars().count() > MAX_NAME)
            {
                return Err(Error::invalid("payload.name", "at most 100 characters"));
            }
            client
                .call_full(|api| async move {
                    api.patch_players_player_id()
                        .player_id(player_id)
                        .body(payload)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Deletes a player theme.
    pub fn delete(&self, player_id: &str) -> Call<()> {
        let player_id = id("player_id", player_id);
        self.client.request(|client| async move {
            let player_id = player_id?;
            client
                .call_full(|api| async move {
                    api.delete_players_player_id()
                        .player_id(player_id)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Uploads the logo shown in the player (JPEG, PNG or WebP; its media type is read
    /// from its first bytes, whatever its file name), opening `link` when clicked.
    pub fn upload_logo(
        &self,
        player_id: &str,
        image: impl Into<Source>,
        link: Option<&str>,
    ) -> Call<PlayerTheme> {
        let player_id = id("player_id", player_id);
        let (image, link) = (image.into(), link.map(str::to_owned));
        self.client.request(|client| async move {
            let player_id = player_id?;
            crate::upload::send_file(image, "logo.png", |file| {
                let player_id = &player_id;
                client.call_full(move |api| async move {
                    let mut body = PlayerThemeUploadLogoPayload::new(file);
                    if let Some(link) = link {
                        body = body.link(link);
                    }
                    api.post_players_player_id_logo(player_id, body).await
                })
            })
            .await
        })
    }

    /// Removes the logo.
    pub fn delete_logo(&self, player_id: &str) -> Call<()> {
        let player_id = id("player_id", player_id);
        self.client.request(|client| async move {
            let player_id = player_id?;
            client
                .call_full(|api| async move {
                    api.delete_players_player_id_logo()
                        .player_id(player_id)
                        .send()
                        .await
                })
                .await
        })
    }
}
