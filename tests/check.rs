//! What `check` (and every load) says about a fact base: causes before their consequences and
//! knock-on errors left out, output lines no file name can forge, empty entries, message
//! placeholders against the code that fills them, and every missing translation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use kzcn_bot::knowledge::{load_dir, LoadError, Stage, MESSAGES};

use crate::util::{
    copy_dir, fixture, knowledge_copy, load_problems, load_within_10s, root, run_with, rust_files,
    split_every_line_break, stderr,
};

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn regression_a_reused_intent_id_gave_a_dozen_unknown_topic_errors() {
    // Renaming trade-figures to an id already taken: the topic "trade" lost its overview
    // intent, and each of its 12 intents reported the topic as unknown.
    let dir = knowledge_copy("reused-id");
    edit(
        &dir.join("trade.toml"),
        "id = \"trade-figures\"",
        "id = \"visa-overview\"",
    );
    let problems = load_problems(&dir);
    assert!(
        problems[0].contains("duplicate intent id \"visa-overview\""),
        "the cause comes first:\n{}",
        problems.join("\n")
    );
    assert!(
        !problems.iter().any(|p| p.contains("unknown topic")),
        "{}",
        problems.join("\n")
    );
    let missing: Vec<&String> = problems
        .iter()
        .filter(|p| p.contains("\"trade-figures\""))
        .collect();
    assert_eq!(missing.len(), 1, "one problem per missing id: {missing:?}");
    assert!(missing[0].contains("also named at"), "{}", missing[0]);
    assert_eq!(problems.len(), 2, "{}", problems.join("\n"));
}

#[test]
fn regression_a_dangling_visa_toml_was_reported_only_through_its_knock_on_errors() {
    let dir = knowledge_copy("dangling-visa");
    std::fs::remove_file(dir.join("visa.toml")).unwrap();
    std::os::unix::fs::symlink("visa-moved.toml", dir.join("visa.toml")).unwrap();
    let problems = load_problems(&dir);
    assert_eq!(
        problems[0],
        format!(
            "{}: dangling symbolic link to \"visa-moved.toml\": the file it points to does not exist",
            dir.join("visa.toml").display()
        )
    );
    assert_eq!(problems.len(), 2, "{}", problems.join("\n"));
    assert!(
        problems[1].contains("references to undefined ids not listed"),
        "the knock-ons are counted, not listed: {}",
        problems[1]
    );
}

#[test]
fn causes_are_listed_before_their_consequences() {
    let Err(LoadError::Invalid(problems)) = load_dir(&fixture("broken")) else {
        panic!("the broken fixture must not load");
    };
    let stages: Vec<Stage> = problems.iter().map(|p| p.stage).collect();
    let mut sorted = stages.clone();
    sorted.sort();
    assert_eq!(stages, sorted, "files, then items, then references");
    assert_eq!(stages.first(), Some(&Stage::File));
    assert_eq!(stages.last(), Some(&Stage::Link));
    let missing_messages = problems
        .iter()
        .filter(|p| p.message.contains("is missing") || p.message.contains("are missing"))
        .count();
    assert_eq!(missing_messages, 1, "the missing messages are one problem");
}

#[test]
fn a_file_name_or_id_with_control_characters_cannot_forge_a_problem_line() {
    // Each file copies base.toml, so each gives problems (duplicate ids) that print its name.
    let names = [
        "evil\nbase.toml:1: forged.toml",
        "cr\rbase.toml:1: forged.toml",
        "nel\u{85}base.toml:1: forged.toml",
        "ls\u{2028}base.toml:1: forged.toml",
        "bidi\u{202e}lmot.toml",
    ];
    let dir = copy_dir(&fixture("mini"), "forged-names");
    let base = std::fs::read(dir.join("base.toml")).unwrap();
    for name in names {
        std::fs::write(dir.join(name), &base).unwrap();
    }
    std::fs::write(
        dir.join("topic.toml"),
        "[[topic]]\nid = \"t\"\ncommand = \"t\"\nintent = \"none\\nbase.toml:1: forged\"\ntitle.en = \"T\"\n",
    )
    .unwrap();
    let output = run_with(
        Command::new(env!("CARGO_BIN_EXE_kzcn-bot")).args(["check", dir.to_str().unwrap()]),
        b"",
    );
    let err = stderr(&output);
    let lines = split_every_line_break(&err);
    let prefix = dir.display().to_string();
    assert!(lines.len() > names.len(), "{err}");
    for line in lines {
        assert!(line.starts_with(&prefix), "a forged line: {line:?}");
        assert!(
            !line.contains(['\u{202e}', '\u{1b}']),
            "a raw control: {line:?}"
        );
    }
    assert!(err.contains("evil\\nbase.toml:1: forged.toml"), "{err}");
    assert!(
        err.contains("intent \"none\\nbase.toml:1: forged\""),
        "{err}"
    );
}

/// An intent for `extra.toml` with the given keyword and example lines (lines 5 and 6).
fn intent_with(keywords: &str, examples: &str) -> String {
    format!(
        "[[intent]]\nid = \"extra\"\ntopic = \"travel\"\ntitle.en = \"Extra\"\n{keywords}\n{examples}\n\n\
         [[intent.fact]]\nid = \"extra-fact\"\ntext.en = \"Extra.\"\nsources = [\"paper\"]\n"
    )
}

#[test]
fn check_flags_empty_keywords_examples_and_synonym_groups() {
    let cases = [
        (
            intent_with("keywords.en = []", "examples.en = [\"Extra?\"]"),
            "extra.toml:1: intent \"extra\" has an empty keywords.en",
        ),
        (
            intent_with("keywords.en = [\"extra\"]", "examples.en = []"),
            "extra.toml:1: intent \"extra\" has an empty examples.en",
        ),
        (
            intent_with("keywords.en = [\" \"]", "examples.en = [\"\"]"),
            "extra.toml:1: intent \"extra\" has no English keywords or examples",
        ),
        (
            intent_with(
                "keywords.en = [\"extra\", \" \"]",
                "examples.en = [\"Extra?\"]",
            ),
            "extra.toml:5: intent \"extra\" has an empty entry in keywords.en",
        ),
        (
            intent_with(
                "keywords.en = [\"extra\"]",
                "examples.en = [\"Extra?\", \"\"]",
            ),
            "extra.toml:6: intent \"extra\" has an empty entry in examples.en",
        ),
        (
            intent_with(
                "keywords.en = [\"extra\"]\nkeywords.ru = [\"\"]",
                "examples.en = [\"Extra?\"]",
            ),
            "extra.toml:6: intent \"extra\" has an empty entry in keywords.ru",
        ),
        (
            "[lexicon]\nsynonyms.en = [\n  [\"visa\", \"visas\"],\n  [],\n]\n".to_owned(),
            "extra.toml:4: lexicon: an empty synonym group in synonyms.en",
        ),
        (
            "[lexicon]\nsynonyms.ru = [[\"виза\"]]\n".to_owned(),
            "extra.toml:2: lexicon: a synonym group of one word",
        ),
        (
            "[lexicon]\nsynonyms.zh = [[\"签证\", \" \"]]\n".to_owned(),
            "extra.toml:2: lexicon: a synonym group with an empty word in synonyms.zh",
        ),
        (
            "[lexicon]\nstopwords.en = [\"the\", \"\"]\n".to_owned(),
            "extra.toml:2: lexicon: empty word in stopwords.en",
        ),
        (
            "[lexicon]\nplaces = [\n  [\"Atlantis\"],\n]\n".to_owned(),
            "extra.toml:3: lexicon: a place with its English name alone",
        ),
        (
            "[lexicon]\nplaces = [\n  [\"Atlantis\", \"\"],\n]\n".to_owned(),
            "extra.toml:3: lexicon: a place with an empty name",
        ),
    ];
    for (n, (text, expected)) in cases.iter().enumerate() {
        let dir = copy_dir(&fixture("mini"), &format!("empty-{n}"));
        std::fs::write(dir.join("extra.toml"), text).unwrap();
        let problems = load_problems(&dir);
        let expected = format!("{}/{expected}", dir.display());
        assert!(
            problems.iter().any(|p| p.starts_with(&expected)),
            "no `{expected}` in:\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn check_flags_message_placeholders_the_code_never_fills() {
    // The "unknown" message's English text is on line 6 of the fixture's messages.toml.
    let original = "text.en = \"I don't know: the articles I answer from don't cover that. I can tell you about: {topics}.\"";
    let cases = [
        ("I can tell you about {topics} and {topics}.", None),
        (
            "I can tell you about {topcs}.",
            Some("uses {topcs}, which the bot never fills (it fills {topics})"),
        ),
        (
            "I can tell you about { topics }.",
            Some("uses { topics }, which the bot never fills"),
        ),
        (
            "Nothing {} here.",
            Some("uses {}, which the bot never fills"),
        ),
        (
            "I can tell you about {topics.",
            Some("the brace at \"{topics.\" is never closed"),
        ),
        (
            "About {topics}, and { unclosed",
            Some("the brace at \"{ unclosed\" is never closed"),
        ),
    ];
    for (n, (text, expected)) in cases.into_iter().enumerate() {
        let dir = copy_dir(&fixture("mini"), &format!("placeholder-{n}"));
        edit(
            &dir.join("messages.toml"),
            original,
            &format!("text.en = \"{text}\""),
        );
        let loaded = load_within_10s(&dir);
        match (expected, loaded) {
            (None, Ok(_)) => {}
            (None, Err(error)) => panic!("{text:?} is a good template:\n{error}"),
            (Some(expected), Ok(_)) => panic!("{text:?} loaded; expected {expected}"),
            (Some(expected), Err(error)) => {
                let start = format!(
                    "{}:6: message \"unknown\" (text.en): ",
                    dir.join("messages.toml").display()
                );
                assert!(
                    error
                        .problems()
                        .iter()
                        .any(|p| p.starts_with(&start) && p.contains(expected)),
                    "no `{start}… {expected}` in:\n{error}"
                );
            }
        }
    }
}

#[test]
fn check_flags_a_message_the_bot_never_sends() {
    let dir = copy_dir(&fixture("mini"), "unknown-message");
    std::fs::write(
        dir.join("extra.toml"),
        "[[message]]\nid = \"unknwon\"\ntext.en = \"Typo in the id.\"\n",
    )
    .unwrap();
    let problems = load_problems(&dir);
    let expected = format!(
        "{}:1: message \"unknwon\" is not one the bot sends",
        dir.join("extra.toml").display()
    );
    assert!(
        problems.iter().any(|p| p.starts_with(&expected)),
        "{}",
        problems.join("\n")
    );
}

#[test]
fn regression_a_missing_topic_title_passed_check() {
    // The topics' places were never recorded, so their translations were never checked.
    let dir = knowledge_copy("topic-title");
    edit(&dir.join("topics.toml"), "title.kk = \"Туризм\"\n", "");
    let knowledge = load_within_10s(&dir).expect("a missing translation does not stop the bot");
    let expected = format!(
        "{}:26: topic \"tourism\": missing or empty Kazakh translation (title.kk)",
        dir.join("topics.toml").display()
    );
    assert_eq!(knowledge.warnings, [expected]);
}

#[test]
fn a_translation_that_drops_a_placeholder_is_reported() {
    let dir = knowledge_copy("dropped-placeholder");
    edit(
        &dir.join("messages.toml"),
        "(символов: {count})",
        "(слишком много символов)",
    );
    let knowledge = load_within_10s(&dir).expect("a translation problem does not stop the bot");
    assert_eq!(knowledge.warnings.len(), 1, "{:?}", knowledge.warnings);
    assert!(
        knowledge.warnings[0].contains(
            "message \"too_long\": the Russian text (text.ru) has placeholders [{max}], the English one [{count} {max}]"
        ),
        "{}",
        knowledge.warnings[0]
    );
}

/// The message table says which values the code fills in each message; the loader checks the
/// templates against it. This holds the table to the code: every `fill(…)` and `said(…)` call
/// whose message id is written out is read, and the names it fills must be the table's.
#[test]
fn the_message_table_is_what_the_code_fills() {
    let mut filled: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&root().join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (id, names) in fill_calls(&text) {
            filled.entry(id).or_default().extend(names);
        }
    }
    assert!(
        filled.len() >= 10,
        "the scan finds the fill calls: {filled:?}"
    );
    let table: BTreeMap<String, BTreeSet<String>> = MESSAGES
        .iter()
        .map(|(id, names)| {
            let names = names.iter().map(|n| (*n).to_owned()).collect();
            ((*id).to_owned(), names)
        })
        .collect();
    for (id, names) in &filled {
        assert_eq!(
            table.get(id),
            Some(names),
            "message \"{id}\": the code fills {names:?}; keep MESSAGES in step"
        );
    }
    for (id, names) in &table {
        if !names.is_empty() {
            assert!(
                filled.contains_key(id),
                "MESSAGES says \"{id}\" is filled with {names:?}, but no code fills it"
            );
        }
    }
}

/// The `fill(…)` and `said(…)` calls in `text` that name their message: the first string
/// literal of the call is the id, and each tuple `("name", …)` a value filled in.
fn fill_calls(text: &str) -> Vec<(String, Vec<String>)> {
    let mut calls = Vec::new();
    for call in ["fill(", "said("] {
        for (at, _) in text.match_indices(call) {
            let before = text[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' || text[..at].ends_with("fn ") {
                continue;
            }
            let args = call_arguments(&text[at + call.len()..]);
            let literals = string_literals(args);
            let Some((_, id)) = literals.first() else {
                continue; // a wrapper passing its own id through
            };
            let names = literals
                .iter()
                .filter(|(start, _)| is_tuple_head(args, *start))
                .map(|(_, name)| name.clone())
                .collect();
            calls.push((id.clone(), names));
        }
    }
    calls
}

/// The text up to the parenthesis that closes the call, skipping string literals.
fn call_arguments(text: &str) -> &str {
    let mut depth = 0;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => skip_string(&mut chars),
            '(' | '[' => depth += 1,
            ')' | ']' if depth == 0 => return &text[..i],
            ')' | ']' => depth -= 1,
            _ => {}
        }
    }
    text
}

fn skip_string(chars: &mut std::str::CharIndices) {
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return,
            _ => {}
        }
    }
}

/// Each string literal in `text` with the offset of its opening quote.
fn string_literals(text: &str) -> Vec<(usize, String)> {
    let mut literals = Vec::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut literal = String::new();
        while let Some((_, c)) = chars.next() {
            match c {
                '\\' => literal.extend(chars.next().map(|(_, c)| c)),
                '"' => break,
                c => literal.push(c),
            }
        }
        literals.push((i, literal));
    }
    literals
}

/// Whether the literal at `quote` opens a tuple: `("name",` after `[` or `,`, not a call.
fn is_tuple_head(text: &str, quote: usize) -> bool {
    let before = text[..quote].trim_end();
    let Some(head) = before.strip_suffix('(') else {
        return false;
    };
    head.trim_end().ends_with(['[', ','])
}

/// A topic for `extra.toml` with the given command (line 3), on the mini fixture's intent.
fn topic_with(command: &str) -> String {
    format!(
        "[[topic]]\nid = \"extra\"\ncommand = {command:?}\nintent = \"train-count\"\ntitle.en = \"Freight trains\"\n"
    )
}

#[test]
fn check_rejects_topic_commands_telegram_or_the_bot_would_not_take() {
    let long = "a".repeat(33);
    let cases: Vec<(&str, Option<String>)> = vec![
        ("trains", None),
        ("silk_road_2", None),
        ("b", None),
        ("", Some("command is empty".to_owned())),
        (
            &long,
            Some(format!(
                "command \"{long}\" is longer than Telegram's 32 characters"
            )),
        ),
        (
            "Trains",
            Some("command \"Trains\" holds 'T': Telegram takes only lowercase a–z".to_owned()),
        ),
        (
            "silk-road",
            Some("command \"silk-road\" holds '-': Telegram takes only".to_owned()),
        ),
        (
            "поезда",
            Some("command \"поезда\" holds 'п': Telegram takes only".to_owned()),
        ),
        (
            "trains now",
            Some("command \"trains now\" holds ' '".to_owned()),
        ),
        (
            "help",
            Some("command \"help\" is one of the bot's own commands (/help)".to_owned()),
        ),
        (
            "reload",
            Some("command \"reload\" is one of the bot's own commands (/reload)".to_owned()),
        ),
        (
            "travel",
            Some("command \"travel\" is already topic \"travel\"'s (at ".to_owned()),
        ),
    ];
    for (command, expected) in cases {
        let dir = copy_dir(&fixture("mini"), "topic-command");
        std::fs::write(dir.join("extra.toml"), topic_with(command)).unwrap();
        let loaded = load_within_10s(&dir);
        match (loaded, expected) {
            (Ok(knowledge), None) => {
                let topic = knowledge.topics.iter().find(|t| t.id == "extra").unwrap();
                assert_eq!(topic.command, command);
            }
            (Err(error), Some(expected)) => {
                let problems = error.problems();
                let wanted = format!(
                    "{}:3: topic \"extra\": {expected}",
                    dir.join("extra.toml").display()
                );
                assert!(
                    problems.len() == 1 && problems[0].starts_with(&wanted),
                    "{command:?}: expected {wanted:?}, got {problems:#?}"
                );
            }
            (Ok(_), Some(expected)) => panic!("{command:?} loaded; expected {expected:?}"),
            (Err(error), None) => panic!("{command:?} refused:\n{error}"),
        }
    }
}

#[test]
fn check_rejects_a_topic_without_a_command_and_a_title_too_long_for_the_menu() {
    let dir = copy_dir(&fixture("mini"), "topic-no-command");
    std::fs::write(
        dir.join("extra.toml"),
        "[[topic]]\nid = \"extra\"\nintent = \"train-count\"\ntitle.en = \"Freight trains\"\n",
    )
    .unwrap();
    let problems = load_problems(&dir);
    assert!(
        problems[0].starts_with(&format!("{}:", dir.join("extra.toml").display()))
            && problems[0].contains("missing field `command`"),
        "{problems:#?}"
    );

    let title = "t".repeat(257);
    std::fs::write(
        dir.join("extra.toml"),
        format!("{}title.ru = \"{title}\"\n", topic_with("trains")),
    )
    .unwrap();
    let problems = load_problems(&dir);
    assert_eq!(
        problems,
        [format!(
            "{}:1: topic \"extra\": title.ru has 257 characters, more than the 256 a command's \
             description may have",
            dir.join("extra.toml").display()
        )]
    );
}
