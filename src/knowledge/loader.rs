//! Turns the knowledge files of a directory into a `Knowledge`, or into every problem found,
//! each as `file:line: message`, so an editor can fix a whole batch at once. The files are
//! listed and read by `files`, the only code that touches them.
//!
//! Problems come in three stages, listed in this order: files that cannot be read or parsed,
//! items that are wrong in themselves (a duplicate id, an empty answer), and references that
//! do not resolve (an unknown source, a dangling related link). A reference to a missing id is
//! one problem however often it is named, and it is left out, with a count, when a file that
//! could not be read may define that id: the cause comes first, not a page of consequences.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use super::files;
use super::model::{
    escape_controls, placeholders, Fact, Intent, Knowledge, Lang, Lexicon, Location, PerLang,
    Quote, Source, Topic, BOT_COMMANDS, COMMAND_DESCRIPTION_MAX_CHARS, COMMAND_MAX_CHARS, MESSAGES,
};
use super::period::Period;
use super::provenance;

/// One thing wrong with a knowledge file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
    pub stage: Stage,
}

/// Which kind of problem, in the order they are listed: causes before their consequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// A file that cannot be read or parsed.
    File,
    /// An item wrong in itself: a duplicate id, a bad date, an empty text.
    Item,
    /// A reference that does not resolve, or a message the code needs that is missing.
    Link,
    /// A source's article that cannot be read, a quote not found in its article, or wording
    /// copied from an article (`check --articles` only).
    Article,
}

impl fmt::Display for Problem {
    /// The file name and message are printed with control characters escaped: a name that
    /// holds a newline cannot forge a `file:line:` line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = escape_controls(&self.file.display().to_string());
        let message = escape_controls(&self.message);
        match self.line {
            Some(line) => write!(f, "{file}:{line}: {message}"),
            None => write!(f, "{file}: {message}"),
        }
    }
}

/// Why a knowledge directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("knowledge directory {} not found", shown(.0))]
    NotFound(PathBuf),
    #[error("cannot read knowledge directory {}: {source}", shown(.path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("knowledge directory {} holds no .toml files", shown(.0))]
    Empty(PathBuf),
    #[error("{}", problems_text(.0))]
    Invalid(Vec<Problem>),
}

impl LoadError {
    /// The individual problems, one per line of output.
    pub fn problems(&self) -> Vec<String> {
        match self {
            LoadError::Invalid(problems) => problems.iter().map(Problem::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

fn shown(path: &Path) -> String {
    escape_controls(&path.display().to_string())
}

fn problems_text(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\n")
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
    #[serde(default)]
    topic: Vec<Spanned<RawTopic>>,
    #[serde(default)]
    intent: Vec<Spanned<RawIntent>>,
    #[serde(default)]
    lexicon: Option<RawLexicon>,
    #[serde(default)]
    message: Vec<Spanned<RawMessage>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessage {
    id: String,
    #[serde(default)]
    text: PerLang<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    outlet: String,
    title: String,
    #[serde(default = "yes")]
    title_given: bool,
    date: Spanned<String>,
    #[serde(default)]
    date_inferred: bool,
    date_note: Option<String>,
    article: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: String,
    command: Spanned<String>,
    intent: Spanned<String>,
    #[serde(default)]
    title: PerLang<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntent {
    id: String,
    topic: Spanned<String>,
    #[serde(default)]
    title: PerLang<String>,
    #[serde(default)]
    keywords: PerLang<Vec<Spanned<String>>>,
    #[serde(default)]
    examples: PerLang<Vec<Spanned<String>>>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
    #[serde(default)]
    fact: Vec<Spanned<RawFact>>,
    #[serde(default)]
    series: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    id: String,
    #[serde(default)]
    text: PerLang<String>,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
    quote: Option<Spanned<RawQuote>>,
    period: Option<Spanned<String>>,
}

/// `quote = "…"` or `quote = ["…", "…"]`, for a fact that rests on several passages. Read by
/// hand: serde's untagged enums lose the line of each passage in a list.
enum RawQuote {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for RawQuote {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Quotes;
        impl<'de> Visitor<'de> for Quotes {
            type Value = RawQuote;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quote: a string, or a list of strings")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawQuote, E> {
                Ok(RawQuote::One(text.to_owned()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut list: A) -> Result<RawQuote, A::Error> {
                let mut quotes = Vec::new();
                while let Some(quote) = list.next_element()? {
                    quotes.push(quote);
                }
                Ok(RawQuote::Many(quotes))
            }
        }
        deserializer.deserialize_any(Quotes)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(default)]
    stopwords: PerLang<Vec<Spanned<String>>>,
    #[serde(default)]
    synonyms: PerLang<Vec<Spanned<Vec<String>>>>,
    #[serde(default)]
    latest: PerLang<Vec<Spanned<String>>>,
    #[serde(default)]
    outside: PerLang<Vec<Spanned<String>>>,
    #[serde(default)]
    places: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    countries: Vec<Spanned<Vec<String>>>,
}

/// A parsed file with what is needed to turn byte offsets into line numbers.
struct Parsed {
    path: PathBuf,
    lines: Lines,
    raw: RawFile,
}

impl Parsed {
    fn line(&self, offset: usize) -> usize {
        self.lines.line(offset)
    }

    fn at<T>(&self, spanned: &Spanned<T>) -> Location {
        Location {
            file: self.path.clone(),
            line: self.line(spanned.span().start),
        }
    }
}

/// Where the lines of one file start. Found in one pass over the file, so that each entry's
/// line is a binary search: counting newlines from the file's start for every entry made
/// loading quadratic in the entries of one file (8,000 intents in one file took 12 s).
struct Lines {
    /// The byte offset of each newline, in order.
    newlines: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        #[cfg(test)]
        SCANNED.with(|scanned| scanned.set(scanned.get() + text.len()));
        let newlines = text
            .bytes()
            .enumerate()
            .filter_map(|(at, byte)| (byte == b'\n').then_some(at))
            .collect();
        Lines { newlines }
    }

    /// The line (from 1) of the byte at `offset`: one more than the newlines before it.
    fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&newline| newline < offset) + 1
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes scanned for newlines on this thread, so a test can hold line numbering to one pass
    /// over each file by counting rather than by timing.
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A reference to an id that is not defined, kept apart until every file has been seen.
struct Missing {
    kind: &'static str,
    id: String,
    problem: Problem,
}

/// Collects problems as the checks find them.
#[derive(Default)]
struct Report {
    problems: Vec<Problem>,
    missing: Vec<Missing>,
    /// Messages the code sends that no file defines: one problem for all of them.
    missing_messages: Vec<&'static str>,
}

impl Report {
    fn add(&mut self, at: &Location, message: impl Into<String>) {
        self.add_file(&at.file, Some(at.line), Stage::Item, message);
    }

    fn add_file(
        &mut self,
        file: &Path,
        line: Option<usize>,
        stage: Stage,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            file: file.to_path_buf(),
            line,
            message: message.into(),
            stage,
        });
    }

    /// A reference to the `kind` with `id`, which is not defined.
    fn missing(
        &mut self,
        kind: &'static str,
        id: &str,
        file: &Path,
        line: Option<usize>,
        message: String,
    ) {
        self.missing.push(Missing {
            kind,
            id: id.to_owned(),
            problem: Problem {
                file: file.to_path_buf(),
                line,
                message,
                stage: Stage::Link,
            },
        });
    }

    fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.missing.is_empty() && self.missing_messages.is_empty()
    }

    /// Every problem, causes first: each missing id once, with the other places that name it,
    /// unless a file that could not be read may define it.
    fn finish(mut self, dir: &Path, unread: &Unread) -> Vec<Problem> {
        let mut groups: Vec<(&'static str, String, Vec<Problem>)> = Vec::new();
        let messages = std::mem::take(&mut self.missing_messages);
        let (explained, messages): (Vec<&str>, Vec<&str>) =
            messages.into_iter().partition(|id| unread.may_define(id));
        let mut explained = explained.len();
        if let Some(problem) = missing_messages(dir, &messages) {
            self.problems.push(problem);
        }
        for missing in std::mem::take(&mut self.missing) {
            if unread.may_define(&missing.id) {
                explained += 1;
                continue;
            }
            match groups
                .iter_mut()
                .find(|(kind, id, _)| *kind == missing.kind && *id == missing.id)
            {
                Some((_, _, places)) => places.push(missing.problem),
                None => groups.push((missing.kind, missing.id, vec![missing.problem])),
            }
        }
        self.problems.extend(
            groups
                .into_iter()
                .map(|(_, _, places)| merge_places(places)),
        );
        if explained > 0 {
            let plural = if explained == 1 { "" } else { "s" };
            self.add_file(
                dir,
                None,
                Stage::Link,
                format!(
                    "{explained} reference{plural} to undefined ids not listed: \
                     the files above that could not be read may define them"
                ),
            );
        }
        let mut problems = self.problems;
        problems.sort_by(|a, b| (a.stage, &a.file, a.line).cmp(&(b.stage, &b.file, b.line)));
        problems
    }
}

/// One problem for all the messages the code sends that are missing, if any.
fn missing_messages(dir: &Path, ids: &[&str]) -> Option<Problem> {
    let message = match ids {
        [] => return None,
        [id] => format!("message \"{id}\" is missing (add a [[message]] with this id)"),
        ids => {
            let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
            format!(
                "{} messages the bot sends are missing: {} (add a [[message]] with each id)",
                ids.len(),
                quoted.join(", ")
            )
        }
    };
    Some(Problem {
        file: dir.to_path_buf(),
        line: None,
        message,
        stage: Stage::Link,
    })
}

/// The places naming one missing id, as one problem at the first of them.
fn merge_places(mut places: Vec<Problem>) -> Problem {
    const SHOWN: usize = 5;
    places.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mut first = places.remove(0);
    if places.is_empty() {
        return first;
    }
    let mut others: Vec<String> = places
        .iter()
        .take(SHOWN)
        .map(|p| match p.line {
            Some(line) => format!("{}:{line}", p.file.display()),
            None => p.file.display().to_string(),
        })
        .collect();
    if places.len() > SHOWN {
        others.push(format!("{} more", places.len() - SHOWN));
    }
    first.message = format!("{} (also named at {})", first.message, others.join(", "));
    first
}

/// What is known of the files that could not be read or parsed.
#[derive(Default)]
struct Unread {
    /// A file whose text could not be seen at all: it may define any id.
    blind: bool,
    /// The texts of the files that could be seen but not parsed.
    texts: Vec<String>,
}

impl Unread {
    /// Whether an unreadable file may define `id`: it cannot be seen, or its text holds the id
    /// as a quoted string.
    fn may_define(&self, id: &str) -> bool {
        let (double, single) = (format!("\"{id}\""), format!("'{id}'"));
        self.blind
            || self
                .texts
                .iter()
                .any(|text| text.contains(&double) || text.contains(&single))
    }
}

/// Loads and checks every knowledge file in `dir` (not recursive), in name order: the names
/// ending in `.toml` that are not hidden, editor or backup files (see `files`).
pub fn load_dir(dir: &Path) -> Result<Knowledge, LoadError> {
    if !dir.exists() {
        return Err(LoadError::NotFound(dir.to_path_buf()));
    }
    let paths = files::list(dir).map_err(|source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if paths.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }
    load_files(dir, &paths)
}

/// Loads and checks the listed files of `dir`; a file that cannot be read is a problem.
fn load_files(dir: &Path, paths: &[PathBuf]) -> Result<Knowledge, LoadError> {
    let mut report = Report::default();
    let mut unread = Unread::default();
    let parsed: Vec<Parsed> = paths
        .iter()
        .filter_map(|path| parse_file(path, &mut report, &mut unread))
        .collect();
    let knowledge = build(dir, &parsed, paths.len(), &mut report);
    let problems = report.finish(dir, &unread);
    if problems.is_empty() {
        return Ok(knowledge);
    }
    Err(LoadError::Invalid(problems))
}

fn parse_file(path: &Path, report: &mut Report, unread: &mut Unread) -> Option<Parsed> {
    let text = match files::read(path) {
        Ok(text) => text,
        Err(error) => {
            report.add_file(path, error.line(), Stage::File, error.to_string());
            match error.lossy_text() {
                Some(text) => unread.texts.push(text.to_owned()),
                None => unread.blind = true,
            }
            return None;
        }
    };
    match toml::from_str::<RawFile>(&text) {
        Ok(raw) => Some(Parsed {
            path: path.to_path_buf(),
            lines: Lines::new(&text),
            raw,
        }),
        Err(error) => {
            let line = error.span().map(|span| Lines::new(&text).line(span.start));
            let message = error.message().trim().replace('\n', " ");
            report.add_file(path, line, Stage::File, format!("cannot parse: {message}"));
            unread.texts.push(text);
            None
        }
    }
}

/// Where each id was first defined, to report duplicates with both places.
#[derive(Default)]
struct Ids(HashMap<String, Location>);

impl Ids {
    /// Records `id`; returns false (after reporting) when it is empty or already taken.
    fn claim(&mut self, kind: &str, id: &str, at: &Location, report: &mut Report) -> bool {
        if id.trim().is_empty() {
            report.add(at, format!("{kind} has an empty id"));
            return false;
        }
        if let Some(first) = self.0.get(id) {
            report.add(
                at,
                format!("duplicate {kind} id \"{id}\" (first defined at {first})"),
            );
            return false;
        }
        self.0.insert(id.to_owned(), at.clone());
        true
    }
}

fn blank(text: Option<&String>) -> bool {
    text.is_none_or(|text| text.trim().is_empty())
}

fn build(dir: &Path, files: &[Parsed], file_count: usize, report: &mut Report) -> Knowledge {
    let mut knowledge = Knowledge {
        files: file_count,
        ..Knowledge::default()
    };
    add_sources(&mut knowledge, files, report);
    // Intents come before topics: a topic names its overview intent.
    let pending = add_intents(&mut knowledge, files, report);
    add_topics(&mut knowledge, files, report);
    link_intents(&mut knowledge, &pending, report);
    add_lexicon(&mut knowledge, files, report);
    let message_places = add_messages(&mut knowledge, files, report);
    let mut translations = Report::default();
    check_translations(&knowledge, &message_places, &mut translations);
    knowledge.warnings = translations
        .finish(dir, &Unread::default())
        .iter()
        .map(Problem::to_string)
        .collect();
    if knowledge.sources.is_empty() && report.is_empty() {
        report.add_file(dir, None, Stage::Item, "no [[source]] defined");
    }
    if knowledge.intents.is_empty() && report.is_empty() {
        report.add_file(dir, None, Stage::Item, "no [[intent]] defined");
    }
    knowledge
}

fn add_sources(knowledge: &mut Knowledge, files: &[Parsed], report: &mut Report) {
    let mut ids = Ids::default();
    // Which source names each article: two sources cannot be one article.
    let mut articles: HashMap<String, (String, Location)> = HashMap::new();
    for file in files {
        for spanned in &file.raw.source {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !ids.claim("source", &raw.id, &at, report) {
                continue;
            }
            let source = source_from(file, raw, &at, report);
            if let Some((first, first_at)) = articles.get(&source.article) {
                report.add(
                    &source.location,
                    format!(
                        "source \"{}\" names the same article as source \"{first}\" \
                         ({first_at})",
                        source.id
                    ),
                );
            } else if !source.article.is_empty() {
                let named_by = (source.id.clone(), source.location.clone());
                articles.insert(source.article.clone(), named_by);
            }
            knowledge.sources.push(source);
        }
    }
}

/// The article's file name, checked: it is looked up in the directory `check --articles`
/// names, so it must be a plain file name there. Empty when missing or wrong (reported).
fn article_name(file: &Parsed, raw: &RawSource, at: &Location, report: &mut Report) -> String {
    let id = &raw.id;
    let Some(article) = &raw.article else {
        report.add(
            at,
            format!(
                "source \"{id}\" names no article: add article = \"file.txt\", the article's \
                 file name in the articles directory"
            ),
        );
        return String::new();
    };
    let name = article.get_ref().trim();
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    if !plain {
        report.add(
            &file.at(article),
            format!(
                "source \"{id}\": article {:?} must be a file name in the articles directory, \
                 without a path",
                article.get_ref()
            ),
        );
        return String::new();
    }
    name.to_owned()
}

fn source_from(file: &Parsed, raw: &RawSource, at: &Location, report: &mut Report) -> Source {
    if raw.outlet.trim().is_empty() || raw.title.trim().is_empty() {
        report.add(
            at,
            format!("source \"{}\" needs an outlet and a title", raw.id),
        );
    }
    // A source with a bad date is still registered, so facts citing it do not each report it
    // as unknown; the load fails on the date problem alone.
    let date = Period::parse(raw.date.get_ref()).unwrap_or_else(|error| {
        report.add(
            &file.at(&raw.date),
            format!("source \"{}\": {error}", raw.id),
        );
        Period::parse("2000").expect("a valid placeholder")
    });
    let article = article_name(file, raw, at, report);
    Source {
        id: raw.id.clone(),
        outlet: raw.outlet.trim().to_owned(),
        title: raw.title.trim().to_owned(),
        title_given: raw.title_given,
        date,
        date_text: raw.date.get_ref().trim().to_owned(),
        date_inferred: raw.date_inferred,
        date_note: raw.date_note.clone(),
        article,
        location: raw.article.as_ref().map_or(at.clone(), |a| file.at(a)),
    }
}

/// An intent waiting for its topic and related links, which need every intent and topic.
type Pending<'a> = (usize, &'a Parsed, &'a RawIntent);

fn add_intents<'a>(
    knowledge: &mut Knowledge,
    files: &'a [Parsed],
    report: &mut Report,
) -> Vec<Pending<'a>> {
    let source_index: HashMap<String, usize> = knowledge
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let mut intent_ids = Ids::default();
    let mut fact_ids = Ids::default();
    let mut pending = Vec::new();
    for file in files {
        for spanned in &file.raw.intent {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !intent_ids.claim("intent", &raw.id, &at, report) {
                continue;
            }
            check_intent(file, raw, &at, report);
            let facts = raw
                .fact
                .iter()
                .filter_map(|fact| {
                    let fact_at = file.at(fact);
                    let fact = fact.get_ref();
                    fact_ids
                        .claim("fact", &fact.id, &fact_at, report)
                        .then(|| fact_from(file, raw, fact, fact_at, &source_index, report))
                })
                .collect();
            pending.push((knowledge.intents.len(), file, raw));
            knowledge.intents.push(Intent {
                id: raw.id.clone(),
                topic: 0,
                title: trimmed(&raw.title),
                keywords: unspanned(&raw.keywords),
                examples: unspanned(&raw.examples),
                related: Vec::new(),
                facts,
                series: raw.series,
                location: at,
            });
        }
    }
    pending
}

/// What an intent needs in itself: an English title, English phrasings a question can match,
/// no empty keyword or example, and facts.
fn check_intent(file: &Parsed, raw: &RawIntent, at: &Location, report: &mut Report) {
    let id = &raw.id;
    if blank(raw.title.en.as_ref()) {
        report.add(
            at,
            format!("intent \"{id}\" has no English title (title.en)"),
        );
    }
    let english = raw.keywords.en.iter().chain(&raw.examples.en).flatten();
    if english.filter(|p| !p.get_ref().trim().is_empty()).count() == 0 {
        report.add(
            at,
            format!(
                "intent \"{id}\" has no English keywords or examples, so no question can reach it"
            ),
        );
    }
    for (field, lists) in [("keywords", &raw.keywords), ("examples", &raw.examples)] {
        check_phrasings(file, id, field, lists, at, report);
    }
    if raw.fact.is_empty() {
        report.add(
            at,
            format!("intent \"{id}\" has no facts: its answer would be empty"),
        );
    }
}

/// An empty keyword or example is a slip (a stray comma, a deleted phrase), and so is an
/// English list written out empty. An empty list in another language is a missing
/// translation, which `check_translations` reports without stopping the bot.
fn check_phrasings(
    file: &Parsed,
    id: &str,
    field: &str,
    lists: &PerLang<Vec<Spanned<String>>>,
    at: &Location,
    report: &mut Report,
) {
    if lists.en.as_ref().is_some_and(Vec::is_empty) {
        report.add(
            at,
            format!("intent \"{id}\" has an empty {field}.en: add {field} or remove the line"),
        );
    }
    for (lang, list) in lists.iter() {
        for entry in list.iter().filter(|e| e.get_ref().trim().is_empty()) {
            report.add(
                &file.at(entry),
                format!("intent \"{id}\" has an empty entry in {field}.{lang}"),
            );
        }
    }
}

fn fact_from(
    file: &Parsed,
    intent: &RawIntent,
    raw: &RawFact,
    at: Location,
    source_index: &HashMap<String, usize>,
    report: &mut Report,
) -> Fact {
    let id = &raw.id;
    if blank(raw.text.en.as_ref()) {
        report.add(&at, format!("fact \"{id}\" has an empty answer (text.en)"));
    }
    if raw.sources.is_empty() {
        report.add(&at, format!("fact \"{id}\" cites no source"));
    }
    let mut sources = Vec::new();
    for source in &raw.sources {
        let name = source.get_ref();
        match source_index.get(name) {
            Some(&index) => sources.push(index),
            None => report.missing(
                "source",
                name,
                &file.path,
                Some(file.line(source.span().start)),
                format!("fact \"{id}\" cites unknown source \"{name}\""),
            ),
        }
    }
    let period = match &raw.period {
        None if intent.series => {
            report.add(
                &at,
                format!("fact \"{id}\" is in a series but has no period"),
            );
            None
        }
        None => None,
        Some(period) => Period::parse(period.get_ref())
            .map_err(|error| report.add(&file.at(period), format!("fact \"{id}\": {error}")))
            .ok(),
    };
    let quotes = quotes_from(file, raw, &at, report);
    // Without a quote, the missing quote is the problem, not each number of the text.
    if let Some(text) = raw.text.en.as_deref().filter(|_| !quotes.is_empty()) {
        let quoted = quotes.iter().map(|q| q.text.as_str());
        for number in provenance::unquoted_numbers(text, quoted, period.as_ref()) {
            let year = if provenance::year(&number).is_some() {
                ", and it is no year of the fact's period"
            } else {
                ""
            };
            report.add(
                &at,
                format!(
                    "fact \"{id}\": {number} is in its English text but in none of its \
                     quotes{year}: quote the passage that gives it, or correct the text"
                ),
            );
        }
    }
    Fact {
        id: raw.id.clone(),
        text: trimmed(&raw.text),
        sources,
        quotes,
        period,
        location: at,
    }
}

/// A fact's quotes, each with its line; a missing or empty quote is reported.
fn quotes_from(file: &Parsed, raw: &RawFact, at: &Location, report: &mut Report) -> Vec<Quote> {
    let id = &raw.id;
    let Some(quote) = &raw.quote else {
        report.add(
            at,
            format!(
                "fact \"{id}\" has no quote: add quote = \"…\", the words of its article that \
                 support it"
            ),
        );
        return Vec::new();
    };
    let texts: Vec<(&str, Location)> = match quote.get_ref() {
        RawQuote::One(text) => vec![(text.as_str(), file.at(quote))],
        RawQuote::Many(list) if list.is_empty() => {
            report.add(
                &file.at(quote),
                format!("fact \"{id}\" has an empty quote list"),
            );
            return Vec::new();
        }
        RawQuote::Many(list) => list
            .iter()
            .map(|q| (q.get_ref().as_str(), file.at(q)))
            .collect(),
    };
    let mut quotes = Vec::new();
    for (text, location) in texts {
        if text.trim().is_empty() {
            report.add(&location, format!("fact \"{id}\" has an empty quote"));
            continue;
        }
        quotes.push(Quote {
            text: text.trim().to_owned(),
            location,
        });
    }
    quotes
}

fn add_topics(knowledge: &mut Knowledge, files: &[Parsed], report: &mut Report) {
    let intent_index: HashMap<String, usize> = intent_index(knowledge);
    let mut ids = Ids::default();
    // Which topic took each command, and where.
    let mut commands: HashMap<String, (String, Location)> = HashMap::new();
    for file in files {
        for spanned in &file.raw.topic {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !ids.claim("topic", &raw.id, &at, report) {
                continue;
            }
            if blank(raw.title.en.as_ref()) {
                report.add(
                    &at,
                    format!("topic \"{}\" has no English title (title.en)", raw.id),
                );
            }
            check_title_length(raw, &at, report);
            let command_at = file.at(&raw.command);
            let command = raw.command.get_ref();
            if let Some(problem) = command_problem(command) {
                report.add(
                    &command_at,
                    format!("topic \"{}\": command {problem}", raw.id),
                );
            } else if let Some((other, first)) = commands.get(command) {
                let message = format!(
                    "topic \"{}\": command \"{command}\" is already topic \"{other}\"'s (at {first})",
                    raw.id
                );
                report.add(&command_at, message);
            } else {
                commands.insert(command.clone(), (raw.id.clone(), command_at));
            }
            let name = raw.intent.get_ref();
            // A topic whose intent is unknown is still registered (the load fails on that
            // alone), so its intents do not each report it as an unknown topic.
            let intent = intent_index.get(name).copied().unwrap_or_else(|| {
                let message = format!("topic \"{}\" names unknown intent \"{name}\"", raw.id);
                let line = file.line(raw.intent.span().start);
                report.missing("intent", name, &file.path, Some(line), message);
                0
            });
            knowledge.topics.push(Topic {
                id: raw.id.clone(),
                command: raw.command.get_ref().clone(),
                title: trimmed(&raw.title),
                intent,
            });
            knowledge.topic_places.push(at);
        }
    }
}

/// What is wrong with a topic's command name, if anything: Telegram takes 1–32 lowercase
/// Latin letters, digits and underscores, and the name must not be one of the bot's own.
fn command_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_owned());
    }
    if name.chars().count() > COMMAND_MAX_CHARS {
        return Some(format!(
            "\"{name}\" is longer than Telegram's {COMMAND_MAX_CHARS} characters"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Some(format!(
            "\"{name}\" holds {bad:?}: Telegram takes only lowercase a–z, digits and _"
        ));
    }
    if BOT_COMMANDS.contains(&name) {
        return Some(format!(
            "\"{name}\" is one of the bot's own commands (/{name})"
        ));
    }
    None
}

/// A topic's title is its command's description in Telegram's menu, which takes at most 256
/// characters.
fn check_title_length(raw: &RawTopic, at: &Location, report: &mut Report) {
    for (lang, title) in raw.title.iter() {
        let chars = title.trim().chars().count();
        if chars > COMMAND_DESCRIPTION_MAX_CHARS {
            report.add(
                at,
                format!(
                    "topic \"{}\": title.{lang} has {chars} characters, more than the \
                     {COMMAND_DESCRIPTION_MAX_CHARS} a command's description may have",
                    raw.id
                ),
            );
        }
    }
}

fn intent_index(knowledge: &Knowledge) -> HashMap<String, usize> {
    knowledge
        .intents
        .iter()
        .enumerate()
        .map(|(i, intent)| (intent.id.clone(), i))
        .collect()
}

/// Resolves each intent's topic and related links, now that all of them are known.
fn link_intents(knowledge: &mut Knowledge, pending: &[Pending], report: &mut Report) {
    let intent_index = intent_index(knowledge);
    let topic_index: HashMap<String, usize> = knowledge
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    for &(index, file, raw) in pending {
        let topic = raw.topic.get_ref();
        match topic_index.get(topic) {
            Some(&topic) => knowledge.intents[index].topic = topic,
            None => report.missing(
                "topic",
                topic,
                &file.path,
                Some(file.line(raw.topic.span().start)),
                format!("intent \"{}\" names unknown topic \"{topic}\"", raw.id),
            ),
        }
        for link in &raw.related {
            let name = link.get_ref();
            match intent_index.get(name) {
                Some(&target) if target == index => report.add(
                    &file.at(link),
                    format!("intent \"{}\" lists itself as related", raw.id),
                ),
                Some(&target) => knowledge.intents[index].related.push(target),
                None => report.missing(
                    "intent",
                    name,
                    &file.path,
                    Some(file.line(link.span().start)),
                    format!(
                        "intent \"{}\" has a dangling related link \"{name}\"",
                        raw.id
                    ),
                ),
            }
        }
    }
}

fn add_lexicon(knowledge: &mut Knowledge, files: &[Parsed], report: &mut Report) {
    for file in files {
        if let Some(lexicon) = &file.raw.lexicon {
            check_lexicon(file, lexicon, report);
            check_places(file, lexicon, report);
            merge_lexicon(&mut knowledge.lexicon, lexicon);
        }
    }
}

/// Empty words match nothing or everything, and a synonym group needs two words to say
/// anything: each is a mistake an editor wants pointed out.
fn check_lexicon(file: &Parsed, raw: &RawLexicon, report: &mut Report) {
    for (field, lists) in [
        ("stopwords", &raw.stopwords),
        ("latest", &raw.latest),
        ("outside", &raw.outside),
    ] {
        for (lang, list) in lists.iter() {
            for word in list.iter().filter(|w| w.get_ref().trim().is_empty()) {
                report.add(
                    &file.at(word),
                    format!("lexicon: empty word in {field}.{lang}"),
                );
            }
        }
    }
    for (lang, groups) in raw.synonyms.iter() {
        for group in groups {
            let words = group.get_ref();
            let filled = words.iter().filter(|w| !w.trim().is_empty()).count();
            let problem = if words.is_empty() {
                "an empty synonym group"
            } else if filled < words.len() {
                "a synonym group with an empty word"
            } else if filled < 2 {
                "a synonym group of one word, which has nothing to be a synonym of"
            } else {
                continue;
            };
            report.add(
                &file.at(group),
                format!("lexicon: {problem} in synonyms.{lang}"),
            );
        }
    }
}

/// A place is matched by its names in every language: one with an empty name, or with its
/// English name alone, would not be found in questions written in the others.
fn check_places(file: &Parsed, raw: &RawLexicon, report: &mut Report) {
    for place in raw.places.iter().chain(&raw.countries) {
        let names = place.get_ref();
        let problem = match names.as_slice() {
            _ if names.iter().any(|n| n.trim().is_empty()) => "a place with an empty name",
            [_] => "a place with its English name alone",
            [] => "a place with no names",
            _ => continue,
        };
        report.add(&file.at(place), format!("lexicon: {problem}"));
    }
}

/// Registers every message, checks its templates, and reports the messages the code sends
/// that are missing. Returns where each message is defined.
fn add_messages(
    knowledge: &mut Knowledge,
    files: &[Parsed],
    report: &mut Report,
) -> Vec<(String, Location)> {
    let mut ids = Ids::default();
    let mut places = Vec::new();
    for file in files {
        for spanned in &file.raw.message {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !ids.claim("message", &raw.id, &at, report) {
                continue;
            }
            check_message(file, raw, &at, report);
            let text = unspanned_text(&raw.text);
            knowledge.messages.insert(raw.id.clone(), trimmed(&text));
            places.push((raw.id.clone(), at));
        }
    }
    for (id, _) in MESSAGES {
        if !knowledge.messages.contains_key(*id) {
            report.missing_messages.push(id);
        }
    }
    places
}

/// A message must be one the code sends, have English text, and use only the placeholders the
/// code fills for it: anything else is sent to users as a raw `{…}`.
fn check_message(file: &Parsed, raw: &RawMessage, at: &Location, report: &mut Report) {
    let id = &raw.id;
    if raw
        .text
        .en
        .as_ref()
        .is_none_or(|t| t.get_ref().trim().is_empty())
    {
        report.add(
            at,
            format!("message \"{id}\" has no English text (text.en)"),
        );
    }
    let Some(allowed) = placeholders(id) else {
        report.add(
            at,
            format!("message \"{id}\" is not one the bot sends: check the id"),
        );
        return;
    };
    for (lang, text) in raw.text.iter() {
        let what = format!("message \"{id}\" (text.{lang})");
        check_template(&what, text.get_ref(), allowed, &file.at(text), report);
    }
}

/// Reports an unclosed brace in `template`, or each placeholder not in `allowed`.
fn check_template(
    what: &str,
    template: &str,
    allowed: &[&str],
    at: &Location,
    report: &mut Report,
) {
    match template_names(template) {
        Err(brace) => report.add(
            at,
            format!(
                "{what}: the brace at \"{}\" is never closed",
                excerpt(template, brace)
            ),
        ),
        Ok(names) => {
            for name in names.iter().filter(|name| !allowed.contains(name)) {
                let fills = fills(allowed);
                report.add(
                    at,
                    format!("{what}: uses {{{name}}}, which the bot never fills ({fills})"),
                );
            }
        }
    }
}

/// The `{name}` placeholders of a template, in order, or the byte offset of a `{` that is not
/// closed before the next `{` or the end.
pub(crate) fn template_names(template: &str) -> Result<Vec<&str>, usize> {
    let mut names = Vec::new();
    let mut rest = 0;
    while let Some(open) = template[rest..].find('{').map(|i| rest + i) {
        let after = &template[open + 1..];
        match after.find(['{', '}']) {
            Some(close) if after[close..].starts_with('}') => {
                names.push(&after[..close]);
                rest = open + 1 + close + 1;
            }
            _ => return Err(open),
        }
    }
    Ok(names)
}

/// A few characters of `text` from byte `at`, to show where a problem is in a long message.
fn excerpt(text: &str, at: usize) -> String {
    let tail: String = text[at..].chars().take(20).collect();
    tail.replace('\n', " ")
}

fn fills(allowed: &[&str]) -> String {
    if allowed.is_empty() {
        return "it fills none".to_owned();
    }
    let names: Vec<String> = allowed.iter().map(|name| format!("{{{name}}}")).collect();
    format!("it fills {}", names.join(", "))
}

/// Every text a user may read must exist in every language: reports each missing or empty
/// translation where the item is defined, and each message translation that drops or adds a
/// placeholder of the English text.
fn check_translations(knowledge: &Knowledge, messages: &[(String, Location)], report: &mut Report) {
    for intent in &knowledge.intents {
        check_intent_translations(intent, report);
    }
    for (topic, at) in knowledge.topics.iter().zip(&knowledge.topic_places) {
        for (lang, name) in TRANSLATIONS {
            if blank(topic.title.get(lang)) {
                missing_translation(
                    report,
                    at,
                    &format!("topic \"{}\"", topic.id),
                    "title",
                    lang,
                    name,
                );
            }
        }
    }
    for (id, at) in messages {
        let Some(text) = knowledge.messages.get(id) else {
            continue;
        };
        for (lang, name) in TRANSLATIONS {
            if blank(text.get(lang)) {
                missing_translation(report, at, &format!("message \"{id}\""), "text", lang, name);
            } else {
                check_same_placeholders(id, text, lang, name, at, report);
            }
        }
    }
}

/// The languages besides English that every text must be translated into.
const TRANSLATIONS: [(Lang, &str); 3] = [
    (Lang::Ru, "Russian"),
    (Lang::Kk, "Kazakh"),
    (Lang::Zh, "Chinese"),
];

fn missing_translation(
    report: &mut Report,
    at: &Location,
    what: &str,
    field: &str,
    lang: Lang,
    name: &str,
) {
    report.add(
        at,
        format!("{what}: missing or empty {name} translation ({field}.{lang})"),
    );
}

fn check_intent_translations(intent: &Intent, report: &mut Report) {
    let what = format!("intent \"{}\"", intent.id);
    let empty =
        |list: Option<&Vec<String>>| list.is_none_or(|l| l.iter().all(|e| e.trim().is_empty()));
    for (lang, name) in TRANSLATIONS {
        let at = &intent.location;
        if blank(intent.title.get(lang)) {
            missing_translation(report, at, &what, "title", lang, name);
        }
        if empty(intent.keywords.get(lang)) {
            missing_translation(report, at, &what, "keywords", lang, name);
        }
        if empty(intent.examples.get(lang)) {
            missing_translation(report, at, &what, "examples", lang, name);
        }
        for fact in &intent.facts {
            if blank(fact.text.get(lang)) {
                let fact_what = format!("fact \"{}\"", fact.id);
                missing_translation(report, &fact.location, &fact_what, "text", lang, name);
            }
        }
    }
}

/// A translation that drops `{count}` leaves the reader without the value; one that adds a
/// placeholder English lacks is likely a typo the template check lets through.
fn check_same_placeholders(
    id: &str,
    text: &PerLang<String>,
    lang: Lang,
    name: &str,
    at: &Location,
    report: &mut Report,
) {
    let names = |lang: Lang| -> Vec<&str> {
        let mut names = text
            .get(lang)
            .map(|t| template_names(t).unwrap_or_default())
            .unwrap_or_default();
        names.sort_unstable();
        names.dedup();
        names
    };
    let (english, translated) = (names(Lang::En), names(lang));
    if english != translated {
        let list = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("{{{n}}}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (translated, english) = (list(&translated), list(&english));
        report.add(
            at,
            format!(
                "message \"{id}\": the {name} text (text.{lang}) has placeholders \
                 [{translated}], the English one [{english}]"
            ),
        );
    }
}

fn trimmed(text: &PerLang<String>) -> PerLang<String> {
    let trim = |value: &Option<String>| value.as_ref().map(|v| v.trim().to_owned());
    PerLang {
        en: trim(&text.en),
        ru: trim(&text.ru),
        kk: trim(&text.kk),
        zh: trim(&text.zh),
    }
}

fn unspanned_text(text: &PerLang<Spanned<String>>) -> PerLang<String> {
    let plain = |value: &Option<Spanned<String>>| value.as_ref().map(|v| v.get_ref().clone());
    PerLang {
        en: plain(&text.en),
        ru: plain(&text.ru),
        kk: plain(&text.kk),
        zh: plain(&text.zh),
    }
}

fn unspanned<T: Clone>(lists: &PerLang<Vec<Spanned<T>>>) -> PerLang<Vec<T>> {
    let plain = |value: &Option<Vec<Spanned<T>>>| {
        value
            .as_ref()
            .map(|list| list.iter().map(|v| v.get_ref().clone()).collect())
    };
    PerLang {
        en: plain(&lists.en),
        ru: plain(&lists.ru),
        kk: plain(&lists.kk),
        zh: plain(&lists.zh),
    }
}

fn merge_lexicon(into: &mut Lexicon, raw: &RawLexicon) {
    let (stopwords, synonyms) = (unspanned(&raw.stopwords), unspanned(&raw.synonyms));
    let (latest, outside) = (unspanned(&raw.latest), unspanned(&raw.outside));
    for lang in Lang::ALL {
        extend(&mut into.stopwords, &stopwords, lang);
        extend(&mut into.synonyms, &synonyms, lang);
        extend(&mut into.latest, &latest, lang);
        extend(&mut into.outside, &outside, lang);
    }
    into.places
        .extend(raw.places.iter().map(|p| p.get_ref().clone()));
    into.countries
        .extend(raw.countries.iter().map(|p| p.get_ref().clone()));
}

fn extend<T: Clone>(into: &mut PerLang<Vec<T>>, from: &PerLang<Vec<T>>, lang: Lang) {
    let Some(values) = from.get(lang) else { return };
    let slot = match lang {
        Lang::En => &mut into.en,
        Lang::Ru => &mut into.ru,
        Lang::Kk => &mut into.kk,
        Lang::Zh => &mut into.zh,
    };
    slot.get_or_insert_with(Vec::new)
        .extend(values.iter().cloned());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_are_read_and_unclosed_braces_found() {
        let cases: [(&str, Result<Vec<&str>, usize>); 7] = [
            ("no placeholder", Ok(vec![])),
            ("{a} and {b}", Ok(vec!["a", "b"])),
            ("{}", Ok(vec![""])),
            ("{ a }", Ok(vec![" a "])),
            ("text {a", Err(5)),
            ("{a {b}", Err(0)),
            ("a } alone", Ok(vec![])),
        ];
        for (template, expected) in cases {
            assert_eq!(template_names(template), expected, "{template:?}");
        }
    }

    /// One intent of `LINES` lines for `many_intents`, with an empty keyword on line 4 when
    /// `slip` is set.
    fn one_intent(i: usize, slip: bool) -> String {
        let keywords = if slip {
            r#"["many", ""]"#
        } else {
            r#"["many"]"#
        };
        format!(
            "[[intent]]\nid = \"many-{i}\"\ntopic = \"travel\"\nkeywords.en = {keywords}\n\
             title.en = \"Many\"\nexamples.en = [\"many?\"]\n[[intent.fact]]\n\
             id = \"many-{i}-fact\"\ntext.en = \"Many.\"\nsources = [\"paper\"]\n\
             quote = \"Many.\"\n"
        )
    }
    const LINES: usize = 11;

    /// Regression: each entry's line was counted from the start of its file, so loading was
    /// quadratic in the entries of one file (8,000 intents in one file took 12 s, the same
    /// intents over 16 files a tenth of it). Held by counting the bytes scanned for line
    /// numbers, which must be each file's length once, whatever the number of entries; the
    /// last entry's problem must still name its exact line.
    #[test]
    fn line_numbers_cost_one_pass_over_each_file_however_many_entries_it_holds() {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        for count in [1, 10, 1000] {
            let dir = std::env::temp_dir()
                .join(format!("kzcn-loader-lines-{}-{count}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            for name in ["base.toml", "messages.toml"] {
                std::fs::copy(from.join(name), dir.join(name)).unwrap();
            }
            let many: String = (0..count).map(|i| one_intent(i, i + 1 == count)).collect();
            std::fs::write(dir.join("many.toml"), &many).unwrap();
            let bytes: usize = files::list(&dir)
                .unwrap()
                .iter()
                .map(|path| std::fs::read(path).unwrap().len())
                .sum();

            SCANNED.with(|scanned| scanned.set(0));
            let loaded = load_dir(&dir);
            let scanned = SCANNED.with(|scanned| scanned.get());

            assert_eq!(scanned, bytes, "{count} intents in one file");
            let Err(LoadError::Invalid(problems)) = loaded else {
                panic!("the empty keyword must fail the load");
            };
            let line = (count - 1) * LINES + 4;
            assert_eq!(
                problems[0].to_string(),
                format!(
                    "{}:{line}: intent \"many-{}\" has an empty entry in keywords.en",
                    dir.join("many.toml").display(),
                    count - 1
                )
            );
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    /// A file can go between the directory listing and its reading (an editor saving by
    /// rename, a deploy replacing the directory): it is a problem, not a silent skip.
    #[test]
    fn a_file_removed_after_listing_is_reported() {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        let dir = std::env::temp_dir().join(format!("kzcn-loader-removed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["base.toml", "messages.toml"] {
            std::fs::copy(from.join(name), dir.join(name)).unwrap();
        }
        let paths = files::list(&dir).unwrap();
        std::fs::remove_file(dir.join("base.toml")).unwrap();
        let Err(LoadError::Invalid(problems)) = load_files(&dir, &paths) else {
            panic!("a removed file must fail the load");
        };
        let first = problems[0].to_string();
        assert_eq!(
            first,
            format!(
                "{}: was removed after the directory was listed",
                dir.join("base.toml").display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
