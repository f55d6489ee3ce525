//! The command-line front, run as a real process.

use crate::util::{fixture, knowledge_dir, run, run_with, split_every_line_break, stderr, stdout};

const JSON_FIELDS: [&str; 7] = [
    "question",
    "lang",
    "intent",
    "confidence",
    "answer",
    "sources",
    "suggestions",
];

#[test]
fn ask_prints_the_answer_with_its_sources() {
    let output = run(&["ask", "When did the visa-free regime start?"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("10 November 2023"), "{text}");
    assert!(text.contains("Source"), "{text}");
}

#[test]
fn ask_json_writes_one_object_per_input_line_whatever_it_holds() {
    let mut input = Vec::new();
    input.extend_from_slice(b"When did the visa-free regime start?\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"bad \xff\xfe bytes about trade\n");
    input.extend_from_slice(&vec![b'x'; 200_000]);
    input.extend_from_slice(b"\n<b>visa</b> & <script>\n");
    input.extend_from_slice(b"what is the weather in Almaty"); // no final newline
    let output = run(&["ask", "--json"], &input);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert_eq!(lines.len(), 6, "one JSON object per input line");
    for line in &lines {
        let object = line.as_object().expect("an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected = JSON_FIELDS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }
    assert_eq!(lines[0]["question"], "When did the visa-free regime start?");
    assert_eq!(lines[0]["intent"], "visa-start");
    assert_eq!(lines[0]["lang"], "en");
    let source = &lines[0]["sources"][0];
    for field in ["id", "outlet", "title", "date"] {
        assert!(source[field].is_string(), "source lacks {field}: {source}");
    }
    assert!(lines[1]["intent"].is_null());
    assert_eq!(
        lines[2]["question"],
        "bad \u{FFFD}\u{FFFD} bytes about trade"
    );
    assert!(
        lines[3]["intent"].is_null(),
        "a huge line is not a question"
    );
    assert!(
        lines[5]["intent"].is_null(),
        "the weather is not in the articles"
    );
    assert!(lines[5]["answer"].as_str().unwrap().contains("don't know"));
}

#[test]
fn ask_json_with_a_question_argument_prints_one_line() {
    let output = run(&["ask", "--json", "trade 2022"], b"");
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    let value: serde_json::Value = serde_json::from_str(text.trim()).expect("JSON");
    assert_eq!(value["intent"], "trade-figures");
    assert!(value["answer"].as_str().unwrap().contains("24.2"));
}

#[test]
fn knowledge_option_works_before_or_after_the_subcommand_and_from_the_environment() {
    let mini = fixture("mini");
    let mini = mini.to_str().unwrap();
    for args in [
        vec!["--knowledge", mini, "ask", "freight trains"],
        vec!["ask", "freight trains", "--knowledge", mini],
    ] {
        let output = run(&args, b"");
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(
            stdout(&output).contains("5,000"),
            "{args:?}: {}",
            stdout(&output)
        );
    }
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kzcn-bot"));
    command.args(["ask", "freight trains"]);
    let output = run_with(command.env("KNOWLEDGE_DIR", mini), b"");
    assert!(
        stdout(&output).contains("Test Gazette"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_missing_knowledge_directory_is_a_one_line_error() {
    let output = run(&["--knowledge", "/no/such/dir", "ask", "visa"], b"");
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("/no/such/dir") && err.contains("not found"),
        "{err}"
    );
}

#[test]
fn check_passes_on_the_real_knowledge_and_reports_counts() {
    let output = run(&["check", knowledge_dir().to_str().unwrap()], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("OK") && text.contains("facts") && text.contains("intents"),
        "{text}"
    );
}

#[test]
fn check_lists_every_problem_with_file_and_line() {
    let dir = fixture("broken");
    let output = run(&["check", dir.to_str().unwrap()], b"");
    assert!(!output.status.success());
    let err = stderr(&output);
    let expected = [
        ("a_sources.toml:5:", "bad date"),
        (
            "b_intents.toml:6:",
            "dangling related link \"no-such-intent\"",
        ),
        ("b_intents.toml:11:", "unknown source \"newspaper\""),
        ("b_intents.toml:13:", "empty answer"),
        ("b_intents.toml:17:", "bad date"),
        ("c_duplicate.toml:1:", "duplicate intent id \"visa-days\""),
        ("d_unparsable.toml:3:", "cannot parse"),
        ("e_latin1.toml:3:", "invalid UTF-8"),
    ];
    for (place, message) in expected {
        assert!(
            err.lines()
                .any(|line| line.contains(place) && line.contains(message)),
            "missing `{place} … {message}` in:\n{err}"
        );
    }
    assert!(err.contains("problems found"), "{err}");
}

#[test]
fn chat_answers_until_quit_and_a_number_picks_an_offer() {
    let mini = fixture("mini");
    let output = run(
        &["--knowledge", mini.to_str().unwrap(), "chat"],
        b"days without visa\n1\nquit\nnever read\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("30 days"), "{text}");
    assert!(
        text.contains("5,000"),
        "choosing 1 answers the related topic:\n{text}"
    );
    assert!(!text.contains("never read"));
}

#[test]
fn check_lists_missing_translations_with_file_and_line() {
    // The small fixture is English only: every other language is reported, and it still loads.
    let dir = fixture("mini");
    let output = run(&["check", dir.to_str().unwrap()], b"");
    assert!(!output.status.success());
    let err = stderr(&output);
    for expected in [
        "base.toml:15: intent \"visa-days\": missing or empty Russian translation (title.ru)",
        "base.toml:23: fact \"visa-30\": missing or empty Kazakh translation (text.kk)",
        "base.toml:10: topic \"travel\": missing or empty Chinese translation (title.zh)",
        "missing or empty Chinese translation (text.zh)",
        "the bot still runs",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn ask_json_reports_the_language_of_each_question() {
    let input = "When did the visa-free regime start?\nКогда начал действовать безвизовый режим?\nВизасыз режим қашан басталды?\n免签制度什么时候开始的？\n";
    let output = run(&["ask", "--json"], input.as_bytes());
    let langs: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).expect("JSON")["lang"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(langs, ["en", "ru", "kk", "zh"]);
}

#[test]
fn ask_json_escapes_unicode_line_breaks_so_each_object_is_one_line_for_every_reader() {
    let questions = [
        "visa\u{2028}days",
        "trade\u{2029}2022",
        "next\u{85}line",
        "all three \u{2028}\u{2029}\u{85} and a backslash \\\u{2028}",
        "\u{b}\u{c}\u{1c}\u{1d}\u{1e} vertical tab, form feed, separators",
    ];
    let input = questions.join("\n");
    let output = run(&["ask", "--json"], input.as_bytes());
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines = split_every_line_break(&text);
    assert_eq!(lines.len(), questions.len(), "{text}");
    for (line, question) in lines.iter().zip(questions) {
        let value: serde_json::Value = serde_json::from_str(line).expect("one JSON object");
        assert_eq!(value["question"], question, "escaping keeps the value");
    }
    assert!(text.contains("visa\\u2028days"), "{text}");
}

#[test]
fn ask_takes_a_question_that_starts_with_a_dash_after_double_dash() {
    let output = run(&["ask", "--json", "--", "-1 visa"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(value["question"], "-1 visa");
    let output = run(&["ask", "--", "-1", "visa"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let help = stdout(&run(&["ask", "--help"], b""));
    assert!(help.contains("kzcn-bot ask -- \"-1 visa\""), "{help}");
}

#[test]
fn ask_json_reads_invalid_utf8_lossily_and_loses_no_line_after_it() {
    // Each case is one input line: bytes in, the question the JSON line reports.
    let cases: [(&[u8], &str); 6] = [
        (b"bad \xff byte", "bad \u{FFFD} byte"),
        (b"cut \xd0", "cut \u{FFFD}"),
        (b"\xe2\x80", "\u{FFFD}"),
        (b"lone \x80 continuation", "lone \u{FFFD} continuation"),
        (b"nul \x00 byte", "nul \u{0} byte"),
        (b"trade 2022", "trade 2022"),
    ];
    let mut input = Vec::new();
    for (bytes, _) in &cases {
        input.extend_from_slice(bytes);
        input.push(b'\n');
    }
    let output = run(&["ask", "--json"], &input);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        cases.len(),
        "one JSON line per input line:\n{text}"
    );
    for (line, (_, question)) in lines.iter().zip(cases) {
        let value: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(value["question"], question);
    }
    let last: serde_json::Value = serde_json::from_str(lines[5]).unwrap();
    assert_eq!(
        last["intent"], "trade-figures",
        "the line after bad ones is answered"
    );
}
