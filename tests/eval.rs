//! The labelled evaluation set: questions written apart from the fact base's own examples,
//! with the intent each should get ("none" where the bot must say it does not know).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kzcn_bot::knowledge::Lang;
use serde::Deserialize;

use crate::util::{engine, root, Tally};

#[derive(Deserialize)]
struct EvalSet {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    q: String,
    expect: String,
    kind: String,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    contains: Vec<String>,
}

const IN_SCOPE_MIN: f64 = 0.95;
const OUT_OF_SCOPE_MIN: f64 = 0.95;
const HELD_OUT_MIN: f64 = 0.75;
const OTHER_LANGUAGE_MIN: f64 = 0.90;

fn load(lang: &str) -> EvalSet {
    let path = root().join(format!("tests/eval/{lang}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What one evaluation set scored.
struct Score {
    in_scope: Tally,
    out_of_scope: Tally,
    /// Answers written in the question's language (every case counts, "I don't know" too).
    language: Tally,
    report: String,
}

/// Whether `text` reads as `lang`: Chinese characters for Chinese, Cyrillic letters outnumbering
/// Latin ones for Russian and Kazakh, Latin for English.
fn written_in(text: &str, lang: Lang) -> bool {
    let body = text;
    let han = body
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    let cyrillic = body
        .chars()
        .filter(|c| ('\u{0400}'..='\u{04FF}').contains(c))
        .count();
    let latin = body.chars().filter(char::is_ascii_alphabetic).count();
    match lang {
        Lang::Zh => han > 0 && han * 2 >= latin,
        Lang::Ru | Lang::Kk => cyrillic > latin,
        Lang::En => latin > cyrillic + han,
    }
}

/// Runs one evaluation set in `lang`; prints the accuracy table and the misses.
fn evaluate(name: &str, lang: Lang) -> Score {
    let engine = engine();
    let set = load(name);
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut in_scope, mut out_of_scope, mut language) =
        (Tally::default(), Tally::default(), Tally::default());
    let mut misses = String::new();
    for case in &set.case {
        assert!(
            case.expect == "none" || engine.knowledge().intent(&case.expect).is_some(),
            "eval case {:?} expects unknown intent {}",
            case.q,
            case.expect
        );
        // The interface language is unknown: many people write Russian with an English interface.
        let answer = engine.answer(&case.q, None);
        let got = answer.intent.as_deref().unwrap_or("none");
        let right = if case.expect == "none" {
            answer.intent.is_none()
        } else {
            (got == case.expect || case.also.iter().any(|a| a == got))
                && case
                    .contains
                    .iter()
                    .all(|needle| answer.text.contains(needle.as_str()))
        };
        let in_language = answer.lang == lang && written_in(&answer.paragraphs.join("\n"), lang);
        by_kind.entry(case.kind.clone()).or_default().add(right);
        if case.expect == "none" {
            &mut out_of_scope
        } else {
            &mut in_scope
        }
        .add(right);
        language.add(in_language);
        if !right || !in_language {
            let _ = writeln!(
                misses,
                "  {:?}: expected {}, got {got} ({:.2}, {:?}, lang {})",
                case.q, case.expect, answer.confidence, answer.kind, answer.lang
            );
        }
    }
    let mut table = format!("\n{name}: kind   right  total  accuracy\n");
    let mut row = |label: &str, tally: &Tally| {
        let _ = writeln!(
            table,
            "{label:<12} {:>6} {:>6}   {:>6.1}%",
            tally.right,
            tally.total,
            100.0 * tally.rate()
        );
    };
    for (kind, tally) in &by_kind {
        row(kind, tally);
    }
    row("in-scope", &in_scope);
    row("out-of-scope", &out_of_scope);
    row("language", &language);
    println!("{table}");
    if !misses.is_empty() {
        println!("misses:\n{misses}");
    }
    Score {
        in_scope,
        out_of_scope,
        language,
        report: format!("{table}\n{misses}"),
    }
}

#[test]
fn english_evaluation_set_meets_its_thresholds() {
    let score = evaluate("en", Lang::En);
    let report = &score.report;
    assert!(
        score.in_scope.total + score.out_of_scope.total >= 200,
        "the set needs at least 200 questions"
    );
    assert!(
        score.out_of_scope.total >= 40,
        "the set needs at least 40 out-of-scope questions"
    );
    assert!(
        score.in_scope.rate() >= IN_SCOPE_MIN,
        "in-scope accuracy below {IN_SCOPE_MIN}:{report}"
    );
    assert!(
        score.out_of_scope.rate() >= OUT_OF_SCOPE_MIN,
        "out-of-scope accuracy below {OUT_OF_SCOPE_MIN}:{report}"
    );
    assert!(
        score.language.rate() >= IN_SCOPE_MIN,
        "answers not in English:{report}"
    );
}

/// A second set, written apart from both the fact base and the first set and never used to
/// tune the matcher: its figure says how well the matcher generalises. Its floor is lower
/// because it is not tuned against; a drop below it means a real regression.
#[test]
fn english_held_out_set_stays_above_its_floor() {
    let score = evaluate("en-holdout", Lang::En);
    let report = &score.report;
    assert!(
        score.in_scope.rate() >= HELD_OUT_MIN,
        "held-out in-scope accuracy below {HELD_OUT_MIN}:{report}"
    );
    assert!(
        score.out_of_scope.rate() >= HELD_OUT_MIN,
        "held-out out-of-scope accuracy below {HELD_OUT_MIN}:{report}"
    );
}

/// Russian, Kazakh and Chinese: each set has its own minimum size, and each must reach 90% in
/// scope, 90% out of scope, and answer in the question's language.
#[test]
fn other_language_evaluation_sets_meet_their_thresholds() {
    let mut failures = Vec::new();
    for (name, lang, minimum) in [
        ("ru", Lang::Ru, 60),
        ("kk", Lang::Kk, 30),
        ("zh", Lang::Zh, 40),
    ] {
        let score = evaluate(name, lang);
        let total = score.in_scope.total + score.out_of_scope.total;
        let traps = score.out_of_scope.total as f64 / total as f64;
        if total < minimum || !(0.10..=0.25).contains(&traps) {
            failures.push(format!(
                "{name}: {total} questions, {:.0}% traps (needs {minimum}+, about 15%)",
                traps * 100.0
            ));
        }
        for (what, tally) in [
            ("in-scope", &score.in_scope),
            ("out-of-scope", &score.out_of_scope),
            ("language", &score.language),
        ] {
            if tally.rate() < OTHER_LANGUAGE_MIN {
                failures.push(format!(
                    "{name}: {what} {:.1}% < {:.0}%{}",
                    100.0 * tally.rate(),
                    100.0 * OTHER_LANGUAGE_MIN,
                    score.report
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn evaluation_questions_are_not_copies_of_knowledge_examples() {
    // The figure means nothing if the test questions are the fact base's own phrasings.
    let engine = engine();
    let squash = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    // No question may repeat a phrasing or keyword, except a two-or-three-word keyword query:
    // "Luban Workshop" or "углеродная нейтральность 2060" can only be written one way.
    let (mut examples, mut keywords) = (
        std::collections::BTreeSet::new(),
        std::collections::BTreeSet::new(),
    );
    for intent in &engine.knowledge().intents {
        for lang in Lang::ALL {
            examples.extend(
                intent
                    .examples
                    .get(lang)
                    .into_iter()
                    .flatten()
                    .map(|t| squash(t)),
            );
            keywords.extend(
                intent
                    .keywords
                    .get(lang)
                    .into_iter()
                    .flatten()
                    .map(|t| squash(t)),
            );
        }
    }
    let mut copies = Vec::new();
    for name in ["en", "en-holdout", "ru", "kk", "zh"] {
        for case in load(name).case {
            let q = squash(&case.q);
            if case.kind != "keyword" && (examples.contains(&q) || keywords.contains(&q)) {
                copies.push(format!("{name}: {}", case.q));
            }
        }
    }
    assert!(
        copies.is_empty(),
        "evaluation questions copied from knowledge/: {copies:?}"
    );
}
