//! All integration tests, compiled as one binary: the fact base as a whole, the evaluation
//! sets, what `check` reports and the faults it meets, quotes and `gaps` on a small made-up
//! article, properties that hold for any input, hostile cases one by one, a long soak (ignored
//! unless asked for), and the command-line front run as a real process, and the question log
//! through the bot and `report`. None of them needs the
//! real articles: `kzcn-bot check --articles` holds the fact base to those, in CI.

mod answers;
mod bot;
mod check;
mod cli;
mod eval;
mod facts;
mod fake_api;
mod faults;
mod fuzzed;
mod hostile;
mod properties;
mod provenance;
mod qlog;
mod serve;
mod soak;
mod understanding;
mod util;
mod written;
