//! Properties that hold for any input, checked on generated hostile text (any Unicode, the
//! characters that broke the bot before, HTML, long repetitions up to and past a message's
//! limit): normalisation, analysis, retrieval, `Engine::answer` with the work it does, the
//! Telegram rendering, command parsing and message splitting, and the knowledge loader.
//!
//! Each property runs a modest number of cases, so the suite stays well under a minute in a
//! debug build; a failure is shrunk and kept in `proptest-regressions/` to be run first ever
//! after.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::sample::select;

use kzcn_bot::answer::{MAX_NORMAL_CHARS, MAX_QUESTION_CHARS};
use kzcn_bot::bot::render::{answer_html, escape, split, to_plain, MESSAGE_LIMIT};
use kzcn_bot::bot::Command;
use kzcn_bot::console::to_json_line;
use kzcn_bot::knowledge::Lang;
use kzcn_bot::matching::work::{measure, Work};
use kzcn_bot::matching::{
    detect_lang, normal_form_exceeds, normalize, LOOKUPS_PER_TERM, MAX_CANDIDATES, MAX_TERMS,
    MAX_TYPO_KEYS,
};
use kzcn_bot::{Engine, Kind};
use teloxide::utils::command::BotCommands;

use crate::util::{copy_dir, engine, fixture, index, load_within_10s, term_budget};

/// What hostile text is made of: question words of every language, the characters that broke
/// the bot before (case mappings that change length, ligatures that expand), invisible and
/// combining characters, right-to-left text, controls, markup, mentions and commands.
const PIECES: &[&str] = &[
    "visa",
    "trade",
    "2022",
    "30",
    "how many",
    "when",
    "and",
    "Karaganda",
    "I heard that",
    "is that right",
    "billion",
    "latest",
    "?",
    ",",
    "，",
    "。",
    "1)",
    ".",
    "-",
    "'",
    "’",
    "24,2",
    "5,000",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\n\n",
    "İ",
    "ß",
    "\u{212A}",
    "ǅ",
    "ﬁ",
    "\u{FDFA}",
    "\u{200B}",
    "\u{200D}",
    "\u{FEFF}",
    "e\u{301}",
    "\u{301}\u{301}\u{301}",
    "👍🏽",
    "🇰🇿",
    "\u{202E}",
    "שלום",
    "مرحبا",
    "\0",
    "\u{7}",
    "\u{1b}[31m",
    "\u{85}",
    "\u{2028}",
    "<b>",
    "</b>",
    "<script>",
    "&amp;",
    "&",
    "<",
    ">",
    "*bold*",
    "_x_",
    "`code`",
    "[link](http://x)",
    "виза",
    "қашан",
    "сауда",
    "сколько",
    "qytai",
    "kogda",
    "签证",
    "簽證",
    "贸易额",
    "亿",
    "年",
    "@kzcn_bot",
    "@KZCN_BOT",
    "/ask",
    "abcdefghijklmnopqrstuvwxyz",
];

/// Text as a hostile or careless user sends it: arbitrary characters, pieces of the list above
/// in any order, or one piece repeated up to past a message's limit.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(select(PIECES), 0..48).prop_map(|pieces| pieces.concat()),
        prop::collection::vec((select(PIECES), any::<char>()), 0..24).prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(piece, c)| format!("{piece}{c}"))
                .collect()
        }),
        (select(PIECES), 1..1400usize).prop_map(|(piece, n)| {
            piece
                .repeat(n)
                .chars()
                .take(MAX_QUESTION_CHARS + 8)
                .collect()
        }),
    ]
}

fn any_hint() -> impl Strategy<Value = Option<Lang>> {
    prop_oneof![Just(None), select(Lang::ALL.to_vec()).prop_map(Some)]
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The text without its whitespace: what a reader gets back when split messages are read in
/// turn (the splitter cuts at spaces and line breaks, which the cut itself stands for).
fn content(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether every `&` in `html` starts one of the entities `escape` writes.
fn entities_whole(html: &str) -> bool {
    html.match_indices('&').all(|(at, _)| {
        ["&amp;", "&lt;", "&gt;"]
            .iter()
            .any(|e| html[at..].starts_with(e))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn normalised_text_is_plain_words_of_bounded_length(text in hostile()) {
        let normal = normalize(&text);
        prop_assert!(!normal.starts_with(' ') && !normal.ends_with(' '), "{normal:?}");
        prop_assert!(!normal.contains("  "), "{normal:?}");
        let chars: Vec<char> = normal.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let between_digits = c == '.'
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            prop_assert!(
                c == ' ' || c.is_alphanumeric() || between_digits,
                "{c:?} in {normal:?}"
            );
        }
        // NFKC turns one character into at most 18 (U+FDFA), lowercasing into at most 3.
        prop_assert!(chars.len() <= 54 * text.chars().count());
        prop_assert_eq!(normalize(&normal), normal.clone(), "normalising twice changes it");
    }

    #[test]
    fn language_is_told_from_letters_and_the_hint_only_settles_the_rest(
        text in hostile(),
        hint in any_hint(),
    ) {
        let lang = detect_lang(&text, hint);
        let letters = text
            .chars()
            .any(|c| c.is_ascii_alphabetic() || kzcn_bot::matching::is_han(c) || matches!(c, '\u{400}'..='\u{52F}'));
        if !letters {
            prop_assert_eq!(lang, hint.unwrap_or(Lang::En));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn analysis_gives_distinct_single_word_terms_and_real_years(
        text in hostile(),
        hint in any_hint(),
    ) {
        let analysis = index().analyze(&text, hint);
        prop_assert_eq!(analysis.lang, detect_lang(&text, hint));
        let mut seen = std::collections::HashSet::new();
        for term in &analysis.terms {
            prop_assert!(!term.is_empty() && !term.contains(char::is_whitespace), "{term:?}");
            prop_assert!(seen.insert(term), "{term:?} twice in {:?}", analysis.terms);
        }
        for year in &analysis.years {
            prop_assert!((1900..=2100).contains(year));
        }
    }

    #[test]
    fn search_scores_each_intent_once_best_first_within_0_and_1(
        text in hostile(),
        hint in any_hint(),
    ) {
        let index = index();
        let analysis = index.analyze(&text, hint);
        let (resolved, work) = measure(|| index.resolve(&analysis));
        prop_assert!(resolved.known() <= MAX_TERMS);
        prop_assert!(work.terms <= MAX_TERMS, "{work:?}");
        prop_assert!(work.lookups <= LOOKUPS_PER_TERM * work.terms, "{work:?}");
        let scored = index.search_resolved(&analysis, &resolved);
        let intents = engine().knowledge().intents.len();
        let mut seen = std::collections::HashSet::new();
        for pair in scored.windows(2) {
            prop_assert!(pair[0].score >= pair[1].score, "not best first: {scored:?}");
        }
        for s in &scored {
            prop_assert!(s.score.is_finite() && (0.0..=1.0).contains(&s.score), "{s:?}");
            prop_assert!(s.intent < intents && seen.insert(s.intent), "{s:?}");
        }
    }

    #[test]
    fn every_answer_has_text_and_names_an_intent_only_when_answered(
        text in hostile(),
        hint in any_hint(),
    ) {
        let engine = engine();
        let (answer, work) = measure(|| engine.answer(&text, hint));
        prop_assert!(!answer.text.trim().is_empty(), "no text for {text:?}");
        prop_assert_eq!(answer.intent.is_some(), answer.kind == Kind::Answered, "{:?}", answer);
        prop_assert!(answer.confidence.is_finite() && (0.0..=1.0).contains(&answer.confidence));
        prop_assert_eq!(&answer.question, &text);
        // Exactly the messages within both caps are read.
        let trimmed = text.trim();
        let within = trimmed.chars().count() <= MAX_QUESTION_CHARS
            && !normal_form_exceeds(trimmed, MAX_NORMAL_CHARS);
        prop_assert_eq!(answer.kind != Kind::TooLong, within);
        prop_assert!(answer.suggestions.len() <= 3);
        // The work that grows with the question stays under its caps, however it is written.
        check_work(&text, work)?;
        // Stateless and deterministic: the same question, the same answer.
        prop_assert_eq!(&engine.answer(&text, hint), &answer);
        // The console's line for it is one line of JSON, whatever the text held.
        let line = to_json_line(&answer);
        let breaks = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];
        prop_assert!(!line.contains(breaks), "a line break in {line:?}");
        let value: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        prop_assert_eq!(value["question"].as_str(), Some(text.as_str()));
        prop_assert_eq!(value["intent"].is_null(), answer.kind != Kind::Answered);
    }

    #[test]
    fn answers_render_as_escaped_html_within_the_message_limit(
        text in hostile(),
        hint in any_hint(),
    ) {
        let answer = engine().answer(&text, hint);
        let pieces = answer_html(&answer);
        prop_assert!(!pieces.is_empty());
        for piece in &pieces {
            prop_assert!(utf16_len(piece) <= MESSAGE_LIMIT);
            prop_assert!(!piece.trim().is_empty(), "an empty message for {text:?}");
            // The only tags are the renderer's own.
            let untagged = piece.replace("<i>", "").replace("</i>", "");
            prop_assert!(!untagged.contains(['<', '>']), "raw markup in {piece:?}");
            prop_assert!(entities_whole(piece), "a raw & in {piece:?}");
        }
        let shown = to_plain(&pieces.join("\n\n"));
        prop_assert_eq!(content(&shown), content(&answer.text));
    }

    #[test]
    fn escaping_leaves_no_markup_and_reads_back_as_the_text(text in hostile()) {
        let html = escape(&text);
        prop_assert!(!html.contains(['<', '>']), "{html:?}");
        prop_assert!(entities_whole(&html), "{html:?}");
        prop_assert_eq!(to_plain(&html), text);
    }

    #[test]
    fn split_messages_fit_the_limit_and_keep_the_whole_text(
        text in prop_oneof![
            hostile(),
            (select(PIECES), 1..6000usize).prop_map(|(p, n)| p.repeat(n)),
        ],
    ) {
        let pieces = split(&text, MESSAGE_LIMIT);
        for piece in &pieces {
            prop_assert!(utf16_len(piece) <= MESSAGE_LIMIT);
        }
        prop_assert_eq!(content(&pieces.concat()), content(&text));
        if utf16_len(&text) <= MESSAGE_LIMIT {
            prop_assert_eq!(pieces.len(), 1, "a text that fits is sent as one message");
        }
    }

    #[test]
    fn split_escaped_text_never_cuts_an_entity_whatever_the_limit(
        text in hostile(),
        limit in 8..80usize,
    ) {
        let html = escape(&text);
        let pieces = split(&html, limit);
        for piece in &pieces {
            prop_assert!(utf16_len(piece) <= limit, "{piece:?} over {limit}");
            prop_assert!(entities_whole(piece), "an entity cut in {piece:?}");
        }
        prop_assert_eq!(content(&pieces.concat()), content(&html));
    }

    #[test]
    fn commands_parse_for_this_bot_only_and_keep_their_argument(
        text in hostile(),
        argument in "[a-zA-Z0-9 ?]{0,40}",
    ) {
        // Any text: parsed or not, never a panic.
        let _ = Command::parse(&text, "kzcn_bot");
        let argument = argument.trim();
        let ask = Command::parse(&format!("/ask {argument}"), "kzcn_bot");
        prop_assert_eq!(ask.ok(), Some(Command::Ask(argument.to_owned())));
        let addressed = Command::parse(&format!("/ask@kzcn_bot {argument}"), "kzcn_bot");
        prop_assert_eq!(addressed.ok(), Some(Command::Ask(argument.to_owned())));
        let other = Command::parse(&format!("/ask@other_bot {argument}"), "kzcn_bot");
        prop_assert!(other.is_err());
    }
}

/// Holds one answer's work to the caps: no lookup probes more keys than the deletions of the
/// longest word corrected, none compares more than `MAX_CANDIDATES` terms, and the terms
/// resolved stay within `term_budget`.
fn check_work(question: &str, work: Work) -> Result<(), TestCaseError> {
    prop_assert!(work.most_keys <= MAX_TYPO_KEYS, "{work:?}");
    prop_assert!(work.most_candidates <= MAX_CANDIDATES, "{work:?}");
    prop_assert!(work.lookups <= LOOKUPS_PER_TERM * work.terms, "{work:?}");
    prop_assert!(work.terms <= term_budget(question), "{work:?}");
    Ok(())
}

/// TOML-ish text: fragments of knowledge files (tables, keys, ids the fixture uses, strings
/// with escapes, unclosed quotes and brackets) mixed with arbitrary lines.
fn tomlish() -> impl Strategy<Value = Vec<u8>> {
    const FRAGMENTS: &[&str] = &[
        "[[intent]]\n",
        "[[intent.fact]]\n",
        "[[source]]\n",
        "[[topic]]\n",
        "[[message]]\n",
        "[lexicon]\n",
        "[intent]\n",
        "id = \"visa-days\"\n",
        "id = \"extra\"\n",
        "id = \"paper\"\n",
        "id = \"\"\n",
        "topic = \"travel\"\n",
        "topic = \"nowhere\"\n",
        "command = \"travel\"\n",
        "command = \"help\"\n",
        "title.en = \"Extra\"\n",
        "text.en = \"Up to 30 days {count}\"\n",
        "text.zz = \"?\"\n",
        "keywords.en = [\"visa\", \"\"]\n",
        "examples.en = []\n",
        "sources = [\"paper\"]\n",
        "sources = [\"nowhere\"]\n",
        "related = [\"train-count\", \"extra\"]\n",
        "period = \"2023-11-10\"\n",
        "period = \"2023-13-45..1999\"\n",
        "date = \"2023-02-30\"\n",
        "series = true\n",
        "outlet = \"Test\"\n",
        "synonyms.en = [[\"a\", \"b\"], []]\n",
        "stopwords.en = [\"the\"]\n",
        "\"\"\"\n",
        "'''\n",
        "= \"\n",
        "[[\n",
        "]]\n",
        "\\u{0}\n",
        "\"\\uD800\"\n",
        "# comment\n",
        "\n",
    ];
    let line = prop_oneof![
        3 => select(FRAGMENTS).prop_map(|f| f.as_bytes().to_vec()),
        1 => any::<String>().prop_map(|s| format!("{s}\n").into_bytes()),
        1 => (any::<String>(), any::<String>())
            .prop_map(|(k, v)| format!("{k:?} = {v:?}\n").into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..16),
    ];
    prop::collection::vec(line, 0..24).prop_map(|lines| lines.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_extra_file_loads_or_is_reported_line_by_line(bytes in tomlish()) {
        static RUN: AtomicUsize = AtomicUsize::new(0);
        let n = RUN.fetch_add(1, Ordering::SeqCst);
        let dir = copy_dir(&fixture("mini"), &format!("prop-loader-{n}"));
        std::fs::write(dir.join("extra.toml"), &bytes).unwrap();
        let loaded = load_within_10s(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        match loaded {
            Ok(knowledge) => {
                let engine = Engine::new(knowledge);
                let answer = engine.answer("How many days without a visa?", None);
                prop_assert!(!answer.text.trim().is_empty());
            }
            Err(error) => {
                let problems = error.problems();
                prop_assert!(!problems.is_empty());
                for problem in &problems {
                    prop_assert!(!problem.contains(['\n', '\r']), "{problem:?}");
                    prop_assert!(problem.contains(".toml"), "no file named: {problem:?}");
                }
            }
        }
    }
}
