//! All integration tests, compiled as one binary: the fact base against its articles, the
//! evaluation set, the faults the loader meets, and the command-line front run as a real
//! process.

mod answers;
mod bot;
mod cli;
mod eval;
mod facts;
mod fake_api;
mod faults;
mod serve;
mod understanding;
mod util;
mod written;
