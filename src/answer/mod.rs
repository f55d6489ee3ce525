//! From a question to an answer, in four stages, each in its own module:
//! - `read` (analysis): language and script, the parts of the message, each part's shape
//!   (what it asks, a claim, a comparison) and terms;
//! - retrieval, in `matching::Index`: the intents and facts that share terms with a part;
//! - `decide`: answer, "the articles don't say", "did you mean" or "I don't know", and which
//!   facts (every threshold lives there);
//! - `compose`: the reply's text and sources in the asker's language and script.
//!
//! [`Engine::answer`] is the one call every front end (console, Telegram) makes. It is
//! synchronous and deterministic, and keeps no state between questions.

mod compose;
mod decide;
mod read;
mod values;

use std::borrow::Cow;

use serde::Serialize;

use crate::knowledge::{self, fill, Knowledge, Lang, LoadError};
use crate::matching::Index;

use compose::{in_script, Composer};
use decide::{decide, Base, Decision};
use read::{read, Asking, PartReading, Reading};
use values::Values;

pub use decide::{answer_threshold, suggest_threshold};

/// Longer messages are not read: Telegram's own limit for one message, so any message a user
/// can send is answered (a story with the question somewhere in it).
pub const MAX_QUESTION_CHARS: usize = 4096;

/// The longest a message may be once in Unicode's compatibility form (NFKC), which every step
/// of reading works on, several times over. Ordinary text barely changes length (full-width
/// letters stay one character, "ﬁ" becomes two), but U+FDFA becomes 18 characters: 4,096 of
/// them took 0.3 s to answer in a release build. Twice the message cap leaves any real message
/// room and holds that case to the cost of 8,192 characters.
pub const MAX_NORMAL_CHARS: usize = 2 * MAX_QUESTION_CHARS;

/// How much of a message too long to read its refusal looks at: its characters are counted
/// and it is echoed as the answer's `question` up to this many bytes, and no further. No front
/// sends more (Telegram, 4,096 characters; the console, 64 KiB a line), and a library caller's
/// 100 MB must be refused without being counted or copied (copying alone took 0.2 s). Past
/// this the reply says "1048576+ characters".
const TOO_LONG_BYTES_READ: usize = 1 << 20;

/// What kind of reply an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Facts from the fact base, with sources.
    Answered,
    /// Not sure: up to three intents the question may have meant.
    DidYouMean,
    /// The articles do not answer this.
    Unknown,
    /// The intent is known but no figure covers the period asked about.
    NoPeriod,
    /// The topic is known but the articles do not give what is asked (a figure, a date).
    NotStated,
    /// Nothing to answer: an empty message, or only greetings and filler words.
    Help,
    /// Too long to be one question.
    TooLong,
}

/// An article as cited in an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRef {
    pub id: String,
    pub outlet: String,
    pub title: String,
    pub date: String,
    /// How a user reads it: outlet, title, date.
    #[serde(skip)]
    pub citation: String,
}

/// Another intent offered to the user, by id and title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub intent: String,
    pub title: String,
}

/// What an answered question was about, so that a short follow-up in the same chat ("and in
/// 2022?", "а туристы?") can continue it. The front end keeps it; the engine stays stateless.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FollowUp {
    terms: Vec<String>,
}

/// A follow-up is a short message: at most this many terms of its own.
const FOLLOW_UP_TERMS: usize = 3;

/// The reply to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The question as asked (of a message too long to read, at most its first MiB).
    pub question: String,
    pub lang: Lang,
    pub kind: Kind,
    /// The intent answered; `None` unless `kind` is `Answered`.
    pub intent: Option<String>,
    /// Answered, but a message of several questions had some that were not.
    pub partial: bool,
    pub confidence: f32,
    /// The reply without its source list: one paragraph per fact, or the message.
    pub paragraphs: Vec<String>,
    /// The full reply as a user reads it, ending with its sources when it has any.
    pub text: String,
    pub sources: Vec<SourceRef>,
    /// "Source" or "Sources" in the answer's language, for fronts that lay the list out.
    pub sources_heading: String,
    /// "Did you mean" candidates, best first.
    pub suggestions: Vec<Suggestion>,
    /// Follow-up topics for an answered question.
    pub related: Vec<Suggestion>,
    /// The ids of the facts the reply gives, in order: empty for a reply that gives none
    /// (help, "did you mean", "I don't know", what the articles do not state).
    pub facts: Vec<String>,
    /// What the answer was about, for a follow-up question; `None` unless answered.
    pub follow_up: Option<FollowUp>,
}

/// The fact base with its index: everything needed to answer. Immutable once built, so a
/// front end can share one behind an `Arc` and swap in a new one on reload.
#[derive(Debug, Clone)]
pub struct Engine {
    knowledge: Knowledge,
    index: Index,
    values: Values,
    asking: Asking,
    /// Each source's citation in each language (`Lang::ALL` order), written once at load.
    citations: Vec<[String; 4]>,
}

impl Engine {
    pub fn new(knowledge: Knowledge) -> Engine {
        let index = Index::new(&knowledge);
        // The script converter parses its dictionaries on first use: pay that at load, not on
        // the first question in traditional characters.
        crate::matching::script::warm_up();
        let values = Values::new(&knowledge);
        let asking = Asking::new(&index);
        let citations = knowledge
            .sources
            .iter()
            .map(|source| Lang::ALL.map(|lang| source.citation(lang, &knowledge)))
            .collect();
        Engine {
            knowledge,
            index,
            values,
            asking,
            citations,
        }
    }

    fn composer(&self, lang: Lang) -> Composer<'_> {
        Composer {
            knowledge: &self.knowledge,
            citations: &self.citations,
            lang,
        }
    }

    fn base(&self) -> Base<'_> {
        Base {
            knowledge: &self.knowledge,
            index: &self.index,
            values: &self.values,
        }
    }

    /// Loads, checks and indexes a knowledge directory.
    pub fn load(dir: &std::path::Path) -> Result<Engine, LoadError> {
        knowledge::load_dir(dir).map(Engine::new)
    }

    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// Answers a question in its own language. `hint` is the asker's interface language, if
    /// known: it only settles what the letters cannot (Russian or Kazakh).
    pub fn answer(&self, question: &str, hint: Option<Lang>) -> Answer {
        self.answer_as(question, hint, None)
    }

    /// Answers a question in `reply_lang` when given (a language pinned for a chat), else in
    /// the question's language.
    pub fn answer_as(
        &self,
        question: &str,
        hint: Option<Lang>,
        reply_lang: Option<Lang>,
    ) -> Answer {
        self.answer_after(question, hint, reply_lang, None)
    }

    /// Answers a question that may continue an earlier answer in the same chat: a short
    /// message that names no topic of its own ("and in 2022?") is read with the earlier
    /// answer's topic.
    pub fn answer_after(
        &self,
        question: &str,
        hint: Option<Lang>,
        reply_lang: Option<Lang>,
        previous: Option<&FollowUp>,
    ) -> Answer {
        let trimmed = question.trim();
        if over_limit(trimmed) {
            return self.too_long(question, trimmed, hint, reply_lang);
        }
        let reading = read(&self.index, &self.asking, trimmed, hint);
        // The question's own language sets the thresholds, even when the reply is in a pinned one.
        let scale = reading.lang;
        let composer = self.composer(reply_lang.unwrap_or(reading.lang));
        let bare =
            reading.whole.analysis.terms.is_empty() && reading.whole.analysis.years.is_empty();
        if bare && reading.whole.analysis.outside.is_empty() {
            let help = composer.help();
            return in_script(
                composer.message_answer(question, Kind::Help, 0.0, help),
                &reading,
            );
        }
        let mut decisions = self.decide_parts(&reading, scale);
        if let Some(previous) = previous {
            self.continue_from(&reading, &mut decisions, previous, scale);
        }
        let parts: Vec<(&str, &Decision)> = decisions
            .iter()
            .map(|(part, decision)| (part.shape.text.as_str(), decision))
            .collect();
        let mut answer = composer.reply(question, &parts);
        answer.follow_up = decisions
            .iter()
            .find(|(_, d)| d.is_answer())
            .map(|(part, _)| FollowUp {
                terms: topic_terms(&part.analysis),
            });
        in_script(answer, &reading)
    }

    /// A short message that is not answered on its own, read again with the topic of the
    /// answer before it.
    fn continue_from<'r>(
        &self,
        reading: &'r Reading,
        decisions: &mut Vec<(Cow<'r, PartReading>, Decision)>,
        previous: &FollowUp,
        scale: Lang,
    ) {
        let [(part, decision)] = decisions.as_slice() else {
            return;
        };
        let short = part.analysis.terms.len() <= FOLLOW_UP_TERMS;
        if decision.is_answer() || !short || reading.parts.len() > 1 {
            return;
        }
        let joined = continued(&self.index, part, &previous.terms);
        let retried = decide(self.base(), &joined, scale);
        if retried.is_answer() {
            *decisions = vec![(Cow::Owned(joined), retried)];
        }
    }

    /// A decision for each part; when no part is answered on its own, the whole message as one
    /// question (a story whose topic sits outside the question sentence).
    fn decide_parts<'r>(
        &self,
        reading: &'r Reading,
        scale: Lang,
    ) -> Vec<(Cow<'r, PartReading>, Decision)> {
        let mut decided: Vec<(Cow<PartReading>, Decision)> = Vec::new();
        for part in &reading.parts {
            let decision = decide(self.base(), part, scale);
            let previous = decided.last().map(|(p, _)| p.as_ref());
            let previous_decision = decided.last().map(|(_, d)| d);
            // A short part that points back ("how many participants were there?") is about
            // the part before, even where it matches something else on its own.
            let points_back =
                part.analysis.terms.len() <= FOLLOW_UP_TERMS && part.shape.points_back;
            match previous.filter(|_| !decision.is_answer() || points_back) {
                // "1) how many days without a visa 2) since what date?": a later part that
                // names no topic of its own continues the one before.
                Some(previous) => {
                    let earlier = previous_decision.and_then(Decision::chosen);
                    let (read, decision) =
                        self.continue_part(part, previous, earlier, decision, scale);
                    decided.push((read, decision));
                }
                None => decided.push((Cow::Borrowed(part), decision)),
            }
            self.tell_apart(&mut decided, scale);
            self.both_sides(&mut decided, scale);
            self.claim_elsewhere(&mut decided, scale);
        }
        if decided.iter().any(|(_, d)| d.is_answer()) || !reading.has_more_than_parts() {
            return decided;
        }
        let whole = decide(self.base(), &reading.whole, scale);
        let best_part = decided.iter().map(|(_, d)| d.score()).fold(0.0, f32::max);
        if decided.is_empty() || whole.is_answer() || whole.score() > best_part {
            return vec![(Cow::Borrowed(&reading.whole), whole)];
        }
        decided
    }

    /// A later part read again with the topic of the part before it (`earlier`, that part's
    /// answer if it had one). Answering the earlier part's question again is no answer to
    /// this one; other facts of the same topic are ("how many firms went to the expo? and how
    /// much did they sign?").
    fn continue_part<'r>(
        &self,
        part: &'r PartReading,
        previous: &PartReading,
        earlier: Option<&decide::Chosen>,
        decision: Decision,
        scale: Lang,
    ) -> (Cow<'r, PartReading>, Decision) {
        let joined = continued(&self.index, part, &previous.analysis.terms);
        let retried = decide(self.base(), &joined, scale);
        let repeats = |d: &Decision| match (d, earlier) {
            (Decision::Answer(a), Some(b)) => {
                a.scored.intent == b.scored.intent && a.facts.iter().all(|f| b.facts.contains(f))
            }
            _ => false,
        };
        if retried.is_answer() && !repeats(&retried) {
            return (Cow::Owned(joined), retried);
        }
        let Some(earlier) = earlier else {
            return (Cow::Borrowed(part), decision);
        };
        // One that finds that part's answer again asks something else of it: a close topic
        // of another ("who came on 27 November? and whom of ours did he meet?"). One that
        // finds no answer either way takes the topic both readings score best together.
        let another = repeats(&retried)
            .then(|| decide::decide_other(self.base(), &joined, scale, earlier))
            .flatten()
            .or_else(|| {
                (!decision.is_answer())
                    .then(|| decide::decide_between(self.base(), part, &joined, scale, earlier))
                    .flatten()
            });
        match another {
            Some(another) => (Cow::Owned(joined), Decision::Answer(another)),
            None => (Cow::Borrowed(part), decision),
        }
    }

    /// A comparison the part's decision leaves with fewer than two figures is answered again:
    /// by a close series comparing two of its own, or by two topics, one figure each.
    fn both_sides(&self, decided: &mut Vec<(Cow<PartReading>, Decision)>, scale: Lang) {
        let Some((part, decision)) = decided.last() else {
            return;
        };
        let mut answers = decide::compared_answers(self.base(), part, scale, decision).into_iter();
        let Some(first) = answers.next() else {
            return;
        };
        let part = part.clone();
        if let Some(last) = decided.last_mut() {
            last.1 = Decision::Answer(first);
        }
        decided.extend(answers.map(|chosen| (part.clone(), Decision::Answer(chosen))));
    }

    /// A claim the part's topic does not bear out is checked against a close neighbour too,
    /// and where the neighbour does not bear it out either, both are given: the fact that
    /// corrects the claim may be the neighbour's. A neighbour that bears it out is no answer:
    /// "a consulate in Shymkent" is not borne out by the Shymkent refinery.
    fn claim_elsewhere(&self, decided: &mut Vec<(Cow<PartReading>, Decision)>, scale: Lang) {
        let Some((part, Decision::Answer(taken))) = decided.last() else {
            return;
        };
        let Some(other) = decide::claim_elsewhere(self.base(), part, scale, taken) else {
            return;
        };
        // The verdict is said once, before the first topic's facts.
        let other = decide::Chosen {
            verdict: None,
            ..other
        };
        let part = part.clone();
        decided.push((part, Decision::Answer(other)));
    }

    /// When the part just decided chose the same facts as an earlier part, it takes a close
    /// runner-up that can answer, if there is one.
    fn tell_apart(&self, decided: &mut [(Cow<PartReading>, Decision)], scale: Lang) {
        let Some(((part, Decision::Answer(last)), earlier)) = decided.split_last_mut() else {
            return;
        };
        let repeats = earlier.iter().any(|(_, d)| match d {
            Decision::Answer(a) => a.scored.intent == last.scored.intent && a.facts == last.facts,
            _ => false,
        });
        if let Some(other) = repeats
            .then(|| decide::decide_other(self.base(), part, scale, last))
            .flatten()
        {
            *last = other;
        }
    }

    /// The "too long" reply, in the language of the message's first `MAX_QUESTION_CHARS`
    /// characters; nothing past them is read but to count them, up to `TOO_LONG_BYTES_READ`.
    fn too_long(
        &self,
        question: &str,
        trimmed: &str,
        hint: Option<Lang>,
        reply_lang: Option<Lang>,
    ) -> Answer {
        let head = head(trimmed, MAX_QUESTION_CHARS);
        let lang = reply_lang.unwrap_or_else(|| crate::matching::detect_lang(head, hint));
        let composer = self.composer(lang);
        let count = match trimmed.len() > TOO_LONG_BYTES_READ {
            true => format!("{TOO_LONG_BYTES_READ}+"),
            false => match trimmed.chars().count() {
                // Short, but long once in normal form: that is the length that counts.
                chars if chars <= MAX_QUESTION_CHARS => format!("{MAX_NORMAL_CHARS}+"),
                chars => chars.to_string(),
            },
        };
        let message = fill(
            self.knowledge.message("too_long", lang),
            &[("count", &count), ("max", &MAX_QUESTION_CHARS.to_string())],
        );
        let question = head_bytes(question, TOO_LONG_BYTES_READ);
        composer.message_answer(question, Kind::TooLong, 0.0, message)
    }

    /// The fact base's own example phrasings that use an "outside" word (a price, an age) or
    /// name a country no fact names, and are not answered: those lists must never veto what
    /// the fact base itself asks. `check` reports each as `file:line`.
    pub fn refused_phrasings(&self) -> Vec<String> {
        let mut refused = Vec::new();
        for intent in &self.knowledge.intents {
            for (lang, examples) in intent.examples.iter() {
                for example in examples {
                    let outside = self.index.analyze_as(example, lang).outside;
                    let elsewhere = self.values.names_elsewhere(example);
                    if (outside.is_empty() && !elsewhere)
                        || self.answer(example, Some(lang)).intent.is_some()
                    {
                        continue;
                    }
                    let why = match elsewhere {
                        true => "it names a country no fact names".to_owned(),
                        false => format!("outside words {outside:?} weigh against it"),
                    };
                    refused.push(format!(
                        "{}: intent \"{}\": example {example:?} is not answered; {why}",
                        intent.location, intent.id
                    ));
                }
            }
        }
        refused
    }

    /// How the engine read a question: its language and script, each part's shape and terms,
    /// the best-scoring intents with the fact that explains each, and the decision. For editors
    /// tuning the fact base (`ask --explain`).
    pub fn explain(&self, question: &str, hint: Option<Lang>) -> String {
        let reading = read(&self.index, &self.asking, question.trim(), hint);
        let mut lines = vec![format!(
            "lang: {}  script: {:?}",
            reading.lang, reading.script
        )];
        let whole = std::iter::once(("whole message", &reading.whole));
        let parts = reading.parts.iter().map(|p| ("part", p));
        for (label, part) in parts.chain(whole) {
            lines.extend(self.explain_part(label, part, reading.lang));
        }
        lines.join("\n")
    }

    fn explain_part(&self, label: &str, part: &PartReading, scale: Lang) -> Vec<String> {
        let shape = &part.shape;
        let analysis = &part.analysis;
        let asks = match &shape.counted {
            Some(word) => format!("{} ({word})", shape.asks.label()),
            None => shape.asks.label().to_owned(),
        };
        let mut lines = vec![
            format!("{label}: {:?}", shape.text),
            format!(
                "  asks: {asks}  claim: {:?}  compares: {}  years: {:?}  latest: {}  outside: {:?}",
                shape.claim,
                shape.compares,
                analysis.years,
                analysis.wants_latest,
                analysis.outside
            ),
        ];
        lines.extend(
            self.index
                .explain_terms(analysis)
                .into_iter()
                .map(|l| format!("    {l}")),
        );
        let scored = self.index.search_resolved(analysis, &part.resolved);
        for scored in scored.iter().take(5) {
            let intent = &self.knowledge.intents[scored.intent];
            let fact = scored.fact.map_or("phrasings".to_owned(), |f| {
                let kind = if scored.specific {
                    "specific"
                } else {
                    "shared"
                };
                format!("fact {} ({kind})", intent.facts[f].id)
            });
            lines.push(format!("  {:.3} {} via {fact}", scored.score, intent.id));
        }
        let decision = decide(self.base(), part, scale);
        lines.push(format!(
            "  decision: {}",
            describe(&decision, &self.knowledge)
        ));
        lines
    }

    /// Up to `limit` answers for a question, best first: one per intent that scores at least
    /// the "did you mean" threshold. For inline queries, where the user picks the one to send.
    pub fn top_answers(&self, question: &str, hint: Option<Lang>, limit: usize) -> Vec<Answer> {
        let trimmed = question.trim();
        if over_limit(trimmed) {
            return Vec::new();
        }
        let reading = read(&self.index, &self.asking, trimmed, hint);
        let composer = self.composer(reading.lang);
        let Some(part) = reading.parts.first() else {
            return Vec::new();
        };
        let first = decide(self.base(), part, reading.lang);
        let mut answers: Vec<Answer> = Vec::new();
        if let Decision::Answer(_) = first {
            answers.push(composer.reply(question, &[(part.shape.text.as_str(), &first)]));
        }
        let others = self
            .index
            .search(&part.analysis)
            .into_iter()
            .take_while(|scored| scored.score >= suggest_threshold(reading.lang))
            .map(|scored| composer.intent_answer(scored.intent));
        for answer in others {
            if answers.len() >= limit {
                break;
            }
            if !answers.iter().any(|a| a.intent == answer.intent) {
                answers.push(answer);
            }
        }
        answers
            .into_iter()
            .map(|a| in_script(a, &reading))
            .collect()
    }

    /// The "I don't know" reply to `question` in `lang`, as a question nothing fits gets.
    pub fn unanswered(&self, question: &str, lang: Lang) -> Answer {
        let composer = self.composer(lang);
        composer.message_answer(question, Kind::Unknown, 0.0, composer.unknown())
    }

    /// The overview answer of each topic, in the fact base's order.
    pub fn topic_answers(&self, lang: Lang) -> Vec<Answer> {
        let topics = &self.knowledge.topics;
        topics
            .iter()
            .filter_map(|topic| self.answer_intent(&self.knowledge.intents[topic.intent].id, lang))
            .collect()
    }

    /// The answer for a topic id (`visa`) or an intent id (`visa-start`): a topic command, a
    /// button, or a `/start` link payload.
    pub fn answer_topic(&self, id: &str, lang: Lang) -> Option<Answer> {
        let knowledge = &self.knowledge;
        match knowledge.topics.iter().find(|topic| topic.id == id) {
            Some(topic) => self.answer_intent(&knowledge.intents[topic.intent].id, lang),
            None => self.answer_intent(id, lang),
        }
    }

    /// The answer for an intent chosen directly (a topic command or a button), in `lang`.
    pub fn answer_intent(&self, id: &str, lang: Lang) -> Option<Answer> {
        let index = self
            .knowledge
            .intents
            .iter()
            .position(|intent| intent.id == id)?;
        let composer = self.composer(lang);
        let mut answer = composer.intent_answer(index);
        // A topic picked from a button or a command can be followed up like a question.
        let title = self.knowledge.intents[index].title.text(Lang::En);
        answer.follow_up = Some(FollowUp {
            terms: self.index.analyze_as(title, Lang::En).terms,
        });
        Some(answer)
    }
}

/// Whether `text` is too long to read: more than `MAX_QUESTION_CHARS` characters, or more than
/// `MAX_NORMAL_CHARS` in its normal form. Found without reading past the limits: a character
/// takes one to four bytes, so only a text of `MAX_QUESTION_CHARS + 1` to
/// `4 * MAX_QUESTION_CHARS` bytes needs counting, and both counts stop at their limit.
fn over_limit(text: &str) -> bool {
    let too_many = match text.len() {
        bytes if bytes <= MAX_QUESTION_CHARS => false,
        bytes if bytes > 4 * MAX_QUESTION_CHARS => true,
        _ => text.chars().nth(MAX_QUESTION_CHARS).is_some(),
    };
    too_many || crate::matching::normal_form_exceeds(text, MAX_NORMAL_CHARS)
}

/// The first `chars` characters of `text`, borrowed.
fn head(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The longest head of `text` of at most `bytes` bytes that ends on a character boundary.
fn head_bytes(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The terms that say what a part was about, without the years that picked a period.
fn topic_terms(analysis: &crate::matching::Analysis) -> Vec<String> {
    let year = |t: &String| analysis.years.iter().any(|y| y.to_string() == *t);
    analysis
        .terms
        .iter()
        .filter(|t| !year(t))
        .cloned()
        .collect()
}

/// A part read again with another topic's terms added (the part before it, or the chat's
/// last answer): its own shape (what it asks) with that topic.
fn continued(index: &Index, part: &PartReading, topic: &[String]) -> PartReading {
    let mut analysis = part.analysis.clone();
    for term in topic {
        if !analysis.terms.contains(term) {
            analysis.terms.push(term.clone());
        }
    }
    PartReading::new(index, part.shape.clone(), analysis)
}

/// A decision in one line, for `ask --explain`.
fn describe(decision: &Decision, knowledge: &Knowledge) -> String {
    let id = |i: usize| knowledge.intents[i].id.as_str();
    match decision {
        Decision::Answer(chosen) => {
            let intent = &knowledge.intents[chosen.scored.intent];
            let facts: Vec<&str> = chosen
                .facts
                .iter()
                .map(|&f| intent.facts[f].id.as_str())
                .collect();
            format!(
                "answer {} with {facts:?}; verdict {:?}; comparison {:?}",
                intent.id, chosen.verdict, chosen.comparison
            )
        }
        Decision::NotStated { scored, asks } => {
            format!(
                "not stated: {} holds no {} value",
                id(scored.intent),
                asks.label()
            )
        }
        Decision::NoPeriod { scored, years } => {
            format!("no period {years:?} in {}", id(scored.intent))
        }
        Decision::DidYouMean(scored) => {
            let ids: Vec<&str> = scored.iter().map(|s| id(s.intent)).collect();
            format!("did you mean {ids:?}")
        }
        Decision::Unknown(score) => format!("unknown ({score:.3})"),
    }
}
