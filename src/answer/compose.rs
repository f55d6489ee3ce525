//! Composition: the only stage that writes text. It turns the decisions for a message's parts
//! into one reply in the asker's language and script: a verdict on a claim, a comparison, the
//! chosen facts with numbered sources, what the articles do not say, "did you mean", or "I
//! don't know".

use crate::knowledge::{fill, Fact, Knowledge, Lang};
use crate::matching::script::to_traditional;
use crate::matching::shape::Asks;

use super::decide::{Chosen, Decision, MAX_SUGGESTIONS};
use super::read::{Reading, Script};
use super::values::slot;
use super::{Answer, Kind, SourceRef, Suggestion};

/// A piece of a reply: a sentence of ours, or a fact with its sources.
enum Block<'a> {
    Text(String),
    Fact(&'a Fact),
}

pub(crate) struct Composer<'a> {
    pub knowledge: &'a Knowledge,
    /// Each source's citation per language, as the engine wrote them at load.
    pub citations: &'a [[String; 4]],
    pub lang: Lang,
}

impl<'a> Composer<'a> {
    fn message(&self, id: &str) -> &'a str {
        self.knowledge.message(id, self.lang)
    }

    fn suggestion(&self, intent: usize) -> Suggestion {
        let intent = &self.knowledge.intents[intent];
        Suggestion {
            intent: intent.id.clone(),
            title: intent.title.text(self.lang).to_owned(),
        }
    }

    /// The reply to a whole message from the decisions for its parts (`parts` pairs each part's
    /// text with its decision).
    pub fn reply(&self, question: &str, parts: &[(&str, &Decision)]) -> Answer {
        let answered: Vec<&Chosen> = parts.iter().filter_map(|(_, d)| d.chosen()).collect();
        let Some(first) = answered.first() else {
            // Nothing answered: the first part's own reply says why.
            let (_, decision) = &parts[0];
            return self.not_answered(question, decision);
        };
        let mut blocks: Vec<Block> = Vec::new();
        let mut suggestions = Vec::new();
        for (text, decision) in parts {
            match decision {
                Decision::Answer(chosen) => self.answer_blocks(chosen, &mut blocks),
                other => {
                    let line = fill(self.message("part_unknown"), &[("part", text.trim())]);
                    blocks.push(Block::Text(line));
                    suggestions.extend(self.offers(other));
                }
            }
        }
        // Each part not answered offers its own topics: each is offered once, none that this
        // reply answers, and no more than a "did you mean" alone would offer.
        let ids: Vec<&str> = answered
            .iter()
            .map(|chosen| self.knowledge.intents[chosen.scored.intent].id.as_str())
            .collect();
        let mut offers: Vec<Suggestion> = Vec::new();
        for offer in suggestions {
            let known = offers.iter().any(|o| o.intent == offer.intent);
            if !known && !ids.contains(&offer.intent.as_str()) {
                offers.push(offer);
            }
        }
        offers.truncate(MAX_SUGGESTIONS);
        let intent = &self.knowledge.intents[first.scored.intent];
        let mut answer = self.with_sources(question, blocks);
        answer.kind = Kind::Answered;
        answer.intent = Some(intent.id.clone());
        answer.confidence = first.scored.score;
        answer.partial = answered.len() < parts.len();
        answer.suggestions = offers;
        answer.related = intent.related.iter().map(|&i| self.suggestion(i)).collect();
        answer
    }

    /// The answer for one intent chosen directly (a topic command or a button): all its facts.
    pub fn intent_answer(&self, intent: usize) -> Answer {
        let facts = &self.knowledge.intents[intent].facts;
        let blocks = facts.iter().map(Block::Fact).collect();
        let intent = &self.knowledge.intents[intent];
        let mut answer = self.with_sources(&intent.id, blocks);
        answer.kind = Kind::Answered;
        answer.intent = Some(intent.id.clone());
        answer.confidence = 1.0;
        answer.related = intent.related.iter().map(|&i| self.suggestion(i)).collect();
        answer
    }

    fn answer_blocks(&self, chosen: &'a Chosen, blocks: &mut Vec<Block<'a>>) {
        let intent = &self.knowledge.intents[chosen.scored.intent];
        match chosen.verdict {
            Some(true) => blocks.push(Block::Text(self.message("claim_right").to_owned())),
            Some(false) => blocks.push(Block::Text(self.message("claim_wrong").to_owned())),
            None => {}
        }
        if let Some((higher, lower)) = chosen.comparison {
            let label = |f: usize| {
                intent.facts[f]
                    .period
                    .as_ref()
                    .map_or_else(String::new, |p| p.label(self.lang))
            };
            let line = fill(
                self.message("compare_higher"),
                &[("higher", &label(higher)), ("lower", &label(lower))],
            );
            blocks.push(Block::Text(line));
        }
        blocks.extend(chosen.facts.iter().map(|&f| Block::Fact(&intent.facts[f])));
    }

    /// Suggestions that a part's non-answer offers.
    fn offers(&self, decision: &Decision) -> Vec<Suggestion> {
        match decision {
            Decision::DidYouMean(scored) => {
                scored.iter().map(|s| self.suggestion(s.intent)).collect()
            }
            Decision::NotStated { scored, .. } | Decision::NoPeriod { scored, .. } => {
                vec![self.suggestion(scored.intent)]
            }
            _ => Vec::new(),
        }
    }

    /// The reply when no part was answered.
    fn not_answered(&self, question: &str, decision: &Decision) -> Answer {
        let score = decision.score();
        let suggestions = self.offers(decision);
        let (kind, text) = match decision {
            Decision::Answer(_) => unreachable!("answered parts are composed as answers"),
            Decision::DidYouMean(_) => {
                let mut text = self.message("did_you_mean").to_owned();
                for suggestion in &suggestions {
                    text.push_str(&format!("\n• {}", suggestion.title));
                }
                (Kind::DidYouMean, text)
            }
            Decision::NotStated { scored, asks } => {
                (Kind::NotStated, self.not_stated(scored.intent, *asks))
            }
            Decision::NoPeriod { scored, years } => {
                (Kind::NoPeriod, self.no_period(scored.intent, years))
            }
            Decision::Unknown(_) => (Kind::Unknown, self.unknown()),
        };
        let mut answer = self.message_answer(question, kind, score, text);
        answer.suggestions = suggestions;
        answer
    }

    fn not_stated(&self, intent: usize, asks: Asks) -> String {
        let what = match asks {
            Asks::When => self.message("value_date"),
            Asks::Where => self.message("value_place"),
            _ => self.message("value_figure"),
        };
        let title = self.knowledge.intents[intent].title.text(self.lang);
        fill(
            self.message("not_stated"),
            &[("what", what), ("title", title)],
        )
    }

    fn no_period(&self, intent: usize, years: &[u16]) -> String {
        let intent = &self.knowledge.intents[intent];
        let years: Vec<String> = years.iter().map(u16::to_string).collect();
        let covered: Vec<String> = intent
            .facts
            .iter()
            .filter_map(|fact| fact.period.as_ref())
            .map(|period| period.label(self.lang))
            .collect();
        fill(
            self.message("no_period"),
            &[
                ("title", intent.title.text(self.lang)),
                ("years", &years.join(", ")),
                ("periods", &covered.join("; ")),
            ],
        )
    }

    pub fn unknown(&self) -> String {
        fill(self.message("unknown"), &[("topics", &self.topic_list())])
    }

    pub fn help(&self) -> String {
        let example = self.message("example_question");
        fill(
            self.message("help"),
            &[("example", example), ("topics", &self.topic_list())],
        )
    }

    /// The topics the bot knows, for "I don't know" and help replies: `Visa-free travel; Trade…`.
    fn topic_list(&self) -> String {
        let titles: Vec<&str> = self
            .knowledge
            .topics
            .iter()
            .map(|t| t.title.text(self.lang))
            .collect();
        titles.join("; ")
    }

    /// A reply that is a message of ours, with no sources.
    pub fn message_answer(
        &self,
        question: &str,
        kind: Kind,
        confidence: f32,
        text: String,
    ) -> Answer {
        Answer {
            question: question.to_owned(),
            lang: self.lang,
            kind,
            intent: None,
            facts: Vec::new(),
            partial: false,
            confidence,
            paragraphs: vec![text.clone()],
            text,
            sources: Vec::new(),
            sources_heading: String::new(),
            suggestions: Vec::new(),
            related: Vec::new(),
            follow_up: None,
        }
    }

    /// Paragraphs and the source list for blocks: sources are numbered in order of first
    /// citation, with markers on facts only when there are several.
    fn with_sources(&self, question: &str, blocks: Vec<Block>) -> Answer {
        let mut cited: Vec<usize> = Vec::new();
        let mut seen_facts: Vec<&str> = Vec::new();
        let mut kept: Vec<Block> = Vec::new();
        for block in blocks {
            if let Block::Fact(fact) = block {
                // Two parts may pick the same fact: give it once.
                if seen_facts.contains(&fact.id.as_str()) {
                    continue;
                }
                seen_facts.push(&fact.id);
                for &source in &fact.sources {
                    if !cited.contains(&source) {
                        cited.push(source);
                    }
                }
            }
            kept.push(block);
        }
        let paragraphs: Vec<String> = kept
            .iter()
            .map(|block| match block {
                Block::Text(text) => text.clone(),
                Block::Fact(fact) => self.fact_paragraph(fact, &cited),
            })
            .collect();
        let sources: Vec<SourceRef> = cited.iter().map(|&i| self.source_ref(i)).collect();
        let heading_id = if sources.len() == 1 {
            "source"
        } else {
            "sources"
        };
        let sources_heading = self.message(heading_id).to_owned();
        let mut text = paragraphs.join("\n\n");
        text.push_str("\n\n");
        if let [only] = sources.as_slice() {
            text.push_str(&format!("{sources_heading}: {}", only.citation));
        } else {
            text.push_str(&format!("{sources_heading}:"));
            for (n, source) in sources.iter().enumerate() {
                text.push_str(&format!("\n[{}] {}", n + 1, source.citation));
            }
        }
        let facts: Vec<String> = seen_facts.iter().map(|id| (*id).to_owned()).collect();
        Answer {
            facts,
            paragraphs,
            text,
            sources,
            sources_heading,
            ..self.message_answer(question, Kind::Answered, 0.0, String::new())
        }
    }

    fn fact_paragraph(&self, fact: &Fact, cited: &[usize]) -> String {
        let text = fact.text.text(self.lang).to_owned();
        if cited.len() < 2 {
            return text;
        }
        let marks: Vec<String> = fact
            .sources
            .iter()
            .map(|s| (cited.iter().position(|c| c == s).unwrap_or(0) + 1).to_string())
            .collect();
        format!("{text} [{}]", marks.join(", "))
    }

    fn source_ref(&self, index: usize) -> SourceRef {
        let source = &self.knowledge.sources[index];
        SourceRef {
            id: source.id.clone(),
            outlet: source.outlet.clone(),
            title: source.title.clone(),
            date: source.date_text.clone(),
            citation: self.citations[index][slot(self.lang)].clone(),
        }
    }
}

/// Writes a reply the way its question was written: in traditional characters for a question
/// in them. (Russian and Kazakh typed in Latin letters get Cyrillic: that is their language's
/// own script, and the language already says so.)
pub(crate) fn in_script(mut answer: Answer, reading: &Reading) -> Answer {
    if reading.script != Script::Traditional {
        return answer;
    }
    let convert = |text: &mut String| {
        *text = to_traditional(text);
    };
    answer.paragraphs.iter_mut().for_each(convert);
    convert(&mut answer.text);
    convert(&mut answer.sources_heading);
    for suggestion in answer
        .suggestions
        .iter_mut()
        .chain(answer.related.iter_mut())
    {
        convert(&mut suggestion.title);
    }
    for source in &mut answer.sources {
        convert(&mut source.citation);
    }
    answer
}
