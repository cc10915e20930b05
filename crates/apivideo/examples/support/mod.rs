//! How the examples get a client: the api.video sandbox when `APIVIDEO_API_KEY` is set,
//! otherwise a simulator started in-process, so every example runs offline.

use std::time::Duration;

use apivideo_simulator::Simulator;

/// The client, and the simulator behind it when there is one (keep it alive).
pub async fn client() -> Result<(apivideo::Client, Option<Simulator>), crate::report::Report> {
    if let Ok(key) = std::env::var("APIVIDEO_API_KEY")
        && !key.trim().is_empty()
    {
        println!("APIVIDEO_API_KEY is set: using the api.video sandbox.");
        let client = apivideo::Client::builder().api_key(key).sandbox().build()?;
        return Ok((client, None));
    }
    let simulator = Simulator::builder()
        .encoding_delay(Duration::from_millis(800))
        .start()
        .await?;
    println!(
        "No APIVIDEO_API_KEY: started the api.video simulator in-process at {}.",
        simulator.base_url()
    );
    let client = apivideo::Client::builder()
        .api_key(simulator.api_key())
        .base_url(simulator.base_url())
        .build()?;
    Ok((client, Some(simulator)))
}
