//! The labelled evaluation set: questions written apart from the fact base's own examples,
//! with the intent each should get ("none" where the bot must say it does not know).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kzcn_bot::knowledge::Lang;
use serde::Deserialize;

use crate::util::{engine, root};

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

#[derive(Default)]
struct Tally {
    total: usize,
    right: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.total += 1;
        self.right += usize::from(right);
    }

    fn rate(&self) -> f64 {
        if self.total == 0 {
            return 1.0;
        }
        self.right as f64 / self.total as f64
    }
}

fn load(lang: &str) -> EvalSet {
    let path = root().join(format!("tests/eval/{lang}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs one evaluation set; prints the accuracy table and the misses; returns the in-scope
/// and out-of-scope accuracy with the table and misses for failure messages.
fn evaluate(name: &str) -> (Tally, Tally, String) {
    let engine = engine();
    let set = load(name);
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut in_scope, mut out_of_scope) = (Tally::default(), Tally::default());
    let mut misses = String::new();
    for case in &set.case {
        assert!(
            case.expect == "none" || engine.knowledge().intent(&case.expect).is_some(),
            "eval case {:?} expects unknown intent {}",
            case.q,
            case.expect
        );
        let answer = engine.answer(&case.q, Some(Lang::En));
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
        by_kind.entry(case.kind.clone()).or_default().add(right);
        if case.expect == "none" {
            &mut out_of_scope
        } else {
            &mut in_scope
        }
        .add(right);
        if !right {
            let _ = writeln!(
                misses,
                "  {:?}: expected {}, got {got} ({:.2}, {:?})",
                case.q, case.expect, answer.confidence, answer.kind
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
    println!("{table}");
    if !misses.is_empty() {
        println!("misses:\n{misses}");
    }
    (in_scope, out_of_scope, format!("{table}\n{misses}"))
}

#[test]
fn english_evaluation_set_meets_its_thresholds() {
    let (in_scope, out_of_scope, report) = evaluate("en");
    assert!(
        in_scope.total + out_of_scope.total >= 200,
        "the set needs at least 200 questions"
    );
    assert!(
        out_of_scope.total >= 40,
        "the set needs at least 40 out-of-scope questions"
    );
    assert!(
        in_scope.rate() >= IN_SCOPE_MIN,
        "in-scope accuracy below {IN_SCOPE_MIN}:{report}"
    );
    assert!(
        out_of_scope.rate() >= OUT_OF_SCOPE_MIN,
        "out-of-scope accuracy below {OUT_OF_SCOPE_MIN}:{report}"
    );
}

/// A second set, written apart from both the fact base and the first set and never used to
/// tune the matcher: its figure says how well the matcher generalises. Its floor is lower
/// because it is not tuned against; a drop below it means a real regression.
#[test]
fn english_held_out_set_stays_above_its_floor() {
    let (in_scope, out_of_scope, report) = evaluate("en-holdout");
    assert!(
        in_scope.rate() >= HELD_OUT_MIN,
        "held-out in-scope accuracy below {HELD_OUT_MIN}:{report}"
    );
    assert!(
        out_of_scope.rate() >= HELD_OUT_MIN,
        "held-out out-of-scope accuracy below {HELD_OUT_MIN}:{report}"
    );
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
    let mut phrasings = std::collections::BTreeSet::new();
    for intent in &engine.knowledge().intents {
        for text in intent
            .examples
            .en
            .iter()
            .flatten()
            .chain(intent.keywords.en.iter().flatten())
        {
            phrasings.insert(squash(text));
        }
    }
    let set = load("en");
    let copies: Vec<&str> = set
        .case
        .iter()
        .filter(|c| phrasings.contains(&squash(&c.q)))
        .map(|c| c.q.as_str())
        .collect();
    assert!(
        copies.is_empty(),
        "evaluation questions copied from knowledge/: {copies:?}"
    );
}
