//! Any text as a Telegram message meets the bot's text handling: finding and removing the
//! bot's mention in a group, parsing commands, escaping for HTML and back, filling message
//! templates, reading button data, and splitting under Telegram's limit (an answer's own
//! paragraphs and sources included).
//!
//! Properties: no panic; each call within `common::budget` of the input's length; a mention
//! is found only at a character boundary and only where the username stands whole, and
//! removing it removes nothing else; escaped text has no markup and reads back unchanged;
//! every piece of a split fits its limit, is not blank when the text is not, cuts no entity,
//! and together the pieces keep every visible character in order; an answer's messages are
//! well formed HTML (`common::check_message_html`).
#![no_main]

mod common;

use kzcn_bot::bot::fuzzing::{find_mention, remove_mention};
use kzcn_bot::bot::render::{self, escape, parse_button, split, to_plain, MESSAGE_LIMIT};
use kzcn_bot::bot::Command;
use kzcn_bot::knowledge::{fill, Knowledge, Lang};
use kzcn_bot::{Answer, Kind, SourceRef, Suggestion};
use libfuzzer_sys::fuzz_target;
use teloxide::utils::command::BotCommands;

use common::{check_message_html, timed};

const USERNAME: &str = "kzcn_bot";
const MENTION: &str = "@kzcn_bot";

fn mention(text: &str) {
    let found = find_mention(text, MENTION);
    let removed = remove_mention(text, MENTION);
    let Some(at) = found else {
        assert_eq!(removed, text, "nothing found, yet something removed");
        return;
    };
    assert!(text.is_char_boundary(at), "a mention found mid-character");
    let end = at + MENTION.len();
    assert!(text.is_char_boundary(end), "a mention ending mid-character");
    assert!(text[at..end].eq_ignore_ascii_case(MENTION));
    assert!(
        !text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_'),
        "a longer username taken for the bot's"
    );
    let expected = format!("{}{}", &text[..at], &text[end..]);
    assert_eq!(removed, expected.trim());
}

fn command(text: &str) {
    // As a group question is read: the mention out, then a leading '/' is a command.
    let question = remove_mention(text, MENTION);
    if let Ok(Command::Ask(asked) | Command::Start(asked) | Command::Lang(asked)) =
        Command::parse(&question, USERNAME)
    {
        assert!(
            question.contains(asked.trim()),
            "an argument not in the message"
        );
    }
    Command::for_groups(text);
}

fn html(text: &str) {
    let escaped = escape(text);
    assert!(!escaped.contains(['<', '>']), "markup left in escaped text");
    assert!(
        escaped
            .match_indices('&')
            .all(|(at, _)| ["&amp;", "&lt;", "&gt;"]
                .iter()
                .any(|e| escaped[at..].starts_with(e))),
        "a bare '&' in escaped text"
    );
    assert_eq!(to_plain(&escaped), text, "escaped text does not read back");
    to_plain(text);
    // A message template filled with user text, as the handlers fill theirs.
    fill(
        &escaped,
        &[("topics", &escaped), ("example", "<code>x</code>")],
    );
    if let Some((_, _, id)) = parse_button(text) {
        assert!(text.ends_with(id), "button data read past its end");
    }
}

fn visible(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Splits `text` at `limit` and checks the pieces.
fn check_split(text: &str, limit: usize, escaped: bool) {
    let pieces = timed("split", text.chars().count(), || split(text, limit));
    assert!(!pieces.is_empty());
    for piece in &pieces {
        let units = piece.encode_utf16().count();
        assert!(units <= limit, "a piece of {units} units over {limit}");
        if !text.trim().is_empty() {
            assert!(
                !piece.trim().is_empty(),
                "a blank piece (Telegram refuses it)"
            );
        }
        if escaped {
            let cut_entity = piece.match_indices('&').any(|(at, _)| {
                !["&amp;", "&lt;", "&gt;"]
                    .iter()
                    .any(|e| piece[at..].starts_with(e))
            });
            assert!(!cut_entity, "an entity cut in two: {piece:?}");
        }
    }
    let kept: String = pieces.iter().map(|p| visible(p)).collect();
    assert_eq!(kept, visible(text), "visible text lost or reordered");
}

/// An answer whose paragraphs, citations and titles are the text, rendered for Telegram.
fn answer(text: &str) {
    // An answer's paragraphs are never blank.
    let mut paragraphs: Vec<String> = text
        .split('\n')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_owned)
        .collect();
    if paragraphs.is_empty() {
        paragraphs.push("-".to_owned());
    }
    let source = |citation: &str| SourceRef {
        id: "s".to_owned(),
        outlet: String::new(),
        title: String::new(),
        date: String::new(),
        citation: citation.to_owned(),
    };
    let mut answer = Answer {
        question: text.to_owned(),
        lang: Lang::En,
        kind: Kind::Answered,
        intent: Some("i".to_owned()),
        confidence: 1.0,
        text: text.to_owned(),
        sources: vec![source(text)],
        sources_heading: text.chars().take(20).collect(),
        suggestions: vec![Suggestion {
            intent: text.chars().take(64).collect(),
            title: text.to_owned(),
        }],
        related: Vec::new(),
        facts: vec![text.chars().take(64).collect()],
        partial: false,
        paragraphs,
        follow_up: None,
    };
    for sources in 0..3 {
        answer.sources = vec![source(text); sources];
        for piece in render::answer_html(&answer) {
            assert!(piece.encode_utf16().count() <= MESSAGE_LIMIT);
            assert!(!piece.trim().is_empty(), "a blank message");
            check_message_html(&piece);
        }
    }
    render::keyboard(&answer, &Knowledge::default());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let chars = text.chars().count();
    timed("mention", chars, || mention(text));
    timed("command", chars, || command(text));
    timed("html", chars, || html(text));
    // Telegram's own limit, and a small one that makes short texts cut too.
    let small = 5 + data.first().map_or(0, |&b| usize::from(b) % 60);
    let escaped = escape(text);
    for limit in [MESSAGE_LIMIT, small] {
        check_split(&escaped, limit, true);
        check_split(text, limit, false);
    }
    timed("answer_html", chars, || answer(text));
});
