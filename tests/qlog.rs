//! The question log through the bot against the fake Bot API: what admins see with `/stats`
//! and `/unanswered`, that others are refused, that the log survives a restart and is read by
//! `kzcn-bot report`, and that no fault of the database (a directory that cannot be written, a
//! corrupt file, a lock held by another process) stops the bot answering.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::bot::{
    buttons, chinese, cyrillic, fresh_data_dir, kazakh, pinned_rows, start_bot_with, text,
    Running,
};
use crate::fake_api::update;
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
