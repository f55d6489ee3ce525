//! The question log: what people ask and what the bot made of it, for the admins who grow the
//! fact base (`/stats`, `/unanswered`, `kzcn-bot report`). It is an embedded SQLite database,
//! `DATA_DIR/questions.sqlite3`, in WAL mode, whose schema carries its version and is migrated
//! when opened (`db`). No name or username is kept: user and chat ids only as salted hashes,
//! with a salt made once into `DATA_DIR` (`privacy`). `report` holds the admins' queries and
//! their table, CSV and JSON forms. The same file keeps each chat's settings (the language
//! pinned with `/lang`), by the chat's salted hash (`settings`).
//!
//! Everything here is synchronous and knows nothing of tokio, so the command line reads the
//! log with the same code; the bot writes to it through one writer task (`bot::journal`).

mod db;
mod privacy;
mod report;
mod settings;
#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use unicode_normalization::UnicodeNormalization;

use crate::answer::{Answer, Kind};
use crate::knowledge::Lang;

pub use db::{is_corrupt, move_aside, LogError, QuestionLog, DB_FILE};
pub use privacy::{Salt, SALT_FILE};
pub use report::{render_missed, Format, Missed, Stats, DEFAULT_SINCE_DAYS};

/// The longest question text kept, in characters: enough to read what was asked, and a bound
/// on what one message can add to the file.
const MAX_TEXT_CHARS: usize = 300;

/// Where a question was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatType {
    Private,
    Group,
    Inline,
}

impl ChatType {
    pub fn label(self) -> &'static str {
        match self {
            ChatType::Private => "private",
            ChatType::Group => "group",
            ChatType::Inline => "inline",
        }
    }
}

/// What a user did with a reply's buttons: took a "did you mean" offer, or a related topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followed {
    Suggestion,
    Related,
    /// The answer's Quote button.
    Quote,
}

impl Followed {
    fn label(self) -> &'static str {
        match self {
            Followed::Suggestion => "suggestion",
            Followed::Related => "related",
            Followed::Quote => "quote",
        }
    }
}

/// One question as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Made by the asking side (`new_id`), so a later button press can refer to it before the
    /// row is written.
    pub id: i64,
    /// Seconds since 1970.
    pub at: i64,
    pub chat_type: ChatType,
    pub lang: Lang,
    pub intent: Option<String>,
    /// The first fact given.
    pub fact: Option<String>,
    pub kind: &'static str,
    pub confidence: f32,
    /// The question normalised (`normalise`).
    pub text: String,
    pub user: String,
    pub chat: String,
}

impl Entry {
    /// The entry for `answer`, asked at `at` by the user and chat the hashes stand for.
    pub fn new(answer: &Answer, chat_type: ChatType, at: i64, user: String, chat: String) -> Entry {
        Entry {
            id: new_id(),
            at,
            chat_type,
            lang: answer.lang,
            intent: answer.intent.clone(),
            fact: answer.facts.first().cloned(),
            kind: reply_kind(answer),
            confidence: answer.confidence,
            text: normalise(&answer.question),
            user,
            chat,
        }
    }
}

/// A change to the log, as the writer receives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Asked(Entry),
    /// The question `question` was followed by a press on a button for `intent`.
    Followed {
        question: i64,
        how: Followed,
        intent: String,
    },
    /// The chat whose salted hash is `chat` pinned its language at `at` (seconds since 1970).
    Pinned {
        chat: String,
        lang: Lang,
        at: i64,
    },
}

/// The reply's kind as the log names it. "partial" is an answer to a message of several
/// questions that left some unanswered.
pub fn reply_kind(answer: &Answer) -> &'static str {
    match answer.kind {
        Kind::Answered if answer.partial => "partial",
        Kind::Answered => "answered",
        Kind::DidYouMean => "did_you_mean",
        Kind::Unknown => "unknown",
        Kind::NotStated => "not_stated",
        Kind::NoPeriod => "no_period",
        Kind::Help => "help",
        Kind::TooLong => "too_long",
    }
}

/// The kinds `/unanswered` lists: the bot did not give what was asked, or not all of it.
pub(crate) const UNANSWERED_KINDS: &str =
    "('unknown', 'did_you_mean', 'not_stated', 'no_period', 'partial')";
/// The kinds that are not questions at all (a greeting, a message too long to read): left out
/// of the answer rate.
pub(crate) const NOT_QUESTIONS: &str = "('help', 'too_long')";

/// A question as kept and grouped: Unicode compatibility forms folded, lowercase, punctuation
/// gone and spaces collapsed, so "Visa?" and "visa" are one question. At most
/// `MAX_TEXT_CHARS` characters.
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| match c.is_alphanumeric() {
            true => c,
            false => ' ',
        })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    words.join(" ").chars().take(MAX_TEXT_CHARS).collect()
}

/// Seconds since 1970, now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A question id: microseconds since 1970, made strictly increasing within the process, so ids
/// never repeat across restarts either (unless the clock goes back).
pub fn new_id() -> i64 {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = micros.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

#[cfg(test)]
mod normalising {
    use super::*;

    #[test]
    fn case_and_punctuation_differences_normalise_to_one_question() {
        let cases = [
            (
                "When did the visa-free regime START?",
                "when did the visa free regime start",
            ),
            (
                "  when did the visa free   regime start!!  ",
                "when did the visa free regime start",
            ),
            ("Қашан БАСТАЛДЫ?", "қашан басталды"),
            ("免签什么时候开始的？", "免签什么时候开始的"),
            ("ＴＲＡＤＥ ２０２２", "trade 2022"),
            ("?!…", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(normalise(text), expected, "{text}");
        }
        assert_eq!(normalise(&"a".repeat(1000)).chars().count(), MAX_TEXT_CHARS);
    }

    #[test]
    fn ids_never_repeat() {
        let ids: Vec<i64> = (0..10_000).map(|_| new_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
}
