//! The question log through the bot against the fake Bot API: what admins see with `/stats`
//! and `/unanswered`, that others are refused, that the log survives a restart and is read by
//! `kzcn-bot report`, and that no fault of the database (a directory that cannot be written, a
//! corrupt file, a lock held by another process, a full disk, the file deleted or replaced
//! under the running bot) stops the bot answering, and that `/stats` and `/unanswered` speak
//! the chat's language.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::bot::{
    buttons, chinese, cyrillic, fresh_data_dir, kazakh, pinned_rows, start_bot_with, text, Running,
};
use crate::fake_api::{update, FakeApi};
use crate::serve::Server;
use crate::util::{knowledge_dir, run_with, stderr, stdout};

const USER: i64 = 1001;
const ADMIN: i64 = 4242;
/// The first of the users who ask in `people_ask`.
const PEOPLE: i64 = 5000;

async fn start(data: &Path) -> Running {
    start_bot_with(knowledge_dir(), data.to_owned(), &[]).await
}

/// Sends `text` in the private chat of `user` and returns the bot's reply (the `n`th message
/// to that chat, counting from 1).
async fn ask(bot: &Running, user: i64, question: &str, n: usize) -> Value {
    bot.api.push(update::private_text(user, question));
    bot.api.messages_to(user, n).await[n - 1].clone()
}

/// People ask: one answered question, the same unanswered one three ways, another
/// unanswered one, and a "did you mean" whose first offer is picked. Each asks in a chat of
/// their own, so that no question is read as a follow-up of the one before.
async fn people_ask(bot: &Running) {
    let questions = [
        "When did the visa-free regime start?",
        "Visa for Japan?",
        "visa for JAPAN",
        "VISA FOR JAPAN!!!",
        "What is the GDP of Mongolia?",
        // Read as Russian typed in Latin letters, and not sure which leader is meant.
        "Kazakhstan China",
    ];
    let mut last = Value::Null;
    for (n, question) in questions.iter().enumerate() {
        last = ask(bot, PEOPLE + n as i64, question, 1).await;
    }
    let offers = buttons(&last);
    assert!(
        !offers.is_empty() && offers[0].contains("person-"),
        "{last}"
    );
    let picker = PEOPLE + questions.len() as i64 - 1;
    bot.api.push(update::callback(picker, picker, &offers[0]));
    bot.api.messages_to(picker, 2).await;
}

fn stats_of(reply: &Value) -> &str {
    text(reply)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_see_what_people_asked_and_missed_and_it_survives_a_restart() {
    let data = fresh_data_dir();
    let bot = start(&data).await;
    people_ask(&bot).await;

    let refused = ask(&bot, USER, "/stats", 1).await;
    assert!(
        text(&refused).contains("only the bot's admins"),
        "{refused}"
    );
    let refused = ask(&bot, USER, "/unanswered", 2).await;
    assert!(
        text(&refused).contains("only the bot's admins"),
        "{refused}"
    );

    let stats = ask(&bot, ADMIN, "/stats", 1).await;
    let shown = stats_of(&stats);
    for line in [
        "Questions in the last 24 hours: 6",
        "Questions in the last 7 days: 6",
        "Answer rate: 17% (1 answered)",
        "Suggestions picked: 1 of 1",
        "Top intents: visa-start 1",
        "Languages: en 5, ru 1",
        "Chat types: private 6",
    ] {
        assert!(shown.contains(line), "{line:?} missing from:\n{shown}");
    }
    assert!(!shown.contains("degraded"), "{shown}");

    let page = ask(&bot, ADMIN, "/unanswered", 2).await;
    let shown = text(&page);
    assert!(shown.contains("3 × visa for japan"), "{shown}");
    assert!(shown.contains("1 × what is the gdp of mongolia"), "{shown}");
    assert!(
        shown.contains("1 × kazakhstan china") && shown.contains("a phrasing for person-"),
        "the picked suggestion is a candidate phrasing:\n{shown}"
    );
    bot.stop().await;

    // A restart: the same figures, from the file.
    let bot = start(&data).await;
    let stats = ask(&bot, ADMIN, "/stats", 1).await;
    assert!(
        stats_of(&stats).contains("Questions in the last 24 hours: 6"),
        "{stats}"
    );
    bot.stop().await;

    // No id is kept as it is: users and chats only as salted hashes.
    let db = rusqlite::Connection::open(data.join("questions.sqlite3")).unwrap();
    let mut rows = db
        .prepare("SELECT user_hash, chat_hash FROM questions")
        .unwrap();
    let hashes: Vec<(String, String)> = rows
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(hashes.len(), 6);
    for (n, (user, chat)) in hashes.iter().enumerate() {
        let id = (PEOPLE + n as i64).to_string();
        assert!(user.len() == 16 && !user.contains(&id), "{user}");
        assert_ne!(user, chat, "a user and their private chat hash apart");
    }

    // The same log from the command line.
    let report = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kzcn-bot"));
        command.args(args).env("DATA_DIR", &data);
        run_with(&mut command, b"")
    };
    let csv = report(&["report", "unanswered", "--format", "csv"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let csv = stdout(&csv);
    assert!(
        csv.starts_with("count,question,candidate_intent\n3,visa for japan,\n"),
        "{csv}"
    );
    let json = report(&["report", "stats", "--since", "1", "--format", "json"]);
    let json: Value = serde_json::from_str(&stdout(&json)).expect("one JSON object");
    assert_eq!(json["questions"], 6);
    assert_eq!(json["suggestions_picked"], 1);
    let table = report(&["report", "stats"]);
    assert!(
        stdout(&table).contains("Answer rate: 17%"),
        "{}",
        stdout(&table)
    );
    let nowhere = report(&["report", "stats"]);
    assert!(nowhere.status.success());
    let missing = {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kzcn-bot"));
        command
            .args(["report", "stats"])
            .env("DATA_DIR", fresh_data_dir());
        run_with(&mut command, b"")
    };
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no question log here"),
        "{}",
        stderr(&missing)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_pages_with_buttons_for_admins_only() {
    let data = fresh_data_dir();
    let bot = start(&data).await;
    for n in 0..12 {
        let reply = ask(
            &bot,
            USER,
            &format!("What is the GDP of country number {n}?"),
            n + 1,
        )
        .await;
        assert!(!text(&reply).is_empty());
    }
    let first = ask(&bot, ADMIN, "/unanswered", 1).await;
    assert!(text(&first).contains("(1–10 of 12)"), "{first}");
    assert_eq!(buttons(&first), ["u:10"]);
    bot.api.push(update::callback(USER, USER, "u:10"));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        bot.api.messages_to(USER, 12).await.len(),
        12,
        "a page button pressed by someone else shows nothing"
    );
    bot.api.push(update::callback(ADMIN, ADMIN, "u:10"));
    let second = bot.api.messages_to(ADMIN, 2).await[1].clone();
    assert!(text(&second).contains("(11–12 of 12)"), "{second}");
    assert_eq!(buttons(&second), ["u:0"]);
    bot.stop().await;
}

/// Asks a question and checks it is answered, whatever the log's state.
async fn still_answers(bot: &Running, user: i64, n: usize) {
    let reply = ask(bot, user, "When did the visa-free regime start?", n).await;
    assert!(
        text(&reply).contains("2023"),
        "the bot still answers: {reply}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_dir_that_cannot_be_written_leaves_the_bot_answering_and_stats_degraded() {
    let parent = fresh_data_dir();
    std::fs::create_dir_all(&parent).unwrap();
    let data = parent.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut permissions = std::fs::metadata(&data).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o555);
    std::fs::set_permissions(&data, permissions).unwrap();
    // Root ignores permission bits: there the directory's place is taken by a file, which
    // the system refuses to write into just as firmly.
    let data = match std::fs::write(data.join("probe"), b"") {
        Err(_) => data,
        Ok(()) => {
            let file = parent.join("a-file");
            std::fs::write(&file, b"").unwrap();
            file.join("data")
        }
    };
    let bot = start(&data).await;
    still_answers(&bot, USER, 1).await;
    still_answers(&bot, USER, 2).await;
    let stats = ask(&bot, ADMIN, "/stats", 1).await;
    let shown = text(&stats);
    assert!(
        shown.contains("The question log is degraded") && shown.contains("cannot be read"),
        "{shown}"
    );
    // /lang still pins, for as long as the bot runs.
    assert!(chinese(text(&ask(&bot, USER, "/lang zh", 3).await)));
    let answer = ask(&bot, USER, "When did the visa-free regime start?", 4).await;
    assert!(chinese(text(&answer)), "{answer}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_log_is_moved_aside_and_a_new_one_started() {
    let data = fresh_data_dir();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("questions.sqlite3"),
        b"this is not a database, only bytes ".repeat(300),
    )
    .unwrap();
    let bot = start(&data).await;
    still_answers(&bot, USER, 1).await;
    let stats = ask(&bot, ADMIN, "/stats", 1).await;
    let shown = text(&stats);
    assert!(
        shown.contains("Questions in the last 24 hours: 1"),
        "{shown}"
    );
    assert!(!shown.contains("degraded"), "{shown}");
    let aside: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("questions.sqlite3.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_log_leaves_the_bot_answering_and_catches_up_when_released() {
    let data = fresh_data_dir();
    let bot = start(&data).await;
    still_answers(&bot, USER, 1).await;
    let stats = ask(&bot, ADMIN, "/stats", 1).await;
    assert!(text(&stats).contains("24 hours: 1"), "{stats}");

    // Another process takes the write lock and keeps it.
    let other = rusqlite::Connection::open(data.join("questions.sqlite3")).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    still_answers(&bot, USER, 2).await;
    still_answers(&bot, USER, 3).await;
    let stats = ask(&bot, ADMIN, "/stats", 2).await;
    let shown = text(&stats);
    assert!(shown.contains("The question log is degraded"), "{shown}");
    assert!(shown.contains("locked"), "{shown}");
    // A pin while the lock is held works at once, and is saved once the lock is released.
    assert!(kazakh(text(&ask(&bot, USER + 1, "/lang kk", 1).await)));
    let answer = ask(&bot, USER + 1, "When did the visa-free regime start?", 2).await;
    assert!(cyrillic(text(&answer)), "{answer}");

    other.execute_batch("COMMIT").unwrap();
    drop(other);
    // The writer tries again with what it held.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let stats = ask(&bot, ADMIN, "/stats", 3).await;
    let shown = text(&stats);
    assert!(!shown.contains("degraded"), "{shown}");
    assert!(shown.contains("24 hours: 4"), "{shown}");
    bot.stop().await;
    let rows = pinned_rows(&data);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1, "kk");
}

/// What `/stats` and `/unanswered` say in one language: a line of the figures, the empty
/// list, the list's header, its two buttons, and the line saying the log is degraded.
struct Said {
    lang: &'static str,
    figures: &'static str,
    none: &'static str,
    header: &'static str,
    second_page: &'static str,
    next: &'static str,
    previous: &'static str,
    degraded: &'static str,
}

const SAID: [Said; 4] = [
    Said {
        lang: "en",
        figures: "Questions in the last 24 hours: 11",
        none: "No unanswered questions in the last 30 days.",
        header: "Unanswered questions, last 30 days, most asked first (1–10 of 11):",
        second_page: "(11–11 of 11)",
        next: "Next ›",
        previous: "‹ Previous",
        degraded: "⚠ The question log is degraded:",
    },
    Said {
        lang: "ru",
        figures: "Вопросов за последние 24 часа: 11",
        none: "За последние 30 дн. вопросов без ответа нет.",
        header: "Вопросы без ответа за последние 30 дн., сначала самые частые (1–10 из 11):",
        second_page: "(11–11 из 11)",
        next: "Далее ›",
        previous: "‹ Назад",
        degraded: "⚠ Журнал вопросов работает со сбоями:",
    },
    Said {
        lang: "kk",
        figures: "Соңғы 24 сағаттағы сұрақтар: 11",
        none: "Соңғы 30 күнде жауапсыз қалған сұрақ жоқ.",
        header: "Соңғы 30 күндегі жауапсыз сұрақтар, ең жиі қойылғаны алдымен (1–10, барлығы 11):",
        second_page: "(11–11, барлығы 11)",
        next: "Келесі ›",
        previous: "‹ Алдыңғы",
        degraded: "⚠ Сұрақтар журналында ақау бар:",
    },
    Said {
        lang: "zh",
        figures: "过去24小时的提问：11",
        none: "过去30天没有未回答的问题。",
        header: "过去30天未回答的问题，按提问次数排列（第1–10条，共11条）：",
        second_page: "（第11–11条，共11条）",
        next: "下一页 ›",
        previous: "‹ 上一页",
        degraded: "⚠ 问题日志出现故障：",
    },
];

/// The labels of a message's buttons.
fn button_labels(message: &Value) -> Vec<String> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .map(|b| b["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Each language has an admin of its own: Telegram allows a chat 20 messages a minute, which
/// one admin going through four languages would exceed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_and_unanswered_speak_the_chats_language() {
    let data = fresh_data_dir();
    let admins: Vec<i64> = (0..SAID.len() as i64).map(|n| ADMIN + 1 + n).collect();
    let admin_ids: Vec<String> = std::iter::once(&ADMIN)
        .chain(&admins)
        .map(i64::to_string)
        .collect();
    let settings = [
        ("RATE_LIMIT_PER_MINUTE", "0"),
        ("ADMIN_IDS", &admin_ids.join(",")),
    ];
    let bot = start_bot_with(knowledge_dir(), data.clone(), &settings).await;
    for (said, &admin) in SAID.iter().zip(&admins) {
        ask(&bot, admin, &format!("/lang {}", said.lang), 1).await;
        let empty = ask(&bot, admin, "/unanswered", 2).await;
        assert_eq!(text(&empty), said.none, "{}", said.lang);
        assert!(button_labels(&empty).is_empty());
    }

    for n in 0..11 {
        ask(
            &bot,
            USER,
            &format!("What is the GDP of country number {n}?"),
            n + 1,
        )
        .await;
    }
    let stats = ask(&bot, ADMIN, "/stats", 1).await;
    assert!(text(&stats).contains(SAID[0].figures), "{stats}");
    // Another process holds the write lock: the next question cannot be logged.
    let other = rusqlite::Connection::open(data.join("questions.sqlite3")).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    ask(&bot, USER, "What is the GDP of country number 11?", 12).await;

    for (said, &admin) in SAID.iter().zip(&admins) {
        let lang = said.lang;
        let stats = ask(&bot, admin, "/stats", 3).await;
        let shown = text(&stats);
        assert!(shown.starts_with(said.degraded), "{lang}: {shown}");
        assert!(shown.contains(said.figures), "{lang}: {shown}");
        let page = ask(&bot, admin, "/unanswered", 4).await;
        let shown = text(&page);
        assert!(shown.starts_with(said.degraded), "{lang}: {shown}");
        assert!(shown.contains(said.header), "{lang}: {shown}");
        assert_eq!(button_labels(&page), [said.next], "{lang}");
        bot.api.push(update::callback(admin, admin, "u:10"));
        let second = bot.api.messages_to(admin, 5).await[4].clone();
        assert!(text(&second).contains(said.second_page), "{lang}: {second}");
        assert_eq!(button_labels(&second), [said.previous], "{lang}");
    }
    other.execute_batch("COMMIT").unwrap();
    bot.stop().await;
}

/// Fills a new log in `data` with unanswered questions until its file holds more than
/// `bytes`. Their texts are short and inserted in order, so that every page is packed to
/// within a few bytes: any new question needs a new page.
fn fill_log(data: &Path, bytes: i64) {
    drop(kzcn_bot::questions::QuestionLog::open(data).expect("a new log"));
    let mut db = rusqlite::Connection::open(data.join("questions.sqlite3")).unwrap();
    let now = kzcn_bot::questions::now();
    let size = |db: &rusqlite::Connection| -> i64 {
        db.query_row(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
            [],
            |row| row.get(0),
        )
        .unwrap()
    };
    let mut n = 0;
    while size(&db) <= bytes {
        let tx = db.transaction().unwrap();
        for _ in 0..2000 {
            n += 1;
            tx.execute(
                "INSERT INTO questions (id, at, chat_type, lang, kind, confidence, text,
                     user_hash, chat_hash)
                 VALUES (?1, ?2, 'private', 'en', 'unknown', 0.1, ?3, 'u', 'c')",
                rusqlite::params![n, now, format!("z{n:07}")],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
}

/// A disk that fills up: the log is capped at 1 MiB (`QUESTION_LOG_MAX_MB`, SQLite's
/// `max_page_count`) and already holds more, so every write fails with SQLITE_FULL ("database
/// or disk is full") through the writer's own code. The bot runs as a real process, so its
/// log can be read: the problem is said once (at most once a minute), the bot answers every
/// question, `/lang` still pins, `/stats` says the log is degraded, and SIGTERM still stops it
/// cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_leaves_the_bot_answering_says_so_once_and_stats_degraded() {
    let data = fresh_data_dir();
    std::fs::create_dir_all(&data).unwrap();
    fill_log(&data, 1024 * 1024);
    let before = fill_count(&data);
    let api = FakeApi::start().await;
    let mut server = start_admin_bot(&api, &data, &[("QUESTION_LOG_MAX_MB", "1")], "full-disk");
    let questions = 5;
    for n in 0..questions {
        still_answers_in(&api, USER + n, 1).await;
    }
    api.push(update::private_text(USER, "/lang ru"));
    assert!(cyrillic(text(&api.messages_to(USER, 2).await[1])));
    api.push(update::private_text(
        USER,
        "When did the visa-free regime start?",
    ));
    let answer = api.messages_to(USER, 3).await[2].clone();
    assert!(cyrillic(text(&answer)), "the pin holds in memory: {answer}");

    api.push(update::private_text(ADMIN, "/stats"));
    let stats = api.messages_to(ADMIN, 1).await[0].clone();
    let shown = text(&stats);
    assert!(
        shown.contains("The question log is degraded")
            && shown.contains("database or disk is full"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("Questions in the last 24 hours: {before}")),
        "what was written before stays readable: {shown}"
    );

    server.signal("TERM");
    let (code, _) = server.wait(Duration::from_secs(15)).await;
    let log = server.log_text();
    assert_eq!(code, Some(0), "{log}");
    let said: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("question log degraded"))
        .collect();
    assert_eq!(said.len(), 1, "said once, however often it failed:\n{log}");
    assert!(said[0].contains("database or disk is full"), "{}", said[0]);
    assert_eq!(
        fill_count(&data),
        before,
        "nothing was written past the cap"
    );
}

/// The questions in the log in `data`.
fn fill_count(data: &Path) -> i64 {
    let db = rusqlite::Connection::open(data.join("questions.sqlite3")).unwrap();
    db.query_row("SELECT COUNT(*) FROM questions", [], |row| row.get(0))
        .unwrap()
}

/// `still_answers` against an API the bot runs on as a process.
async fn still_answers_in(api: &FakeApi, user: i64, n: usize) {
    api.push(update::private_text(
        user,
        "When did the visa-free regime start?",
    ));
    let reply = api.messages_to(user, n).await[n - 1].clone();
    assert!(
        text(&reply).contains("2023"),
        "the bot still answers: {reply}"
    );
}

/// What is done to the log's file under the running bot, in `data`.
type FileFault = fn(&Path);

/// The log's file in `data`, its WAL and its shared memory removed, as by hand.
fn delete_log_files(data: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(data.join(format!("questions.sqlite3{suffix}")));
    }
}

/// What `replace_with_garbage` puts in the log's place.
const GARBAGE: &[u8] = b"this is not a database, only bytes put in its place ";

fn replace_with_garbage(data: &Path) {
    let garbage = data.join("restored-from-elsewhere");
    std::fs::write(&garbage, GARBAGE.repeat(300)).unwrap();
    delete_log_files(data);
    std::fs::rename(&garbage, data.join("questions.sqlite3")).unwrap();
}

/// The bot runs as a process; a question is logged and a language pinned; `fault` is done to
/// the file; two more questions are asked. Returns the bot's log and the last `/stats`, after
/// checking that every question was answered and that the new file holds the two questions
/// and the pin held in memory.
async fn a_fault_to_the_file_under_the_running_bot(
    fault: FileFault,
    name: &str,
) -> (String, String) {
    let data = fresh_data_dir();
    std::fs::create_dir_all(&data).unwrap();
    let api = FakeApi::start().await;
    let mut server = start_admin_bot(&api, &data, &[], name);
    still_answers_in(&api, USER, 1).await;
    api.push(update::private_text(USER + 1, "/lang ru"));
    assert!(cyrillic(text(&api.messages_to(USER + 1, 1).await[0])));
    api.push(update::private_text(ADMIN, "/stats"));
    let stats = api.messages_to(ADMIN, 1).await[0].clone();
    assert!(text(&stats).contains("24 hours: 1"), "{stats}");

    fault(&data);
    still_answers_in(&api, USER + 2, 1).await;
    still_answers_in(&api, USER + 3, 1).await;
    api.push(update::private_text(ADMIN, "/stats"));
    let stats = text(&api.messages_to(ADMIN, 2).await[1]).to_owned();

    server.signal("TERM");
    let (code, _) = server.wait(Duration::from_secs(15)).await;
    let log = server.log_text();
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(fill_count(&data), 2, "the questions asked since: {log}");
    let rows = pinned_rows(&data);
    assert_eq!(
        rows.len(),
        1,
        "the pin held in memory is written again: {rows:?}"
    );
    assert_eq!(rows[0].1, "ru");
    let log_file = kzcn_bot::questions::QuestionLog::open_existing(&data).unwrap();
    assert_eq!(log_file.quick_check().unwrap(), "ok");
    (log, stats)
}

/// The lines of `log` that contain `words`.
fn lines_with<'a>(log: &'a str, words: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(words)).collect()
}

/// Regression: a log file replaced under the running bot was not seen; the writer went on
/// writing to the old, unlinked file, and `/stats` said only "file is not a database".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_replaced_by_garbage_under_the_running_bot_is_moved_aside_and_started_anew() {
    let (log, stats) =
        a_fault_to_the_file_under_the_running_bot(replace_with_garbage, "replaced").await;
    let said = started_anew(&log, &stats, "was replaced");
    assert!(said.contains("moved aside to"), "{said}");
    let aside = said
        .split("moved aside to ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("the name it was moved to");
    assert_eq!(
        std::fs::read(aside).unwrap(),
        GARBAGE.repeat(300),
        "the garbage is kept as it was, under {aside}"
    );
}

/// Regression: a log file deleted (with its WAL and shared memory) under the running bot was
/// not seen; the writer went on writing to the deleted file, and `/stats` read nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_deleted_under_the_running_bot_is_started_anew() {
    let (log, stats) = a_fault_to_the_file_under_the_running_bot(delete_log_files, "deleted").await;
    let said = started_anew(&log, &stats, "was deleted while the bot ran");
    assert!(said.contains("a new log is started"), "{said}");
}

/// What both faults to the file must show: the two questions after it counted in a new log,
/// the log never degraded, and the one line in the bot's log that says what happened.
fn started_anew<'a>(log: &'a str, stats: &str, what: &str) -> &'a str {
    assert!(
        stats.contains("Questions in the last 24 hours: 2"),
        "{stats}"
    );
    assert!(!stats.contains("degraded"), "{stats}");
    assert!(lines_with(log, "question log degraded").is_empty(), "{log}");
    let said = lines_with(log, what);
    assert_eq!(said.len(), 1, "said once:\n{log}");
    said[0]
}

/// The bot as a process with its data in `data`, `ADMIN` as its admin, info-level logs and
/// any `more` settings.
fn start_admin_bot(
    api: &FakeApi,
    data: &std::path::Path,
    more: &[(&str, &str)],
    name: &str,
) -> Server {
    let data_text = data.display().to_string();
    let admin = ADMIN.to_string();
    let mut settings = vec![
        ("DATA_DIR", data_text.as_str()),
        ("ADMIN_IDS", admin.as_str()),
        ("RUST_LOG", "info"),
    ];
    settings.extend_from_slice(more);
    Server::start(api, &settings, name)
}
