//! The `kzcn-bot` binary: parse the command line and hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    // Every command hears about a `.env` line it cannot read; `serve` refuses to start on one.
    for problem in kzcn_bot::config::load_dotenv() {
        eprintln!("{problem}");
    }
    kzcn_bot::cli::run(kzcn_bot::cli::Cli::parse())
}
