//! The SDK's own calls that api.video takes but the simulator once refused, end to end
//! over HTTP: what the simulator accepts from api.video's official clients, it accepts
//! from ours.

use apivideo::Client;
use apivideo::models::TokenCreationPayload;
use apivideo_simulator::Simulator;

const MIB: usize = 1024 * 1024;

fn sample(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed)
        .collect()
}

/// `UploadTokens::progressive_upload` sends `part 1/*`, `part 2/*`, ... `part N/N` to
/// `POST /upload?token=`, as api.video's own clients do; the first part creates the video
/// and the next ones name it.
#[tokio::test]
async fn a_progressive_upload_with_a_token_completes_on_the_simulator() {
    let sim = Simulator::start().await;
    let owner = Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .expect("client");
    let token = owner
        .upload_tokens()
        .create(TokenCreationPayload::new())
        .await
        .expect("token")
        .token
        .expect("token value");
    // The uploader has the token, not the key.
    let uploader = Client::builder()
        .base_url(sim.base_url())
        .anonymous()
        .build()
        .expect("keyless client");

    let parts = [sample(5 * MIB, 1), sample(5 * MIB, 2), sample(777, 3)];
    let mut session = uploader.upload_tokens().progressive_upload(&token);
    let first = session
        .upload_part(parts[0].clone())
        .await
        .expect("first part");
    assert_eq!(session.video_id(), Some(first.video_id.as_str()));
    let second = session
        .upload_part(parts[1].clone())
        .await
        .expect("second part");
    assert_eq!(second.video_id, first.video_id);
    let last = session
        .upload_last_part(parts[2].clone())
        .await
        .expect("last part");
    assert_eq!(last.video_id, first.video_id);

    assert_eq!(
        sim.video_source(&last.video_id).as_deref(),
        Some(parts.concat().as_slice())
    );
    let ranges: Vec<Option<String>> = sim
        .received_requests()
        .into_iter()
        .filter(|request| request.route == "POST /upload")
        .map(|request| request.content_range)
        .collect();
    assert_eq!(
        ranges,
        [
            Some("part 1/*".to_owned()),
            Some("part 2/*".to_owned()),
            Some("part 3/3".to_owned())
        ]
    );
    let status = owner.videos().status(&last.video_id).await.expect("status");
    let ingest = status.ingest.expect("ingest");
    assert_eq!(ingest.filesize, Some((10 * MIB + 777) as i64));
    assert_eq!(
        ingest.received_parts.expect("received parts").parts,
        [1, 2, 3]
    );
    sim.shutdown().await;
}
