//! kzcn-bot answers questions about Kazakhstan–China relations from a curated fact base, and
//! says where every answer comes from.
//!
//! The parts, from the inside out:
//! - [`knowledge`]: the fact base (sources, topics, intents with their facts, lexicon), read
//!   and checked by its loader, the only code that touches knowledge files.
//! - [`matching`]: normalisation, analysis into terms, typo correction and the index that
//!   scores intents for a question.
//! - [`answer`]: the [`Engine`] (fact base + index) and its one call, [`Engine::answer`], which
//!   turns a question into an [`Answer`] with text, sources, confidence and suggestions.
//! - [`console`]: the command-line front (`ask`, `ask --json`, `chat`) over that same call.
//! - [`bot`]: the Telegram front (teloxide on tokio) over that same call: routing, handlers,
//!   HTML rendering, retries, and reloading the fact base without a restart.
//! - [`questions`]: the question log in `DATA_DIR` (SQLite), what admins read with `/stats`,
//!   `/unanswered` and `kzcn-bot report`; synchronous, so the bot and the command line share it.
//! - [`config`]: the only reader of the environment.
//! - [`cli`]: argument parsing and the top-level `run`, where errors are printed once.
//!
//! `knowledge`, `matching` and `answer` are synchronous and know nothing of Telegram or tokio:
//! the fronts are thin shells, so tests and the console exercise exactly what the bot runs.

pub mod answer;
pub mod bot;
pub mod cli;
pub mod config;
pub mod console;
pub mod knowledge;
pub mod matching;
pub mod questions;

pub use answer::{Answer, Engine, FollowUp, Kind, SourceRef, Suggestion};
