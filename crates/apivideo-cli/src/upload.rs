//! `apivideo upload`: many files, resumable across runs through the journal
//! ([`crate::journal`]).
//!
//! Each file goes through three recorded steps: `creating` (a random marker is written,
//! then the video is created with the marker in its metadata), `uploading` (the video id
//! and the SDK's [`Resume`] are written before the first chunk, and each confirmed chunk
//! is added as the server confirms it), `done`. A later run skips `done` files, resumes
//! `uploading` ones with their `Resume` (only unconfirmed chunks are sent), and finds the
//! video of a `creating` one by its marker, so no file ever gets a second video. A file
//! whose fingerprint changed is uploaded anew, as a new video.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apivideo::Client;
use apivideo::models::{Metadata, Video, VideoCreationPayload};
use apivideo::upload::{Fingerprint, Resume};
use futures_util::{StreamExt as _, TryStreamExt as _};

use crate::args::{Global, UploadArgs};
use crate::failure::{self, Failure};
use crate::files::{self, FileToUpload};
use crate::journal::{self, Entry, Journal, Status};
use crate::output;
use crate::progress::Reporter;

/// What a run does with one file.
#[derive(Debug, Clone)]
enum Plan {
    /// Uploaded by an earlier run.
    Skip {
        video_id: String,
        player: Option<String>,
    },
    /// Send it.
    Send(Start),
}

/// How a file's upload starts.
#[derive(Debug, Clone)]
enum Start {
    /// A new video; the note says why when an entry existed.
    Fresh { note: Option<String> },
    /// Carry on from what the journal confirmed.
    Resume(Resume),
    /// The video may have been created by a run that died before recording its id.
    Recover { marker: String },
}

/// How a file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Uploaded,
    Resumed,
    Skipped,
    Failed,
    Interrupted,
}

impl Ending {
    fn as_str(self) -> &'static str {
        match self {
            Self::Uploaded => "uploaded",
            Self::Resumed => "resumed",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }
}

/// One file's result.
#[derive(Debug)]
struct Outcome {
    file: FileToUpload,
    ending: Ending,
    video_id: Option<String>,
    player: Option<String>,
    bytes_sent: u64,
    elapsed: Duration,
    error: Option<Failure>,
    /// Chunks confirmed (and how many there are) when the file did not finish.
    confirmed: Option<(u32, u32)>,
}

/// What every file's upload shares.
struct Context {
    client: Client,
    journal: Journal,
    reporter: Reporter,
    args: UploadArgs,
}

/// Runs `apivideo upload`.
pub async fn run(global: &Global, args: UploadArgs) -> Result<(), Failure> {
    if args.title.is_some() && (args.paths.len() != 1 || args.paths[0].is_dir()) {
        return Err(Failure::usage(
            "--title names one video: give exactly one file with it",
        ));
    }
    let journal_path = std::path::absolute(&args.journal).unwrap_or(args.journal.clone());
    let files = files::collect(
        &args.paths,
        args.all,
        std::fs::canonicalize(&journal_path).ok().as_deref(),
    )?;
    let client = crate::connect::client(global)?;
    let journal = Journal::open(&journal_path)?;
    let mut plans = Vec::with_capacity(files.len());
    for file in files {
        let fingerprint = Fingerprint::of_path(&file.canonical)
            .await
            .map_err(Failure::from)?;
        let plan = plan(&journal, &file, &fingerprint);
        plans.push((file, fingerprint, plan));
    }

    let to_send: u64 = plans
        .iter()
        .filter(|(_, _, plan)| !matches!(plan, Plan::Skip { .. }))
        .map(|(file, _, _)| file.size)
        .sum();
    let already: u64 = plans
        .iter()
        .filter_map(|(_, _, plan)| match plan {
            Plan::Send(Start::Resume(resume)) => Some(resume.confirmed_bytes()),
            _ => None,
        })
        .sum();
    let reporter = Reporter::new(to_send, already);
    let count = plans.len();
    let skipped = plans
        .iter()
        .filter(|(_, _, p)| matches!(p, Plan::Skip { .. }))
        .count();
    reporter.note(&format!(
        "apivideo: {count} file{} ({} to upload{})",
        if count == 1 { "" } else { "s" },
        output::size(to_send.saturating_sub(already)),
        if skipped > 0 {
            format!(", {skipped} already uploaded")
        } else {
            String::new()
        }
    ));
    let context = Arc::new(Context {
        client,
        journal,
        reporter: reporter.clone(),
        args: args.clone(),
    });

    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut pending = Vec::new();
    for (file, fingerprint, plan) in plans {
        match plan {
            Plan::Skip { video_id, player } => {
                reporter.note(&format!(
                    "{}: already uploaded as {video_id}, skipped",
                    file.path.display()
                ));
                let outcome = Outcome {
                    file,
                    ending: Ending::Skipped,
                    video_id: Some(video_id),
                    player,
                    bytes_sent: 0,
                    elapsed: Duration::ZERO,
                    error: None,
                    confirmed: None,
                };
                if args.json {
                    reporter.suspend(|| print_json(&outcome));
                }
                outcomes.push(outcome);
            }
            Plan::Send(start) => pending.push((file, fingerprint, start)),
        }
    }

    let names: Vec<FileToUpload> = pending.iter().map(|(file, _, _)| file.clone()).collect();
    let finished_before = outcomes.len();
    let mut uploads = futures_util::stream::iter(pending.into_iter().map(|(file, fp, start)| {
        let context = context.clone();
        async move { upload_file(&context, file, fp, start).await }
    }))
    .buffer_unordered(usize::from(args.parallel));
    let stop = crate::signals::interrupted();
    tokio::pin!(stop);
    let mut was_interrupted = false;
    loop {
        tokio::select! {
            next = uploads.next() => match next {
                Some(outcome) => {
                    if args.json {
                        reporter.suspend(|| print_json(&outcome));
                    }
                    outcomes.push(outcome);
                    reporter.set_message(format!(
                        "{}/{count} files",
                        outcomes.len()
                    ));
                }
                None => break,
            },
            () = &mut stop => {
                was_interrupted = true;
                break;
            }
        }
    }
    // Dropping the uploads stops them: what was confirmed is in the journal already.
    drop(uploads);
    reporter.finish();
    if was_interrupted {
        for file in names {
            if outcomes[finished_before..]
                .iter()
                .any(|o| o.file.canonical == file.canonical)
            {
                continue;
            }
            let entry = context.journal.entry(&file.canonical);
            let outcome = Outcome {
                confirmed: entry
                    .as_ref()
                    .and_then(|e| e.resume.as_ref())
                    .map(|r| (r.confirmed_chunks().count() as u32, r.chunk_count())),
                video_id: entry.and_then(|e| e.video_id),
                file,
                ending: Ending::Interrupted,
                player: None,
                bytes_sent: 0,
                elapsed: Duration::ZERO,
                error: None,
            };
            if args.json {
                reporter.suspend(|| print_json(&outcome));
            }
            outcomes.push(outcome);
        }
    }
    summary(&outcomes, &args, was_interrupted, context.journal.path())
}

/// What to do with `file`, from its journal entry.
fn plan(journal: &Journal, file: &FileToUpload, fingerprint: &Fingerprint) -> Plan {
    let Some(entry) = journal.entry(&file.canonical) else {
        return Plan::Send(Start::Fresh { note: None });
    };
    if entry.fingerprint != *fingerprint {
        let earlier = entry
            .video_id
            .map(|id| format!("; the earlier video {id} is left as it was"))
            .unwrap_or_default();
        return Plan::Send(Start::Fresh {
            note: Some(format!(
                "{}: changed since the last run (was {}, now {}): uploading it anew as a new \
                 video{earlier}",
                file.path.display(),
                entry.fingerprint,
                fingerprint
            )),
        });
    }
    match (entry.status, entry.video_id, entry.resume) {
        (Status::Done, Some(video_id), _) => Plan::Skip {
            video_id,
            player: entry.player,
        },
        (Status::Uploading, Some(_), Some(resume)) => Plan::Send(Start::Resume(resume)),
        _ => Plan::Send(Start::Recover {
            marker: entry.marker,
        }),
    }
}

async fn upload_file(
    context: &Context,
    file: FileToUpload,
    fingerprint: Fingerprint,
    start: Start,
) -> Outcome {
    let started = Instant::now();
    let mut sent = 0;
    let mut resumed = matches!(start, Start::Resume(_));
    let result = async {
        let mut resume = match start {
            Start::Resume(resume) => {
                context.reporter.note(&format!(
                    "{}: resuming video {}: {} of {} chunks already confirmed",
                    file.path.display(),
                    resume.video_id().unwrap_or("?"),
                    resume.confirmed_chunks().count(),
                    resume.chunk_count()
                ));
                resume
            }
            Start::Recover { marker } => match find_by_marker(&context.client, &marker).await? {
                Some(video_id) => {
                    context.reporter.note(&format!(
                        "{}: found video {video_id}, created by an interrupted run; uploading \
                         to it",
                        file.path.display()
                    ));
                    resumed = true;
                    start_uploading(context, &file, &fingerprint, &marker, &video_id)?
                }
                None => create(context, &file, &fingerprint, Some(marker)).await?,
            },
            Start::Fresh { note } => {
                if let Some(note) = note {
                    context.reporter.note(&note);
                }
                create(context, &file, &fingerprint, None).await?
            }
        };
        loop {
            match send(context, &file, resume.clone(), &mut sent).await {
                Err(error) if resumed && error.is_not_found() => {
                    // The video was deleted since the last run.
                    context.reporter.note(&format!(
                        "{}: video {} no longer exists; uploading it anew",
                        file.path.display(),
                        resume.video_id().unwrap_or("?")
                    ));
                    resumed = false;
                    resume = create(context, &file, &fingerprint, None).await?;
                }
                other => break other,
            }
        }
    }
    .await;
    let elapsed = started.elapsed();
    match result {
        Ok(video) => {
            let player = video.assets.as_ref().and_then(|a| a.player.clone());
            let wait = if context.args.wait {
                context
                    .client
                    .videos()
                    .wait_until_playable(&video.video_id)
                    .await
                    .map(|_| ())
            } else {
                Ok(())
            };
            context.reporter.note(&format!(
                "{}: {} {} → {} in {} ({}){}",
                file.path.display(),
                if resumed { "resumed," } else { "uploaded," },
                output::size(file.size),
                video.video_id,
                output::duration(elapsed),
                output::rate(sent, elapsed),
                if context.args.wait && wait.is_ok() {
                    ", playable"
                } else {
                    ""
                }
            ));
            Outcome {
                ending: if wait.is_err() {
                    Ending::Failed
                } else if resumed {
                    Ending::Resumed
                } else {
                    Ending::Uploaded
                },
                error: wait.err().map(|e| {
                    let mut failure = Failure::from(e);
                    failure
                        .lines
                        .insert(0, "uploaded, but waiting until playable failed".into());
                    failure
                }),
                file,
                video_id: Some(video.video_id),
                player,
                bytes_sent: sent,
                elapsed,
                confirmed: None,
            }
        }
        Err(error) => {
            let entry = context.journal.entry(&file.canonical);
            let confirmed = entry
                .as_ref()
                .and_then(|e| e.resume.as_ref())
                .map(|r| (r.confirmed_chunks().count() as u32, r.chunk_count()));
            let failure = Failure::from(error);
            context.reporter.note(&format!(
                "{}: failed: {}",
                file.path.display(),
                failure.lines.join("; ")
            ));
            Outcome {
                file,
                ending: Ending::Failed,
                video_id: entry.and_then(|e| e.video_id),
                player: None,
                bytes_sent: sent,
                elapsed,
                error: Some(failure),
                confirmed,
            }
        }
    }
}

/// Creates the video of `file`, recording the marker first and the id after.
async fn create(
    context: &Context,
    file: &FileToUpload,
    fingerprint: &Fingerprint,
    marker: Option<String>,
) -> apivideo::Result<Resume> {
    let marker = marker.unwrap_or_else(journal::new_marker);
    record(context, &file.canonical, |entry| {
        *entry = Some(Entry {
            status: Status::Creating,
            fingerprint: fingerprint.clone(),
            marker: marker.clone(),
            video_id: None,
            resume: None,
            player: None,
        });
    })?;
    let args = &context.args;
    let title = args.title.clone().unwrap_or_else(|| {
        file.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "video".to_owned())
    });
    let metadata = args
        .metadata
        .iter()
        .map(|(key, value)| Metadata::new().key(key).value(value))
        .chain([Metadata::new().key(journal::MARKER_KEY).value(&marker)]);
    let mut payload = VideoCreationPayload::new(title).metadata(metadata);
    if !args.tags.is_empty() {
        payload = payload.tags(args.tags.clone());
    }
    if let Some(public) = args.public() {
        payload = payload.public(public);
    }
    let video = context.client.videos().create(payload).await?;
    start_uploading(context, file, fingerprint, &marker, &video.video_id)
}

/// Records that chunks of `file` now go to `video_id`, none confirmed yet.
fn start_uploading(
    context: &Context,
    file: &FileToUpload,
    fingerprint: &Fingerprint,
    marker: &str,
    video_id: &str,
) -> apivideo::Result<Resume> {
    let resume = Resume::new(video_id, file.size, context.args.chunk_size, [])
        .with_fingerprint(fingerprint.clone());
    record(context, &file.canonical, |entry| {
        *entry = Some(Entry {
            status: Status::Uploading,
            fingerprint: fingerprint.clone(),
            marker: marker.to_owned(),
            video_id: Some(video_id.to_owned()),
            resume: Some(resume.clone()),
            player: None,
        });
    })?;
    Ok(resume)
}

/// Updates the journal; failing to is failing the upload, which could not be resumed.
fn record(
    context: &Context,
    file: &Path,
    change: impl FnOnce(&mut Option<Entry>),
) -> apivideo::Result<()> {
    context.journal.update(file, change).map_err(|e| {
        apivideo::Error::Io(std::io::Error::new(
            e.kind(),
            format!(
                "cannot write the journal {}: {e}",
                context.journal.path().display()
            ),
        ))
    })
}

/// The video created with `marker`, if any.
async fn find_by_marker(client: &Client, marker: &str) -> apivideo::Result<Option<String>> {
    let mut videos = client
        .videos()
        .list()
        .metadata(journal::MARKER_KEY, marker)
        .stream();
    Ok(videos.try_next().await?.map(|video| video.video_id))
}

/// Sends the chunks `resume` lacks, recording each confirmed one.
async fn send(
    context: &Context,
    file: &FileToUpload,
    resume: Resume,
    sent: &mut u64,
) -> apivideo::Result<Video> {
    let progress = Arc::new(context.reporter.file(
        &file.path.display().to_string(),
        file.size,
        resume.confirmed_bytes(),
    ));
    if !context.reporter.has_bars() {
        context.reporter.note(&format!(
            "{}: sending {} to {} ({} of {} chunks, {} each)",
            file.path.display(),
            output::size(file.size - resume.confirmed_bytes()),
            resume.video_id().unwrap_or("?"),
            resume.chunk_count() - resume.confirmed_chunks().count() as u32,
            resume.chunk_count(),
            output::size(resume.chunk_size())
        ));
    }
    let sent_bytes = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (on_progress, counter) = (progress.clone(), sent_bytes.clone());
    let (on_chunk, journal, key) = (
        progress.clone(),
        context.journal.clone(),
        file.canonical.clone(),
    );
    let reporter = context.reporter.clone();
    let result = context
        .client
        .videos()
        .resume(resume, file.canonical.as_path())
        .concurrency(usize::from(context.args.concurrency))
        .on_progress(move |p| {
            counter.store(p.bytes_sent, std::sync::atomic::Ordering::Relaxed);
            on_progress.sent(p.bytes_sent);
        })
        .on_chunk_confirmed(move |chunk| {
            let mut confirmed = 0;
            let written = journal.update(&key, |entry| {
                if let Some(resume) = entry.as_mut().and_then(|e| e.resume.as_mut()) {
                    resume.confirm_chunk(chunk.index);
                    confirmed = resume.confirmed_bytes();
                }
            });
            if let Err(e) = written {
                reporter.note(&format!(
                    "warning: cannot write the journal {}: {e}",
                    journal.path().display()
                ));
            }
            on_chunk.confirmed(chunk.index, chunk.chunk_count, confirmed);
        })
        .await;
    *sent = sent_bytes.load(std::sync::atomic::Ordering::Relaxed);
    progress.finish();
    if let Ok(video) = &result {
        let player = video.assets.as_ref().and_then(|a| a.player.clone());
        record(context, &file.canonical, |entry| {
            if let Some(entry) = entry {
                entry.status = Status::Done;
                entry.resume = None;
                entry.player = player;
            }
        })?;
    }
    result
}

fn print_json(outcome: &Outcome) {
    let mut line = serde_json::json!({
        "path": outcome.file.path.display().to_string(),
        "status": outcome.ending.as_str(),
        "videoId": outcome.video_id,
        "bytes": outcome.file.size,
        "bytesSent": outcome.bytes_sent,
        "seconds": (outcome.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "player": outcome.player,
    });
    if let Some(error) = &outcome.error {
        line["error"] = error.lines.join("; ").into();
    }
    output::json_line(&line);
}

/// The table of every file, then each failure and how to resume.
fn summary(
    outcomes: &[Outcome],
    args: &UploadArgs,
    interrupted: bool,
    journal: &Path,
) -> Result<(), Failure> {
    let mut rows = vec![
        ["FILE", "VIDEO ID", "SIZE", "TIME", "RATE", "STATUS"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for o in outcomes {
        let status = match (o.ending, o.confirmed) {
            (Ending::Failed | Ending::Interrupted, Some((done, all))) => {
                format!("{} ({done}/{all} chunks confirmed)", o.ending.as_str())
            }
            (ending, _) => ending.as_str().to_owned(),
        };
        let measured = matches!(
            o.ending,
            Ending::Uploaded | Ending::Resumed | Ending::Failed
        );
        rows.push(vec![
            o.file.path.display().to_string(),
            o.video_id.clone().unwrap_or_else(|| "-".into()),
            output::size(o.file.size),
            if measured {
                output::duration(o.elapsed)
            } else {
                "-".into()
            },
            if measured {
                output::rate(o.bytes_sent, o.elapsed)
            } else {
                "-".into()
            },
            status,
        ]);
    }
    let table = output::table(&rows);
    for line in &table {
        if args.json {
            eprintln!("{line}");
        } else {
            output::line(line);
        }
    }
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.ending == Ending::Failed)
        .collect();
    if failed.is_empty() && !interrupted {
        return Ok(());
    }
    let rerun = std::env::args()
        .map(|a| output::shell_quote(&a))
        .collect::<Vec<_>>()
        .join(" ");
    let mut failure = if interrupted {
        Failure {
            lines: vec!["interrupted; what the server confirmed is in the journal".into()],
            code: failure::INTERRUPTED,
        }
    } else {
        Failure::failed(format!(
            "{} of {} file{} failed",
            failed.len(),
            outcomes.len(),
            if outcomes.len() == 1 { "" } else { "s" }
        ))
    };
    for o in &failed {
        let mut lines = o
            .error
            .as_ref()
            .map(|e| e.lines.clone())
            .unwrap_or_default()
            .into_iter();
        failure = failure.line(format!(
            "{}: {}",
            o.file.path.display(),
            lines.next().unwrap_or_default()
        ));
        for line in lines {
            failure = failure.line(format!("    {line}"));
        }
    }
    failure = failure
        .line(format!(
            "to resume (finished files are skipped, confirmed chunks not sent again; journal {}):",
            journal.display()
        ))
        .line(format!("    {rerun}"));
    Err(failure)
}
