//! Files that misbehave, for tests of what an upload refuses.

use std::path::{Path, PathBuf};

/// A path that exists and cannot be opened: `candidate` (an existing file the caller
/// made) with mode 000, which stops anyone but root; for root, who ignores file modes, a
/// write-only sysfs attribute (the kernel refuses to open those for reading whoever asks).
/// Panics when neither is available.
pub fn unreadable_file(candidate: &Path) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(candidate, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    if std::fs::File::open(candidate).is_err() {
        return candidate.to_path_buf();
    }
    write_only_sysfs_file(Path::new("/sys/bus"), 3)
        .expect("no unreadable file can be made here: running as root and no write-only sysfs file")
}

fn write_only_sysfs_file(dir: &Path, depth: u32) -> Option<PathBuf> {
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        #[cfg(unix)]
        if metadata.is_file()
            && metadata.permissions().mode() & 0o444 == 0
            && std::fs::File::open(&path).is_err()
        {
            return Some(path);
        }
        if metadata.is_dir()
            && depth > 0
            && let Some(found) = write_only_sysfs_file(&path, depth - 1)
        {
            return Some(found);
        }
    }
    None
}
