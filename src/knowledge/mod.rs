//! The fact base: what the bot knows and where each piece comes from.
//!
//! `model` holds the validated, read-only form the rest of the crate sees; `files` is the only
//! code that touches knowledge files (listing a directory, reading each file with its faults
//! reported); `loader` turns what it reads into that form or into a list of
//! `file:line: problem` lines, causes first; `period` parses and compares the dates facts and
//! sources carry; `provenance` holds each fact to its quotes and the quotes to their articles;
//! `gaps` finds the sentences of an article that no fact quotes.

mod files;
mod gaps;
mod loader;
mod model;
mod period;
mod provenance;

pub use files::MAX_FILE_BYTES;
pub use gaps::{find_gaps, Gap, Gaps};
pub use loader::{load_dir, LoadError, Problem, Stage};
pub use model::{
    escape_controls, fill, placeholders, Diff, Fact, Intent, Knowledge, Lang, Lexicon, PerLang,
    Quote, Source, Topic, BOT_COMMANDS, MESSAGES,
};
pub use period::{Date, Period};
pub use provenance::{
    check_articles, normalise, numbers_in, read_article, ArticleCheck, ArticlesError, COPIED_WORDS,
};
