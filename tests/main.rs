//! All integration tests, compiled as one binary: the fact base against its articles, the
//! evaluation set, what `check` reports and the faults it meets, and the command-line front
//! run as a real process.

mod answers;
mod bot;
mod check;
mod cli;
mod eval;
mod facts;
mod fake_api;
mod faults;
mod fuzzed;
mod serve;
mod understanding;
mod util;
mod written;
