//! The fact base: what the bot knows and where each piece comes from.
//!
//! `model` holds the validated, read-only form the rest of the crate sees; `loader` is the only
//! code that touches knowledge files, and it turns them into that form or into a list of
//! `file:line: problem` lines; `period` parses and compares the dates facts and sources carry.

mod loader;
mod model;
mod period;

pub use loader::{load_dir, LoadError, Problem};
pub use model::{
    fill, Diff, Fact, Intent, Knowledge, Lang, Lexicon, PerLang, Source, Topic, REQUIRED_MESSAGES,
};
pub use period::{Date, Period};
