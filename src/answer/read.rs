//! Analysis: how a message is read before anything is looked up. Its language and script
//! (Russian or Kazakh typed in Latin letters is rewritten in Cyrillic; traditional Chinese is
//! read as simplified), its parts (up to three questions), and for each part its shape and its
//! terms.

use std::collections::HashSet;

use super::values::slot;
use crate::knowledge::Lang;
use crate::matching::script::to_simplified;
use crate::matching::shape::{
    ask_words, ask_words_of, clause_before, compare_words, compare_words_in, read_part,
    split_parts, Part,
};
use crate::matching::translit::to_cyrillic_keeping;
use crate::matching::{detect_lang, is_han, Analysis, Index, Resolved};

/// How the question was written, so the reply can be written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    /// The language's own script.
    Native,
    /// Russian or Kazakh typed in Latin letters (read in Cyrillic; the reply is in Cyrillic).
    Latin,
    /// Chinese in traditional characters (read as simplified; the reply is in traditional).
    Traditional,
}

/// One question of a message: its shape and its terms.
#[derive(Debug, Clone)]
pub(crate) struct PartReading {
    pub shape: Part,
    pub analysis: Analysis,
    /// The terms resolved against the index, once for every lookup of this part.
    pub resolved: Resolved,
}

impl PartReading {
    pub fn new(index: &Index, shape: Part, analysis: Analysis) -> PartReading {
        let resolved = index.resolve(&analysis);
        PartReading {
            shape,
            analysis,
            resolved,
        }
    }
}

/// A whole message, read.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub lang: Lang,
    pub script: Script,
    /// The questions it asks, in order (at least one unless the message is empty).
    pub parts: Vec<PartReading>,
    /// The whole message as one question: the fall-back when its parts alone say too little.
    pub whole: PartReading,
}

impl Reading {
    /// Whether the parts leave out some of the message (a story around the question, or
    /// several questions).
    pub fn has_more_than_parts(&self) -> bool {
        self.parts.len() != 1 || self.parts[0].shape.text.trim() != self.whole.shape.text.trim()
    }
}

/// How much better a Cyrillic reading of Latin text must fit the fact base than the English
/// one before it is taken: English with a few unknown words must stay English. Tuned on the
/// written-a development sets.
const TRANSLIT_MARGIN: f32 = 0.25;

/// English that the fact base mostly knows is not read again as transliteration.
const ENGLISH_KNOWN: f32 = 0.8;

pub(crate) fn read(index: &Index, asking: &Asking, question: &str, hint: Option<Lang>) -> Reading {
    let (text, lang, script) = script_of(index, question, hint);
    let part = |text: &str| reading_of(index, text, lang);
    let mut parts: Vec<PartReading> = Vec::new();
    for piece in split_parts(&text, lang) {
        let reading = part(&piece);
        // A part with no terms of its own ("… and where is it?", "and how much was it?")
        // belongs to the one before.
        match parts.last_mut() {
            Some(last) if asks_only(index, asking, &reading, Unread::Count) => {
                let joined = format!("{} {}", last.shape.text, reading.shape.text);
                let asks = last.shape.asks;
                *last = reading_of(index, &joined, lang);
                last.shape.asks = asks;
            }
            _ => parts.push(reading),
        }
    }
    // A message that is one question is its own whole: no need to read it twice.
    let whole = match parts.as_slice() {
        [only] if only.shape.text.trim() == text.trim() => only.clone(),
        _ => whole_message(index, &text, lang, &parts),
    };
    // A lone question that names nothing ("what were the two numbers?") asks about what the
    // sentences before it tell.
    if let [only] = parts.as_mut_slice() {
        if !whole.analysis.terms.is_empty() && asks_only(index, asking, only, Unread::Skip) {
            let asks = only.shape.asks;
            // The sentence just before says what it asks about more surely than the whole
            // story, which stays the fall-back.
            let joined = clause_before(&text, lang, &only.shape.text)
                .map(|before| format!("{} {}", before.trim(), only.shape.text.trim()))
                .filter(|joined| joined.len() < text.trim().len());
            *only = match joined {
                Some(joined) => part(&joined),
                None => whole.clone(),
            };
            only.shape.asks = asks;
        }
    }
    // A comparison compares what the whole message names, though its question sentence may
    // name only one side or none ("trade in Jan–May 2024, did it go up vs 2023?").
    if let [only] = parts.as_mut_slice() {
        if only.shape.compares {
            add_missing(&mut only.shape.figures, &whole.shape.figures);
            add_missing(&mut only.analysis.years, &whole.analysis.years);
        }
    }
    Reading {
        lang,
        script,
        whole,
        parts,
    }
}

/// Whether a part's terms all come from question words: "how much" reads as the term for a
/// number and "in which city" as the term for a city, which say nothing of what is asked about.
fn asks_only(index: &Index, asking: &Asking, part: &PartReading, unread: Unread) -> bool {
    let unknown_han = |t: &String| t.chars().next().is_some_and(is_han) && !index.knows(t);
    let terms: Vec<&String> = part
        .analysis
        .terms
        .iter()
        .filter(|t| unread == Unread::Count || !unknown_han(t))
        .collect();
    let lang = part.shape.lang;
    let figure_words = &asking.figures[slot(lang)];
    if terms.iter().all(|t| figure_words.contains(*t)) {
        return true;
    }
    if terms.len() > ASKS_ONLY_TERMS {
        return false;
    }
    let mut words = ask_words(&part.shape.text, lang);
    // "How much bigger is it?" names nothing either: comparing words say how, not what.
    if part.shape.compares {
        words.extend(compare_words_in(&part.shape.text, lang));
    }
    let asked = index.analyze_as(&words.join(" "), lang).terms;
    terms
        .iter()
        .all(|t| figure_words.contains(*t) || asked.contains(*t))
}

/// Whether `asks_only` counts Chinese character pairs the fact base never uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unread {
    /// A later part keeps its own question unless it names nothing at all: "青岛那个对话会是几号
    /// 开的？大概来了多少人？" asks how many came, not the date again.
    Count,
    /// A lone question sentence of only such pairs and question words names nothing the base
    /// could answer: "…都要走哈萨克斯坦。具体占比大概多少啊？" asks the share of what the
    /// sentences before it tell.
    Skip,
}

/// A part with more terms than this names something of its own: the question words of one
/// part ("in which city", "с какого числа") read as at most two terms.
const ASKS_ONLY_TERMS: usize = 2;

/// The terms that every word asking for a figure reads as ("how much" and "figure" both read as
/// the term for a number), per language, found once when the engine is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct Asking {
    figures: [HashSet<String>; 4],
}

impl Asking {
    pub fn new(index: &Index) -> Asking {
        Asking {
            figures: Lang::ALL.map(|lang| {
                ask_words_of(lang)
                    .flat_map(|words| index.analyze_as(words, lang).terms)
                    .collect()
            }),
        }
    }
}

fn add_missing<T: PartialEq + Copy>(to: &mut Vec<T>, from: &[T]) {
    for value in from {
        if !to.contains(value) {
            to.push(*value);
        }
    }
}

/// The whole message as one question, for when its parts alone say too little. Words of the
/// story around the question count only where the fact base knows them: "we are retired and
/// don't like planes" must not weigh against the train it goes on to ask about.
fn whole_message(index: &Index, text: &str, lang: Lang, parts: &[PartReading]) -> PartReading {
    let (shape, mut analysis) = shape_and_terms(index, text, lang);
    let asked = |term: &String| parts.iter().any(|p| p.analysis.terms.contains(term));
    analysis
        .terms
        .retain(|term| asked(term) || index.knows(term));
    PartReading::new(index, shape, analysis)
}

/// The readings tried for a question in Latin letters besides English: Russian and Kazakh
/// typed in Latin. Each is a whole analysis of the question, so a fixed list keeps the work at
/// three analyses whatever the question holds.
const LATIN_READINGS: [Lang; 2] = [Lang::Ru, Lang::Kk];

/// English function words, which Russian or Kazakh typed in Latin letters never uses: a
/// question with one of them is read as English without trying a transliteration. Not "do":
/// Russian "до" ("do kakogo goda").
const ENGLISH_WORDS: &[&str] = &[
    "the", "is", "are", "was", "were", "what", "how", "when", "who", "where", "which", "why", "of",
    "and", "to", "in", "does", "did", "can", "with", "from", "for", "many", "much",
];

fn speaks_english(question: &str) -> bool {
    question
        .split(|c: char| !c.is_alphabetic())
        .any(|word| ENGLISH_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)))
}

/// A Latin word that reads as a rare English term of the fact base (a name such as "Xiao" or
/// "Khorgos"), kept in Latin letters when the rest of a question is transliterated.
fn is_name(index: &Index, word: &str) -> bool {
    let terms = index.analyze_as(word, Lang::En).terms;
    word.chars().count() >= 4 && !terms.is_empty() && terms.iter().all(|t| index.is_rare(t))
}

/// One part's shape and terms, resolved.
pub(crate) fn reading_of(index: &Index, text: &str, lang: Lang) -> PartReading {
    let (shape, analysis) = shape_and_terms(index, text, lang);
    PartReading::new(index, shape, analysis)
}

/// A part's shape and terms, before they are resolved against the index. The figures a claim
/// states are what is checked, not what is looked up: a wrong figure must not lead to
/// whichever fact happens to contain it.
fn shape_and_terms(index: &Index, text: &str, lang: Lang) -> (Part, Analysis) {
    let shape = read_part(text, lang);
    let mut analysis = index.analyze_as(text, lang);
    // "This year" in "from November to March this year" dates a stretch the question names by
    // its months; it does not ask for the newest figure.
    if shape.names_month {
        analysis.wants_latest = false;
    }
    // "How far was trade from the goal" compares; it asks no distance.
    if shape.compares {
        let comparing = compare_words(lang);
        analysis
            .outside
            .retain(|w| !comparing.contains(&w.as_str()));
    }
    if let Some(claim) = &shape.claim {
        analysis.terms.retain(|term| {
            let value = term.parse::<f64>();
            let year = analysis.years.iter().any(|y| y.to_string() == *term);
            year || !value.is_ok_and(|v| claim.numbers.contains(&v))
        });
    }
    (shape, analysis)
}

/// The text to analyse, its language and its script. Traditional characters are converted
/// once, for the whole question (at most `MAX_QUESTION_CHARS`, checked before reading).
fn script_of(index: &Index, question: &str, hint: Option<Lang>) -> (String, Lang, Script) {
    if question.chars().any(is_han) {
        let simplified = to_simplified(question);
        if simplified != question {
            return (simplified, Lang::Zh, Script::Traditional);
        }
    }
    let lang = detect_lang(question, hint);
    if lang != Lang::En {
        return (question.to_owned(), lang, Script::Native);
    }
    if speaks_english(question) {
        return (question.to_owned(), lang, Script::Native);
    }
    let as_english = index.analyze_as(question, Lang::En);
    if index.known_share_as_written(&as_english) >= ENGLISH_KNOWN {
        return (question.to_owned(), lang, Script::Native);
    }
    match latin_reading(index, question, &as_english) {
        Some(reading) => (reading.text, reading.lang, Script::Latin),
        None => (question.to_owned(), lang, Script::Native),
    }
}

/// Latin letters read as Russian or Kazakh: the Cyrillic text, its language, how much of it
/// the fact base knows, and how many of its words are left once grammar words are dropped.
#[derive(Clone)]
struct LatinReading {
    text: String,
    lang: Lang,
    known: f32,
    unread: usize,
}

fn read_latin(index: &Index, question: &str, lang: Lang) -> LatinReading {
    let text = to_cyrillic_keeping(question, lang, |word| is_name(index, word));
    let lang = match detect_lang(&text, Some(lang)) {
        Lang::Kk => Lang::Kk,
        _ => lang,
    };
    let analysis = index.analyze_as(&text, lang);
    LatinReading {
        known: index.known_share(&analysis),
        unread: analysis.terms.len(),
        text,
        lang,
    }
}

/// The Russian or Kazakh reading of a Latin-typed question that fits better than English, if
/// one does: one that knows clearly more of the fact base, or, where English knows none of it
/// ("kakoy seychas kurs tenge k yuanyu"), one whose words are mostly its own language's
/// grammar words, which is the language it was written in.
fn latin_reading(index: &Index, question: &str, as_english: &Analysis) -> Option<LatinReading> {
    let english = index.known_share(as_english);
    let readings: Vec<LatinReading> = LATIN_READINGS
        .into_iter()
        .map(|lang| read_latin(index, question, lang))
        .collect();
    let best = readings.iter().max_by(|a, b| a.known.total_cmp(&b.known));
    let fewest = readings.iter().min_by_key(|r| r.unread);
    let own_words = |r: &&LatinReading| english <= 0.0 && r.unread * 2 <= as_english.terms.len();
    best.filter(|r| r.known > english + TRANSLIT_MARGIN)
        .or(fewest.filter(own_words))
        .cloned()
}
