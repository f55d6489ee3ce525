//! Retrieval: the search index over every intent's curated phrasings (title, keywords,
//! examples) and over the text of every fact, in all four languages, built once per knowledge
//! base.
//!
//! Each phrasing and each fact text is a small document; a term's weight is its rarity across
//! intents (idf), so "khorgos" says more than "kazakhstan". A question is scored against the
//! documents that share a term with it (never against all of them). Every (intent, fact) pair
//! gets a confidence in 0..1 from two views: how much of the question the intent's phrasings
//! and that one fact explain together (coverage), and how closely the best single document
//! matches the question as a whole (Dice overlap). Curated phrasings count in full, fact text
//! a little less (`FACT_SHARE`), so the whole text the bot can answer from is its vocabulary
//! while our phrasings still lead. Words the fact base never uses count against a match, and so
//! do the lexicon's "outside" words unless the intent itself uses them.

use super::analyze::{Analysis, Analyzer};
use super::fuzzy::Fuzzy;
use super::hash::WordMap;
use crate::knowledge::{Knowledge, Lang};

/// How much coverage counts against the best single document.
const COVERAGE_SHARE: f32 = 0.5;
/// How much a term found only in a fact's text counts, against one in a curated phrasing.
/// Tuned on the written-a development sets (0.7–0.9 were tried).
const FACT_SHARE: f32 = 0.8;
/// A corrected typo counts a little less than the word itself, per wrong letter.
const TYPO_PENALTY: f32 = 0.1;
/// Words longer than this many letters pay the penalty in proportion: a wrong letter in nine
/// costs five ninths of one in five.
const TYPO_SHORT: usize = 5;
/// A word split into two known words ("visafree") counts a little less.
const SPLIT_FACTOR: f32 = 0.9;
/// How much an unknown word weighs, relative to the rarest known term. A word the fact base
/// never uses is as telling as its rarest word: "trade with Uzbekistan" is not "trade".
const UNKNOWN_SHARE: f32 = 0.75;
/// How much an "outside" word (another country, a price, an age) weighs against an intent
/// that does not use it, relative to an unknown word: it names what the articles never cover.
const OUTSIDE_SHARE: f32 = 5.0;
/// How much an unknown pair of Chinese characters weighs, relative to an unknown word.
const HAN_UNKNOWN_SHARE: f32 = 0.35;
/// The least a known term weighs: "Kazakhstan" and "China" are in almost every phrasing, yet
/// "the president of China" is not "the president of Kazakhstan".
const MIN_IDF: f32 = 1.5;
/// A term at least this rare names something specific (a city, a person), not the subject
/// of half the fact base.
const RARE_IDF: f32 = 2.0;
/// The most terms of one question that are scored; the rest are ignored. Keeps the work per
/// question bounded whatever is sent (a question of 64 distinct content words is not one), and
/// is the width of the bit sets that record which terms each intent and fact use (`u64`). The
/// most any question of the evaluation sets has is 59: a Chinese story of 88 characters, each
/// pair of characters a term.
pub const MAX_TERMS: usize = 64;

/// The most typo-correction lookups one term costs: one in the vocabulary, one among the stop
/// words.
pub const LOOKUPS_PER_TERM: usize = 2;

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

/// Marks a document that is a curated phrasing, not a fact's text.
const CURATED: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Doc {
    intent: u32,
    /// The fact whose text this is (index within its intent), or `CURATED`.
    fact: u32,
    /// Sum of the idf of its distinct terms.
    weight: f32,
}

/// One intent's confidence for a question, with the fact that explains it best.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub intent: usize,
    pub score: f32,
    /// The fact (index within the intent) whose text, with the intent's phrasings, explains
    /// the question best; `None` when the phrasings alone do.
    pub fact: Option<usize>,
    /// That fact matched question words the intent's phrasings do not have: the question
    /// picks it out rather than the intent as a whole.
    pub specific: bool,
}

/// The intents and facts a question's terms touch, with which terms each uses.
struct Hits {
    /// Per intent: the matched terms its curated phrasings use, one bit each.
    curated: Vec<u64>,
    /// Per fact (numbered across intents): the matched terms its text uses.
    fact: Vec<u64>,
    /// The intents and (intent, fact) pairs touched, in the order first met.
    intents: Vec<u32>,
    facts: Vec<(u32, u32)>,
}

/// A question term resolved against the vocabulary.
#[derive(Debug, Clone, Copy)]
struct Matched {
    term: u32,
    factor: f32,
}

/// A question's terms as the index sees them: the known terms they matched (typos corrected,
/// run-together words split) and the question's total weight, unknown words included.
/// Resolved once per part and reused by every lookup of that part.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    matched: Vec<Matched>,
    total: f32,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    analyzer: Analyzer,
    terms: Vec<String>,
    ids: WordMap<String, u32>,
    idf: Vec<f32>,
    /// How many intents use each term (ranks typo corrections).
    intent_freq: Vec<u32>,
    /// The languages whose text uses each term, one bit per language.
    term_langs: Vec<u8>,
    postings: Vec<Vec<u32>>,
    /// Per term, the intents whose curated phrasings use it (sorted).
    curated: Vec<Vec<u32>>,
    /// Per term, the (intent, fact) pairs whose fact text uses it (sorted).
    in_facts: Vec<Vec<(u32, u32)>>,
    /// Per intent, the outside words its own phrasings and facts use.
    own_outside: Vec<Vec<String>>,
    /// Per intent, the number of its first fact among all facts (facts are numbered across
    /// intents, so per-fact tallies fit in one vector); the last entry is the total.
    first_fact: Vec<u32>,
    docs: Vec<Doc>,
    intents: usize,
    fuzzy: Fuzzy,
    /// Stop words (stemmed) and their languages, to recognise a misspelt one ("betwen",
    /// "whitout") rather than count it as a word the fact base never uses.
    stop_terms: Vec<String>,
    stop_langs: Vec<u8>,
    stop_fuzzy: Fuzzy,
    unknown_weight: f32,
}

impl Resolved {
    /// How many known terms the question's words matched.
    pub fn known(&self) -> usize {
        self.matched.len()
    }

    /// Whether every known term was matched as written, none read as a misspelling.
    pub fn as_written(&self) -> bool {
        self.matched.iter().all(|m| m.factor >= 1.0)
    }
}

impl Index {
    pub fn new(knowledge: &Knowledge) -> Index {
        let analyzer = Analyzer::new(&knowledge.lexicon);
        let mut index = Index {
            intents: knowledge.intents.len(),
            own_outside: vec![Vec::new(); knowledge.intents.len()],
            ..Index::default()
        };
        let mut doc_terms: Vec<Vec<u32>> = Vec::new();
        let mut next = 0;
        for intent in &knowledge.intents {
            index.first_fact.push(next);
            next += intent.facts.len() as u32;
        }
        index.first_fact.push(next);
        for (intent_id, intent) in knowledge.intents.iter().enumerate() {
            for (text, lang, fact) in documents(intent) {
                let analysis = analyzer.analyze_as(text, lang);
                let own = &mut index.own_outside[intent_id];
                for word in analysis.outside {
                    if !own.contains(&word) {
                        own.push(word);
                    }
                }
                if analysis.terms.is_empty() {
                    continue;
                }
                let ids: Vec<u32> = analysis
                    .terms
                    .into_iter()
                    .map(|term| index.intern(term))
                    .collect();
                index.term_langs.resize(index.terms.len(), 0);
                for &id in &ids {
                    index.term_langs[id as usize] |= lang_bit(lang);
                }
                doc_terms.push(ids);
                index.docs.push(Doc {
                    intent: intent_id as u32,
                    fact,
                    weight: 0.0,
                });
            }
        }
        index.fill_postings(&doc_terms);
        index.fuzzy = Fuzzy::new(&index.terms);
        for (lang, stem) in analyzer.stop_stems() {
            index.stop_terms.push(stem);
            index.stop_langs.push(lang_bit(lang));
        }
        index.stop_fuzzy = Fuzzy::new(&index.stop_terms);
        index.analyzer = analyzer;
        index
    }

    /// Postings, per-term intent and fact lists, idf and document weights.
    fn fill_postings(&mut self, doc_terms: &[Vec<u32>]) {
        let n_terms = self.terms.len();
        self.postings = vec![Vec::new(); n_terms];
        self.curated = vec![Vec::new(); n_terms];
        self.in_facts = vec![Vec::new(); n_terms];
        let mut users: Vec<Vec<u32>> = vec![Vec::new(); n_terms];
        for (doc_id, terms) in doc_terms.iter().enumerate() {
            let Doc { intent, fact, .. } = self.docs[doc_id];
            for &term in terms {
                let t = term as usize;
                self.postings[t].push(doc_id as u32);
                users[t].push(intent);
                match fact {
                    CURATED => self.curated[t].push(intent),
                    fact => self.in_facts[t].push((intent, fact)),
                }
            }
        }
        for list in &mut users {
            list.dedup();
        }
        for list in &mut self.curated {
            list.dedup();
        }
        for list in &mut self.in_facts {
            list.dedup();
        }
        let n = self.intents.max(1) as f32;
        // Rarity is counted among curated phrasings where a term has them, so that indexing
        // fact text does not shift the weights the phrasings were calibrated with; a term only
        // facts use is counted among facts.
        self.intent_freq = users
            .iter()
            .zip(&self.curated)
            .map(|(all, curated)| if curated.is_empty() { all.len() } else { curated.len() } as u32)
            .collect();
        self.idf = self
            .intent_freq
            .iter()
            .zip(&self.terms)
            .map(|(&df, term)| {
                // A year picks a period more than a topic: "tourists in 2022" is about tourists,
                // even if only the trade figures mention 2022.
                match is_year(term) {
                    true => MIN_IDF,
                    false => (1.0 + n / df.max(1) as f32).ln().max(MIN_IDF),
                }
            })
            .collect();
        for (doc, terms) in self.docs.iter_mut().zip(doc_terms) {
            doc.weight = terms.iter().map(|&t| self.idf[t as usize]).sum();
        }
        self.unknown_weight = UNKNOWN_SHARE * (1.0 + n).ln();
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

    pub fn analyze_as(&self, text: &str, lang: Lang) -> Analysis {
        self.analyzer.analyze_as(text, lang)
    }

    /// Resolves question terms against the vocabulary: the matched terms and the total weight
    /// of the question (unknown words included, outside words not).
    pub fn resolve(&self, analysis: &Analysis) -> Resolved {
        let mut matched: Vec<Matched> = Vec::new();
        let mut total = 0.0;
        let add = |matched: &mut Vec<Matched>, term: u32, factor: f32| match matched
            .iter_mut()
            .find(|m| m.term == term)
        {
            Some(existing) => existing.factor = existing.factor.max(factor),
            None => matched.push(Matched { term, factor }),
        };
        let terms = &analysis.terms[..analysis.terms.len().min(MAX_TERMS)];
        super::work::terms(terms.len());
        for term in terms {
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
            let typo = self.fuzzy.lookup(term, &self.terms, same_language, |id| {
                self.intent_freq[id as usize]
            });
            if self.misspelt_stop_word(term, analysis.lang, typo.map(|(_, d)| d)) {
                continue;
            }
            if let Some((id, distance)) = typo {
                // One wrong letter in a long word leaves little doubt what it meant.
                let short = (TYPO_SHORT as f32 / term.chars().count() as f32).min(1.0);
                add(
                    &mut matched,
                    id,
                    1.0 - TYPO_PENALTY * short * distance as f32,
                );
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
        Resolved { matched, total }
    }

    /// Whether an unknown word is a stop word misspelt, at least as close to it as to any term
    /// (`typo`: the distance to the closest term, if one is close enough). On a tie the stop
    /// word wins: "mutch" is "much" far more often than "match" (one more right answer over
    /// the written development sets, none fewer).
    fn misspelt_stop_word(&self, word: &str, lang: Lang, typo: Option<usize>) -> bool {
        let bit = lang_bit(lang);
        let stop = self.stop_fuzzy.lookup(
            word,
            &self.stop_terms,
            |id| self.stop_langs[id as usize] & bit != 0,
            |_| 0,
        );
        stop.is_some_and(|(_, distance)| typo.is_none_or(|t| distance <= t))
    }

    /// The share of a question's weight that the vocabulary knows, typos corrected, in 0..1:
    /// how well a reading of the question (Russian or Kazakh typed in Latin letters) fits the
    /// fact base.
    pub fn known_share(&self, analysis: &Analysis) -> f32 {
        let resolved = self.resolve(analysis);
        if resolved.total <= 0.0 {
            return 0.0;
        }
        let known: f32 = resolved
            .matched
            .iter()
            .map(|m| self.idf[m.term as usize] * m.factor)
            .sum();
        known / resolved.total
    }

    /// Like `known_share`, for words as written: a cheap first look at whether an English
    /// reading fits well enough that no other reading need be tried.
    pub fn known_share_as_written(&self, analysis: &Analysis) -> f32 {
        let (mut known, mut total) = (0.0, 0.0);
        for term in analysis.terms.iter().take(MAX_TERMS) {
            match self.ids.get(term) {
                Some(&id) => {
                    known += self.idf[id as usize];
                    total += self.idf[id as usize];
                }
                None => total += self.unknown_weight,
            }
        }
        if total <= 0.0 {
            return 0.0;
        }
        known / total
    }

    /// Splits a run-together word ("visafree", "tradegoal") into two known terms.
    fn split(&self, word: &str, lang: Lang) -> Option<(u32, u32)> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 6
            || chars.len() > super::fuzzy::MAX_WORD
            || !chars.iter().all(|c| c.is_alphabetic())
        {
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
                lang: analysis.lang,
                ..Analysis::default()
            };
            let Resolved { matched, total } = self.resolve(&single);
            let described = match matched.as_slice() {
                [] if total == 0.0 && term.parse::<u16>().is_ok() => "ignored (a year)".to_owned(),
                [] if total == 0.0 => "ignored (a stop word misspelt)".to_owned(),
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
        self.search_resolved(analysis, &self.resolve(analysis))
    }

    /// `search` for a question whose terms are resolved already.
    pub fn search_resolved(&self, analysis: &Analysis, resolved: &Resolved) -> Vec<Scored> {
        let Resolved { matched, total } = resolved;
        let total = *total;
        // Numbers alone name no topic: "2+2" must not match the one fact that mentions a 2.
        let numeric = |m: &Matched| {
            self.terms[m.term as usize]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.')
        };
        if matched.iter().all(numeric) || total <= 0.0 {
            return Vec::new();
        }
        let weights: Vec<f32> = matched
            .iter()
            .map(|m| self.idf[m.term as usize] * m.factor)
            .collect();
        let hits = self.hits(matched);
        let overlaps = self.best_overlaps(matched, &weights, total);
        let mut best: Vec<Option<Scored>> = vec![None; self.intents];
        let candidates = hits.intents.iter().map(|&i| (i, None));
        let candidates = candidates.chain(hits.facts.iter().map(|&(i, f)| (i, Some(f))));
        for (intent, fact) in candidates {
            let curated = hits.curated[intent as usize];
            let facts = fact.map_or(0, |f| hits.fact[self.fact_slot(intent, f)]);
            let covered: f32 = (0..matched.len())
                .map(|j| match (curated >> j & 1, facts >> j & 1) {
                    (1, _) => weights[j],
                    (_, 1) => FACT_SHARE * weights[j],
                    _ => 0.0,
                })
                .sum();
            // Outside words weigh against both views, like unknown words.
            let total = total + self.outside_penalty(analysis, intent as usize);
            let coverage = covered / total;
            let dice = |slot: usize| {
                let (share, overlap, weight) = overlaps[slot];
                share * 2.0 * overlap / (total + weight)
            };
            let own = fact.map_or(0.0, |f| dice(self.fact_slot(intent, f)));
            let doc_dice = dice(self.curated_slot(intent)).max(own);
            let score = COVERAGE_SHARE * coverage + (1.0 - COVERAGE_SHARE) * doc_dice;
            let candidate = Scored {
                intent: intent as usize,
                score: score.clamp(0.0, 1.0),
                fact: fact.map(|f| f as usize),
                specific: facts & !curated != 0,
            };
            let entry = &mut best[intent as usize];
            if entry.is_none_or(|current| better(&candidate, &current)) {
                *entry = Some(candidate);
            }
        }
        let mut scored: Vec<Scored> = best.into_iter().flatten().collect();
        scored.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.intent.cmp(&b.intent))
        });
        scored
    }

    /// Where a fact's tallies sit in per-fact vectors.
    fn fact_slot(&self, intent: u32, fact: u32) -> usize {
        (self.first_fact[intent as usize] + fact) as usize
    }

    /// Where an intent's curated phrasings sit, after every fact, in per-document-group vectors.
    fn curated_slot(&self, intent: u32) -> usize {
        *self.first_fact.last().unwrap_or(&0) as usize + intent as usize
    }

    /// Which matched terms (one bit each; at most `MAX_TERMS`) each intent's phrasings and
    /// each fact's text use, with the intents and facts touched.
    fn hits(&self, matched: &[Matched]) -> Hits {
        let facts_total = *self.first_fact.last().unwrap_or(&0) as usize;
        let mut hits = Hits {
            curated: vec![0; self.intents],
            fact: vec![0; facts_total],
            intents: Vec::new(),
            facts: Vec::new(),
        };
        for (j, m) in matched.iter().enumerate() {
            for &intent in &self.curated[m.term as usize] {
                let bits = &mut hits.curated[intent as usize];
                if *bits == 0 {
                    hits.intents.push(intent);
                }
                *bits |= 1 << j;
            }
            for &(intent, fact) in &self.in_facts[m.term as usize] {
                let bits = &mut hits.fact[self.fact_slot(intent, fact)];
                if *bits == 0 {
                    hits.facts.push((intent, fact));
                }
                *bits |= 1 << j;
            }
        }
        hits
    }

    /// Per fact and per intent's curated phrasings (see `fact_slot`, `curated_slot`), the
    /// document that overlaps the question best by Dice, as (share, overlap, document weight):
    /// fact documents count at `FACT_SHARE`, curated ones in full.
    fn best_overlaps(
        &self,
        matched: &[Matched],
        weights: &[f32],
        total: f32,
    ) -> Vec<(f32, f32, f32)> {
        let mut doc_overlap = vec![0.0f32; self.docs.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (m, &weight) in matched.iter().zip(weights) {
            for &doc in &self.postings[m.term as usize] {
                if doc_overlap[doc as usize] == 0.0 {
                    touched.push(doc);
                }
                doc_overlap[doc as usize] += weight;
            }
        }
        let groups = self.curated_slot(self.intents as u32);
        let mut best = vec![(0.0, 0.0, 0.0); groups];
        let dice = |&(share, overlap, weight): &(f32, f32, f32)| share * overlap / (total + weight);
        for doc_id in touched {
            let doc = &self.docs[doc_id as usize];
            let (share, slot) = match doc.fact {
                CURATED => (1.0, self.curated_slot(doc.intent)),
                fact => (FACT_SHARE, self.fact_slot(doc.intent, fact)),
            };
            let candidate = (share, doc_overlap[doc_id as usize], doc.weight);
            if dice(&candidate) > dice(&best[slot]) {
                best[slot] = candidate;
            }
        }
        best
    }

    /// The weight the question's outside words add against `intent`: none for a word the
    /// intent's own phrasings or facts use ("how old" in a question about how old the ties are).
    fn outside_penalty(&self, analysis: &Analysis, intent: usize) -> f32 {
        let own = &self.own_outside[intent];
        let foreign = analysis.outside.iter().filter(|w| !own.contains(w)).count();
        foreign as f32 * OUTSIDE_SHARE * self.unknown_weight
    }

    /// How much of the question each of `facts` holds that sets it apart from the others: the
    /// weight of each question term a fact's text uses, scaled by the share of the other facts
    /// that lack it (all of them: in full; none: nothing). "Smailov's growth figure in
    /// Shanghai and the one in Astana" tells two figures of a series apart by "Shanghai" and
    /// "Astana", not by "trade", which all share. Terms in `skip` are not counted.
    pub fn distinguishing_overlap(
        &self,
        resolved: &Resolved,
        intent: usize,
        facts: &[usize],
        skip: &[String],
    ) -> Vec<f32> {
        let intent = intent as u32;
        let mut overlap = vec![0.0; facts.len()];
        let others = facts.len().saturating_sub(1).max(1) as f32;
        for m in &resolved.matched {
            if skip.contains(&self.terms[m.term as usize]) {
                continue;
            }
            // Postings are sorted by (intent, fact), as `fact_uses` looks them up.
            let pairs = &self.in_facts[m.term as usize];
            let uses: Vec<bool> = facts
                .iter()
                .map(|&f| pairs.binary_search(&(intent, f as u32)).is_ok())
                .collect();
            let users = uses.iter().filter(|&&u| u).count();
            let rarity = (facts.len() - users) as f32 / others;
            let weight = self.idf[m.term as usize] * m.factor * rarity;
            for (sum, _) in overlap.iter_mut().zip(&uses).filter(|(_, &u)| u) {
                *sum += weight;
            }
        }
        overlap
    }

    /// Whether the question names an outside word that `intent`'s own phrasings and facts do
    /// not use.
    pub fn names_outside(&self, analysis: &Analysis, intent: usize) -> bool {
        self.outside_penalty(analysis, intent) > 0.0
    }

    /// How much of the question each fact of `intent` holds in its own text (any language): the
    /// summed weight of the question terms it uses, one value per fact.
    pub fn fact_overlap(&self, resolved: &Resolved, intent: usize, facts: usize) -> Vec<f32> {
        let matched = &resolved.matched;
        let intent = intent as u32;
        let mut overlap = vec![0.0; facts];
        // The commonest terms ("Kazakhstan", "China") pick out no fact.
        for m in matched
            .iter()
            .filter(|m| self.idf[m.term as usize] > MIN_IDF)
        {
            let pairs = &self.in_facts[m.term as usize];
            let start = pairs.partition_point(|&(i, _)| i < intent);
            for &(_, fact) in pairs[start..].iter().take_while(|&&(i, _)| i == intent) {
                overlap[fact as usize] += self.idf[m.term as usize] * m.factor;
            }
        }
        overlap
    }

    /// Whether the text of fact `fact` of `intent` uses `term`.
    pub fn fact_uses(&self, term: &str, intent: usize, fact: usize) -> bool {
        self.ids.get(term).is_some_and(|&t| {
            self.in_facts[t as usize]
                .binary_search(&(intent as u32, fact as u32))
                .is_ok()
        })
    }

    /// Whether the vocabulary has this exact term and it is rare enough to name something.
    pub fn is_rare(&self, term: &str) -> bool {
        self.ids.get(term).is_some_and(|&id| {
            self.idf[id as usize] >= RARE_IDF
                && self.term_langs[id as usize] & lang_bit(Lang::En) != 0
        })
    }

    /// Whether the vocabulary has this exact term.
    pub fn knows(&self, term: &str) -> bool {
        self.ids.contains_key(term)
    }

    /// Whether a question term, typos corrected, names something rare in the fact base that
    /// neither `intent`'s phrasings nor any of `facts` (its fact indices) mention: a claim
    /// about "a consulate in Karaganda" when the fact names Xi'an and Aktobe. Terms as common
    /// as "Kazakhstan" never count; a word the fact base does not know at all always does.
    pub fn names_elsewhere(&self, term: &str, lang: Lang, intent: usize, facts: &[usize]) -> bool {
        let analysis = Analysis {
            terms: vec![term.to_owned()],
            lang,
            ..Analysis::default()
        };
        let Resolved { matched, total } = self.resolve(&analysis);
        let Some(m) = matched.first() else {
            return total > 0.0;
        };
        let t = m.term as usize;
        if self.idf[t] < RARE_IDF {
            return false;
        }
        let intent = intent as u32;
        let curated = self.curated[t].binary_search(&intent).is_ok();
        let in_fact = facts
            .iter()
            .any(|&f| self.in_facts[t].binary_search(&(intent, f as u32)).is_ok());
        !curated && !in_fact
    }
}

/// The higher score wins; on a tie, the candidate that names a fact, then the lower fact.
fn better(a: &Scored, b: &Scored) -> bool {
    match a.score.total_cmp(&b.score) {
        std::cmp::Ordering::Equal => {
            (a.fact.is_some(), std::cmp::Reverse(a.fact))
                > (b.fact.is_some(), std::cmp::Reverse(b.fact))
        }
        order => order.is_gt(),
    }
}

/// An intent's documents: title, keywords and examples (curated), then each fact's text, each
/// in every language it has.
fn documents(intent: &crate::knowledge::Intent) -> Vec<(&str, Lang, u32)> {
    let mut docs: Vec<(&str, Lang, u32)> = Vec::new();
    for (lang, title) in intent.title.iter() {
        docs.push((title, lang, CURATED));
    }
    for (lang, keywords) in intent.keywords.iter() {
        docs.extend(keywords.iter().map(|k| (k.as_str(), lang, CURATED)));
    }
    for (lang, examples) in intent.examples.iter() {
        docs.extend(examples.iter().map(|e| (e.as_str(), lang, CURATED)));
    }
    for (n, fact) in intent.facts.iter().enumerate() {
        docs.extend(
            fact.text
                .iter()
                .map(|(lang, text)| (text.as_str(), lang, n as u32)),
        );
    }
    docs
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
