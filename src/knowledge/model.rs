//! The validated fact base. Everything here has passed the loader's checks: ids are unique,
//! every reference resolves, every fact has English text and at least one source.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::period::Period;

/// A language the fact base can carry text in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ru,
    Kk,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Ru, Lang::Kk, Lang::Zh];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::Zh => "zh",
        }
    }

    /// Reads a language code such as Telegram's `language_code` (`ru`, `en-US`, `zh-hans`).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.code() == primary)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One value per language; English is the one every item must have.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerLang<T> {
    pub en: Option<T>,
    pub ru: Option<T>,
    pub kk: Option<T>,
    pub zh: Option<T>,
}

// By hand: derived, it would ask `T: Default`, which the loader's spanned values lack.
impl<T> Default for PerLang<T> {
    fn default() -> Self {
        PerLang {
            en: None,
            ru: None,
            kk: None,
            zh: None,
        }
    }
}

impl<T> PerLang<T> {
    pub fn get(&self, lang: Lang) -> Option<&T> {
        match lang {
            Lang::En => self.en.as_ref(),
            Lang::Ru => self.ru.as_ref(),
            Lang::Kk => self.kk.as_ref(),
            Lang::Zh => self.zh.as_ref(),
        }
    }

    /// Every language that has a value, with the value.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &T)> {
        Lang::ALL
            .into_iter()
            .filter_map(|lang| self.get(lang).map(|value| (lang, value)))
    }
}

impl PerLang<String> {
    /// The text in `lang`, or the English text where that translation is missing.
    pub fn text(&self, lang: Lang) -> &str {
        self.get(lang)
            .filter(|text| !text.trim().is_empty())
            .or(self.en.as_ref())
            .map_or("", String::as_str)
    }
}

/// Where an item was written, for messages that point an editor at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = escape_controls(&self.file.display().to_string());
        write!(f, "{file}:{}", self.line)
    }
}

/// `text` with every character that could break or reorder a line of output escaped as in
/// Rust (`\n`, `\u{85}`): control characters, Unicode line and paragraph separators and bidi
/// controls. A file name or id holding a newline then cannot forge a `file:line:` line of its
/// own. Everything else, backslashes included, is left as written, so names stay readable.
pub fn escape_controls(text: &str) -> String {
    let breaks = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
                    | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
    };
    if !text.contains(breaks) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if breaks(c) {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// One article the fact base is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub outlet: String,
    pub title: String,
    /// False when the article has no headline and `title` is a description of ours.
    pub title_given: bool,
    pub date: Period,
    /// The date as written in the fact base (`2023-11-28`, `2024-06`).
    pub date_text: String,
    /// True when the article prints no date and `date` is that of the events it reports.
    pub date_inferred: bool,
    pub date_note: Option<String>,
    /// The article's file name in the directory of articles (`check --articles DIR`), where
    /// the quotes of the facts citing this source are looked up.
    pub article: String,
    /// Where the source names its article (where the source is defined, if it names none).
    pub location: Location,
}

impl Source {
    /// `The Astana Times, “Title”, 4 November 2023 (date inferred)`: how a user reads the
    /// citation. The outlet and title stay as published; the date is written for `lang`.
    pub fn citation(&self, lang: Lang, messages: &Knowledge) -> String {
        let title = if self.title_given {
            format!("“{}”", self.title)
        } else {
            format!("{} — {}", messages.message("untitled", lang), self.title)
        };
        let inferred = if self.date_inferred {
            format!(" ({})", messages.message("date_inferred", lang))
        } else {
            String::new()
        };
        format!(
            "{}, {}, {}{}",
            self.outlet,
            title,
            self.date.label(lang),
            inferred
        )
    }
}

/// A group of intents listed together, with its command (`/visa`, `/trade`, …) and the intent
/// that introduces it.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub id: String,
    /// The topic's command, without the slash (`visa` for `/visa`): checked at load against
    /// Telegram's rules and the bot's own commands.
    pub command: String,
    pub title: PerLang<String>,
    /// Index into `Knowledge::intents` of the topic's overview answer.
    pub intent: usize,
}

/// One statement from the articles, in the project's own words, with the articles it comes from
/// and the passages of them that bear it out.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub id: String,
    pub text: PerLang<String>,
    /// Indices into `Knowledge::sources`.
    pub sources: Vec<usize>,
    /// The passages of the cited articles that support the fact, word for word: never empty,
    /// and every number of the English text is in one of them (or is a year of `period`).
    pub quotes: Vec<Quote>,
    /// The time the fact describes, when it is a dated event or a figure for a period.
    pub period: Option<Period>,
    pub location: Location,
}

/// A passage of an article, in the article's own words and language, that supports a fact.
/// It is the only article wording the fact base holds; `check --articles` finds it in the
/// article, up to whitespace and typographic quotes, apostrophes and dashes.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub text: String,
    pub location: Location,
}

/// A kind of question people ask, with the facts that answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Intent {
    pub id: String,
    /// Index into `Knowledge::topics`.
    pub topic: usize,
    pub title: PerLang<String>,
    pub keywords: PerLang<Vec<String>>,
    pub examples: PerLang<Vec<String>>,
    /// Indices into `Knowledge::intents`.
    pub related: Vec<usize>,
    pub facts: Vec<Fact>,
    /// The facts are figures for different periods: a year in the question selects among
    /// them, and a year none of them covers is a question the articles cannot answer.
    pub series: bool,
    pub location: Location,
}

/// Words matching treats specially, per language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// Words that carry no meaning for matching ("the", "please", "anyone").
    pub stopwords: PerLang<Vec<String>>,
    /// Groups of words or phrases that mean the same; the first is the one kept.
    pub synonyms: PerLang<Vec<Vec<String>>>,
    /// Words that ask for the newest figure ("latest", "current").
    pub latest: PerLang<Vec<String>>,
    /// Words naming what the articles never cover: other countries and their leaders, prices,
    /// ages, the weather. A question using one is not answered from a neighbouring fact.
    pub outside: PerLang<Vec<String>>,
    /// Places, each with its names in the four languages, the English first as the English
    /// fact text writes it: a fact naming one can answer "where", and a claim naming one is
    /// checked against the places its facts name.
    pub places: Vec<Vec<String>>,
    /// Other countries, each with its names in the four languages: a question naming one that
    /// no fact names is about somewhere else.
    pub countries: Vec<Vec<String>>,
}

/// Every message the code sends, with the `{name}` values the code fills it with. One table:
/// the loader refuses a fact base that lacks one of these in English or whose text uses a
/// placeholder not listed here (it would be sent raw), and a test holds the table to the code's
/// own `fill` calls.
pub const MESSAGES: &[(&str, &[&str])] = &[
    ("unknown", &["topics"]),
    ("did_you_mean", &[]),
    ("no_period", &["title", "years", "periods"]),
    ("not_stated", &["what", "title"]),
    ("value_figure", &[]),
    ("value_date", &[]),
    ("value_place", &[]),
    ("claim_right", &[]),
    ("claim_wrong", &[]),
    ("compare_higher", &["higher", "lower"]),
    ("part_unknown", &["part"]),
    ("help", &["example", "topics"]),
    ("example_question", &[]),
    ("too_long", &["count", "max"]),
    ("source", &[]),
    ("sources", &[]),
    ("date_inferred", &[]),
    ("untitled", &[]),
    ("unknown_command", &[]),
    ("only_text", &[]),
    ("how_to_ask", &[]),
    ("how_to_ask_group", &["ask", "mention"]),
    ("welcome", &[]),
    ("pick_topic", &[]),
    ("topics_header", &[]),
    ("sources_header", &[]),
    ("about", &["facts", "sources"]),
    ("reload_refused", &[]),
    ("reload_ok", &["ms", "facts", "intents", "change"]),
    ("reload_no_change", &[]),
    ("reload_changes", &["added", "removed", "changed"]),
    ("reload_failed", &[]),
    ("topic_missing", &[]),
    ("lang_set", &[]),
    ("lang_usage", &[]),
    ("lang_admins_only", &[]),
    ("answer_failed", &[]),
    ("rate_limited", &[]),
    ("cmd_header", &[]),
    ("cmd_start", &[]),
    ("cmd_help", &[]),
    ("cmd_ask", &[]),
    ("cmd_topics", &[]),
    ("cmd_sources", &[]),
    ("cmd_about", &[]),
    ("cmd_lang", &[]),
    ("cmd_reload", &[]),
    ("quote_button", &[]),
    ("quote_header", &[]),
    ("button_stale", &[]),
    ("cmd_stats", &[]),
    ("cmd_unanswered", &[]),
    ("admin_only", &[]),
    ("stats_day", &["count"]),
    ("stats_week", &["count"]),
    ("stats_window", &["days", "count"]),
    ("stats_answer_rate", &["percent", "answered"]),
    ("stats_suggestions", &["picked", "offered"]),
    ("stats_intents", &["list"]),
    ("stats_languages", &["list"]),
    ("stats_chat_types", &["list"]),
    ("stats_none", &[]),
    ("log_degraded", &["problem"]),
    ("log_unreadable", &["problem"]),
    ("unanswered_none", &["days"]),
    ("unanswered_header", &["days", "first", "last", "total"]),
    ("unanswered_candidate", &["intent"]),
    ("page_previous", &[]),
    ("page_next", &[]),
];

/// The bot's own commands. A topic's command may not take one of these names; a test holds
/// the list to the bot's command enum.
pub const BOT_COMMANDS: &[&str] = &[
    "start",
    "help",
    "ask",
    "topics",
    "sources",
    "about",
    "lang",
    "reload",
    "stats",
    "unanswered",
];

/// Telegram's limit on a command's name, in characters.
pub const COMMAND_MAX_CHARS: usize = 32;
/// Telegram's limit on a command's description (a topic's title in the menu), in characters.
pub const COMMAND_DESCRIPTION_MAX_CHARS: usize = 256;

/// The placeholders the code fills in message `id`, or `None` for a message the code never
/// sends.
pub fn placeholders(id: &str) -> Option<&'static [&'static str]> {
    MESSAGES
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, names)| *names)
}

/// Fills `{name}` placeholders in a message.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// The whole validated fact base.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Knowledge {
    pub sources: Vec<Source>,
    pub topics: Vec<Topic>,
    pub intents: Vec<Intent>,
    pub lexicon: Lexicon,
    /// Where each topic is defined, in `topics` order (for messages about them).
    pub topic_places: Vec<Location>,
    /// What the bot says besides facts, by message id.
    pub messages: std::collections::BTreeMap<String, PerLang<String>>,
    /// How many files it was read from.
    pub files: usize,
    /// Problems that do not stop the bot (a missing translation falls back to English) but
    /// that `check` reports.
    pub warnings: Vec<String>,
}

impl Knowledge {
    /// A message in `lang` (English where the translation is missing).
    pub fn message(&self, id: &str, lang: Lang) -> &str {
        self.messages.get(id).map_or("", |text| text.text(lang))
    }

    pub fn fact_count(&self) -> usize {
        self.intents.iter().map(|intent| intent.facts.len()).sum()
    }

    pub fn intent(&self, id: &str) -> Option<&Intent> {
        self.intents.iter().find(|intent| intent.id == id)
    }
}

/// What changed between two versions of the fact base, by fact id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

impl Knowledge {
    /// Facts added, removed and changed (text, sources, quotes or period) in `new` compared to
    /// `self`.
    pub fn diff(&self, new: &Knowledge) -> Diff {
        use std::collections::BTreeMap;
        // What makes a fact the same fact: its text, the ids of its sources, its quotes, its
        // period.
        type Content = (PerLang<String>, Vec<String>, Vec<String>, Option<String>);
        let facts = |knowledge: &Knowledge| -> BTreeMap<String, Content> {
            knowledge
                .intents
                .iter()
                .flat_map(|intent| &intent.facts)
                .map(|fact| {
                    let sources = fact
                        .sources
                        .iter()
                        .map(|&s| knowledge.sources[s].id.clone())
                        .collect();
                    let quotes = fact.quotes.iter().map(|q| q.text.clone()).collect();
                    (
                        fact.id.clone(),
                        (
                            fact.text.clone(),
                            sources,
                            quotes,
                            fact.period.as_ref().map(ToString::to_string),
                        ),
                    )
                })
                .collect()
        };
        let (old, new) = (facts(self), facts(new));
        let mut diff = Diff::default();
        for (id, fact) in &new {
            match old.get(id) {
                None => diff.added.push(id.clone()),
                Some(previous) if previous != fact => diff.changed.push(id.clone()),
                Some(_) => {}
            }
        }
        diff.removed = old
            .keys()
            .filter(|id| !new.contains_key(*id))
            .cloned()
            .collect();
        diff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_controls_escapes_only_what_can_break_or_reorder_a_line() {
        let cases = [
            ("visa.toml", "visa.toml"),
            ("a b\\c.toml", "a b\\c.toml"),
            ("қытай 签证.toml", "қытай 签证.toml"),
            ("evil\nx.toml:1: forged", "evil\\nx.toml:1: forged"),
            ("cr\r tab\t nul\0", "cr\\r tab\\t nul\\0"),
            (
                "nel\u{85} ls\u{2028} ps\u{2029}",
                "nel\\u{85} ls\\u{2028} ps\\u{2029}",
            ),
            ("esc\u{1b}[31m", "esc\\u{1b}[31m"),
            ("bidi\u{202e}lmot", "bidi\\u{202e}lmot"),
        ];
        for (text, expected) in cases {
            assert_eq!(escape_controls(text), expected, "{text:?}");
        }
    }
}
