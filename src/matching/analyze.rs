//! From normalised words to the terms the index compares: stop words dropped, words stemmed,
//! synonyms and set phrases mapped to one canonical form, years and "latest" noted for picking
//! among figures of different periods. The analyzer is built from the fact base's lexicon, so
//! an admin can teach it a synonym without touching code.

use std::collections::{HashMap, HashSet};

use super::normalize::{detect_lang, is_han, normalize};
use crate::knowledge::{Lang, Lexicon};

/// What the matcher takes from one piece of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// Distinct terms in order of first appearance.
    pub terms: Vec<String>,
    /// Four-digit years (1900–2100) mentioned.
    pub years: Vec<u16>,
    /// The text asks for the newest figure.
    pub wants_latest: bool,
    /// Words naming things the articles never cover (another country, a price, an age).
    pub outside: Vec<String>,
    pub lang: Lang,
}

/// What a phrase or word stands for once recognised.
#[derive(Debug, Clone)]
enum Meaning {
    Terms(Vec<String>),
    Latest,
    Outside(String),
}

/// Turns text into terms; built once per knowledge base.
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    stopwords: HashSet<String>,
    /// Multi-word phrases keyed by their first word, longest first.
    phrases: HashMap<String, Vec<(Vec<String>, Meaning)>>,
    /// Single words (stemmed) that stand for another term.
    words: HashMap<String, Meaning>,
}

impl Analyzer {
    pub fn new(lexicon: &Lexicon) -> Analyzer {
        let mut analyzer = Analyzer::default();
        // A stop "word" of several words is a phrase that says nothing as a whole
        // ("Kazakhstan and China" in a question about them), though its words may.
        let mut stop_phrases = Vec::new();
        for (_, words) in lexicon.stopwords.iter() {
            for word in words {
                let normalized = normalize(word);
                match normalized.split(' ').filter(|w| !w.is_empty()).count() {
                    0 => {}
                    1 => {
                        analyzer.stopwords.insert(normalized);
                    }
                    _ => stop_phrases.push(word),
                }
            }
        }
        for phrase in stop_phrases {
            analyzer.learn(phrase, Meaning::Terms(Vec::new()));
        }
        for (_, groups) in lexicon.synonyms.iter() {
            for group in groups {
                let Some(canonical) = group.first() else {
                    continue;
                };
                let terms: Vec<String> = normalize(canonical)
                    .split(' ')
                    .filter(|w| !w.is_empty() && !analyzer.stopwords.contains(*w))
                    .map(stem)
                    .collect();
                if terms.is_empty() {
                    continue;
                }
                for entry in group {
                    analyzer.learn(entry, Meaning::Terms(terms.clone()));
                }
            }
        }
        for (_, words) in lexicon.latest.iter() {
            for word in words {
                analyzer.learn(word, Meaning::Latest);
            }
        }
        for (_, words) in lexicon.outside.iter() {
            for word in words {
                analyzer.learn(word, Meaning::Outside(word.clone()));
            }
        }
        for list in analyzer.phrases.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        analyzer
    }

    fn learn(&mut self, entry: &str, meaning: Meaning) {
        // Phrases are matched on stems, so "border posts" finds "border post".
        let words: Vec<String> = normalize(entry)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(stem)
            .collect();
        match words.len() {
            0 => {}
            1 => {
                self.words.entry(words[0].clone()).or_insert(meaning);
            }
            _ => self
                .phrases
                .entry(words[0].clone())
                .or_default()
                .push((words, meaning)),
        }
    }

    /// Analyses a question (or a phrasing from the fact base).
    pub fn analyze(&self, text: &str, hint: Option<Lang>) -> Analysis {
        let mut analysis = Analysis {
            lang: detect_lang(text, hint),
            ..Analysis::default()
        };
        let normalized = normalize(text);
        let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
        let stems: Vec<String> = words.iter().map(|w| stem(w)).collect();
        let mut seen = HashSet::new();
        let mut push = |analysis: &mut Analysis, term: String| {
            if seen.insert(term.clone()) {
                analysis.terms.push(term);
            }
        };
        let mut i = 0;
        while i < words.len() {
            if let Some((len, meaning)) = self.phrase_at(&stems[i..]) {
                self.apply(meaning, &mut analysis, &mut push);
                i += len;
                continue;
            }
            let word = words[i];
            i += 1;
            if let Some(year) = as_year(word) {
                analysis.years.push(year);
            }
            if self.stopwords.contains(word) {
                continue;
            }
            if word.chars().next().is_some_and(is_han) {
                han_terms(word)
                    .into_iter()
                    .for_each(|t| push(&mut analysis, t));
                continue;
            }
            let stemmed = &stems[i - 1];
            match self.words.get(stemmed) {
                Some(meaning) => self.apply(meaning, &mut analysis, &mut push),
                None => push(&mut analysis, stemmed.clone()),
            }
        }
        analysis
    }

    fn apply(
        &self,
        meaning: &Meaning,
        analysis: &mut Analysis,
        push: &mut impl FnMut(&mut Analysis, String),
    ) {
        match meaning {
            Meaning::Terms(terms) => terms.iter().for_each(|t| push(analysis, t.clone())),
            Meaning::Latest => analysis.wants_latest = true,
            Meaning::Outside(word) => analysis.outside.push(word.clone()),
        }
    }

    fn phrase_at(&self, words: &[String]) -> Option<(usize, &Meaning)> {
        let candidates = self.phrases.get(&words[0])?;
        candidates.iter().find_map(|(phrase, meaning)| {
            let matches =
                phrase.len() <= words.len() && phrase.iter().zip(words).all(|(p, w)| p == w);
            matches.then_some((phrase.len(), meaning))
        })
    }

    /// The stem a single word would be indexed under (for splitting compounds).
    pub(crate) fn term_of(&self, word: &str) -> Option<String> {
        if self.stopwords.contains(word) {
            return None;
        }
        let stemmed = stem(word);
        match self.words.get(&stemmed) {
            Some(Meaning::Terms(terms)) if terms.len() == 1 => Some(terms[0].clone()),
            Some(_) => None,
            None => Some(stemmed),
        }
    }
}

fn as_year(word: &str) -> Option<u16> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse()
        .ok()
        .filter(|year| (1900..=2100).contains(year))
}

/// Chinese is written without spaces: each run of characters is indexed as overlapping pairs,
/// which match words without a dictionary (a lone character stands for itself).
fn han_terms(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    if chars.len() == 1 {
        return vec![run.to_owned()];
    }
    chars.windows(2).map(|pair| pair.iter().collect()).collect()
}

/// A light stemmer: English plural and verb endings for Latin words; other words unchanged.
/// Index and question use the same function, so `visas`/`visa` and `started`/`start` meet.
pub(crate) fn stem(word: &str) -> String {
    if !word.is_ascii() || word.len() <= 3 || word.bytes().any(|b| b.is_ascii_digit()) {
        return word.to_owned();
    }
    let mut w = word.to_owned();
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(w.len() - 1);
    }
    if w.len() >= 6 && w.ends_with("ing") {
        w.truncate(w.len() - 3);
        undouble(&mut w);
    } else if w.len() >= 5 && w.ends_with("ed") {
        w.truncate(w.len() - 2);
        undouble(&mut w);
    }
    if w.len() > 4 && w.ends_with('e') {
        w.truncate(w.len() - 1);
    }
    w
}

fn undouble(word: &mut String) {
    let bytes = word.as_bytes();
    let n = bytes.len();
    if n >= 2 && bytes[n - 1] == bytes[n - 2] && !matches!(bytes[n - 1], b'l' | b's' | b'z') {
        word.truncate(n - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::PerLang;

    fn lexicon() -> Lexicon {
        Lexicon {
            stopwords: PerLang {
                en: Some(vec![
                    "the".into(),
                    "did".into(),
                    "when".into(),
                    "how".into(),
                    "can".into(),
                    "i".into(),
                ]),
                ..PerLang::default()
            },
            synonyms: PerLang {
                en: Some(vec![
                    vec![
                        "visa free".into(),
                        "visa-free".into(),
                        "no visa".into(),
                        "visafree".into(),
                    ],
                    vec!["start".into(), "begin".into(), "come into force".into()],
                    vec!["duration".into(), "how long".into()],
                ]),
                ..PerLang::default()
            },
            latest: PerLang {
                en: Some(vec!["latest".into(), "most recent".into()]),
                ..PerLang::default()
            },
            outside: PerLang {
                en: Some(vec!["russia".into(), "how old".into()]),
                ..PerLang::default()
            },
        }
    }

    #[test]
    fn stems_english_words() {
        let cases = [
            ("visas", "visa"),
            ("visa", "visa"),
            ("countries", "country"),
            ("started", "start"),
            ("starting", "start"),
            ("stopping", "stop"),
            ("increase", "increas"),
            ("increased", "increas"),
            ("checkpoints", "checkpoint"),
            ("status", "status"),
            ("bus", "bus"),
            ("2023", "2023"),
            ("визы", "визы"),
        ];
        for (word, expected) in cases {
            assert_eq!(stem(word), expected, "stem({word})");
        }
    }

    #[test]
    fn analyzes_questions_into_terms() {
        let analyzer = Analyzer::new(&lexicon());
        let cases: [(&str, &[&str]); 6] = [
            (
                "When did the visa-free regime start?",
                &["visa", "free", "regim", "start"],
            ),
            (
                "When did the no visa regime come into force",
                &["visa", "free", "regim", "start"],
            ),
            ("how long can I stay", &["duration", "stay"]),
            ("visafree beginning", &["visa", "free", "start"]),
            ("visas visa VISA", &["visa"]),
            ("贸易额", &["贸易", "易额"]),
        ];
        for (text, terms) in cases {
            assert_eq!(
                analyzer.analyze(text, None).terms,
                terms,
                "analyze({text:?})"
            );
        }
    }

    #[test]
    fn notes_years_and_latest() {
        let analyzer = Analyzer::new(&lexicon());
        let analysis = analyzer.analyze("most recent trade figure 2023, not 1850 or 12345", None);
        assert!(analysis.wants_latest);
        assert_eq!(analysis.years, vec![2023]);
        assert!(!analysis.terms.contains(&"most".to_owned()));
        assert!(!analyzer.analyze("trade 2022", None).wants_latest);
    }

    #[test]
    fn notes_words_outside_the_articles() {
        let analyzer = Analyzer::new(&lexicon());
        let cases: [(&str, &[&str]); 3] = [
            ("Kazakhstan Russia trade", &["russia"]),
            ("how old is the visa", &["how old"]),
            ("visa start", &[]),
        ];
        for (text, outside) in cases {
            assert_eq!(
                analyzer.analyze(text, None).outside,
                outside,
                "analyze({text:?})"
            );
        }
    }
}
