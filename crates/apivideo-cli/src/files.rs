//! Which files an upload takes: the paths given, directories walked recursively, every
//! file checked (exists, readable, not empty) before any request.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::connect::io_reason;
use crate::failure::Failure;

/// Extensions taken from directories unless `--all` (compared without case).
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "3g2", "3gp", "avi", "f4v", "flv", "h264", "hevc", "m2ts", "m2v", "m4v", "mkv", "mov", "mp4",
    "mpeg", "mpg", "mts", "mxf", "ogv", "qt", "ts", "vob", "webm", "wmv",
];

/// A file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileToUpload {
    /// The path as the user wrote it (or under the directory they named).
    pub path: PathBuf,
    /// The canonical path, which keys the journal.
    pub canonical: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// Whether `path` has a video file extension.
pub fn is_video(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| VIDEO_EXTENSIONS.iter().any(|v| v.eq_ignore_ascii_case(e)))
}

/// The files under `paths`: files as given (any extension), directories walked
/// recursively in name order, taking video files (every file with `all`) and skipping
/// hidden entries and `skip` (the journal). The same file named twice is taken once.
pub fn collect(
    paths: &[PathBuf],
    all: bool,
    skip: Option<&Path>,
) -> Result<Vec<FileToUpload>, Failure> {
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        let metadata = std::fs::metadata(path)
            .map_err(|e| Failure::usage(format!("{}: {}", path.display(), io_reason(&e))))?;
        if metadata.is_dir() {
            let before = files.len();
            let mut visited = HashSet::new();
            walk(path, all, skip, &mut visited, &mut seen, &mut files)?;
            if files.len() == before {
                return Err(Failure::usage(if all {
                    format!("{} has no files", path.display())
                } else {
                    format!(
                        "{} has no video files ({}); --all uploads every file",
                        path.display(),
                        VIDEO_EXTENSIONS.join(", ")
                    )
                }));
            }
        } else {
            add(path, &mut seen, &mut files)?;
        }
    }
    Ok(files)
}

fn walk(
    dir: &Path,
    all: bool,
    skip: Option<&Path>,
    visited: &mut HashSet<PathBuf>,
    seen: &mut HashSet<PathBuf>,
    files: &mut Vec<FileToUpload>,
) -> Result<(), Failure> {
    let unreadable =
        |e: std::io::Error| Failure::usage(format!("{}: {}", dir.display(), io_reason(&e)));
    // A symbolic link back up the tree must not loop.
    if !visited.insert(std::fs::canonicalize(dir).map_err(unreadable)?) {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(unreadable)?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue; // a dangling link
        };
        if metadata.is_dir() {
            walk(&path, all, skip, visited, seen, files)?;
        } else if metadata.is_file() && (all || is_video(&path)) {
            if skip.is_some_and(|s| std::fs::canonicalize(&path).is_ok_and(|c| c == s)) {
                continue;
            }
            add(&path, seen, files)?;
        }
    }
    Ok(())
}

fn add(
    path: &Path,
    seen: &mut HashSet<PathBuf>,
    files: &mut Vec<FileToUpload>,
) -> Result<(), Failure> {
    let fail = |reason: String| Failure::usage(format!("{}: {reason}", path.display()));
    let canonical = std::fs::canonicalize(path).map_err(|e| fail(io_reason(&e)))?;
    let metadata = std::fs::metadata(&canonical).map_err(|e| fail(io_reason(&e)))?;
    if !metadata.is_file() {
        return Err(fail("not a regular file".to_owned()));
    }
    // Opening proves it can be read, before anything is sent.
    std::fs::File::open(&canonical)
        .map_err(|e| fail(format!("cannot be read: {}", io_reason(&e))))?;
    if metadata.len() == 0 {
        return Err(fail("the file is empty".to_owned()));
    }
    if seen.insert(canonical.clone()) {
        files.push(FileToUpload {
            path: path.to_owned(),
            canonical,
            size: metadata.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_files_are_known_by_extension_in_any_case() {
        assert!(is_video(Path::new("a/talk.MP4")));
        assert!(is_video(Path::new("clip.webm")));
        assert!(!is_video(Path::new("notes.txt")));
        assert!(!is_video(Path::new("mp4")));
    }

    #[test]
    fn directories_are_walked_in_order_skipping_hidden_and_other_files() {
        let root = std::env::temp_dir().join(format!("apivideo-cli-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        for name in [
            "b.mp4",
            "a.mov",
            "notes.txt",
            "sub/c.mkv",
            ".hidden/d.mp4",
            ".e.mp4",
        ] {
            std::fs::write(root.join(name), b"x").unwrap();
        }
        let names = |files: Vec<FileToUpload>| -> Vec<String> {
            files
                .iter()
                .map(|f| f.path.strip_prefix(&root).unwrap().display().to_string())
                .collect()
        };
        let videos = collect(std::slice::from_ref(&root), false, None).unwrap();
        assert_eq!(names(videos), ["a.mov", "b.mp4", "sub/c.mkv"]);
        let every = collect(&[root.clone(), root.join("b.mp4")], true, None).unwrap();
        assert_eq!(names(every), ["a.mov", "b.mp4", "notes.txt", "sub/c.mkv"]);

        std::fs::write(root.join("empty.mp4"), b"").unwrap();
        let error = collect(&[root.join("empty.mp4")], false, None).unwrap_err();
        assert!(error.lines[0].ends_with("the file is empty"), "{error:?}");
        let _ = std::fs::remove_dir_all(&root);
    }
}
