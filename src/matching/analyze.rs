//! From normalised words to the terms the index compares: stop words dropped, words stemmed,
//! synonyms and set phrases mapped to one canonical form, years and "latest" noted for picking
//! among figures of different periods. The analyzer is built from the fact base's lexicon, so
//! an admin can teach it a synonym without touching code.

use std::collections::HashSet;

use super::hash::{WordMap, WordSet};
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

/// What a run of Chinese characters inside a question stands for: Chinese has no spaces, so
/// the lexicon's Chinese entries are found as substrings before the run is cut into pairs.
#[derive(Debug, Clone)]
enum HanMeaning {
    Stop,
    /// Replaced by the group's first entry, so every variant yields the same pairs.
    Same(Vec<char>),
    Latest,
    Outside(String),
}

/// One language's share of the lexicon. Each language keeps its own, so a Kazakh entry never
/// fires on a Russian word that happens to share its stem ("АҚШ", the USA, and "ақша", money).
#[derive(Debug, Clone, Default)]
struct Tables {
    /// Stop words as written, and by stem (inflected Russian and Kazakh forms).
    stop_words: WordSet<String>,
    stop_stems: WordSet<String>,
    /// Multi-word phrases keyed by their first word's stem, longest first.
    phrases: WordMap<String, Vec<(Vec<String>, Meaning)>>,
    /// Single words (stemmed) that stand for another term.
    words: WordMap<String, Meaning>,
    /// Outside words too short to match by stem, matched as written.
    outside_exact: WordMap<String, String>,
}

/// A stem shorter than this could be many words, so an outside word that short must match as
/// written.
const OUTSIDE_MIN_STEM: usize = 5;

/// Turns text into terms; built once per knowledge base.
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    tables: [Tables; 4],
    /// Chinese lexicon entries keyed by their first character, longest first.
    han: WordMap<char, Vec<(Vec<char>, HanMeaning)>>,
}

fn has_han(text: &str) -> bool {
    text.chars().any(is_han)
}

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Ru => 1,
        Lang::Kk => 2,
        Lang::Zh => 3,
    }
}

fn words_of(text: &str) -> Vec<String> {
    normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Analyzer {
    pub fn new(lexicon: &Lexicon) -> Analyzer {
        let mut analyzer = Analyzer::default();
        // A stop "word" of several words is a phrase that says nothing as a whole
        // ("Kazakhstan and China" in a question about them), though its words may.
        let mut stop_phrases = Vec::new();
        for (lang, words) in lexicon.stopwords.iter() {
            for word in words {
                if has_han(word) {
                    analyzer.learn_han(word, HanMeaning::Stop);
                    continue;
                }
                match words_of(word).as_slice() {
                    [] => {}
                    [single] => {
                        let tables = &mut analyzer.tables[slot(lang)];
                        tables.stop_stems.insert(stem(single, lang));
                        tables.stop_words.insert(single.clone());
                    }
                    _ => stop_phrases.push((lang, word)),
                }
            }
        }
        for (lang, phrase) in stop_phrases {
            analyzer.learn(phrase, lang, Meaning::Terms(Vec::new()));
        }
        for (lang, groups) in lexicon.synonyms.iter() {
            for group in groups {
                let Some(canonical) = group.first() else {
                    continue;
                };
                if has_han(canonical) {
                    let target: Vec<char> =
                        normalize(canonical).chars().filter(|c| *c != ' ').collect();
                    for entry in group.iter().filter(|e| has_han(e)) {
                        analyzer.learn_han(entry, HanMeaning::Same(target.clone()));
                    }
                    continue;
                }
                let stop = &analyzer.tables[slot(lang)].stop_words;
                let terms: Vec<String> = words_of(canonical)
                    .iter()
                    .filter(|w| !stop.contains(*w))
                    .map(|w| stem(w, lang))
                    .collect();
                if terms.is_empty() {
                    continue;
                }
                for entry in group {
                    analyzer.learn(entry, lang, Meaning::Terms(terms.clone()));
                }
            }
        }
        for (lang, words) in lexicon.latest.iter() {
            for word in words {
                match has_han(word) {
                    true => analyzer.learn_han(word, HanMeaning::Latest),
                    false => analyzer.learn(word, lang, Meaning::Latest),
                }
            }
        }
        for (lang, words) in lexicon.outside.iter() {
            for word in words {
                if has_han(word) {
                    analyzer.learn_han(word, HanMeaning::Outside(word.clone()));
                    continue;
                }
                match words_of(word).as_slice() {
                    [single] if stem(single, lang).chars().count() < OUTSIDE_MIN_STEM => {
                        analyzer.tables[slot(lang)]
                            .outside_exact
                            .insert(single.clone(), word.clone());
                    }
                    _ => analyzer.learn(word, lang, Meaning::Outside(word.clone())),
                }
            }
        }
        for tables in &mut analyzer.tables {
            for list in tables.phrases.values_mut() {
                list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
            }
        }
        for list in analyzer.han.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        analyzer
    }

    fn learn(&mut self, entry: &str, lang: Lang, meaning: Meaning) {
        // Phrases are matched on stems, so "border posts" finds "border post".
        let words: Vec<String> = words_of(entry).iter().map(|w| stem(w, lang)).collect();
        let tables = &mut self.tables[slot(lang)];
        match words.len() {
            0 => {}
            1 => {
                tables.words.entry(words[0].clone()).or_insert(meaning);
            }
            _ => tables
                .phrases
                .entry(words[0].clone())
                .or_default()
                .push((words, meaning)),
        }
    }

    fn learn_han(&mut self, entry: &str, meaning: HanMeaning) {
        let chars: Vec<char> = normalize(entry).chars().filter(|c| *c != ' ').collect();
        if let Some(&first) = chars.first() {
            self.han.entry(first).or_default().push((chars, meaning));
        }
    }

    /// The lexicon tables that apply to text in `lang`: its own, then English (Latin words such
    /// as "SCO" turn up in questions in every language).
    fn tables_for(&self, lang: Lang) -> impl Iterator<Item = &Tables> {
        let own = &self.tables[slot(lang)];
        let english = (lang != Lang::En).then(|| &self.tables[slot(Lang::En)]);
        std::iter::once(own).chain(english)
    }

    fn is_stop(&self, word: &str, stemmed: &str, lang: Lang) -> bool {
        self.tables_for(lang).any(|t| t.stop_words.contains(word))
            || (lang != Lang::En && self.tables[slot(lang)].stop_stems.contains(stemmed))
    }

    /// Analyses a question, guessing its language (`hint`: the asker's interface language).
    /// Every stop word, stemmed, with its language.
    pub(crate) fn stop_stems(&self) -> Vec<(Lang, String)> {
        let mut all = Vec::new();
        for lang in [Lang::En, Lang::Ru, Lang::Kk, Lang::Zh] {
            let mut stems: Vec<&String> = self.tables[slot(lang)].stop_stems.iter().collect();
            // A fixed order, so that a lookup's ties break the same way on every run.
            stems.sort();
            all.extend(stems.into_iter().map(|s| (lang, s.clone())));
        }
        all
    }

    pub fn analyze(&self, text: &str, hint: Option<Lang>) -> Analysis {
        self.analyze_as(text, detect_lang(text, hint))
    }

    /// Analyses text known to be in `lang` (a phrasing from the fact base).
    pub fn analyze_as(&self, text: &str, lang: Lang) -> Analysis {
        let mut analysis = Analysis {
            lang,
            ..Analysis::default()
        };
        let words = words_of(text);
        let stems: Vec<String> = words.iter().map(|w| stem(w, lang)).collect();
        let mut seen = HashSet::new();
        let mut push = |analysis: &mut Analysis, term: String| {
            if seen.insert(term.clone()) {
                analysis.terms.push(term);
            }
        };
        let mut i = 0;
        while i < words.len() {
            if let Some((len, meaning)) = self.phrase_at(&stems[i..], lang) {
                self.apply(meaning, &mut analysis, &mut push);
                i += len;
                continue;
            }
            let (word, stemmed) = (&words[i], &stems[i]);
            i += 1;
            if let Some(year) = as_year(word) {
                analysis.years.push(year);
            }
            if let Some(entry) = self
                .tables_for(lang)
                .find_map(|t| t.outside_exact.get(word))
            {
                analysis.outside.push(entry.clone());
                continue;
            }
            if self.is_stop(word, stemmed, lang) {
                continue;
            }
            if word.chars().next().is_some_and(is_han) {
                // "2022年", "11月10日": after a number, a date's unit names no topic.
                let after_number = i >= 2 && words[i - 2].bytes().all(|b| b.is_ascii_digit());
                let word = match after_number {
                    true => word.trim_start_matches(['年', '月', '日', '号']),
                    false => word,
                };
                for term in self.han_terms(word, &mut analysis) {
                    push(&mut analysis, term);
                }
                continue;
            }
            match self.tables_for(lang).find_map(|t| t.words.get(stemmed)) {
                Some(meaning) => self.apply(meaning, &mut analysis, &mut push),
                None => push(&mut analysis, stemmed.clone()),
            }
        }
        analysis
    }

    /// A run of Chinese characters as terms: lexicon entries found first (stop phrases cut the
    /// run, synonyms are replaced by their group's first entry), then each piece is indexed as
    /// overlapping character pairs, which match words without a dictionary.
    fn han_terms(&self, run: &str, analysis: &mut Analysis) -> Vec<String> {
        let chars: Vec<char> = run.chars().collect();
        let mut pieces: Vec<Vec<char>> = vec![Vec::new()];
        let mut i = 0;
        while i < chars.len() {
            let found = self.han.get(&chars[i]).and_then(|list| {
                list.iter()
                    .find(|(pattern, _)| chars[i..].starts_with(pattern))
            });
            let Some((pattern, meaning)) = found else {
                pieces.last_mut().expect("one piece").push(chars[i]);
                i += 1;
                continue;
            };
            i += pattern.len();
            match meaning {
                HanMeaning::Same(target) => pieces.last_mut().expect("one piece").extend(target),
                HanMeaning::Stop => pieces.push(Vec::new()),
                HanMeaning::Latest => {
                    analysis.wants_latest = true;
                    pieces.push(Vec::new());
                }
                HanMeaning::Outside(word) => {
                    analysis.outside.push(word.clone());
                    pieces.push(Vec::new());
                }
            }
        }
        let mut terms = Vec::new();
        for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
            if piece.len() == 1 {
                terms.push(piece[0].to_string());
            } else {
                terms.extend(piece.windows(2).map(|pair| pair.iter().collect::<String>()));
            }
        }
        terms
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

    fn phrase_at(&self, words: &[String], lang: Lang) -> Option<(usize, &Meaning)> {
        self.tables_for(lang).find_map(|tables| {
            tables
                .phrases
                .get(&words[0])?
                .iter()
                .find_map(|(phrase, meaning)| {
                    let matches = phrase.len() <= words.len()
                        && phrase.iter().zip(words).all(|(p, w)| p == w);
                    matches.then_some((phrase.len(), meaning))
                })
        })
    }

    /// The stem a single word would be indexed under (for splitting compounds).
    pub(crate) fn term_of(&self, word: &str, lang: Lang) -> Option<String> {
        let stemmed = stem(word, lang);
        if self.is_stop(word, &stemmed, lang) {
            return None;
        }
        match self.tables_for(lang).find_map(|t| t.words.get(&stemmed)) {
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

/// Russian case, number and adjective endings, longest first where it matters.
const RUSSIAN_SUFFIXES: &[&str] = &[
    "ового",
    "овому",
    "овыми",
    "овых",
    "овый",
    "овая",
    "овое",
    "овые",
    "овой",
    "овую",
    "ами",
    "ями",
    "ого",
    "его",
    "ому",
    "ему",
    "ыми",
    "ими",
    "иях",
    "ией",
    "ов",
    "ев",
    "ей",
    "ий",
    "ый",
    "ой",
    "ая",
    "яя",
    "ое",
    "ее",
    "ые",
    "ие",
    "ую",
    "юю",
    "ам",
    "ям",
    "ах",
    "ях",
    "ом",
    "ем",
    "их",
    "ых",
    "ия",
    "ье",
    "ья",
    "ью",
    "ть",
    "а",
    "я",
    "о",
    "е",
    "у",
    "ю",
    "ы",
    "и",
    "ь",
    "й",
];

/// Kazakh case, plural, possessive and "-less" suffixes, in their folded spelling (қ → к, і → и,
/// ң → н …; see `normalize`), so typing on a Russian keyboard changes nothing.
const KAZAKH_SUFFIXES: &[&str] = &[
    "ларынын",
    "лерынын",
    "сынын",
    "синин",
    "ндагы",
    "ндеги",
    "нын",
    "нин",
    "дын",
    "дин",
    "тын",
    "тин",
    "лар",
    "лер",
    "дар",
    "дер",
    "тар",
    "тер",
    "дан",
    "ден",
    "тан",
    "тен",
    "нан",
    "нен",
    "мен",
    "бен",
    "пен",
    "нда",
    "нде",
    "сыз",
    "сиз",
    "дагы",
    "деги",
    "тагы",
    "теги",
    "сы",
    "си",
    "га",
    "ге",
    "ка",
    "ке",
    "на",
    "не",
    "да",
    "де",
    "та",
    "те",
    "ны",
    "ни",
    "ды",
    "ди",
    "ты",
    "ти",
    "ын",
    "ин",
    "а",
    "е",
    "ы",
    "и",
    "у",
];

/// The shortest stem a Cyrillic word is cut to.
const MIN_CYRILLIC_STEM: usize = 3;

/// Strips up to `rounds` suffixes (Kazakh stacks them: сауда-сы-нын), longest match first.
fn strip_suffixes(word: &str, suffixes: &[&str], rounds: usize) -> String {
    let mut stem = word;
    let mut letters = word.chars().count();
    for _ in 0..rounds {
        // Most suffixes end in another letter than the word: comparing last bytes first
        // spares the full comparison for all but a few.
        let last = stem.as_bytes().last();
        let found = suffixes
            .iter()
            .filter(|suffix| suffix.as_bytes().last() == last && stem.ends_with(**suffix))
            .map(|suffix| (suffix.len(), suffix.chars().count()))
            .filter(|&(_, n)| letters >= n + MIN_CYRILLIC_STEM)
            .max_by_key(|&(_, n)| n);
        match found {
            Some((bytes, n)) => {
                stem = &stem[..stem.len() - bytes];
                letters -= n;
            }
            None => break,
        }
    }
    stem.to_owned()
}

/// A light stemmer: English plural and verb endings for Latin words; Kazakh suffixes for
/// Cyrillic words in Kazakh text, Russian endings for other Cyrillic words; numbers and other
/// scripts unchanged. Index and question use the same function, so `visas`/`visa`,
/// `started`/`start`, `визы`/`визу` and `саудасы`/`сауда` meet.
pub(crate) fn stem(word: &str, lang: Lang) -> String {
    if word.bytes().any(|b| b.is_ascii_digit()) {
        return word.to_owned();
    }
    if word.chars().any(super::normalize::is_cyrillic) {
        return match lang {
            Lang::Kk => strip_suffixes(word, KAZAKH_SUFFIXES, 3),
            _ => strip_suffixes(word, RUSSIAN_SUFFIXES, 1),
        };
    }
    if !word.is_ascii() || word.len() <= 3 {
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
            places: Vec::new(),
            countries: Vec::new(),
        }
    }

    #[test]
    fn stems_words_per_language() {
        let cases = [
            ("visas", Lang::En, "visa"),
            ("visa", Lang::En, "visa"),
            ("countries", Lang::En, "country"),
            ("started", Lang::En, "start"),
            ("starting", Lang::En, "start"),
            ("stopping", Lang::En, "stop"),
            ("increase", Lang::En, "increas"),
            ("increased", Lang::En, "increas"),
            ("checkpoints", Lang::En, "checkpoint"),
            ("status", Lang::En, "status"),
            ("bus", Lang::En, "bus"),
            ("2023", Lang::Ru, "2023"),
            ("визы", Lang::Ru, "виз"),
            ("визу", Lang::Ru, "виз"),
            ("визовый", Lang::Ru, "виз"),
            ("товарооборота", Lang::Ru, "товарооборот"),
            ("товарооборот", Lang::Ru, "товарооборот"),
            ("кто", Lang::Ru, "кто"),
            ("сауда", Lang::Kk, "сау"),
            ("саудасы", Lang::Kk, "сау"),
            ("саудасынын", Lang::Kk, "сау"),
            ("визасыз", Lang::Kk, "виз"),
            ("виза", Lang::Kk, "виз"),
            ("visa", Lang::Ru, "visa"),
        ];
        for (word, lang, expected) in cases {
            assert_eq!(stem(word, lang), expected, "stem({word}, {lang})");
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
