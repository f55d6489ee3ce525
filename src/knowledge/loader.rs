//! The only code that reads knowledge files. It reads every `*.toml` in a directory, checks it
//! all, and returns either a `Knowledge` or every problem found, each as `file:line: message`,
//! so an editor can fix a whole batch at once.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::files;
use super::model::{
    Fact, Intent, Knowledge, Lang, Lexicon, Location, PerLang, Source, Topic, REQUIRED_MESSAGES,
};
use super::period::Period;

/// One thing wrong with a knowledge file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Why a knowledge directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("knowledge directory {} not found", .0.display())]
    NotFound(PathBuf),
    #[error("cannot read knowledge directory {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("knowledge directory {} holds no .toml files", .0.display())]
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
    text: PerLang<String>,
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
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: String,
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
    keywords: PerLang<Vec<String>>,
    #[serde(default)]
    examples: PerLang<Vec<String>>,
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
    period: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(default)]
    stopwords: PerLang<Vec<String>>,
    #[serde(default)]
    synonyms: PerLang<Vec<Vec<String>>>,
    #[serde(default)]
    latest: PerLang<Vec<String>>,
    #[serde(default)]
    outside: PerLang<Vec<String>>,
}

/// A parsed file with what is needed to turn byte offsets into line numbers.
struct Parsed {
    path: PathBuf,
    text: String,
    raw: RawFile,
}

impl Parsed {
    fn line(&self, offset: usize) -> usize {
        line_of(&self.text, offset)
    }

    fn at<T>(&self, spanned: &Spanned<T>) -> Location {
        Location {
            file: self.path.clone(),
            line: self.line(spanned.span().start),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Collects problems as the checks find them.
#[derive(Default)]
struct Report(Vec<Problem>);

impl Report {
    fn add(&mut self, at: &Location, message: impl Into<String>) {
        self.0.push(Problem {
            file: at.file.clone(),
            line: Some(at.line),
            message: message.into(),
        });
    }

    fn add_file(&mut self, file: &Path, line: Option<usize>, message: impl Into<String>) {
        self.0.push(Problem {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        });
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
    load_files(&paths)
}

/// Loads and checks the listed files; a file that cannot be read is a problem.
fn load_files(paths: &[PathBuf]) -> Result<Knowledge, LoadError> {
    let mut report = Report::default();
    let mut parsed = Vec::new();
    for path in paths {
        if let Some(file) = parse_file(path, &mut report) {
            parsed.push(file);
        }
    }
    let knowledge = build(&parsed, paths.len(), &mut report);
    if report.0.is_empty() {
        return Ok(knowledge);
    }
    let mut problems = report.0;
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Err(LoadError::Invalid(problems))
}

fn parse_file(path: &Path, report: &mut Report) -> Option<Parsed> {
    let text = match files::read(path) {
        Ok(text) => text,
        Err(error) => {
            report.add_file(path, error.line(), error.to_string());
            return None;
        }
    };
    match toml::from_str::<RawFile>(&text) {
        Ok(raw) => Some(Parsed {
            path: path.to_path_buf(),
            text,
            raw,
        }),
        Err(error) => {
            let line = error.span().map(|span| line_of(&text, span.start));
            let message = error.message().trim().replace('\n', " ");
            report.add_file(path, line, format!("cannot parse: {message}"));
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

fn build(files: &[Parsed], file_count: usize, report: &mut Report) -> Knowledge {
    let mut knowledge = Knowledge {
        files: file_count,
        ..Knowledge::default()
    };

    let mut source_ids = Ids::default();
    for file in files {
        for spanned in &file.raw.source {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !source_ids.claim("source", &raw.id, &at, report) {
                continue;
            }
            if raw.outlet.trim().is_empty() || raw.title.trim().is_empty() {
                report.add(
                    &at,
                    format!("source \"{}\" needs an outlet and a title", raw.id),
                );
            }
            // A source with a bad date is still registered, so facts citing it do not each
            // report it as unknown; the load fails on the date problem alone.
            let date = Period::parse(raw.date.get_ref()).unwrap_or_else(|error| {
                report.add(
                    &file.at(&raw.date),
                    format!("source \"{}\": {error}", raw.id),
                );
                Period::parse("2000").expect("a valid placeholder")
            });
            knowledge.sources.push(Source {
                id: raw.id.clone(),
                outlet: raw.outlet.trim().to_owned(),
                title: raw.title.trim().to_owned(),
                title_given: raw.title_given,
                date,
                date_text: raw.date.get_ref().trim().to_owned(),
                date_inferred: raw.date_inferred,
                date_note: raw.date_note.clone(),
            });
        }
    }
    let source_index: HashMap<&str, usize> = knowledge
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();

    // Intents come before topics: a topic names its overview intent.
    let mut intent_ids = Ids::default();
    let mut fact_ids = Ids::default();
    let mut pending = Vec::new(); // (intent index, file, raw) for the second pass over links
    for file in files {
        for spanned in &file.raw.intent {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !intent_ids.claim("intent", &raw.id, &at, report) {
                continue;
            }
            if blank(raw.title.en.as_ref()) {
                report.add(
                    &at,
                    format!("intent \"{}\" has no English title (title.en)", raw.id),
                );
            }
            let phrasings = raw
                .keywords
                .en
                .iter()
                .flatten()
                .chain(raw.examples.en.iter().flatten());
            if phrasings.filter(|p| !p.trim().is_empty()).count() == 0 {
                report.add(
                    &at,
                    format!("intent \"{}\" has no English keywords or examples, so no question can reach it", raw.id),
                );
            }
            if raw.fact.is_empty() {
                report.add(
                    &at,
                    format!(
                        "intent \"{}\" has no facts: its answer would be empty",
                        raw.id
                    ),
                );
            }
            let mut facts = Vec::new();
            for spanned_fact in &raw.fact {
                let fact_at = file.at(spanned_fact);
                let fact = spanned_fact.get_ref();
                if !fact_ids.claim("fact", &fact.id, &fact_at, report) {
                    continue;
                }
                if blank(fact.text.en.as_ref()) {
                    report.add(
                        &fact_at,
                        format!("fact \"{}\" has an empty answer (text.en)", fact.id),
                    );
                }
                if fact.sources.is_empty() {
                    report.add(&fact_at, format!("fact \"{}\" cites no source", fact.id));
                }
                let mut sources = Vec::new();
                for source in &fact.sources {
                    match source_index.get(source.get_ref().as_str()) {
                        Some(&index) => sources.push(index),
                        None => report.add(
                            &file.at(source),
                            format!(
                                "fact \"{}\" cites unknown source \"{}\"",
                                fact.id,
                                source.get_ref()
                            ),
                        ),
                    }
                }
                let period = match &fact.period {
                    None if raw.series => {
                        report.add(
                            &fact_at,
                            format!("fact \"{}\" is in a series but has no period", fact.id),
                        );
                        None
                    }
                    None => None,
                    Some(period) => match Period::parse(period.get_ref()) {
                        Ok(parsed) => Some(parsed),
                        Err(error) => {
                            report.add(&file.at(period), format!("fact \"{}\": {error}", fact.id));
                            None
                        }
                    },
                };
                facts.push(Fact {
                    id: fact.id.clone(),
                    text: trimmed(&fact.text),
                    sources,
                    period,
                    location: fact_at,
                });
            }
            pending.push((knowledge.intents.len(), file, raw));
            knowledge.intents.push(Intent {
                id: raw.id.clone(),
                topic: 0,
                title: trimmed(&raw.title),
                keywords: raw.keywords.clone(),
                examples: raw.examples.clone(),
                related: Vec::new(),
                facts,
                series: raw.series,
                location: at,
            });
        }
    }
    let intent_index: HashMap<String, usize> = knowledge
        .intents
        .iter()
        .enumerate()
        .map(|(i, intent)| (intent.id.clone(), i))
        .collect();

    let mut topic_ids = Ids::default();
    for file in files {
        for spanned in &file.raw.topic {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !topic_ids.claim("topic", &raw.id, &at, report) {
                continue;
            }
            if blank(raw.title.en.as_ref()) {
                report.add(
                    &at,
                    format!("topic \"{}\" has no English title (title.en)", raw.id),
                );
            }
            let Some(&intent) = intent_index.get(raw.intent.get_ref()) else {
                report.add(
                    &file.at(&raw.intent),
                    format!(
                        "topic \"{}\" names unknown intent \"{}\"",
                        raw.id,
                        raw.intent.get_ref()
                    ),
                );
                continue;
            };
            knowledge.topics.push(Topic {
                id: raw.id.clone(),
                title: trimmed(&raw.title),
                intent,
            });
        }
    }
    let topic_index: HashMap<&str, usize> = knowledge
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();

    for (index, file, raw) in pending {
        match topic_index.get(raw.topic.get_ref().as_str()) {
            Some(&topic) => knowledge.intents[index].topic = topic,
            None => report.add(
                &file.at(&raw.topic),
                format!(
                    "intent \"{}\" names unknown topic \"{}\"",
                    raw.id,
                    raw.topic.get_ref()
                ),
            ),
        }
        for link in &raw.related {
            match intent_index.get(link.get_ref()) {
                Some(&target) if target == index => report.add(
                    &file.at(link),
                    format!("intent \"{}\" lists itself as related", raw.id),
                ),
                Some(&target) => knowledge.intents[index].related.push(target),
                None => report.add(
                    &file.at(link),
                    format!(
                        "intent \"{}\" has a dangling related link \"{}\"",
                        raw.id,
                        link.get_ref()
                    ),
                ),
            }
        }
    }

    for file in files {
        if let Some(lexicon) = &file.raw.lexicon {
            merge_lexicon(&mut knowledge.lexicon, lexicon);
        }
    }

    let mut message_ids = Ids::default();
    let mut message_places = Vec::new();
    for file in files {
        for spanned in &file.raw.message {
            let at = file.at(spanned);
            let raw = spanned.get_ref();
            if !message_ids.claim("message", &raw.id, &at, report) {
                continue;
            }
            if blank(raw.text.en.as_ref()) {
                report.add(
                    &at,
                    format!("message \"{}\" has no English text (text.en)", raw.id),
                );
            }
            knowledge
                .messages
                .insert(raw.id.clone(), trimmed(&raw.text));
            message_places.push((raw.id.clone(), at));
        }
    }
    for id in REQUIRED_MESSAGES {
        if !knowledge.messages.contains_key(*id) {
            let dir = files_dir(files);
            report.add_file(
                Path::new(&dir),
                None,
                format!("message \"{id}\" is missing (add a [[message]] with this id)"),
            );
        }
    }
    let mut translations = Report::default();
    check_translations(&knowledge, &message_places, &mut translations);
    translations
        .0
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    knowledge.warnings = translations.0.iter().map(Problem::to_string).collect();

    if knowledge.sources.is_empty() && report.0.is_empty() {
        report.add_file(Path::new(&files_dir(files)), None, "no [[source]] defined");
    }
    if knowledge.intents.is_empty() && report.0.is_empty() {
        report.add_file(Path::new(&files_dir(files)), None, "no [[intent]] defined");
    }
    knowledge
}

/// Every text a user may read must exist in every language: reports each missing or empty
/// translation where the item is defined.
fn check_translations(knowledge: &Knowledge, messages: &[(String, Location)], report: &mut Report) {
    const NAMES: [(Lang, &str); 3] = [
        (Lang::Ru, "Russian"),
        (Lang::Kk, "Kazakh"),
        (Lang::Zh, "Chinese"),
    ];
    let mut missing = |at: &Location, what: &str, field: &str, lang: Lang, name: &str| {
        report.add(
            at,
            format!("{what}: missing or empty {name} translation ({field}.{lang})"),
        );
    };
    for intent in &knowledge.intents {
        let what = format!("intent \"{}\"", intent.id);
        for (lang, name) in NAMES {
            if blank(intent.title.get(lang)) {
                missing(&intent.location, &what, "title", lang, name);
            }
            if intent
                .keywords
                .get(lang)
                .is_none_or(|k| k.iter().all(|k| k.trim().is_empty()))
            {
                missing(&intent.location, &what, "keywords", lang, name);
            }
            if intent
                .examples
                .get(lang)
                .is_none_or(|e| e.iter().all(|e| e.trim().is_empty()))
            {
                missing(&intent.location, &what, "examples", lang, name);
            }
            for fact in &intent.facts {
                if blank(fact.text.get(lang)) {
                    missing(
                        &fact.location,
                        &format!("fact \"{}\"", fact.id),
                        "text",
                        lang,
                        name,
                    );
                }
            }
        }
    }
    for (topic, at) in knowledge.topics.iter().zip(&knowledge.topic_places) {
        for (lang, name) in NAMES {
            if blank(topic.title.get(lang)) {
                missing(at, &format!("topic \"{}\"", topic.id), "title", lang, name);
            }
        }
    }
    for (id, at) in messages {
        for (lang, name) in NAMES {
            if blank(knowledge.messages.get(id).and_then(|m| m.get(lang))) {
                missing(at, &format!("message \"{id}\""), "text", lang, name);
            }
        }
    }
}

fn files_dir(files: &[Parsed]) -> String {
    files
        .first()
        .and_then(|file| file.path.parent())
        .map_or_else(|| ".".to_owned(), |dir| dir.display().to_string())
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

fn merge_lexicon(into: &mut Lexicon, raw: &RawLexicon) {
    for lang in Lang::ALL {
        extend(&mut into.stopwords, &raw.stopwords, lang);
        extend(&mut into.synonyms, &raw.synonyms, lang);
        extend(&mut into.latest, &raw.latest, lang);
        extend(&mut into.outside, &raw.outside, lang);
    }
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
        let Err(LoadError::Invalid(problems)) = load_files(&paths) else {
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
