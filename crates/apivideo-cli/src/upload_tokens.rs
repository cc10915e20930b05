//! `apivideo upload-tokens ...`: create, list, delete.

use apivideo::models::{TokenCreationPayload, UploadToken};
use futures_util::TryStreamExt as _;

use crate::args::{Global, UploadTokensCommand};
use crate::failure::Failure;
use crate::output;

/// Runs `apivideo upload-tokens ...`.
pub async fn run(global: &Global, command: UploadTokensCommand) -> Result<(), Failure> {
    let client = crate::connect::client(global)?;
    match command {
        UploadTokensCommand::Create { ttl, json } => {
            let mut payload = TokenCreationPayload::new();
            if let Some(ttl) = ttl {
                payload = payload.ttl(i64::from(ttl));
            }
            let token = client.upload_tokens().create(payload).await?;
            if json {
                output::json_line(&token);
            } else {
                // The token alone on stdout, for `TOKEN=$(apivideo upload-tokens create)`.
                output::line(token.token.as_deref().unwrap_or_default());
                eprintln!("apivideo: upload token created, {}", lifetime(&token));
            }
        }
        UploadTokensCommand::List { json } => {
            let mut tokens = client.upload_tokens().list().stream();
            if !json {
                output::line(&format!("{:<26} {:<26} {}", "TOKEN", "CREATED", "EXPIRES"));
            }
            while let Some(token) = tokens.try_next().await? {
                if json {
                    output::json_line(&token);
                } else {
                    output::line(&format!(
                        "{:<26} {:<26} {}",
                        token.token.as_deref().unwrap_or("?"),
                        token.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                        token
                            .expires_at
                            .map_or_else(|| "never".to_owned(), |t| t.to_rfc3339())
                    ));
                }
            }
        }
        UploadTokensCommand::Delete { token } => {
            client.upload_tokens().delete(&token).await?;
            output::line(&format!("deleted {token}"));
        }
    }
    Ok(())
}

fn lifetime(token: &UploadToken) -> String {
    match (token.ttl, token.expires_at) {
        (Some(ttl), Some(at)) if ttl > 0 => format!("valid {ttl} s, until {}", at.to_rfc3339()),
        _ => "valid until deleted".to_owned(),
    }
}
