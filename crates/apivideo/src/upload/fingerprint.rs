//! [`Fingerprint`]: what tells one file from another when an upload resumes.

use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// How many bytes are hashed at each end of a file.
const EDGE: u64 = 1024 * 1024;

/// A file's size and a SHA-256 of its first and last MiB: cheap to compute (at most 2 MiB
/// are read, whatever the size) and enough to tell a changed or different file from the one
/// an interrupted upload was sending.
///
/// [`Resume`](super::Resume) keeps one when the source was a file (by path or open) or
/// bytes, and [`Videos::resume`](crate::resources::Videos::resume) refuses a source whose
/// fingerprint differs. It serializes as `{"size": 12582912, "sha256": "<64 hex digits>"}`;
/// it displays as the size and the first 16 hex digits.
///
/// The hash covers bytes `0..min(size, 1 MiB)` then `max(1 MiB, size - 1 MiB)..size`: a
/// file of up to 2 MiB is hashed whole, each byte once.
///
/// ```no_run
/// use apivideo::upload::Fingerprint;
/// # async fn run() -> apivideo::Result<()> {
/// let before = Fingerprint::of_path("talk.mp4").await?;
/// // ... later, maybe in another process:
/// if Fingerprint::of_path("talk.mp4").await? != before {
///     println!("talk.mp4 changed");
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    size: u64,
    #[serde(with = "hex_digest")]
    sha256: [u8; 32],
}

impl Fingerprint {
    /// The fingerprint of the file at `path`, read on a blocking thread.
    pub async fn of_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_owned();
        blocking(move || {
            let file =
                std::fs::File::open(&path).map_err(|e| super::source::read_error(&path, &e))?;
            Self::of_file_blocking(&file)
        })
        .await
    }

    /// The fingerprint of an open file, read on a blocking thread with positioned reads
    /// (the file's cursor does not move).
    pub async fn of_file(file: &std::fs::File) -> Result<Self> {
        let file = file.try_clone()?;
        blocking(move || Self::of_file_blocking(&file)).await
    }

    /// The fingerprint of bytes in memory.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        let size = bytes.len() as u64;
        let (head, tail) = edges(size);
        let mut hash = Sha256::new();
        for range in [head, tail] {
            // `edges` keeps within `size`, the length of `bytes`: the casts are lossless and
            // the range is always there.
            hash.update(
                bytes
                    .get(range.start as usize..range.end as usize)
                    .unwrap_or_default(),
            );
        }
        Self {
            size,
            sha256: hash.finalize().into(),
        }
    }

    pub(crate) async fn of_shared_file(file: Arc<std::fs::File>) -> Result<Self> {
        blocking(move || Self::of_file_blocking(&file)).await
    }

    fn of_file_blocking(file: &std::fs::File) -> Result<Self> {
        let size = file.metadata()?.len();
        let (head, tail) = edges(size);
        let mut hash = Sha256::new();
        let mut buffer = Vec::with_capacity(EDGE as usize);
        for range in [head, tail] {
            // At most `EDGE` bytes (`edges` keeps each range that short): within capacity.
            buffer.resize(range.end.saturating_sub(range.start) as usize, 0);
            super::source::read_exact_at(file, &mut buffer, range.start)?;
            hash.update(&buffer);
        }
        Ok(Self {
            size,
            sha256: hash.finalize().into(),
        })
    }

    /// The size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The SHA-256 of the first and last MiB.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} bytes, {}", self.size, hex::encode(&self.sha256[..8]))
    }
}

/// The head and tail ranges hashed for a source of `size` bytes (the tail may be empty).
fn edges(size: u64) -> (std::ops::Range<u64>, std::ops::Range<u64>) {
    let head = 0..size.min(EDGE);
    let tail = size.saturating_sub(EDGE).max(head.end)..size;
    (head, tail)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(Error::Io(std::io::Error::other(e))))
}

mod hex_digest {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(super) fn serialize<S: Serializer>(digest: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(digest))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        let mut digest = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut digest)
            .map_err(|_| D::Error::custom("sha256 must be 64 hex digits"))?;
        Ok(digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_cover_small_files_once_and_large_ones_at_both_ends() {
        assert_eq!(edges(0), (0..0, 0..0));
        assert_eq!(edges(10), (0..10, 10..10));
        assert_eq!(edges(EDGE + 5), (0..EDGE, EDGE..EDGE + 5));
        assert_eq!(edges(10 * EDGE), (0..EDGE, 9 * EDGE..10 * EDGE));
        // A MiB at each end, as documented, not some other edge.
        assert_eq!(edges(5_000_000), (0..1_048_576, 3_951_424..5_000_000));
    }

    #[test]
    fn bytes_and_files_agree_and_a_change_at_either_end_shows() {
        let mut data: Vec<u8> = (0..3 * EDGE + 17).map(|i| (i % 251) as u8).collect();
        let dir = std::env::temp_dir().join(format!("apivideo-fp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.bin");
        std::fs::write(&path, &data).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let from_file = Fingerprint::of_file_blocking(&file).unwrap();
        let from_bytes = Fingerprint::of_bytes(&data);
        assert_eq!(from_file, from_bytes);
        assert_eq!(from_file.size(), data.len() as u64);

        let last = data.len() - 1;
        data[last] ^= 1;
        assert_ne!(Fingerprint::of_bytes(&data), from_bytes);
        data[last] ^= 1;
        data[0] ^= 1;
        assert_ne!(Fingerprint::of_bytes(&data), from_bytes);
        // The middle is not hashed: that is the price of reading 2 MiB at most.
        data[0] ^= 1;
        data[(EDGE + 100) as usize] ^= 1;
        assert_eq!(Fingerprint::of_bytes(&data), from_bytes);
        data[(EDGE + 100) as usize] ^= 1;
        // The hashed ends are exactly the first and the last MiB.
        let mib = 1024 * 1024;
        for (byte, hashed) in [
            (mib - 1, true),
            (mib, false),
            (data.len() - mib - 1, false),
            (data.len() - mib, true),
        ] {
            data[byte] ^= 1;
            assert_eq!(Fingerprint::of_bytes(&data) != from_bytes, hashed, "{byte}");
            data[byte] ^= 1;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn serializes_as_size_and_hex_and_displays_short() {
        let fp = Fingerprint::of_bytes(b"abc");
        let json = serde_json::to_value(&fp).unwrap();
        assert_eq!(json["size"], 3);
        // SHA-256("abc"), a published vector.
        assert_eq!(
            json["sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(fp.to_string(), "3 bytes, ba7816bf8f01cfea");
        assert_eq!(hex::encode(fp.sha256()), json["sha256"].as_str().unwrap());
        let back: Fingerprint = serde_json::from_value(json).unwrap();
        assert_eq!(back, fp);
        let bad = serde_json::json!({"size": 3, "sha256": "zz"});
        assert!(serde_json::from_value::<Fingerprint>(bad).is_err());
    }
}
