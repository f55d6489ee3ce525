//! From a question to an answer: analyse, search the index, decide (answer, "did you mean",
//! or "I don't know"), pick the facts for the period asked about, and write the reply with its
//! sources. This is the one call every front end (console, Telegram) makes.

use serde::Serialize;

use crate::knowledge::{self, fill, Intent, Knowledge, Lang, LoadError};
use crate::matching::{Analysis, Index, Scored};

/// At or above this confidence the bot answers; between `suggest_threshold` and this it offers
/// "did you mean"; below, it says it does not know.
///
/// Calibrated per language on the evaluation sets: the score depends on how a language is cut
/// into terms. Russian inflection leaves more words unmatched, and Chinese character pairs half
/// of which straddle two words, so the same certainty scores lower there than in English.
pub fn answer_threshold(lang: Lang) -> f32 {
    match lang {
        Lang::En => 0.52,
        Lang::Kk => 0.50,
        Lang::Ru | Lang::Zh => 0.45,
    }
}

pub fn suggest_threshold(lang: Lang) -> f32 {
    match lang {
        Lang::En | Lang::Kk => 0.35,
        Lang::Ru | Lang::Zh => 0.30,
    }
}
/// Longer messages are not treated as one question.
pub const MAX_QUESTION_CHARS: usize = 1000;
const MAX_SUGGESTIONS: usize = 3;

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

/// The reply to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub question: String,
    pub lang: Lang,
    pub kind: Kind,
    /// The intent answered; `None` unless `kind` is `Answered`.
    pub intent: Option<String>,
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
}

/// The fact base with its index: everything needed to answer. Immutable once built, so a
/// front end can share one behind an `Arc` and swap in a new one on reload.
#[derive(Debug, Clone)]
pub struct Engine {
    knowledge: Knowledge,
    index: Index,
}

impl Engine {
    pub fn new(knowledge: Knowledge) -> Engine {
        let index = Index::new(&knowledge);
        Engine { knowledge, index }
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
        let trimmed = question.trim();
        let length = trimmed.chars().count();
        if length > MAX_QUESTION_CHARS {
            let head: String = trimmed.chars().take(MAX_QUESTION_CHARS).collect();
            let lang = reply_lang.unwrap_or_else(|| crate::matching::detect_lang(&head, hint));
            let message = fill(
                self.knowledge.message("too_long", lang),
                &[
                    ("count", &length.to_string()),
                    ("max", &MAX_QUESTION_CHARS.to_string()),
                ],
            );
            return self.message(question, lang, Kind::TooLong, 0.0, message, Vec::new());
        }
        let mut analysis = self.index.analyze(trimmed, hint);
        // The question's own language sets the scale, even when the reply is in a pinned one.
        let scale = analysis.lang;
        if let Some(lang) = reply_lang {
            analysis.lang = lang;
        }
        if analysis.terms.is_empty() && analysis.outside.is_empty() {
            let help = self.help_text(analysis.lang);
            return self.message(question, analysis.lang, Kind::Help, 0.0, help, Vec::new());
        }
        // A question about another country, a price or an age is not answered from a fact
        // that merely shares its other words.
        if !analysis.outside.is_empty() {
            return self.unknown(question, &analysis, 0.0);
        }
        let scored = self.index.search(&analysis);
        let Some(&best) = scored.first() else {
            return self.unknown(question, &analysis, 0.0);
        };
        if best.score >= answer_threshold(scale) {
            return self.answer_scored(question, &analysis, best);
        }
        if best.score >= suggest_threshold(scale) {
            return self.did_you_mean(question, &analysis, &scored);
        }
        self.unknown(question, &analysis, best.score)
    }

    /// How the engine read a question: its language, terms, corrections and the best-scoring
    /// intents. For editors tuning the fact base (`ask --explain`).
    pub fn explain(&self, question: &str, hint: Option<Lang>) -> String {
        let analysis = self.index.analyze(question.trim(), hint);
        let mut lines = vec![format!(
            "lang: {}  years: {:?}  latest: {}  outside: {:?}",
            analysis.lang, analysis.years, analysis.wants_latest, analysis.outside
        )];
        lines.extend(
            self.index
                .explain_terms(&analysis)
                .into_iter()
                .map(|line| format!("  {line}")),
        );
        for scored in self.index.search(&analysis).iter().take(5) {
            lines.push(format!(
                "  {:.3} {}",
                scored.score, self.knowledge.intents[scored.intent].id
            ));
        }
        lines.join("\n")
    }

    /// Up to `limit` answers for a question, best first: one per intent that scores at least
    /// the "did you mean" threshold. For inline queries, where the user picks the one to send.
    pub fn top_answers(&self, question: &str, hint: Option<Lang>, limit: usize) -> Vec<Answer> {
        let trimmed = question.trim();
        if trimmed.chars().count() > MAX_QUESTION_CHARS {
            return Vec::new();
        }
        let analysis = self.index.analyze(trimmed, hint);
        if !analysis.outside.is_empty() {
            return Vec::new();
        }
        self.index
            .search(&analysis)
            .into_iter()
            .take_while(|scored| scored.score >= suggest_threshold(analysis.lang))
            .map(|scored| self.answer_scored(question, &analysis, scored))
            .filter(|answer| answer.kind == Kind::Answered)
            .take(limit)
            .collect()
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
        let analysis = Analysis {
            lang,
            ..Analysis::default()
        };
        Some(self.answer_scored(
            id,
            &analysis,
            Scored {
                intent: index,
                score: 1.0,
            },
        ))
    }

    fn answer_scored(&self, question: &str, analysis: &Analysis, best: Scored) -> Answer {
        let intent = &self.knowledge.intents[best.intent];
        let lang = analysis.lang;
        let facts = select_facts(intent, analysis);
        if facts.is_empty() {
            return self.no_period(question, analysis, best);
        }
        // Sources are numbered in order of first citation; markers only when there are several.
        let mut cited: Vec<usize> = Vec::new();
        for fact in &facts {
            for &source in &fact.sources {
                if !cited.contains(&source) {
                    cited.push(source);
                }
            }
        }
        let paragraphs: Vec<String> = facts
            .iter()
            .map(|fact| {
                let text = fact.text.text(lang).to_owned();
                if cited.len() < 2 {
                    return text;
                }
                let marks: Vec<String> = fact
                    .sources
                    .iter()
                    .map(|s| (cited.iter().position(|c| c == s).unwrap_or(0) + 1).to_string())
                    .collect();
                format!("{text} [{}]", marks.join(", "))
            })
            .collect();
        let sources: Vec<SourceRef> = cited.iter().map(|&i| self.source_ref(i, lang)).collect();
        let sources_heading = self
            .knowledge
            .message(
                if sources.len() == 1 {
                    "source"
                } else {
                    "sources"
                },
                lang,
            )
            .to_owned();
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
        Answer {
            question: question.to_owned(),
            lang,
            kind: Kind::Answered,
            intent: Some(intent.id.clone()),
            confidence: best.score,
            paragraphs,
            text,
            sources,
            sources_heading,
            suggestions: Vec::new(),
            related: intent
                .related
                .iter()
                .map(|&i| self.suggestion(i, lang))
                .collect(),
        }
    }

    fn did_you_mean(&self, question: &str, analysis: &Analysis, scored: &[Scored]) -> Answer {
        let floor = scored[0].score * 0.75;
        let suggestions: Vec<Suggestion> = scored
            .iter()
            .take_while(|s| s.score >= floor)
            .take(MAX_SUGGESTIONS)
            .map(|s| self.suggestion(s.intent, analysis.lang))
            .collect();
        let mut message = self
            .knowledge
            .message("did_you_mean", analysis.lang)
            .to_owned();
        for suggestion in &suggestions {
            message.push_str(&format!("\n• {}", suggestion.title));
        }
        self.message(
            question,
            analysis.lang,
            Kind::DidYouMean,
            scored[0].score,
            message,
            suggestions,
        )
    }

    fn unknown(&self, question: &str, analysis: &Analysis, confidence: f32) -> Answer {
        let topics = self.topic_list(analysis.lang);
        let message = fill(
            self.knowledge.message("unknown", analysis.lang),
            &[("topics", &topics)],
        );
        self.message(
            question,
            analysis.lang,
            Kind::Unknown,
            confidence,
            message,
            Vec::new(),
        )
    }

    fn no_period(&self, question: &str, analysis: &Analysis, best: Scored) -> Answer {
        let intent = &self.knowledge.intents[best.intent];
        let years: Vec<String> = analysis.years.iter().map(u16::to_string).collect();
        let covered: Vec<String> = intent
            .facts
            .iter()
            .filter_map(|fact| fact.period.as_ref())
            .map(|period| period.label(analysis.lang))
            .collect();
        let message = fill(
            self.knowledge.message("no_period", analysis.lang),
            &[
                ("title", intent.title.text(analysis.lang)),
                ("years", &years.join(", ")),
                ("periods", &covered.join("; ")),
            ],
        );
        let suggestions = vec![self.suggestion(best.intent, analysis.lang)];
        self.message(
            question,
            analysis.lang,
            Kind::NoPeriod,
            best.score,
            message,
            suggestions,
        )
    }

    fn help_text(&self, lang: Lang) -> String {
        let topics = self.topic_list(lang);
        let example = self.knowledge.message("example_question", lang);
        fill(
            self.knowledge.message("help", lang),
            &[("example", example), ("topics", &topics)],
        )
    }

    /// The topics the bot knows, for "I don't know" and help replies: `Visa-free travel; Trade…`.
    fn topic_list(&self, lang: Lang) -> String {
        let titles: Vec<&str> = self
            .knowledge
            .topics
            .iter()
            .map(|t| t.title.text(lang))
            .collect();
        titles.join("; ")
    }

    fn message(
        &self,
        question: &str,
        lang: Lang,
        kind: Kind,
        confidence: f32,
        message: String,
        suggestions: Vec<Suggestion>,
    ) -> Answer {
        Answer {
            question: question.to_owned(),
            lang,
            kind,
            intent: None,
            confidence,
            paragraphs: vec![message.clone()],
            text: message,
            sources: Vec::new(),
            sources_heading: String::new(),
            suggestions,
            related: Vec::new(),
        }
    }

    fn suggestion(&self, intent: usize, lang: Lang) -> Suggestion {
        let intent = &self.knowledge.intents[intent];
        Suggestion {
            intent: intent.id.clone(),
            title: intent.title.text(lang).to_owned(),
        }
    }

    fn source_ref(&self, index: usize, lang: Lang) -> SourceRef {
        let source = &self.knowledge.sources[index];
        SourceRef {
            id: source.id.clone(),
            outlet: source.outlet.clone(),
            title: source.title.clone(),
            date: source.date_text.clone(),
            citation: source.citation(lang, &self.knowledge),
        }
    }
}

/// The facts of `intent` that answer for the period asked about: those covering a year named
/// in the question, or the newest when the question asks for the latest, or all. Only an
/// intent holding a series of dated figures is filtered; empty means no figure fits.
fn select_facts<'a>(intent: &'a Intent, analysis: &Analysis) -> Vec<&'a knowledge::Fact> {
    if !intent.series {
        // A year before anything the intent reports ("trade partner in 2019") is a period the
        // articles do not cover; a later year still gets the facts, which stay true.
        let earliest = intent
            .facts
            .iter()
            .filter_map(|f| f.period.as_ref())
            .map(|p| p.start.year)
            .min();
        let all_before = |earliest: u16| {
            !analysis.years.is_empty() && analysis.years.iter().all(|&y| y < earliest)
        };
        if earliest.is_some_and(all_before) {
            return Vec::new();
        }
        return intent.facts.iter().collect();
    }
    if !analysis.years.is_empty() {
        return intent
            .facts
            .iter()
            .filter(|fact| {
                fact.period
                    .as_ref()
                    .is_some_and(|p| analysis.years.iter().any(|&y| p.covers_year(y)))
            })
            .collect();
    }
    if analysis.wants_latest {
        let newest = intent
            .facts
            .iter()
            .filter_map(|f| f.period.as_ref())
            .map(|p| p.end)
            .max();
        return intent
            .facts
            .iter()
            .filter(|f| f.period.as_ref().map(|p| p.end) == newest)
            .collect();
    }
    intent.facts.iter().collect()
}
