//! Compile-time promises about auto traits: a client shared between tasks and threads,
//! uploads and list streams that `tokio::spawn` accepts, errors that fit
//! `Box<dyn Error + Send + Sync>`. Losing one of these would break users' code, so the
//! crate stops compiling first.

use std::future::IntoFuture;
use std::path::Path;

use bytes::Bytes;

use crate::models::VideoCreationPayload;
use crate::resources::ListVideos;
use crate::upload::{ProgressiveUpload, Upload};
use crate::{Client, ClientBuilder, Error};

fn clone_send_sync_static<T: Clone + Send + Sync + 'static>() {}
fn send_sync_static<T: Send + Sync + 'static>() {}
fn send_static<T: Send + 'static>() {}
fn send<T: Send>(_: &T) {}

const _: fn() = || {
    clone_send_sync_static::<Client>();
    send_static::<ClientBuilder>();
    send_sync_static::<Error>();
    send_static::<Upload>();
    send_static::<<Upload as IntoFuture>::IntoFuture>();
    send_static::<ListVideos>();
    send_static::<<ListVideos as IntoFuture>::IntoFuture>();
    send_static::<ProgressiveUpload>();
};

// The futures of `async fn`s have no name: check values of them instead (never run).
const _: fn(Client, ProgressiveUpload) = |client, mut progressive| {
    send(&client.videos().list().stream());
    send(&client.videos().get("vi"));
    send(&client.videos().wait_until_playable("vi").into_future());
    send(
        &client
            .videos()
            .create_and_upload(VideoCreationPayload::new("t"), Path::new("f"))
            .into_future(),
    );
    send(&progressive.upload_part(Bytes::new()));
    send(&progressive.upload_last_part(Bytes::new()));
};
