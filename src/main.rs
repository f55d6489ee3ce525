//! The `kzcn-bot` binary: parse the command line and hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    kzcn_bot::config::load_dotenv();
    kzcn_bot::cli::run(kzcn_bot::cli::Cli::parse())
}
