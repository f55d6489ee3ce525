//! Command-line arguments and the top-level `run`: parse, resolve settings, load the fact
//! base, dispatch. Errors are printed here, once, and turned into the exit code.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::answer::Engine;
use crate::config::{self, Config, ServeConfig};
use crate::console;
use crate::knowledge::{self, Lang};
use crate::questions::{self, Format, QuestionLog};

#[derive(Debug, Parser)]
#[command(
    name = "kzcn-bot",
    version,
    about = "Answers questions about Kazakhstan–China relations, with sources"
)]
pub struct Cli {
    /// Knowledge directory (default: $KNOWLEDGE_DIR, else ./knowledge)
    #[arg(long, global = true, value_name = "DIR")]
    knowledge: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Answer a question; with --json and no question, answer each line of standard input
    Ask {
        /// Print one JSON object per question
        #[arg(long)]
        json: bool,
        /// Show how the question was read and scored, instead of the answer
        #[arg(long, conflicts_with = "json")]
        explain: bool,
        /// The asker's interface language (en, ru, kk, zh), a hint for language detection
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<Lang>,
        /// The question; several words are joined. A question that starts with '-' goes
        /// after `--`, which ends the options: kzcn-bot ask -- "-1 visa"
        question: Vec<String>,
    },
    /// Ask questions one after another
    Chat {
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<Lang>,
    },
    /// Run the Telegram bot (settings from the environment and .env; see .env.example)
    Serve,
    /// Check a knowledge directory and list every problem as file:line: message
    Check {
        /// Directory to check (default: the knowledge directory)
        dir: Option<PathBuf>,
        /// Also find every quote in its source's article, the file the source names in DIR;
        /// fails if DIR is missing
        #[arg(long, value_name = "DIR")]
        articles: Option<PathBuf>,
    },
    /// List the sentences of an article that carry a figure, a date or a name and that no
    /// fact quotes
    Gaps {
        /// The article, a text file
        article: PathBuf,
    },
    /// Read the bot's question log in DATA_DIR: its figures, or the questions it could not
    /// answer
    Report {
        what: ReportKind,
        /// Look at the last DAYS days
        #[arg(long, value_name = "DAYS", default_value_t = questions::DEFAULT_SINCE_DAYS)]
        since: u32,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// What `report` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportKind {
    /// Questions asked, answer rate, suggestions picked, top intents, languages, chat types
    Stats,
    /// The questions the bot could not answer, most asked first
    Unanswered,
}

/// Rows `report unanswered` prints at most.
const REPORT_ROWS: usize = 1000;

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::from_code(text)
        .ok_or_else(|| format!("unknown language \"{text}\": use en, ru, kk or zh"))
}

/// Runs the program; the error, if any, has already been printed.
pub fn run(cli: Cli) -> ExitCode {
    let config = Config::resolve(cli.knowledge.clone());
    match cli.command {
        Command::Check { dir, articles } => check(
            dir.as_deref().unwrap_or(&config.knowledge_dir),
            articles.as_deref(),
        ),
        Command::Gaps { article } => gaps(&config.knowledge_dir, &article),
        Command::Serve => serve(cli.knowledge),
        Command::Report {
            what,
            since,
            format,
        } => report(&config.data_dir, what, since, format),
        Command::Ask {
            json,
            explain,
            lang,
            question,
        } => {
            let Some(engine) = load(&config.knowledge_dir) else {
                return ExitCode::FAILURE;
            };
            let stdout = io::stdout();
            let mut out = stdout.lock();
            let result = if question.is_empty() {
                if !json && io::stdin().is_terminal() {
                    eprintln!("error: no question given: try kzcn-bot ask \"When did the visa-free regime start?\"");
                    return ExitCode::from(2);
                }
                let stdin = io::stdin();
                let mut input = stdin.lock();
                if json {
                    console::ask_json(&engine, lang, &mut input, &mut out)
                } else {
                    ask_lines(&engine, lang, &mut input, &mut out)
                }
            } else {
                let question = question.join(" ");
                if explain {
                    writeln!(out, "{}", engine.explain(&question, lang))
                } else if json {
                    let answer = engine.answer(&question, lang);
                    writeln!(out, "{}", console::to_json_line(&answer))
                } else {
                    console::ask(&engine, &question, lang, &mut out)
                }
            };
            finish(result)
        }
        Command::Chat { lang } => {
            let Some(engine) = load(&config.knowledge_dir) else {
                return ExitCode::FAILURE;
            };
            let stdin = io::stdin();
            let stdout = io::stdout();
            finish(console::chat(
                &engine,
                lang,
                &mut stdin.lock(),
                &mut stdout.lock(),
            ))
        }
    }
}

/// `report`: reads the question log the bot keeps in `data_dir`.
fn report(data_dir: &Path, what: ReportKind, since: u32, format: Format) -> ExitCode {
    let read = QuestionLog::open_existing(data_dir)
        .map_err(|e| e.to_string())
        .and_then(|log| {
            let shown = |e: rusqlite::Error| format!("{}: {e}", log.path().display());
            match what {
                ReportKind::Stats => log
                    .stats(questions::now(), since)
                    .map(|stats| stats.render(format))
                    .map_err(shown),
                ReportKind::Unanswered => log
                    .unanswered(questions::now(), since, REPORT_ROWS, 0)
                    .map(|(missed, _)| questions::render_missed(&missed, format))
                    .map_err(shown),
            }
        });
    match read {
        Ok(text) => finish(io::stdout().lock().write_all(text.as_bytes())),
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// `ask` without --json over piped input: each line's answer, separated by blank lines.
fn ask_lines(
    engine: &Engine,
    lang: Option<Lang>,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> io::Result<()> {
    for line in input.lines() {
        console::ask(engine, &line?, lang, out)?;
        writeln!(out)?;
    }
    Ok(())
}

fn finish(result: io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn load(dir: &Path) -> Option<Engine> {
    match Engine::load(dir) {
        Ok(engine) => Some(engine),
        Err(error) => {
            let problems = error.problems();
            if let [only] = problems.as_slice() {
                eprintln!("error: {only} (use --knowledge DIR or set KNOWLEDGE_DIR)");
            } else {
                eprintln!(
                    "error: knowledge directory {} has {} problems:",
                    shown(dir),
                    problems.len()
                );
                problems.iter().for_each(|p| eprintln!("{p}"));
                eprintln!("run `kzcn-bot check {}` after fixing them", shown(dir));
            }
            None
        }
    }
}

/// `serve`: validate settings and the knowledge base (failing fast with `file:line`), then run
/// the bot until SIGTERM or SIGINT.
fn serve(knowledge: Option<PathBuf>) -> ExitCode {
    let config = match ServeConfig::resolve(knowledge) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_new(config::log_filter())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(config::DEFAULT_LOG_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .init();
    let Some(engine) = load(&config.knowledge_dir) else {
        return ExitCode::FAILURE;
    };
    tracing::info!(
        dir = %config.knowledge_dir.display(),
        facts = engine.knowledge().fact_count(),
        intents = engine.knowledge().intents.len(),
        "knowledge loaded"
    );
    if let Err(error) = std::fs::create_dir_all(&config.data_dir) {
        tracing::warn!(
            "cannot create DATA_DIR {}: {error}",
            config.data_dir.display()
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(crate::bot::run(config, engine, crate::bot::stop_signal()));
    // Background tasks (the rate limiter) must not hold the process open after a stop.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `check [DIR] [--articles ARTICLES]`: every problem of the knowledge directory, those that
/// stop the bot and those that do not (a missing translation), and with `--articles` every
/// quote not found in its article.
fn check(dir: &Path, articles: Option<&Path>) -> ExitCode {
    let knowledge = match knowledge::load_dir(dir) {
        Ok(knowledge) => knowledge,
        Err(error) => return report_problems(dir, &error.problems()),
    };
    let warnings = knowledge.warnings.clone();
    let engine = crate::Engine::new(knowledge);
    let knowledge = engine.knowledge();
    let mut problems = engine.refused_phrasings();
    if let Some(articles) = articles {
        match knowledge::check_articles(knowledge, articles) {
            Ok(check) if check.problems.is_empty() => println!(
                "{}: OK: {} quote{} found in {} article{}",
                shown(articles),
                check.quotes,
                plural(check.quotes),
                check.articles,
                plural(check.articles)
            ),
            Ok(check) => problems.extend(check.problems.iter().map(ToString::to_string)),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    if problems.is_empty() && !warnings.is_empty() {
        warnings.iter().for_each(|w| eprintln!("{w}"));
        let n = warnings.len();
        eprintln!("{}: {n} problem{} found (the bot still runs, in English where a translation is missing)", shown(dir), if n == 1 { "" } else { "s" });
        return ExitCode::FAILURE;
    }
    if !problems.is_empty() {
        let all: Vec<String> = warnings.into_iter().chain(problems).collect();
        return report_problems(dir, &all);
    }
    println!(
        "{}: OK: {} files, {} sources, {} topics, {} intents, {} facts",
        shown(dir),
        knowledge.files,
        knowledge.sources.len(),
        knowledge.topics.len(),
        knowledge.intents.len(),
        knowledge.fact_count()
    );
    ExitCode::SUCCESS
}

/// `gaps ARTICLE`: the sentences of the article that carry a figure, a date or a name and that
/// no fact of the knowledge directory quotes, one a line as `ARTICLE:LINE: why: sentence`.
fn gaps(dir: &Path, article: &Path) -> ExitCode {
    let text = match knowledge::read_article(article) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: {}: {error}", shown(article));
            return ExitCode::FAILURE;
        }
    };
    let knowledge = match knowledge::load_dir(dir) {
        Ok(knowledge) => knowledge,
        Err(error) => return report_problems(dir, &error.problems()),
    };
    let quotes = knowledge
        .intents
        .iter()
        .flat_map(|intent| &intent.facts)
        .flat_map(|fact| &fact.quotes)
        .map(|quote| quote.text.as_str());
    let found = knowledge::find_gaps(&text, quotes);
    let name = shown(article);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut write = || -> io::Result<()> {
        for gap in &found.gaps {
            let why = if gap.unquoted_numbers.is_empty() {
                format!("not quoted ({})", gap.carries.join(", "))
            } else {
                format!(
                    "{}% quoted, not its {}",
                    gap.quoted_percent,
                    gap.unquoted_numbers.join(", ")
                )
            };
            let sentence = knowledge::escape_controls(&gap.text);
            writeln!(out, "{name}:{}: {why}: {sentence}", gap.line)?;
        }
        writeln!(
            out,
            "{name}: {} of {} sentences with a figure, a date or a name not quoted",
            found.gaps.len(),
            found.sentences
        )
    };
    finish(write())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A directory name as printed: control characters escaped, so it cannot break a line.
fn shown(dir: &Path) -> String {
    knowledge::escape_controls(&dir.display().to_string())
}

/// Prints each problem, then their count; `check` fails.
fn report_problems(dir: &Path, problems: &[String]) -> ExitCode {
    problems.iter().for_each(|p| eprintln!("{p}"));
    let n = problems.len();
    let plural = if n == 1 { "" } else { "s" };
    eprintln!("{}: {n} problem{plural} found", shown(dir));
    ExitCode::FAILURE
}
