//! Hostile and odd input, case by case, through `Engine::answer` and through the real
//! `kzcn-bot ask --json`: every line in gets exactly one JSON line out, the same the engine
//! gives for that text, and the Telegram rendering escapes whatever markup a question carries.

use std::time::{Duration, Instant};

use kzcn_bot::answer::{MAX_NORMAL_CHARS, MAX_QUESTION_CHARS};
use kzcn_bot::bot::render::{answer_html, escape, MESSAGE_LIMIT};
use kzcn_bot::console::{to_json_line, MAX_LINE_BYTES};
use kzcn_bot::Kind;

use kzcn_bot::matching::work::measure;
use kzcn_bot::matching::{MAX_CANDIDATES, MAX_TERMS, MAX_TYPO_KEYS};

use crate::util::{engine, index, run, stderr, stdout, term_budget};

/// One hostile input and what it must get (`None`: any reply, as long as there is one).
struct Case {
    name: &'static str,
    input: Vec<u8>,
    kind: Option<Kind>,
}

fn case(name: &'static str, input: impl Into<Vec<u8>>, kind: Option<Kind>) -> Case {
    Case {
        name,
        input: input.into(),
        kind,
    }
}

/// `filler` repeated and cut to exactly `chars` characters, after `question`.
fn padded(question: &str, filler: &str, chars: usize) -> String {
    let mut text = question.to_owned();
    text.extend(
        filler
            .chars()
            .cycle()
            .take(chars - question.chars().count()),
    );
    text
}

fn cases() -> Vec<Case> {
    let visa = "When did the visa-free regime start?";
    vec![
        case("empty", "", Some(Kind::Help)),
        case("whitespace only", " \t \u{3000}\u{a0} ", Some(Kind::Help)),
        case(
            "4,096 characters: a story around the question",
            padded(
                visa,
                " We travel a lot and like trains.",
                MAX_QUESTION_CHARS,
            ),
            Some(Kind::Answered),
        ),
        case(
            "4,097 characters",
            padded(
                visa,
                " We travel a lot and like trains.",
                MAX_QUESTION_CHARS + 1,
            ),
            Some(Kind::TooLong),
        ),
        case(
            "4,096 Chinese characters (three bytes each)",
            padded(
                "免签什么时候开始的？",
                "我们喜欢坐火车旅行。",
                MAX_QUESTION_CHARS,
            ),
            None,
        ),
        case(
            "4,097 Chinese characters",
            padded(
                "免签什么时候开始的？",
                "我们喜欢坐火车旅行。",
                MAX_QUESTION_CHARS + 1,
            ),
            Some(Kind::TooLong),
        ),
        case(
            "100,000 characters",
            padded(visa, " visa", 100_000),
            Some(Kind::TooLong),
        ),
        case(
            "one word of 10,000 letters",
            "a".repeat(10_000),
            Some(Kind::TooLong),
        ),
        case(
            "a ligature NFKC makes 18 characters, 4,096 times",
            "\u{FDFA}".repeat(MAX_QUESTION_CHARS),
            Some(Kind::TooLong),
        ),
        case(
            "the same ligature 455 times: 8,190 characters in normal form",
            "\u{FDFA}".repeat(455),
            Some(Kind::Unknown),
        ),
        case(
            "ligatures: ﬁ 4,096 times",
            "\u{FB01}".repeat(4096),
            Some(Kind::Unknown),
        ),
        case(
            "one word of 4,000 random letters",
            (0..4000u32)
                .map(|i| char::from(b'a' + (i * 7919 % 26) as u8))
                .collect::<String>(),
            Some(Kind::Unknown),
        ),
        case(
            "emoji",
            "🇰🇿🤝🇨🇳 when did the visa-free regime start? 👍🏽👨‍👩‍👧",
            Some(Kind::Answered),
        ),
        case(
            "zero-width characters",
            "\u{200B}When\u{200D} did the\u{FEFF} visa-free\u{2060} regime start?\u{200B}",
            Some(Kind::Answered),
        ),
        case(
            "combining characters",
            "Whe\u{301}n did the vi\u{308}sa-free re\u{301}gime start?\u{301}\u{301}\u{301}",
            None,
        ),
        case(
            "a stack of combining marks",
            format!("visa{}", "\u{301}\u{302}\u{303}".repeat(1000)),
            None,
        ),
        case(
            "case mappings that change length",
            "İSTANBUL STRAßE \u{212A}ELVIN ǅUNGLA İİİ \u{212A}\u{212A} visa days?",
            None,
        ),
        case(
            "right-to-left text",
            "\u{202E}?trats emiger eerf-asiv eht did nehW שלום مرحبا",
            None,
        ),
        case(
            "right-to-left marks around a question",
            "\u{200F}\u{202B}When did the visa-free regime start?\u{202C}\u{200E}",
            Some(Kind::Answered),
        ),
        case(
            "control characters and NUL",
            "\0When\u{1} did\u{7} the\u{8} visa-free\u{1b}[31m regime\u{7f} start?\0",
            None,
        ),
        case("only NUL", "\0\0\0", Some(Kind::Help)),
        case(
            "HTML injection",
            "<b>When</b> did the <script>alert(1)</script> visa-free regime start? &amp; &lt;",
            Some(Kind::Answered),
        ),
        case(
            "Markdown injection",
            "*When* did the _visa-free_ `regime` start? [x](http://evil) ```",
            Some(Kind::Answered),
        ),
        case(
            "only punctuation",
            "?!.,;:…—«»()[]{}<>&*#@%",
            Some(Kind::Help),
        ),
        case("only numbers", "2022 30 24.2 5,000 1) 2)", None),
        case("only digits, 4,000 of them", "9".repeat(4000), None),
    ]
}

/// Invalid UTF-8 cannot reach the engine (a Rust string is UTF-8), only the console: each bad
/// sequence is read as U+FFFD and the line is answered.
fn console_only_cases() -> Vec<Case> {
    vec![
        case(
            "invalid UTF-8",
            b"When did the \xff\xfe visa-free regime \xc3 start?".to_vec(),
            Some(Kind::Answered),
        ),
        case(
            "only invalid UTF-8",
            b"\xff\xfe\xfd\xc0\x80".to_vec(),
            Some(Kind::Help),
        ),
        case(
            "a character cut at the end",
            b"visa-free regime start \xe4\xb8".to_vec(),
            None,
        ),
    ]
}

/// What the console reads of a line: at most `MAX_LINE_BYTES`, invalid UTF-8 replaced.
fn as_console_reads(line: &[u8]) -> String {
    String::from_utf8_lossy(&line[..line.len().min(MAX_LINE_BYTES)]).into_owned()
}

#[test]
fn hostile_questions_get_one_sound_answer_from_the_engine() {
    let engine = engine();
    for case in cases() {
        let text = String::from_utf8(case.input).expect("engine cases are UTF-8");
        let answer = engine.answer(&text, None);
        let name = case.name;
        assert!(!answer.text.trim().is_empty(), "{name}: no text");
        assert_eq!(
            answer.intent.is_some(),
            answer.kind == Kind::Answered,
            "{name}: {answer:?}"
        );
        if let Some(kind) = case.kind {
            assert_eq!(answer.kind, kind, "{name}: {}", answer.text);
        }
        // Every case that must be answered asks when the visa-free regime started.
        if case.kind == Some(Kind::Answered) {
            assert!(
                answer.text.contains("10 November 2023"),
                "{name}: {}",
                answer.text
            );
        }
        if answer.kind == Kind::TooLong {
            let count = match text.trim().chars().count() {
                chars if chars <= MAX_QUESTION_CHARS => format!("{MAX_NORMAL_CHARS}+"),
                chars => chars.to_string(),
            };
            assert!(answer.text.contains(&count), "{name}: {}", answer.text);
        }
        for piece in answer_html(&answer) {
            assert!(piece.encode_utf16().count() <= MESSAGE_LIMIT, "{name}");
        }
    }
}

#[test]
fn hostile_lines_get_one_json_line_each_from_the_console() {
    let cases: Vec<Case> = cases().into_iter().chain(console_only_cases()).collect();
    let mut input = Vec::new();
    for case in &cases {
        assert!(!case.input.contains(&b'\n'), "{}: one line", case.name);
        input.extend_from_slice(&case.input);
        input.push(b'\n');
    }
    let output = run(&["ask", "--json"], &input);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), cases.len(), "one JSON line per line in");
    for (case, line) in cases.iter().zip(lines) {
        let expected = engine().answer(&as_console_reads(&case.input), None);
        assert_eq!(line, to_json_line(&expected), "{}", case.name);
        let value: serde_json::Value = serde_json::from_str(line).expect("JSON");
        if let Some(kind) = case.kind {
            let answered = kind == Kind::Answered;
            assert_eq!(
                !value["intent"].is_null(),
                answered,
                "{}: {line}",
                case.name
            );
        }
    }
}

/// Telegram's HTML mode: whatever markup a question carries comes out escaped, also where the
/// reply quotes the question (a part it could not answer).
#[test]
fn markup_in_questions_is_escaped_in_the_telegram_rendering() {
    let cases = [
        "<b>When</b> did the <script>alert(1)</script> visa-free regime start? &amp; &lt;",
        "When did the visa-free regime start? And what is <b>the weather</b> & <a href=\"x\">Almaty</a> like?",
        "*When* did the _visa-free_ `regime` start? And what is [the weather](http://evil) like?",
        "<i>trade</i> </i><b>in 2022</b>",
        "&lt;script&gt; &#60; &#x3C; &quot; visa days",
    ];
    for question in cases {
        let answer = engine().answer(question, None);
        for piece in answer_html(&answer) {
            let untagged = piece.replace("<i>", "").replace("</i>", "");
            assert!(
                !untagged.contains(['<', '>']),
                "{question}: raw markup in {piece}"
            );
            for (at, _) in piece.match_indices('&') {
                assert!(
                    ["&amp;", "&lt;", "&gt;"]
                        .iter()
                        .any(|e| piece[at..].starts_with(e)),
                    "{question}: a raw & in {piece}"
                );
            }
        }
    }
    // The reply that quotes a part it could not answer carries the markup, escaped.
    let answer = engine().answer(cases[1], None);
    assert!(
        answer.text.contains("<b>the weather</b>"),
        "{}",
        answer.text
    );
    let html = answer_html(&answer).concat();
    assert!(
        html.contains(&escape("<b>the weather</b> & <a href=\"x\">Almaty</a>")),
        "{html}"
    );
    // Markdown means nothing in HTML mode: it is shown as typed.
    let answer = engine().answer(cases[2], None);
    assert!(
        answer.text.contains("[the weather](http://evil)"),
        "{}",
        answer.text
    );
}

/// A burst of one question, 1,000 times, through one console batch: 1,000 lines out, all the
/// same answer, in well under 10 s even in a debug build.
#[test]
fn a_burst_of_one_question_repeated_1000_times_gets_1000_identical_lines() {
    let question = "When did the visa-free regime start?";
    let input = format!("{question}\n").repeat(1000);
    let started = Instant::now();
    let output = run(&["ask", "--json"], input.as_bytes());
    let took = started.elapsed();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1000);
    let expected = to_json_line(&engine().answer(question, None));
    assert!(lines.iter().all(|line| *line == expected), "{}", lines[0]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

/// A message far past any front's limit is refused from its head: nothing of it is analysed,
/// it is counted only up to its first MiB, and only that much is kept as the question.
#[test]
fn a_message_of_100_mb_is_refused_without_being_read() {
    let huge = "When did the visa-free regime start? ".repeat(2_800_000);
    let (answer, work) = measure(|| engine().answer(&huge, None));
    assert_eq!(answer.kind, Kind::TooLong);
    assert!(answer.text.contains("1048576+"), "{}", answer.text);
    assert_eq!(work, Default::default(), "nothing was analysed");
    assert!(answer.question.len() <= 1 << 20);
    assert!(huge.starts_with(&answer.question));
}

/// A message of hundreds of different words: each reading of it resolves `MAX_TERMS` of them
/// and no more, and the whole answer stays within the budget of terms.
#[test]
fn a_message_of_hundreds_of_different_words_resolves_at_most_max_terms_a_reading() {
    // "bcdf", "bcdg", …: 600 different words of four letters that name nothing.
    let consonants: Vec<char> = "bcdfghjklmnpqrstvwxz".chars().collect();
    let word = |n: usize| -> String {
        (0..4)
            .map(|place| consonants[n / consonants.len().pow(place) % consonants.len()])
            .collect()
    };
    let question: Vec<String> = (0..600).map(word).collect();
    let question = question.join(" ");
    assert!(question.chars().count() <= MAX_QUESTION_CHARS);
    let analysis = index().analyze(&question, None);
    assert!(
        analysis.terms.len() > 5 * MAX_TERMS,
        "{}",
        analysis.terms.len()
    );
    let (_, work) = measure(|| index().resolve(&analysis));
    assert_eq!(work.terms, MAX_TERMS);
    let (answer, work) = measure(|| engine().answer(&question, None));
    assert!(!answer.text.is_empty());
    assert!(work.terms <= term_budget(&question), "{work:?}");
}

/// Regression: each part of a message that was not answered added its own "did you mean"
/// topics to the reply, so this message found by the property tests got four: one of them
/// twice, and that one the topic the reply had just answered.
#[test]
fn regression_several_unanswered_parts_offered_four_suggestions_one_twice() {
    let answer = engine().answer("visa 。\0<script>b签证ɐ。9签证\"<b>f", None);
    assert_eq!(answer.kind, Kind::Answered);
    let offered: Vec<&str> = answer
        .suggestions
        .iter()
        .map(|s| s.intent.as_str())
        .collect();
    assert!(offered.len() <= 3, "{offered:?}");
    for (n, intent) in offered.iter().enumerate() {
        assert!(
            !offered[..n].contains(intent),
            "{intent} twice: {offered:?}"
        );
        assert_ne!(Some(*intent), answer.intent.as_deref(), "{offered:?}");
    }
}

/// A word of `letters` letters that no fact base holds, the same on every run.
fn random_word(letters: usize, alphabet: &str) -> String {
    let alphabet: Vec<char> = alphabet.chars().collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..letters)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            alphabet[(state % alphabet.len() as u64) as usize]
        })
        .collect()
}

/// Regression: typo correction built every deletion of a word, however long. One random
/// 200-letter word took 2.7 s and 610 MB, 320 letters 18 s and 4.3 GB; words joined by
/// apostrophes, ligatures that NFKC expands, 1,000 Cyrillic letters and "ab" 150 times did the
/// same. Counted, not timed: no lookup probes more keys than a `MAX_WORD`-letter word has
/// deletions, nor compares more than `MAX_CANDIDATES` terms.
#[test]
fn regression_one_long_word_cost_seconds_and_gigabytes_in_typo_correction() {
    let latin = "abcdefghijklmnopqrstuvwxyz";
    let cases = [
        random_word(200, latin),
        random_word(320, latin),
        "abcdefghij'".repeat(16),
        "\u{FB01}".repeat(80),
        random_word(1000, "абвгдежзийклмнопрстуфхцчшщыэюя"),
        "ab".repeat(150),
        // Just under the cut: the longest words still corrected.
        format!(
            "{} {}",
            random_word(24, latin),
            random_word(24, "аеиоктнрсвлд")
        ),
    ];
    for question in cases {
        let (answer, work) = measure(|| engine().answer(&question, None));
        assert!(!answer.text.is_empty());
        assert!(work.most_keys <= MAX_TYPO_KEYS, "{question}: {work:?}");
        assert!(
            work.most_candidates <= MAX_CANDIDATES,
            "{question}: {work:?}"
        );
    }
}
