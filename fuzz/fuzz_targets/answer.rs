//! Any text as a question, on the real fact base: `Engine::answer`, a follow-up after an
//! answered question, a pinned reply language, inline answers, `/start` payloads and buttons,
//! `ask --explain`, then the answer as `ask --json` prints it and as Telegram HTML.
//!
//! Properties: no panic; each call within `common::budget` of the input's length; an answer
//! always says something, its confidence is in 0..1, an intent only when answered; the JSON
//! line is one line that reads back to the same question and text; every HTML piece fits
//! Telegram's limit, is not blank, and is well formed (`common::check_message_html`).
#![no_main]

mod common;

use std::path::Path;
use std::sync::OnceLock;

use kzcn_bot::bot::render::{self, MESSAGE_LIMIT};
use kzcn_bot::console::to_json_line;
use kzcn_bot::knowledge::Lang;
use kzcn_bot::{Answer, Engine, FollowUp, Kind};
use libfuzzer_sys::fuzz_target;

use common::{check_message_html, timed};

struct Fixture {
    engine: Engine,
    /// What "When did the visa-free regime start?" was about: the context of a follow-up.
    follow_up: FollowUp,
}

/// The real `knowledge/` base, loaded once per process.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge");
        let engine = Engine::load(&dir).expect("the real knowledge base loads");
        let follow_up = engine
            .answer("When did the visa-free regime start?", None)
            .follow_up
            .expect("the visa question is answered");
        Fixture { engine, follow_up }
    })
}

/// No language, or one of the four: the interface hint or a chat's pinned language.
fn lang_of(n: usize) -> Option<Lang> {
    [
        None,
        Some(Lang::En),
        Some(Lang::Ru),
        Some(Lang::Kk),
        Some(Lang::Zh),
    ][n % 5]
}

fn check_answer(answer: &Answer, question: &str) {
    assert_eq!(answer.question, question, "the answer keeps the question");
    assert!(
        !answer.text.trim().is_empty(),
        "an empty reply to {question:?}"
    );
    assert!(
        (0.0..=1.0).contains(&answer.confidence),
        "confidence {} for {question:?}",
        answer.confidence
    );
    if answer.intent.is_some() {
        assert_eq!(answer.kind, Kind::Answered, "an intent, yet not answered");
    }
    check_json(answer);
    check_html(answer);
}

fn check_json(answer: &Answer) {
    let line = to_json_line(answer);
    assert!(
        !line.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']),
        "a line break inside the JSON line"
    );
    let value: serde_json::Value = serde_json::from_str(&line).expect("the JSON line parses");
    assert_eq!(value["question"].as_str(), Some(answer.question.as_str()));
    assert_eq!(value["answer"].as_str(), Some(answer.text.as_str()));
    assert_eq!(value["intent"].as_str(), answer.intent.as_deref());
}

fn check_html(answer: &Answer) {
    for piece in render::answer_html(answer) {
        assert!(
            piece.encode_utf16().count() <= MESSAGE_LIMIT,
            "a piece over Telegram's limit"
        );
        assert!(!piece.trim().is_empty(), "a blank message");
        check_message_html(&piece);
    }
}

fuzz_target!(|data: &[u8]| {
    let Fixture { engine, follow_up } = fixture();
    let question = String::from_utf8_lossy(data);
    let question = question.as_ref();
    let chars = question.chars().count();
    let (hint, pinned) = (lang_of(data.len()), lang_of(data.len() / 5));

    let answer = timed("answer", chars, || engine.answer(question, hint));
    check_answer(&answer, question);

    let after = timed("answer_after", chars, || {
        engine.answer_after(question, hint, pinned, Some(follow_up))
    });
    check_answer(&after, question);

    let inline = timed("top_answers", chars, || {
        engine.top_answers(question, hint, 5)
    });
    assert!(inline.len() <= 5);
    for answer in &inline {
        assert!(answer.intent.is_some(), "an inline result with no intent");
        check_html(answer);
    }

    let lang = pinned.unwrap_or_default();
    if let Some(answer) = engine.answer_topic(question.trim(), lang) {
        check_html(&answer);
    }
    timed("explain", chars, || engine.explain(question, hint));
});
