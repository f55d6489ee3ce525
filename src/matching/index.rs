//! The search index over every intent's title, keywords and example phrasings, built once per
//! knowledge base.
//!
//! Each phrasing is a small document; a term's weight is its rarity across intents (idf), so
//! "khorgos" says more than "kazakhstan". A question is scored against the documents that share
//! a term with it (never against all of them) and each intent gets a confidence in 0..1 from two
//! views: how much of the question its phrasings explain (coverage) and how closely its best
//! phrasing matches the question as a whole (Dice overlap). Words the fact base never uses count
//! against a match, which is what turns "Kazakhstan–Russia trade" into "I don't know".

use std::collections::HashMap;

use super::analyze::{Analysis, Analyzer};
use super::fuzzy::Fuzzy;
use crate::knowledge::{Knowledge, Lang};

/// How much coverage counts against the best single phrasing.
const COVERAGE_SHARE: f32 = 0.5;
/// A corrected typo counts a little less than the word itself, per wrong letter.
const TYPO_PENALTY: f32 = 0.1;
/// A word split into two known words ("visafree") counts a little less.
const SPLIT_FACTOR: f32 = 0.9;
/// How much an unknown word weighs, relative to the rarest known term. A word the fact base
/// never uses is as telling as its rarest word: "trade with Uzbekistan" is not "trade".
const UNKNOWN_SHARE: f32 = 0.75;
/// How much an unknown pair of Chinese characters weighs, relative to an unknown word.
const HAN_UNKNOWN_SHARE: f32 = 0.35;
/// The least a known term weighs: "Kazakhstan" and "China" are in almost every phrasing, yet
/// "the president of China" is not "the president of Kazakhstan".
const MIN_IDF: f32 = 1.5;

fn is_year(term: &str) -> bool {
    term.len() == 4
        && term
            .parse::<u16>()
            .is_ok_and(|year| (1900..=2100).contains(&year))
}

fn lang_bit(lang: Lang) -> u8 {
    match lang {
        Lang::En => 1,
        Lang::Ru => 2,
        Lang::Kk => 4,
        Lang::Zh => 8,
    }
}

#[derive(Debug, Clone)]
struct Doc {
    intent: u32,
    /// Sum of the idf of its distinct terms.
    weight: f32,
}

/// One intent's confidence for a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub intent: usize,
    pub score: f32,
}

/// A question term resolved against the vocabulary.
#[derive(Debug, Clone, Copy)]
struct Matched {
    term: u32,
    factor: f32,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    analyzer: Analyzer,
    terms: Vec<String>,
    ids: HashMap<String, u32>,
    idf: Vec<f32>,
    /// How many intents use each term (ranks typo corrections).
    intent_freq: Vec<u32>,
    /// The languages whose phrasings use each term, one bit per language.
    term_langs: Vec<u8>,
    postings: Vec<Vec<u32>>,
    intent_postings: Vec<Vec<u32>>,
    docs: Vec<Doc>,
    intents: usize,
    fuzzy: Fuzzy,
    unknown_weight: f32,
}

impl Index {
    pub fn new(knowledge: &Knowledge) -> Index {
        let analyzer = Analyzer::new(&knowledge.lexicon);
        let mut index = Index {
            intents: knowledge.intents.len(),
            ..Index::default()
        };
        let mut doc_terms: Vec<Vec<u32>> = Vec::new();
        for (intent_id, intent) in knowledge.intents.iter().enumerate() {
            let mut phrasings: Vec<(&str, Lang)> = Vec::new();
            for (lang, title) in intent.title.iter() {
                phrasings.push((title, lang));
            }
            for (lang, keywords) in intent.keywords.iter() {
                phrasings.extend(keywords.iter().map(|k| (k.as_str(), lang)));
            }
            for (lang, examples) in intent.examples.iter() {
                phrasings.extend(examples.iter().map(|e| (e.as_str(), lang)));
            }
            for (text, lang) in phrasings {
                let terms = analyzer.analyze_as(text, lang).terms;
                if terms.is_empty() {
                    continue;
                }
                let ids: Vec<u32> = terms.into_iter().map(|term| index.intern(term)).collect();
                index.term_langs.resize(index.terms.len(), 0);
                for &id in &ids {
                    index.term_langs[id as usize] |= lang_bit(lang);
                }
                doc_terms.push(ids);
                index.docs.push(Doc {
                    intent: intent_id as u32,
                    weight: 0.0,
                });
            }
        }
        index.postings = vec![Vec::new(); index.terms.len()];
        index.intent_postings = vec![Vec::new(); index.terms.len()];
        for (doc_id, terms) in doc_terms.iter().enumerate() {
            let intent = index.docs[doc_id].intent;
            for &term in terms {
                index.postings[term as usize].push(doc_id as u32);
                let intents = &mut index.intent_postings[term as usize];
                if intents.last() != Some(&intent) {
                    intents.push(intent);
                }
            }
        }
        let n = index.intents.max(1) as f32;
        index.intent_freq = index
            .intent_postings
            .iter()
            .map(|p| p.len() as u32)
            .collect();
        index.idf = index
            .intent_freq
            .iter()
            .zip(&index.terms)
            .map(|(&df, term)| {
                // A year picks a period more than a topic: "tourists in 2022" is about tourists,
                // even if only the trade figures mention 2022.
                match is_year(term) {
                    true => MIN_IDF,
                    false => (1.0 + n / df.max(1) as f32).ln().max(MIN_IDF),
                }
            })
            .collect();
        for (doc, terms) in index.docs.iter_mut().zip(&doc_terms) {
            doc.weight = terms.iter().map(|&t| index.idf[t as usize]).sum();
        }
        index.unknown_weight = UNKNOWN_SHARE * (1.0 + n).ln();
        index.fuzzy = Fuzzy::new(&index.terms);
        index.analyzer = analyzer;
        index
    }

    fn intern(&mut self, term: String) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.ids.insert(term.clone(), id);
        self.terms.push(term);
        id
    }

    pub fn analyze(&self, text: &str, hint: Option<Lang>) -> Analysis {
        self.analyzer.analyze(text, hint)
    }

    /// Resolves question terms against the vocabulary; returns the matched terms and the total
    /// weight of the question (unknown words included).
    fn resolve(&self, analysis: &Analysis) -> (Vec<Matched>, f32) {
        let mut matched: Vec<Matched> = Vec::new();
        let mut total = 0.0;
        let add = |matched: &mut Vec<Matched>, term: u32, factor: f32| match matched
            .iter_mut()
            .find(|m| m.term == term)
        {
            Some(existing) => existing.factor = existing.factor.max(factor),
            None => matched.push(Matched { term, factor }),
        };
        for term in &analysis.terms {
            if let Some(&id) = self.ids.get(term) {
                add(&mut matched, id, 1.0);
                continue;
            }
            // A year the fact base never mentions selects a period; it is not a topic word.
            if term.len() == 4
                && term
                    .parse::<u16>()
                    .is_ok_and(|y| analysis.years.contains(&y))
            {
                continue;
            }
            // A misspelt word is corrected to a word of its own language (or a Latin name), not
            // to a look-alike from another language's phrasings.
            let same_language = |id: u32| {
                self.term_langs[id as usize] & lang_bit(analysis.lang) != 0
                    || self.terms[id as usize].is_ascii()
            };
            if let Some((id, distance)) =
                self.fuzzy.lookup(term, &self.terms, same_language, |id| {
                    self.intent_freq[id as usize]
                })
            {
                add(&mut matched, id, 1.0 - TYPO_PENALTY * distance as f32);
                continue;
            }
            if let Some((left, right)) = self.split(term, analysis.lang) {
                add(&mut matched, left, SPLIT_FACTOR);
                add(&mut matched, right, SPLIT_FACTOR);
                continue;
            }
            // Chinese is cut into overlapping pairs, half of which straddle two words: an
            // unknown pair says far less than an unknown word.
            let han = term.chars().next().is_some_and(super::normalize::is_han);
            total += if han {
                HAN_UNKNOWN_SHARE * self.unknown_weight
            } else {
                self.unknown_weight
            };
        }
        total += matched
            .iter()
            .map(|m| self.idf[m.term as usize])
            .sum::<f32>();
        (matched, total)
    }

    /// Splits a run-together word ("visafree", "tradegoal") into two known terms.
    fn split(&self, word: &str, lang: Lang) -> Option<(u32, u32)> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 6 || !chars.iter().all(|c| c.is_alphabetic()) {
            return None;
        }
        (3..=chars.len() - 3).find_map(|at| {
            let left: String = chars[..at].iter().collect();
            let right: String = chars[at..].iter().collect();
            let left = *self.ids.get(&self.analyzer.term_of(&left, lang)?)?;
            let right = *self.ids.get(&self.analyzer.term_of(&right, lang)?)?;
            Some((left, right))
        })
    }

    /// How a question was read: each term and what it matched, for `ask --explain`.
    pub fn explain_terms(&self, analysis: &Analysis) -> Vec<String> {
        let mut lines = Vec::new();
        for term in &analysis.terms {
            let single = Analysis {
                terms: vec![term.clone()],
                years: analysis.years.clone(),
                ..Analysis::default()
            };
            let (matched, total) = self.resolve(&single);
            let described = match matched.as_slice() {
                [] if total == 0.0 => "ignored (a year)".to_owned(),
                [] => format!("unknown (weight {total:.2})"),
                found => found
                    .iter()
                    .map(|m| {
                        format!(
                            "{} ×{:.2} (idf {:.2})",
                            self.terms[m.term as usize], m.factor, self.idf[m.term as usize]
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" + "),
            };
            lines.push(format!("{term}: {described}"));
        }
        lines
    }

    /// Every intent sharing a term with the question, best first (ties by intent order).
    pub fn search(&self, analysis: &Analysis) -> Vec<Scored> {
        let (matched, total) = self.resolve(analysis);
        // Numbers alone name no topic: "2+2" must not match the one fact that mentions a 2.
        let numeric = |m: &Matched| {
            self.terms[m.term as usize]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.')
        };
        if matched.iter().all(numeric) || total <= 0.0 {
            return Vec::new();
        }
        let mut doc_overlap: HashMap<u32, f32> = HashMap::new();
        let mut intent_overlap = vec![0.0f32; self.intents];
        for m in &matched {
            let weight = self.idf[m.term as usize] * m.factor;
            for &doc in &self.postings[m.term as usize] {
                *doc_overlap.entry(doc).or_insert(0.0) += weight;
            }
            for &intent in &self.intent_postings[m.term as usize] {
                intent_overlap[intent as usize] += weight;
            }
        }
        let mut best_dice = vec![0.0f32; self.intents];
        for (&doc, &overlap) in &doc_overlap {
            let doc = &self.docs[doc as usize];
            let dice = 2.0 * overlap / (total + doc.weight);
            let best = &mut best_dice[doc.intent as usize];
            *best = best.max(dice);
        }
        let mut scored: Vec<Scored> = intent_overlap
            .iter()
            .enumerate()
            .filter(|&(_, &overlap)| overlap > 0.0)
            .map(|(intent, &overlap)| {
                let coverage = overlap / total;
                let score = COVERAGE_SHARE * coverage + (1.0 - COVERAGE_SHARE) * best_dice[intent];
                Scored {
                    intent,
                    score: score.clamp(0.0, 1.0),
                }
            })
            .collect();
        scored.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.intent.cmp(&b.intent))
        });
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::load_dir;

    fn index() -> (Index, Knowledge) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        let knowledge = load_dir(&dir).expect("fixture loads");
        (Index::new(&knowledge), knowledge)
    }

    fn best(index: &Index, knowledge: &Knowledge, question: &str) -> Option<(String, f32)> {
        let scored = index.search(&index.analyze(question, None));
        scored
            .first()
            .map(|s| (knowledge.intents[s.intent].id.clone(), s.score))
    }

    #[test]
    fn scores_questions_against_phrasings() {
        let (index, knowledge) = index();
        // (question, expected best intent, lowest acceptable score, highest acceptable score)
        let cases: [(&str, Option<&str>, f32, f32); 7] = [
            (
                "How many days without a visa?",
                Some("visa-days"),
                0.99,
                1.0,
            ),
            ("visa days", Some("visa-days"), 0.9, 1.0),
            ("days visa", Some("visa-days"), 0.9, 1.0),
            ("freight trians", Some("train-count"), 0.6, 1.0),
            ("visa for pizza lovers", Some("visa-days"), 0.0, 0.5),
            ("pizza", None, 0.0, 0.0),
            ("30", None, 0.0, 0.0),
        ];
        for (question, expected, low, high) in cases {
            let found = best(&index, &knowledge, question);
            assert_eq!(
                found.as_ref().map(|(id, _)| id.as_str()),
                expected,
                "{question}"
            );
            let score = found.map_or(0.0, |(_, score)| score);
            assert!(
                (low..=high).contains(&score),
                "{question}: score {score} not in {low}..={high}"
            );
        }
    }

    #[test]
    fn scoring_is_deterministic() {
        let (first, knowledge) = index();
        let (second, _) = index();
        for question in ["visa days", "freight trains visa", "trains"] {
            let a = first.search(&first.analyze(question, None));
            let b = second.search(&second.analyze(question, None));
            assert_eq!(a, b, "{question}");
            assert!(!a.is_empty() && a[0].intent < knowledge.intents.len());
        }
    }
}
