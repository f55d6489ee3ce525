//! The log's SQLite file: opening it (WAL mode, migrations up to the current schema), moving a
//! corrupt one aside, telling whether its path still names the file opened, writing batches of
//! changes, and deleting rows past their retention.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, ErrorCode, OpenFlags};

use super::{Change, Entry};

/// The log's file in `DATA_DIR`.
pub const DB_FILE: &str = "questions.sqlite3";

/// How long a write waits for another connection's lock (a `kzcn-bot report` reading, say)
/// before it fails. The writer is off every answer's path, so waiting costs no one.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// The schema, one migration per version: `PRAGMA user_version` says how many have run.
/// Append only; never edit one that has shipped.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the questions, newest last.
    "CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        chat_type TEXT NOT NULL,
        lang TEXT NOT NULL,
        intent TEXT,
        fact TEXT,
        kind TEXT NOT NULL,
        confidence REAL NOT NULL,
        followed TEXT,
        followed_intent TEXT,
        text TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        chat_hash TEXT NOT NULL
    );
    CREATE INDEX questions_at ON questions (at);
    -- /unanswered groups by text and looks up the offers picked for each.
    CREATE INDEX questions_text ON questions (text, followed);",
    // 2: each chat's settings, found by the chat's salted hash (never the id itself), so a
    // pinned language is looked up with the same hash the questions carry.
    "CREATE TABLE chat_settings (
        chat_hash TEXT PRIMARY KEY,
        lang TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;",
];

/// What went wrong with the log's file.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{path}: schema version {found} is newer than this kzcn-bot knows ({known})")]
    Newer {
        path: String,
        found: i64,
        known: usize,
    },
    #[error("{path}: cannot be created: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: no question log here (the bot writes it in its DATA_DIR)")]
    Missing(String),
}

impl LogError {
    /// Whether the file is not a database, or a damaged one: it is then moved aside.
    pub fn is_corrupt(&self) -> bool {
        matches!(self, LogError::Sqlite { source, .. } if is_corrupt(source))
    }
}

/// Whether an error says the file is not a database, or a damaged one.
pub fn is_corrupt(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// What the log's path names now, against the file the log opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDisk {
    /// The file opened (and always so where the system gives files no identity to compare).
    Same,
    /// Nothing: the file was deleted.
    Gone,
    /// Another file: the one opened was replaced, or renamed and another put in its place.
    Other,
}

/// A file's device and inode: what stays the same however the file is named.
type FileId = (u64, u64);

/// The id of the file at `path`.
#[cfg(unix)]
fn file_id(path: &Path) -> std::io::Result<Option<FileId>> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path)?;
    Ok(Some((meta.dev(), meta.ino())))
}

/// Elsewhere files have no id here: the check is skipped.
#[cfg(not(unix))]
fn file_id(_path: &Path) -> std::io::Result<Option<FileId>> {
    Ok(None)
}

/// An open question log.
pub struct QuestionLog {
    conn: Connection,
    path: PathBuf,
    /// The file opened, to tell when its path names another (`on_disk`).
    file: Option<FileId>,
}

impl QuestionLog {
    /// Opens the log in `dir`, making the directory and the file if need be, and migrates it.
    pub fn open(dir: &Path) -> Result<QuestionLog, LogError> {
        let path = dir.join(DB_FILE);
        let sqlite = |source| LogError::Sqlite {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|source| LogError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let conn = Connection::open(&path).map_err(sqlite)?;
        QuestionLog::prepare(conn, path)
    }

    /// Opens an existing log in `dir` (for `kzcn-bot report`): a missing one is an error, not a
    /// new empty file.
    pub fn open_existing(dir: &Path) -> Result<QuestionLog, LogError> {
        let path = dir.join(DB_FILE);
        if !path.is_file() {
            return Err(LogError::Missing(path.display().to_string()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|source| LogError::Sqlite {
                path: path.display().to_string(),
                source,
            })?;
        QuestionLog::prepare(conn, path)
    }

    /// Opens the log in `dir`; a corrupt file is first moved aside (with its WAL) and a new one
    /// started. Returns what was moved, for the caller to log.
    pub fn open_or_recover(dir: &Path) -> (Result<QuestionLog, LogError>, Option<String>) {
        match QuestionLog::open(dir) {
            Err(error) if error.is_corrupt() => {
                let moved = move_aside(&dir.join(DB_FILE), &error.to_string());
                (QuestionLog::open(dir), Some(moved))
            }
            other => (other, None),
        }
    }

    fn prepare(conn: Connection, path: PathBuf) -> Result<QuestionLog, LogError> {
        let shown = path.display().to_string();
        let sqlite = |source| LogError::Sqlite {
            path: shown.clone(),
            source,
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        // The mode is a row to read, not a statement to execute.
        let _: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(sqlite)?;
        conn.execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(sqlite)?;
        // Taken once SQLite has read the file, so that it is the file SQLite has open. A path
        // that cannot be looked at now gets no check later: the writes say what is wrong.
        let file = file_id(&path).ok().flatten();
        let mut log = QuestionLog { conn, path, file };
        log.migrate()?;
        Ok(log)
    }

    /// Runs the migrations the file has not had, each in its own transaction with its version.
    fn migrate(&mut self) -> Result<(), LogError> {
        let path = self.path.display().to_string();
        let sqlite = |source| LogError::Sqlite {
            path: path.clone(),
            source,
        };
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sqlite)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(LogError::Newer {
                path: path.clone(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        for (n, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction().map_err(sqlite)?;
            tx.execute_batch(sql).map_err(sqlite)?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", n + 1))
                .map_err(sqlite)?;
            tx.commit().map_err(sqlite)?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the log's path names now: one `stat`. SQLite goes on writing to a file that was
    /// deleted or replaced, where no one will read it again, so the writer asks before each
    /// batch. A path that may not be looked at (a directory made unreadable) counts as the
    /// same file, the write then saying what is wrong; one that names nothing for any other
    /// reason (its directory deleted, or a file put in the directory's place) is gone.
    pub fn on_disk(&self) -> OnDisk {
        let Some(opened) = self.file else {
            return OnDisk::Same;
        };
        match file_id(&self.path) {
            Ok(now) if now == Some(opened) => OnDisk::Same,
            Ok(_) => OnDisk::Other,
            Err(error) if error.kind() == std::io::ErrorKind::PermissionDenied => OnDisk::Same,
            Err(_) => OnDisk::Gone,
        }
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The schema version the file is at.
    pub fn version(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
    }

    /// Writes `changes` in one transaction: all of them or none.
    pub fn write(&mut self, changes: &[Change]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        for change in changes {
            match change {
                Change::Asked(entry) => insert(&tx, entry)?,
                Change::Pinned { chat, lang, at } => super::settings::pin(&tx, chat, *lang, *at)?,
                Change::Followed {
                    question,
                    how,
                    intent,
                } => {
                    tx.prepare_cached(
                        "UPDATE questions SET followed = ?2, followed_intent = ?3 WHERE id = ?1",
                    )?
                    .execute(params![question, how.label(), intent])?;
                }
            }
        }
        tx.commit()
    }

    /// Caps the file at about `bytes`: a write that would grow it further fails with
    /// SQLITE_FULL, as on a full disk. A cap below the file's size holds it at that size.
    pub fn limit_size(&self, bytes: u64) -> rusqlite::Result<()> {
        let page: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |row| row.get(0))?;
        let pages = (bytes / page.max(1) as u64).max(1);
        // The new limit is a row to read, not a statement to execute.
        let _: i64 =
            self.conn
                .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |row| {
                    row.get(0)
                })?;
        Ok(())
    }

    /// Deletes the questions asked before `before` (seconds since 1970); returns how many.
    pub fn prune(&mut self, before: i64) -> rusqlite::Result<usize> {
        self.conn
            .execute("DELETE FROM questions WHERE at < ?1", params![before])
    }

    /// Reads every page of the file: a damaged one shows here, not only when a query happens
    /// to touch the damage.
    pub fn quick_check(&self) -> rusqlite::Result<String> {
        self.conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
    }
}

fn insert(tx: &rusqlite::Transaction, entry: &Entry) -> rusqlite::Result<()> {
    // An id seen before (the clock went back): the first question keeps it. The statement is
    // compiled once per connection, not once per row: compiling it each time was a quarter of
    // the writer's time in the end-to-end profile (BENCHMARKS.md).
    let mut statement = tx.prepare_cached(
        "INSERT OR IGNORE INTO questions
            (id, at, chat_type, lang, intent, fact, kind, confidence, text, user_hash, chat_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    statement.execute(params![
        entry.id,
        entry.at,
        entry.chat_type.label(),
        entry.lang.code(),
        entry.intent,
        entry.fact,
        entry.kind,
        f64::from(entry.confidence),
        entry.text,
        entry.user,
        entry.chat,
    ])?;
    Ok(())
}

/// Renames `path` and its WAL and shared-memory files to `*.corrupt-<milliseconds>`; returns
/// the line that says so.
pub fn move_aside(path: &Path, why: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let renamed = |suffix: &str| {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = from.clone();
        to.push(format!(".corrupt-{now}"));
        (PathBuf::from(from), PathBuf::from(to))
    };
    for suffix in ["-wal", "-shm"] {
        let (from, to) = renamed(suffix);
        let _ = std::fs::rename(from, to);
    }
    let (from, to) = renamed("");
    match std::fs::rename(&from, &to) {
        Ok(()) => format!(
            "the question log is corrupt ({why}): moved aside to {}; a new log is started",
            to.display()
        ),
        Err(error) => format!(
            "the question log is corrupt ({why}) and cannot be moved aside ({error}): questions \
             are not logged"
        ),
    }
}
