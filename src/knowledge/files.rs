//! The only code that touches the file system for the fact base: it lists a directory's
//! knowledge files and reads each one (and the articles the facts quote, with the same checks). Every entry that looks like a knowledge file is either
//! read or reported: a dangling or looping symbolic link, a FIFO, a device, an oversized file,
//! a permission error or a file removed mid-load is a problem with the file's name, never a
//! silent skip.
//!
//! Which names count: a name ending in `.toml`, except names starting with `.` (hidden files,
//! Emacs lock files `.#visa.toml`) or `#` (Emacs autosaves `#visa.toml#`) and names ending in
//! `~` (backups `visa.toml~`). Vim's swap files (`.visa.toml.swp`) end in neither. An editor
//! leaves these beside the real files while one is open, and none of them is the base.

use std::ffi::OsStr;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::model::escape_controls;

/// The most bytes one knowledge file may hold. The largest real file is under 70 KiB; the limit
/// stops a runaway file (or one swapped for something endless) before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Whether a directory entry with this name is a knowledge file (see the module doc).
pub(crate) fn is_knowledge_name(name: &OsStr) -> bool {
    // Bytes, not `str`: a name that is not UTF-8 is still listed, and reported if it fails.
    let name = name.as_encoded_bytes();
    name.ends_with(b".toml")
        && !name.starts_with(b".")
        && !name.starts_with(b"#")
        && !name.ends_with(b"~")
}

/// The knowledge files in `dir` (not recursive), in name order. Nothing is opened here, and
/// nothing is dropped for its file type: `read` reports whatever cannot be read.
pub(crate) fn list(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if is_knowledge_name(&entry.file_name()) {
            paths.push(entry.path());
        }
    }
    paths.sort();
    Ok(paths)
}

/// Why a knowledge file could not be read. The message follows `file:` (or `file:line:`).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("dangling symbolic link to {0}: the file it points to does not exist")]
    Dangling(String),
    #[error("cannot follow symbolic link: {0}")]
    BadLink(io::Error),
    #[error("was removed after the directory was listed")]
    Removed,
    #[error("{0}, not a regular file: not read")]
    NotRegular(String),
    #[error(
        "is {size} bytes, more than the limit of {MAX_FILE_BYTES} bytes (1 MiB) for a knowledge file"
    )]
    TooLarge { size: u64 },
    #[error("cannot read: {0}")]
    Io(io::Error),
    #[error("invalid UTF-8: save the file as UTF-8")]
    Utf8 {
        line: usize,
        /// The text as far as it can be read, to see which ids the file would define.
        lossy: String,
    },
}

impl ReadError {
    pub(crate) fn line(&self) -> Option<usize> {
        match self {
            ReadError::Utf8 { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// What can be seen of the file's text despite the error.
    pub(crate) fn lossy_text(&self) -> Option<&str> {
        match self {
            ReadError::Utf8 { lossy, .. } => Some(lossy),
            _ => None,
        }
    }
}

/// Reads one knowledge file as UTF-8 text. The file type and size are checked before it is
/// opened, and again on the open handle, so a FIFO cannot block the load and a device such as
/// `/dev/zero` cannot be read forever.
pub(crate) fn read(path: &Path) -> Result<String, ReadError> {
    let metadata = fs::metadata(path).map_err(|error| unreachable_file(path, error))?;
    check_regular(path, &metadata)?;
    let file = File::open(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => ReadError::Removed,
        _ => ReadError::Io(error),
    })?;
    // Between the check and the open the name may have been pointed elsewhere.
    check_regular(path, &file.metadata().map_err(ReadError::Io)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    decode(bytes)
}

/// Reads an article the facts quote, with the same checks as a knowledge file; a missing file
/// is "not found" (for a knowledge file, listed a moment before, it means removed).
pub(crate) fn read_article(path: &Path) -> Result<String, String> {
    match read(path) {
        Ok(text) => Ok(text),
        Err(ReadError::Removed) => Err("not found".to_owned()),
        Err(error) => Err(error.to_string()),
    }
}

/// Whether `path` is a directory (following symbolic links); an error when it cannot be seen.
pub(crate) fn is_dir(path: &Path) -> io::Result<bool> {
    fs::metadata(path).map(|metadata| metadata.is_dir())
}

/// The error for a path whose metadata cannot be had, told apart by what the name itself is.
fn unreachable_file(path: &Path, error: io::Error) -> ReadError {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match (is_link, error.kind()) {
        (true, io::ErrorKind::NotFound) => ReadError::Dangling(link_target(path)),
        // A loop, or a link through a directory that may not be searched.
        (true, _) => ReadError::BadLink(error),
        (false, io::ErrorKind::NotFound) => ReadError::Removed,
        (false, _) => ReadError::Io(error),
    }
}

fn check_regular(path: &Path, metadata: &Metadata) -> Result<(), ReadError> {
    if metadata.is_file() {
        if metadata.len() > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge {
                size: metadata.len(),
            });
        }
        return Ok(());
    }
    let kind = kind_name(metadata);
    let through = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    Err(ReadError::NotRegular(if through {
        format!("is a symbolic link to {}, {kind}", link_target(path))
    } else {
        format!("is {kind}")
    }))
}

fn link_target(path: &Path) -> String {
    fs::read_link(path).map_or_else(
        |_| "an unreadable target".to_owned(),
        |target| format!("\"{}\"", escape_controls(&target.display().to_string())),
    )
}

#[cfg(unix)]
fn kind_name(metadata: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn kind_name(metadata: &Metadata) -> &'static str {
    if metadata.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        ReadError::Utf8 {
            line,
            lossy: String::from_utf8_lossy(bytes).into_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knowledge_names_skip_hidden_editor_and_backup_files() {
        let cases = [
            ("visa.toml", true),
            ("a b.toml", true),
            ("visa.toml.bak", false),
            ("visa.txt", false),
            (".hidden.toml", false),
            (".#visa.toml", false),
            ("#visa.toml#", false),
            ("#visa.toml", false),
            ("visa.toml~", false),
            (".visa.toml.swp", false),
            ("visa.toml.swp", false),
            (".toml", false),
        ];
        for (name, expected) in cases {
            assert_eq!(is_knowledge_name(OsStr::new(name)), expected, "{name}");
        }
    }

    #[test]
    fn io_errors_are_told_apart_by_what_the_name_is() {
        // Root reads any file, so a permission error is made here rather than with chmod.
        let gone = std::env::temp_dir().join("kzcn-bot-no-such-file.toml");
        let cases = [
            (
                io::ErrorKind::NotFound,
                "was removed after the directory was listed",
            ),
            (
                io::ErrorKind::PermissionDenied,
                "cannot read: permission denied",
            ),
        ];
        for (kind, expected) in cases {
            assert_eq!(unreachable_file(&gone, kind.into()).to_string(), expected);
        }
    }
}
