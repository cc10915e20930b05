//! The upload journal: what each file's upload achieved, written as it goes, so that the
//! same command run again skips finished files and resumes the others.
//!
//! ```json
//! {
//!   "version": 1,
//!   "files": {
//!     "/home/me/talks/keynote.mp4": {
//!       "status": "uploading",
//!       "fingerprint": {"size": 12582912, "sha256": "…"},
//!       "marker": "3f9c…",
//!       "videoId": "vi4blUQJFrYWbaG44NChkH27",
//!       "resume": {"videoId": "vi4b…", "total": 12582912, "chunkSize": 5242880,
//!                  "confirmedChunks": [0, 1], "fingerprint": {…}}
//!     }
//!   }
//! }
//! ```
//!
//! Files are keyed by canonical path. `status` is `creating` (the video is being created:
//! `marker` is in its metadata, so a run that died before learning its id finds it
//! again), `uploading` (with the [`Resume`] of the SDK, updated at each confirmed chunk),
//! or `done` (with the player URL). The file is replaced atomically (written aside, then
//! renamed), so a killed process leaves the last complete version. It is not flushed to
//! the disk at each chunk (a flush per chunk slowed fast uploads measurably): a
//! power cut may lose the last confirmations, which only means sending those chunks
//! again. Nothing secret is written: uploads use the API key, which is never stored.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use apivideo::upload::{Fingerprint, Resume};
use serde::{Deserialize, Serialize};

use crate::connect::io_reason;
use crate::failure::Failure;

/// The version of the format this program writes and reads.
pub const VERSION: u32 = 1;

/// The metadata key under which a new video carries its journal marker.
pub const MARKER_KEY: &str = "apivideo-cli-upload";

/// The journal's contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contents {
    /// [`VERSION`].
    pub version: u32,
    /// Each file's entry, by canonical path.
    #[serde(default)]
    pub files: BTreeMap<String, Entry>,
}

impl Default for Contents {
    fn default() -> Self {
        Self {
            version: VERSION,
            files: BTreeMap::new(),
        }
    }
}

/// Where one file's upload stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// What the upload has achieved.
    pub status: Status,
    /// The file's fingerprint when its upload started: another one means the file changed.
    pub fingerprint: Fingerprint,
    /// A random value put in the new video's metadata (under [`MARKER_KEY`]).
    pub marker: String,
    /// The video, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_id: Option<String>,
    /// What the server confirmed, while uploading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
    /// The player URL, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player: Option<String>,
}

/// The stages of a file's upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The video is being created.
    Creating,
    /// Chunks are being sent.
    Uploading,
    /// The upload completed.
    Done,
}

/// The journal file, shared by the uploads of one run; every change is written at once.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    contents: Arc<Mutex<Contents>>,
}

impl Journal {
    /// Reads the journal at `path`, or starts an empty one when there is none; then
    /// writes it, so that a journal that cannot be written fails before any request.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let contents = match std::fs::read(path) {
            Ok(bytes) => read_contents(path, &bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Contents::default(),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot read the journal {}: {}",
                    path.display(),
                    io_reason(&e)
                )));
            }
        };
        let journal = Self {
            path: path.to_owned(),
            contents: Arc::new(Mutex::new(contents)),
        };
        journal.save(&journal.lock()).map_err(|e| {
            Failure::usage(format!(
                "cannot write the journal {}: {}",
                path.display(),
                io_reason(&e)
            ))
            .line("choose another place with --journal PATH")
        })?;
        Ok(journal)
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entry of `file`, if any.
    pub fn entry(&self, file: &Path) -> Option<Entry> {
        self.lock().files.get(&key(file)).cloned()
    }

    /// Changes (or creates, from `None`) the entry of `file` and writes the journal.
    pub fn update(
        &self,
        file: &Path,
        change: impl FnOnce(&mut Option<Entry>),
    ) -> std::io::Result<()> {
        let mut contents = self.lock();
        let key = key(file);
        let mut entry = contents.files.remove(&key);
        change(&mut entry);
        if let Some(entry) = entry {
            contents.files.insert(key, entry);
        }
        self.save(&contents)
    }

    fn lock(&self) -> MutexGuard<'_, Contents> {
        self.contents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes the contents beside the journal, then renames over it (no fsync; see the
    /// module's documentation).
    fn save(&self, contents: &Contents) -> std::io::Result<()> {
        let mut json = serde_json::to_vec_pretty(contents).map_err(std::io::Error::other)?;
        json.push(b'\n');
        let mut aside = self.path.clone().into_os_string();
        aside.push(format!(".{}.tmp", std::process::id()));
        let aside = PathBuf::from(aside);
        let written = (|| {
            let mut file = std::fs::File::create(&aside)?;
            file.write_all(&json)?;
            std::fs::rename(&aside, &self.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&aside);
        }
        written
    }
}

fn key(file: &Path) -> String {
    file.to_string_lossy().into_owned()
}

fn read_contents(path: &Path, bytes: &[u8]) -> Result<Contents, Failure> {
    let unreadable = |reason: String| {
        Failure::usage(format!(
            "the journal {} cannot be used: {reason}",
            path.display()
        ))
        .line("move it away to start afresh, or choose another with --journal PATH")
    };
    let contents: Contents =
        serde_json::from_slice(bytes).map_err(|e| unreadable(e.to_string()))?;
    if contents.version != VERSION {
        return Err(unreadable(format!(
            "it is version {}, this program reads version {VERSION}",
            contents.version
        )));
    }
    Ok(contents)
}

/// A new random marker (128 bits, hex).
pub fn new_marker() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_a_reopen_and_the_format_is_as_documented() {
        let dir = std::env::temp_dir().join(format!("apivideo-cli-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.json");
        let _ = std::fs::remove_file(&path);
        let journal = Journal::open(&path).unwrap();
        let fingerprint = Fingerprint::of_bytes(b"video");
        let file = Path::new("/videos/a.mp4");
        journal
            .update(file, |entry| {
                *entry = Some(Entry {
                    status: Status::Uploading,
                    fingerprint: fingerprint.clone(),
                    marker: new_marker(),
                    video_id: Some("vi1".into()),
                    resume: Some(
                        Resume::new("vi1", 5, 5 << 20, [0]).with_fingerprint(fingerprint.clone()),
                    ),
                    player: None,
                });
            })
            .unwrap();
        let again = Journal::open(&path).unwrap();
        let as_json = |j: &Journal| serde_json::to_value(j.entry(file)).unwrap();
        assert_eq!(as_json(&again), as_json(&journal));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let entry = &json["files"]["/videos/a.mp4"];
        assert_eq!(json["version"], 1);
        assert_eq!(entry["status"], "uploading");
        assert_eq!(entry["videoId"], "vi1");
        assert_eq!(entry["resume"]["confirmedChunks"], serde_json::json!([0]));
        assert_eq!(entry["marker"].as_str().unwrap().len(), 32);

        std::fs::write(&path, b"{not json").unwrap();
        let error = Journal::open(&path).unwrap_err();
        assert!(error.lines[0].contains("cannot be used"), "{error:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
