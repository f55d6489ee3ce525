//! The question log on disk: logging, grouping, retention, migrations and a corrupt file.

use std::path::PathBuf;

use super::*;

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kzcn-qlog-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 24 * 60 * 60;

/// A logged question: `(text, kind, intent, seconds ago, chat type)`.
fn entry(text: &str, kind: &'static str, intent: Option<&str>, ago: i64, chat: ChatType) -> Change {
    Change::Asked(Entry {
        id: new_id(),
        at: NOW - ago,
        chat_type: chat,
        lang: Lang::En,
        intent: intent.map(str::to_owned),
        fact: intent.map(|i| format!("{i}-fact")),
        kind,
        confidence: 0.5,
        text: normalise(text),
        user: "u".into(),
        chat: "c".into(),
    })
}

fn id_of(change: &Change) -> i64 {
    match change {
        Change::Asked(entry) => entry.id,
        _ => unreachable!(),
    }
}

#[test]
fn unanswered_questions_are_grouped_counted_and_a_picked_suggestion_is_a_candidate() {
    let dir = fresh_dir("grouping");
    let mut log = QuestionLog::open(&dir).expect("opens");
    let picked = entry(
        "Visa for Japan?",
        "did_you_mean",
        None,
        60,
        ChatType::Private,
    );
    let changes = vec![
        entry("visa for japan", "unknown", None, 10, ChatType::Group),
        entry("VISA  for Japan!!", "unknown", None, 20, ChatType::Private),
        picked.clone(),
        Change::Followed {
            question: id_of(&picked),
            how: Followed::Suggestion,
            intent: "visa-rules".into(),
        },
        entry("China GDP?", "unknown", None, 30, ChatType::Inline),
        entry(
            "trade 2022",
            "answered",
            Some("trade-figures"),
            40,
            ChatType::Private,
        ),
        entry(
            "trade and GDP",
            "partial",
            Some("trade-figures"),
            50,
            ChatType::Private,
        ),
        entry("hello", "help", None, 50, ChatType::Private),
        entry("old question", "unknown", None, 10 * DAY, ChatType::Private),
    ];
    log.write(&changes).expect("written");
    let (missed, groups) = log.unanswered(NOW, 7, 10, 0).expect("read");
    assert_eq!(groups, 3, "{missed:?}");
    assert_eq!(missed[0].text, "visa for japan");
    assert_eq!(missed[0].count, 3, "case and punctuation count once");
    assert_eq!(missed[0].candidate.as_deref(), Some("visa-rules"));
    let texts: Vec<&str> = missed.iter().map(|m| m.text.as_str()).collect();
    // Equal counts: the most recently asked first.
    assert_eq!(texts, ["visa for japan", "china gdp", "trade and gdp"]);
    let (page, _) = log.unanswered(NOW, 7, 1, 1).expect("page 2");
    assert_eq!(page[0].text, "china gdp", "pages go on from the offset");
    let (all, _) = log.unanswered(NOW, 30, 10, 0).expect("a longer window");
    assert!(all.iter().any(|m| m.text == "old question"));

    let stats = log.stats(NOW, 7).expect("stats");
    assert_eq!(
        (stats.last_24_hours, stats.last_7_days, stats.questions),
        (7, 7, 7)
    );
    assert_eq!(stats.answered, 2);
    assert!(
        (stats.answer_rate - 2.0 / 6.0).abs() < 1e-9,
        "help is not a question"
    );
    assert_eq!(
        (stats.suggestions_offered, stats.suggestions_picked),
        (1, 1)
    );
    assert_eq!(stats.top_intents, [("trade-figures".to_owned(), 2)]);
    assert_eq!(stats.chat_types[0], ("private".to_owned(), 5));
    assert_eq!(stats.languages, [("en".to_owned(), 7)]);
}

#[test]
fn retention_deletes_only_what_is_older() {
    let dir = fresh_dir("retention");
    let mut log = QuestionLog::open(&dir).expect("opens");
    let changes: Vec<Change> = [1, 89, 91, 200]
        .iter()
        .map(|days| entry("q", "unknown", None, days * DAY, ChatType::Private))
        .collect();
    log.write(&changes).expect("written");
    assert_eq!(log.prune(NOW - 90 * DAY).expect("pruned"), 2);
    assert_eq!(log.stats(NOW, 1000).expect("stats").questions, 2);
}

#[test]
fn the_schema_is_migrated_once_kept_on_reopening_and_a_newer_one_is_refused() {
    let dir = fresh_dir("migrations");
    let mut log = QuestionLog::open(&dir).expect("opens");
    assert_eq!(log.version().unwrap(), db::MIGRATIONS.len() as i64);
    log.write(&[entry("q", "unknown", None, 0, ChatType::Private)])
        .unwrap();
    drop(log);
    let log = QuestionLog::open_existing(&dir).expect("reopens");
    assert_eq!(log.stats(NOW, 1).unwrap().questions, 1, "the rows survive");
    let mode: String = log
        .conn()
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    log.conn()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    drop(log);
    let error = QuestionLog::open(&dir)
        .err()
        .expect("a newer schema is refused");
    assert!(error.to_string().contains("schema version 99"), "{error}");
    let missing = QuestionLog::open_existing(&fresh_dir("none"))
        .err()
        .expect("no log");
    assert!(
        missing.to_string().contains("no question log here"),
        "{missing}"
    );
}

#[test]
fn a_corrupt_file_is_moved_aside_and_a_new_log_started() {
    let dir = fresh_dir("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(DB_FILE),
        b"not a database, just some bytes ".repeat(200),
    )
    .unwrap();
    let (opened, moved) = QuestionLog::open_or_recover(&dir);
    let mut log = opened.expect("a new log");
    let moved = moved.expect("the move is said");
    assert!(
        moved.contains("moved aside to") && moved.contains(".corrupt-"),
        "{moved}"
    );
    log.write(&[entry("q", "unknown", None, 0, ChatType::Private)])
        .expect("the new log takes writes");
    let aside = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .count();
    assert_eq!(aside, 1);
}

#[test]
fn pins_are_kept_by_chat_hash_replaced_by_a_new_one_and_outlive_retention() {
    let dir = fresh_dir("pins");
    let mut log = QuestionLog::open(&dir).expect("opens");
    let pin = |chat: &str, lang, at| Change::Pinned {
        chat: chat.to_owned(),
        lang,
        at,
    };
    log.write(&[
        pin("aaaa", Lang::Ru, NOW - 400 * DAY),
        pin("bbbb", Lang::Kk, NOW),
        pin("aaaa", Lang::Zh, NOW - 300 * DAY),
    ])
    .expect("written");
    log.conn()
        .execute("INSERT INTO chat_settings VALUES ('cccc', 'fr', 0)", [])
        .unwrap();
    log.prune(NOW).expect("pruned");
    drop(log);
    let log = QuestionLog::open_existing(&dir).expect("reopens");
    assert_eq!(
        log.pins().expect("read"),
        [("aaaa".to_owned(), Lang::Zh), ("bbbb".to_owned(), Lang::Kk)],
        "the last pin of each chat, whatever its age; a language not known is skipped"
    );
}

#[test]
fn a_log_of_the_first_schema_gains_the_settings_table_and_keeps_its_questions() {
    let dir = fresh_dir("v1");
    std::fs::create_dir_all(&dir).unwrap();
    let old = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    old.execute_batch(db::MIGRATIONS[0]).unwrap();
    old.execute_batch(
        "PRAGMA user_version = 1;
         INSERT INTO questions (id, at, chat_type, lang, kind, confidence, text, user_hash,
             chat_hash)
         VALUES (1, 1800000000, 'private', 'en', 'unknown', 0.1, 'q', 'u', 'c');",
    )
    .unwrap();
    drop(old);
    let mut log = QuestionLog::open(&dir).expect("migrates");
    assert_eq!(log.version().unwrap(), 2);
    assert_eq!(log.stats(NOW, 1).unwrap().questions, 1);
    log.write(&[Change::Pinned {
        chat: "c".into(),
        lang: Lang::Ru,
        at: NOW,
    }])
    .expect("the new table takes pins");
    assert_eq!(log.pins().unwrap(), [("c".to_owned(), Lang::Ru)]);
}

/// A disk that fills up, made by capping the file: the write fails with SQLITE_FULL, all of
/// its batch or none, and what was written before stays readable.
#[test]
fn a_capped_log_fails_writes_with_sqlite_full_and_stays_readable() {
    let dir = fresh_dir("full");
    let mut log = QuestionLog::open(&dir).expect("opens");
    log.write(&[entry("q", "unknown", None, 0, ChatType::Private)])
        .unwrap();
    log.limit_size(1).expect("capped");
    let batch: Vec<Change> = (0..200)
        .map(|n| {
            entry(
                &format!("question {n} {}", "x".repeat(250)),
                "unknown",
                None,
                0,
                ChatType::Private,
            )
        })
        .collect();
    let error = log.write(&batch).expect_err("the file cannot grow");
    assert_eq!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DiskFull),
        "{error}"
    );
    assert!(!is_corrupt(&error), "a full disk is not a corrupt file");
    assert_eq!(
        log.stats(NOW, 1).unwrap().questions,
        1,
        "the batch left nothing"
    );
}
