//! The Telegram handlers, run in-process against the fake Bot API: every command and chat
//! type, buttons, inline mode, admin reload, and how sending copes with Telegram's errors.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kzcn_bot::config::ServeConfig;
use kzcn_bot::Engine;
use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::fake_api::{update, FakeApi, Fault, ANONYMOUS_ADMIN, BOT_USERNAME, GROUP_OWNER, TOKEN};
use crate::util::{knowledge_copy, knowledge_dir};

const USER: i64 = 1001;
const ADMIN: i64 = 4242;
const GROUP: i64 = -100_777;

pub(crate) struct Running {
    pub(crate) api: FakeApi,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        result
            .expect("the bot stops within 10 s")
            .expect("task joins")
            .expect("bot ran cleanly");
    }
}

async fn start_bot(dir: PathBuf) -> Running {
    start_bot_with_data(dir, fresh_data_dir()).await
}

/// A data directory of its own for each bot, so pinned languages do not leak between tests.
pub(crate) fn fresh_data_dir() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kzcn-bot-data-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn start_bot_with_data(dir: PathBuf, data: PathBuf) -> Running {
    start_bot_with(dir, data, &[]).await
}

/// A bot with `extra` settings on top of the usual test ones.
pub(crate) async fn start_bot_with(dir: PathBuf, data: PathBuf, extra: &[(&str, &str)]) -> Running {
    // The bot's own log goes with a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("kzcn_bot=debug")
        .try_init();
    let api = FakeApi::start().await;
    let url = api.url();
    let dir_text = dir.display().to_string();
    let data_text = data.display().to_string();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let vars = move |name: &str| -> Option<String> {
        if let Some((_, value)) = extra.iter().find(|(k, _)| k == name) {
            return Some(value.clone());
        }
        match name {
            "TELOXIDE_TOKEN" => Some(TOKEN.to_owned()),
            "TELOXIDE_API_URL" => Some(url.clone()),
            "ADMIN_IDS" => Some(ADMIN.to_string()),
            "KNOWLEDGE_DIR" => Some(dir_text.clone()),
            "DATA_DIR" => Some(data_text.clone()),
            _ => None,
        }
    };
    let config = ServeConfig::from_vars(None, &vars).expect("test settings are valid");
    let engine = Engine::load(&dir).expect("knowledge loads");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(kzcn_bot::bot::run(config, engine, async move {
        let _ = stopped.await;
    }));
    Running {
        api,
        stop: Some(stop),
        task,
    }
}

pub(crate) fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap_or_default()
}

pub(crate) fn buttons(message: &Value) -> Vec<String> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .map(|button| {
            button["callback_data"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_question_gets_an_html_answer_with_sources_and_buttons() {
    let bot = start_bot(knowledge_dir()).await;
    bot.api.push(update::private_text(
        USER,
        "When did the visa-free regime start?",
    ));
    let sent = bot.api.messages_to(USER, 1).await;
    let message = &sent[0];
    assert!(text(message).contains("10 November 2023"), "{message}");
    assert!(text(message).contains("<i>Sources:"), "{message}");
    assert_eq!(message["parse_mode"], "HTML");
    assert!(
        message.get("reply_parameters").is_none(),
        "no quoting in a private chat"
    );
    assert!(
        buttons(message).iter().any(|b| b.starts_with("i:")),
        "related topics as buttons: {message}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_private_command_answers() {
    let bot = start_bot(knowledge_dir()).await;
    let cases: [(&str, &str); 13] = [
        ("/start", "Hello!"),
        ("/start visa", "visa"),
        ("/help", "/ask"),
        ("/ask trade 2022", "24.2"),
        ("/ask", "/ask When did the visa-free regime start?"),
        ("/visa", "30 calendar days"),
        ("/trade", "billion"),
        ("/tourism", "Tourism"),
        ("/border", "Khorgos"),
        ("/energy", "Shymkent"),
        ("/topics", "Visa-free travel"),
        ("/sources", "China Daily"),
        ("/about", "facts from 5 news articles"),
    ];
    for (n, (command, expected)) in cases.iter().enumerate() {
        let user = USER + 100 + n as i64;
        bot.api.push(update::private_text(user, command));
        let sent = bot.api.messages_to(user, 1).await;
        assert!(
            text(&sent[0]).contains(expected),
            "{command}: expected {expected:?} in {}",
            sent[0]
        );
    }
    let start = &bot.api.messages_to(USER + 100, 1).await[0];
    assert!(
        buttons(start).iter().any(|b| b == "t:en:visa"),
        "/start offers topic buttons: {start}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_message() {
    let bot = start_bot(knowledge_dir()).await;
    let cases: [(i64, Value, &str); 4] = [
        (USER + 1, update::private_photo(USER + 1), "only read text"),
        (
            USER + 2,
            update::private_text(USER + 2, "/nonsense"),
            "/help",
        ),
        (
            USER + 3,
            update::private_text(USER + 3, &"visa ".repeat(1000)),
            "too long",
        ),
        (
            USER + 4,
            update::private_text(
                USER + 4,
                "<b>how long</b> can I stay without a <i>visa</i>?",
            ),
            "30 calendar days",
        ),
    ];
    for (user, update, expected) in cases {
        bot.api.push(update);
        let sent = bot.api.messages_to(user, 1).await;
        assert!(
            text(&sent[0]).contains(expected),
            "expected {expected:?} in {}",
            sent[0]
        );
        assert!(
            !text(&sent[0]).contains("<b>how"),
            "user HTML must never come back unescaped"
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_get_answers_only_when_the_bot_is_addressed() {
    let bot = start_bot(knowledge_dir()).await;
    let mention = format!("@{BOT_USERNAME}");
    let answered: [(Value, &str); 5] = [
        (
            update::group_text(GROUP, USER, 11, &format!("/ask{mention} trade 2022")),
            "24.2",
        ),
        (
            update::group_text(
                GROUP - 1,
                USER,
                12,
                "/ask when did the visa-free regime start",
            ),
            "10 November 2023",
        ),
        (
            update::group_text(GROUP - 2, USER, 13, &format!("/visa{mention}")),
            "30 calendar days",
        ),
        (
            update::group_reply_to_bot(GROUP - 3, USER, 14, "and how many days in total per 180?"),
            "90",
        ),
        (
            update::group_text(
                GROUP - 4,
                USER,
                15,
                &format!("{mention} who is Ding Xuexiang"),
            ),
            "Vice Premier",
        ),
    ];
    for (n, (update, expected)) in answered.iter().enumerate() {
        let chat = GROUP - n as i64;
        bot.api.push(update.clone());
        let sent = bot.api.messages_to(chat, 1).await;
        assert!(
            text(&sent[0]).contains(expected),
            "expected {expected:?} in {}",
            sent[0]
        );
        assert_eq!(
            sent[0]["reply_parameters"]["message_id"],
            json!(11 + n as i64),
            "replies to the asker"
        );
    }
    let silent_chat = GROUP - 50;
    for chatter in [
        "morning all",
        "what about the visa-free regime?",
        "/ask@other_bot trade 2022",
        "/nonsense",
        "/visa@other_bot",
    ] {
        bot.api
            .push(update::group_text(silent_chat, USER, 20, chatter));
    }
    bot.api
        .push(update::group_text(GROUP - 51, USER, 21, "/ask"));
    let how = bot.api.messages_to(GROUP - 51, 1).await;
    assert!(
        text(&how[0]).contains("/ask When did the visa-free regime start?"),
        "{}",
        how[0]
    );
    assert!(
        bot.api.quiet_period(silent_chat).await.is_empty(),
        "the bot must stay quiet on group chatter"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suggestion_button_answers_that_topic_and_clears_the_spinner() {
    let bot = start_bot(knowledge_dir()).await;
    bot.api
        .push(update::callback(USER, USER, "i:visa-cumulative-limit"));
    let sent = bot.api.messages_to(USER, 1).await;
    assert!(text(&sent[0]).contains("180"), "{}", sent[0]);
    let answered = bot.api.calls("answerCallbackQuery");
    assert_eq!(answered.len(), 1);
    assert_eq!(
        answered[0].body["callback_query_id"],
        format!("cb-{USER}-i:visa-cumulative-limit")
    );
    // A stale button still gets its spinner cleared.
    bot.api
        .push(update::callback(USER + 1, USER + 1, "i:no-such-intent"));
    bot.api
        .wait_for(2, Duration::from_secs(10), |c| {
            c.method == "answerCallbackQuery"
        })
        .await;
    assert!(bot.api.quiet_period(USER + 1).await.is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_queries_return_up_to_five_answers_with_sources() {
    let bot = start_bot(knowledge_dir()).await;
    bot.api.push(update::inline(USER, "visa free days"));
    bot.api.push(update::inline(USER + 1, ""));
    let calls = bot
        .api
        .wait_for(2, Duration::from_secs(10), |c| {
            c.method == "answerInlineQuery"
        })
        .await;
    for call in &calls {
        assert_eq!(
            call.body["is_personal"],
            json!(true),
            "answers in the user's language are not shared: {}",
            call.body
        );
        let results = call.body["results"].as_array().expect("results");
        assert!(!results.is_empty() && results.len() <= 5, "{}", call.body);
        for result in results {
            assert_eq!(result["type"], "article");
            let message = result["input_message_content"]["message_text"]
                .as_str()
                .unwrap();
            assert!(message.contains("Source"), "{message}");
        }
    }
    let empty = calls
        .iter()
        .find(|c| c.body["inline_query_id"] == format!("iq-{}", USER + 1))
        .unwrap();
    assert_eq!(
        empty.body["results"][0]["id"], "visa-overview",
        "an empty query lists the main topics"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_reload_the_knowledge_base_and_a_broken_file_keeps_the_old_one() {
    let dir = knowledge_copy("reload-inprocess");
    let bot = start_bot(dir.clone()).await;

    bot.api.push(update::private_text(USER, "/reload"));
    let refused = bot.api.messages_to(USER, 1).await;
    assert!(
        text(&refused[0]).contains("only the bot's admins"),
        "{}",
        refused[0]
    );

    let visa = std::fs::read_to_string(dir.join("visa.toml")).unwrap();
    std::fs::write(
        dir.join("visa.toml"),
        visa.replace("30 calendar days", "thirty calendar days"),
    )
    .unwrap();
    bot.api.push(update::private_text(ADMIN, "/reload"));
    let reloaded = bot.api.messages_to(ADMIN, 1).await;
    assert!(
        text(&reloaded[0]).contains("Knowledge reloaded") && text(&reloaded[0]).contains("changed"),
        "{}",
        reloaded[0]
    );
    bot.api.push(update::private_text(
        USER + 1,
        "how long can one visa-free stay last",
    ));
    assert!(text(&bot.api.messages_to(USER + 1, 1).await[0]).contains("thirty calendar days"));

    std::fs::write(
        dir.join("trade.toml"),
        "[[intent]]\nid = \"broken\nnot toml",
    )
    .unwrap();
    bot.api.push(update::private_text(ADMIN, "/reload"));
    let failed = bot.api.messages_to(ADMIN, 2).await;
    assert!(
        text(&failed[1]).contains("Reload failed") && text(&failed[1]).contains("trade.toml:"),
        "{}",
        failed[1]
    );
    bot.api.push(update::private_text(USER + 2, "trade 2022"));
    assert!(
        text(&bot.api.messages_to(USER + 2, 1).await[0]).contains("24.2"),
        "the old base keeps serving"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegram_errors_are_retried_without_losing_the_reply() {
    let bot = start_bot(knowledge_dir()).await;

    bot.api.fail_next("sendMessage", Fault::RetryAfter(1));
    let asked = Instant::now();
    bot.api.push(update::private_text(USER, "trade 2022"));
    let calls = bot
        .api
        .wait_for(2, Duration::from_secs(15), |c| {
            c.method == "sendMessage" && c.body["chat_id"] == json!(USER)
        })
        .await;
    assert!(
        calls[1].at.duration_since(calls[0].at) >= Duration::from_millis(900),
        "retry_after must be honoured"
    );
    assert!(asked.elapsed() >= Duration::from_secs(1));

    // teloxide itself pauses 10 s after a 5xx before reporting it; one is enough to test.
    bot.api.fail_next("sendMessage", Fault::Status(500));
    bot.api.push(update::private_text(USER + 1, "trade 2022"));
    let calls = bot
        .api
        .wait_for(2, Duration::from_secs(30), |c| {
            c.method == "sendMessage" && c.body["chat_id"] == json!(USER + 1)
        })
        .await;
    assert!(text(&calls[1].body).contains("24.2"));

    bot.api.fail_next("sendMessage", Fault::BadHtml);
    bot.api.push(update::private_text(USER + 2, "trade 2022"));
    let calls = bot
        .api
        .wait_for(2, Duration::from_secs(15), |c| {
            c.method == "sendMessage" && c.body["chat_id"] == json!(USER + 2)
        })
        .await;
    assert!(
        calls[1].body.get("parse_mode").is_none(),
        "the fallback is plain text"
    );
    assert!(
        text(&calls[1].body).contains("24.2") && !text(&calls[1].body).contains("<i>"),
        "{}",
        calls[1].body
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_answers_are_split_under_the_message_limit() {
    let dir = knowledge_copy("long-answer");
    let long = "Kazakhstan and China met. ".repeat(120); // ~3,100 characters per fact
    let extra = format!(
        "[[intent]]\nid = \"long-test\"\ntopic = \"visa\"\ntitle.en = \"Long\"\nkeywords.en = [\"zzlongtest\"]\n\
         [[intent.fact]]\nid = \"long-1\"\ntext.en = \"{long}\"\nsources = [\"kazinform\"]\nquote = \"Zhang Xiao\"\n\
         [[intent.fact]]\nid = \"long-2\"\ntext.en = \"{long}\"\nsources = [\"kazinform\"]\nquote = \"Zhang Xiao\"\n"
    );
    std::fs::write(dir.join("zz_long.toml"), extra).unwrap();
    let bot = start_bot(dir).await;
    bot.api.push(update::private_text(USER, "zzlongtest"));
    let sent = bot.api.messages_to(USER, 2).await;
    for message in &sent {
        assert!(text(message).encode_utf16().count() <= 4096);
    }
    assert!(
        text(&sent[1]).contains("Source"),
        "the sources close the last piece"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_menus_are_set_for_private_chats_and_groups() {
    let bot = start_bot(knowledge_dir()).await;
    let calls = bot
        .api
        .wait_for(2, Duration::from_secs(10), |c| c.method == "setMyCommands")
        .await;
    let scopes: Vec<&str> = calls
        .iter()
        .map(|c| c.body["scope"]["type"].as_str().unwrap_or_default())
        .collect();
    assert!(
        scopes.contains(&"all_private_chats") && scopes.contains(&"all_group_chats"),
        "{scopes:?}"
    );
    let group = calls
        .iter()
        .find(|c| c.body["scope"]["type"] == "all_group_chats")
        .unwrap();
    let names: Vec<&str> = group.body["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"ask") && !names.contains(&"reload"),
        "{names:?}"
    );
    assert!(
        names.iter().all(|n| !n.starts_with('/')),
        "Telegram wants command names without the slash"
    );
    bot.stop().await;
}

pub(crate) fn cyrillic(text: &str) -> bool {
    text.chars()
        .filter(|c| ('\u{0400}'..='\u{04FF}').contains(c))
        .count()
        > 20
}

pub(crate) fn chinese(text: &str) -> bool {
    text.chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count()
        > 10
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_and_menus_follow_the_users_language() {
    let data = fresh_data_dir();
    let bot = start_bot_with_data(knowledge_dir(), data.clone()).await;

    // A Russian question from an English interface is answered in Russian.
    bot.api.push(update::private_text(
        USER,
        "Когда начал действовать безвизовый режим?",
    ));
    let answer = &bot.api.messages_to(USER, 1).await[0];
    assert!(
        cyrillic(text(answer)) && text(answer).contains("2023"),
        "{answer}"
    );
    assert!(
        buttons(answer)
            .iter()
            .all(|b| b.starts_with("i:ru:") || b.starts_with("q:ru:")),
        "buttons keep the language: {answer}"
    );

    // Help follows the interface language.
    bot.api
        .push(update::private_text_from(USER + 1, "zh-hans", "/help"));
    assert!(chinese(text(&bot.api.messages_to(USER + 1, 1).await[0])));

    // /lang pins a chat's language, and the choice survives a restart.
    bot.api.push(update::private_text(USER + 2, "/lang kk"));
    let pinned = bot.api.messages_to(USER + 2, 1).await;
    assert!(
        cyrillic(text(&pinned[0])) || text(&pinned[0]).chars().any(|c| "әғқңөұүһі".contains(c)),
        "{}",
        pinned[0]
    );
    bot.api.push(update::private_text(
        USER + 2,
        "When did the visa-free regime start?",
    ));
    let kazakh = bot.api.messages_to(USER + 2, 2).await;
    assert!(
        cyrillic(text(&kazakh[1])),
        "a pinned language wins over the question's: {}",
        kazakh[1]
    );
    bot.api.push(update::private_text(USER + 3, "/lang xx"));
    assert!(text(&bot.api.messages_to(USER + 3, 1).await[0]).contains("/lang ru"));

    // In a group only its admins may pin the language.
    bot.api.push(update::group_text(
        GROUP,
        USER,
        30,
        &format!("/lang@{BOT_USERNAME} zh"),
    ));
    assert!(
        !chinese(text(&bot.api.messages_to(GROUP, 1).await[0])),
        "a member cannot change it"
    );
    bot.api
        .push(update::group_text(GROUP, GROUP_OWNER, 31, "/lang zh"));
    let set = bot.api.messages_to(GROUP, 2).await;
    assert!(chinese(text(&set[1])), "the group's owner can: {}", set[1]);

    // Command menus exist in every language.
    let menus = bot
        .api
        .wait_for(8, Duration::from_secs(10), |c| c.method == "setMyCommands")
        .await;
    let codes: std::collections::BTreeSet<String> = menus
        .iter()
        .map(|c| {
            c.body["language_code"]
                .as_str()
                .unwrap_or("default")
                .to_owned()
        })
        .collect();
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        ["default", "kk", "ru", "zh"]
    );
    bot.stop().await;

    let bot = start_bot_with_data(knowledge_dir(), data.clone()).await;
    bot.api.push(update::private_text(USER + 2, "trade 2022"));
    assert!(
        cyrillic(text(&bot.api.messages_to(USER + 2, 1).await[0])),
        "the pin survives a restart"
    );
    bot.api.push(update::group_text(
        GROUP,
        USER,
        32,
        &format!("@{BOT_USERNAME} trade 2022"),
    ));
    assert!(
        chinese(text(&bot.api.messages_to(GROUP, 1).await[0])),
        "the group's pin too"
    );
    bot.stop().await;

    // The pins are kept in the question log's file, by the chats' salted hashes only.
    let rows = pinned_rows(&data);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (hash, _) in &rows {
        for id in [USER + 2, GROUP] {
            assert!(!hash.contains(&id.to_string()), "{hash}");
        }
    }
    let mut langs: Vec<&str> = rows.iter().map(|(_, lang)| lang.as_str()).collect();
    langs.sort();
    assert_eq!(langs, ["kk", "zh"]);
}

/// The `(chat hash, language)` rows of the settings table in `data`'s question log.
pub(crate) fn pinned_rows(data: &std::path::Path) -> Vec<(String, String)> {
    let db = rusqlite::Connection::open(data.join("questions.sqlite3")).unwrap();
    let mut rows = db
        .prepare("SELECT chat_hash, lang FROM chat_settings")
        .unwrap();
    let rows = rows
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// A short follow-up continues the chat's last answer: in a private chat within the window,
/// and in a group when it replies to the bot; a group message that does not reply does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_ups_continue_the_last_answer_of_the_chat() {
    let bot = start_bot(knowledge_dir()).await;
    bot.api.push(update::private_text(USER, "trade in 2023"));
    bot.api.messages_to(USER, 1).await;
    bot.api.push(update::private_text(USER, "and in 2022?"));
    let sent = bot.api.messages_to(USER, 2).await;
    assert!(text(&sent[1]).contains("24.2"), "{}", sent[1]);

    let mention = format!("@{BOT_USERNAME}");
    bot.api.push(update::group_text(
        GROUP - 9,
        USER,
        30,
        &format!("{mention} trade in 2023"),
    ));
    bot.api.messages_to(GROUP - 9, 1).await;
    bot.api.push(update::group_reply_to_bot(
        GROUP - 9,
        USER,
        31,
        "and in 2022?",
    ));
    let sent = bot.api.messages_to(GROUP - 9, 2).await;
    assert!(text(&sent[1]).contains("24.2"), "{}", sent[1]);
    // Another group, with no answer to continue: the same words say nothing on their own.
    bot.api.push(update::group_reply_to_bot(
        GROUP - 10,
        USER,
        32,
        "and in 2022?",
    ));
    let sent = bot.api.messages_to(GROUP - 10, 1).await;
    assert!(!text(&sent[0]).contains("24.2"), "{}", sent[0]);
    bot.stop().await;
}

/// Admin commands go by the numeric id of the message's own author, in groups as in private
/// chats. A forward, a message sent as a channel and one from an anonymous group admin name no
/// author, so they are refused even when the stand-in's id is listed in ADMIN_IDS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_admins_own_message_can_reload() {
    let admins = format!("{ADMIN},{ANONYMOUS_ADMIN},136817688");
    let bot = start_bot_with(
        knowledge_dir(),
        fresh_data_dir(),
        &[("ADMIN_IDS", admins.as_str())],
    )
    .await;
    let reload = format!("/reload@{BOT_USERNAME}");
    bot.api.push(update::group_text(GROUP, ADMIN, 40, &reload));
    let done = bot.api.messages_to(GROUP, 1).await;
    assert!(text(&done[0]).contains("Knowledge reloaded"), "{}", done[0]);

    let refused: [(i64, Value); 4] = [
        // An admin forwarding someone else's command, and a user forwarding an admin's.
        (
            ADMIN,
            update::forwarded(update::private_text(ADMIN, "/reload"), USER),
        ),
        (
            GROUP - 1,
            update::forwarded(update::group_text(GROUP - 1, USER, 41, &reload), ADMIN),
        ),
        (
            GROUP - 2,
            update::group_text_as_channel(GROUP - 2, -100_999, 42, &reload),
        ),
        (
            GROUP - 3,
            update::group_text_as_anonymous_admin(GROUP - 3, 43, &reload),
        ),
    ];
    for (chat, update) in refused {
        bot.api.push(update.clone());
        let sent = bot.api.messages_to(chat, 1).await;
        assert!(
            text(&sent[0]).contains("only the bot's admins"),
            "{update}\ngot {}",
            sent[0]
        );
    }

    // Pinning a group's language: its anonymous admins post as the group and may; a channel
    // may not.
    bot.api.push(update::group_text_as_anonymous_admin(
        GROUP - 4,
        44,
        "/lang ru",
    ));
    assert!(cyrillic_any(text(
        &bot.api.messages_to(GROUP - 4, 1).await[0]
    )));
    bot.api.push(update::group_text_as_channel(
        GROUP - 5,
        -100_999,
        45,
        "/lang ru",
    ));
    let refused = bot.api.messages_to(GROUP - 5, 1).await;
    assert!(
        text(&refused[0]).contains("only its admins"),
        "{}",
        refused[0]
    );
    bot.stop().await;
}

fn cyrillic_any(text: &str) -> bool {
    text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

const NOTICE: &str = "faster than I can answer";
const TIGHT_LIMIT: [(&str, &str); 2] = [("RATE_LIMIT_PER_MINUTE", "1"), ("RATE_LIMIT_BURST", "3")];
/// No per-user limit, so only the throttle can hold replies back.
const UNLIMITED: [(&str, &str); 1] = [("RATE_LIMIT_PER_MINUTE", "0")];

/// One user flooding the bot gets a few answers, one polite notice, then silence; others are
/// answered as usual meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_user_gets_one_notice_and_starves_no_one() {
    let bot = start_bot_with(knowledge_dir(), fresh_data_dir(), &TIGHT_LIMIT).await;
    for _ in 0..8 {
        bot.api.push(update::private_text(USER, "trade 2022"));
    }
    bot.api.push(update::private_text(USER + 1, "trade 2022"));
    let other = bot.api.messages_to(USER + 1, 1).await;
    assert!(text(&other[0]).contains("24.2"), "{}", other[0]);
    bot.api.messages_to(USER, 4).await;
    let sent = bot.api.quiet_period(USER).await;
    assert_eq!(sent.len(), 4, "three answers and one notice: {sent:#?}");
    assert!(sent[..3].iter().all(|m| text(m).contains("24.2")));
    assert!(text(&sent[3]).contains(NOTICE), "{}", sent[3]);
    bot.stop().await;
}

/// Telegram lets a bot send about one message a second to one chat, so by default replies to
/// one chat are paced: three quick questions are answered over two seconds at least.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_replies_to_one_chat_are_paced_a_second_apart() {
    let bot = start_bot_with(knowledge_dir(), fresh_data_dir(), &UNLIMITED).await;
    for _ in 0..3 {
        bot.api.push(update::private_text(USER, "trade 2022"));
    }
    let sent = bot.api.messages_to(USER, 3).await;
    assert!(sent.iter().all(|m| text(m).contains("24.2")));
    let at: Vec<Instant> = bot.api.calls("sendMessage").iter().map(|c| c.at).collect();
    let spread = at[2] - at[0];
    assert!(
        spread >= Duration::from_millis(1900),
        "paced over {spread:?}"
    );
    bot.stop().await;
}

/// With `TELEGRAM_THROTTLE=off` nothing stands between the handlers and the API: forty replies
/// to one chat, which the throttle would spread over more than a minute (one a second, twenty
/// a minute), all arrive within seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_throttle_off_replies_to_one_chat_are_not_paced() {
    let settings = [UNLIMITED[0], ("TELEGRAM_THROTTLE", "off")];
    let bot = start_bot_with(knowledge_dir(), fresh_data_dir(), &settings).await;
    let asked = Instant::now();
    for _ in 0..40 {
        bot.api.push(update::private_text(USER, "trade 2022"));
    }
    let sent = bot.api.messages_to(USER, 40).await;
    let took = asked.elapsed();
    assert!(sent.iter().all(|m| text(m).contains("24.2")));
    assert!(took < Duration::from_secs(10), "40 replies took {took:?}");
    bot.stop().await;
}

/// Regression: teloxide's dispatcher took every pending update from `getUpdates` into
/// per-chat queues without waiting for the handlers, so a burst was held whole in the bot's
/// memory (20,000 queued updates over 1,000 chats: 114 MiB). Now the bot asks Telegram for no
/// more than `MAX_UPDATES_IN_FLIGHT` unanswered updates, and the rest of a burst waits on
/// Telegram's side; every update is still answered, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_a_burst_was_taken_whole_into_memory_now_at_most_n_updates_are_in_flight() {
    const LIMIT: i64 = 8;
    const UPDATES: i64 = 400;
    let settings = [
        UNLIMITED[0],
        ("TELEGRAM_THROTTLE", "off"),
        ("MAX_UPDATES_IN_FLIGHT", "8"),
    ];
    let bot = start_bot_with(knowledge_dir(), fresh_data_dir(), &settings).await;
    bot.api
        .wait_for(1, Duration::from_secs(10), |c| c.method == "getUpdates")
        .await;
    // Group chatter the bot ignores comes first: were its places not given back, the burst
    // after it would never be polled.
    for n in 0..3 * LIMIT {
        bot.api
            .push(update::group_text(GROUP, USER, 5000 + n, "hello all"));
    }
    let ask = format!("@{BOT_USERNAME} trade 2022");
    // Question n is message n of chat -(1000 + n % 40): 40 chats of 10 questions each.
    let chat = |n: i64| -(1000 + n % 40);
    for n in 1..=UPDATES {
        bot.api.push(update::group_text(chat(n), USER + n, n, &ask));
    }
    let sent = bot
        .api
        .wait_for(UPDATES as usize, Duration::from_secs(60), |c| {
            c.method == "sendMessage"
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut answers = std::collections::BTreeMap::new();
    for call in bot.api.calls("sendMessage") {
        let quoted = call.body["reply_parameters"]["message_id"].as_i64();
        *answers
            .entry((call.body["chat_id"].as_i64(), quoted))
            .or_insert(0) += 1;
    }
    for n in 1..=UPDATES {
        assert_eq!(
            answers.get(&(Some(chat(n)), Some(n))),
            Some(&1),
            "update {n} must be answered exactly once"
        );
    }
    assert_eq!(sent.len(), UPDATES as usize, "no other messages");
    // The ignored updates count as handed out and never answered.
    let most = bot.api.most_unanswered() - 3 * LIMIT;
    assert!(
        (1..=LIMIT).contains(&most),
        "{most} updates were unanswered at once; the limit is {LIMIT}"
    );
    let largest_poll = bot
        .api
        .calls("getUpdates")
        .iter()
        .filter_map(|c| c.body["limit"].as_i64())
        .max();
    assert!(largest_poll <= Some(LIMIT), "polled for {largest_poll:?}");
    let api = bot.api.clone();
    bot.stop().await;
    assert_eq!(
        api.confirmed_below(),
        3 * LIMIT + UPDATES + 1,
        "every update is confirmed on stop"
    );
}

/// In a group, everything a user makes the bot do counts against their limit (commands,
/// mentions, replies to the bot, buttons); chatter the bot ignores does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_groups_the_limit_counts_everything_a_user_triggers() {
    let bot = start_bot_with(knowledge_dir(), fresh_data_dir(), &TIGHT_LIMIT).await;
    let flooder = USER + 2;
    let triggers = [
        update::group_text(GROUP, flooder, 50, "morning all"),
        update::group_text(GROUP, flooder, 51, "visa-free travel is great"),
        update::group_text(GROUP, flooder, 52, &format!("/visa@{BOT_USERNAME}")),
        update::group_text(GROUP, flooder, 53, &format!("@{BOT_USERNAME} trade 2022")),
        update::group_reply_to_bot(GROUP, flooder, 54, "how many days per stay?"),
        update::group_text(GROUP, flooder, 55, "/trade"),
        update::group_text(GROUP, flooder, 56, "/help"),
    ];
    for update in triggers {
        bot.api.push(update);
    }
    bot.api.messages_to(GROUP, 4).await;
    // A button press counts too: its spinner is cleared, and nothing is answered.
    bot.api
        .push(update::callback(flooder, GROUP, "i:visa-purposes"));
    bot.api
        .wait_for(1, Duration::from_secs(10), |c| {
            c.method == "answerCallbackQuery"
        })
        .await;
    let sent = bot.api.quiet_period(GROUP).await;
    assert_eq!(sent.len(), 4, "three answers and one notice: {sent:#?}");
    assert!(text(&sent[3]).contains(NOTICE), "{}", sent[3]);
    assert_eq!(sent[3]["reply_parameters"]["message_id"], json!(55));
    bot.stop().await;
}

pub(crate) fn kazakh(text: &str) -> bool {
    text.chars().any(|c| "әғқңөұүһі".contains(c))
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The pins of earlier versions, in `DATA_DIR/chat-languages.json`, move into the question
/// log at the first start and the file is renamed, so a later start does not bring an old pin
/// back over a newer one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_language_file_is_imported_once() {
    let data = fresh_data_dir();
    std::fs::create_dir_all(&data).unwrap();
    let legacy = json!({ USER.to_string(): "kk", GROUP.to_string(): "zh" });
    std::fs::write(data.join("chat-languages.json"), legacy.to_string()).unwrap();
    let bot = start_bot_with_data(knowledge_dir(), data.clone()).await;
    bot.api.push(update::private_text(USER, "/help"));
    let help = &bot.api.messages_to(USER, 1).await[0];
    assert!(kazakh(text(help)), "{help}");
    bot.api.push(update::private_text(USER, "/lang en"));
    bot.api.messages_to(USER, 2).await;
    bot.stop().await;
    let names = names_in(&data);
    assert!(
        names.contains(&"chat-languages.json.migrated".to_owned())
            && !names.contains(&"chat-languages.json".to_owned()),
        "{names:?}"
    );

    let bot = start_bot_with_data(knowledge_dir(), data.clone()).await;
    bot.api.push(update::private_text(USER, "/help"));
    let help = &bot.api.messages_to(USER, 1).await[0];
    assert!(
        !cyrillic(text(help)) && !chinese(text(help)),
        "the newer pin holds: {help}"
    );
    bot.api.push(update::group_text(
        GROUP,
        USER,
        40,
        &format!("@{BOT_USERNAME} trade 2022"),
    ));
    assert!(chinese(text(&bot.api.messages_to(GROUP, 1).await[0])));
    bot.stop().await;
    assert_eq!(pinned_rows(&data).len(), 2);
}

/// A corrupt language file of an earlier version is moved aside at start (kept for a look,
/// never silently discarded); the bot answers, and /lang pins as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_legacy_language_file_is_moved_aside() {
    let data = fresh_data_dir();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("chat-languages.json"), "{\"5\": \"ru\",").unwrap();
    let bot = start_bot_with_data(knowledge_dir(), data.clone()).await;
    bot.api.push(update::private_text(USER, "/lang zh"));
    assert!(chinese(text(&bot.api.messages_to(USER, 1).await[0])));
    bot.stop().await;
    let names = names_in(&data);
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("chat-languages.json.corrupt-")),
        "{names:?}"
    );
    assert!(
        !names.contains(&"chat-languages.json".to_owned()),
        "{names:?}"
    );
    let rows = pinned_rows(&data);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "zh");
}

/// Faults after a message took effect: a slow response, a connection dropped halfway through
/// the response, a proxy's page instead of JSON. Each reply arrives exactly once: a message
/// that may have been sent is never sent again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_reply_is_sent_once_whatever_happens_to_the_response() {
    let bot = start_bot(knowledge_dir()).await;
    let faults = [
        Fault::Slow(Duration::from_millis(1200)),
        Fault::DropMidResponse,
        Fault::MalformedJson,
    ];
    let users: Vec<i64> = (0..faults.len() as i64).map(|n| USER + n).collect();
    for fault in faults {
        bot.api.fail_next("sendMessage", fault);
    }
    for &user in &users {
        bot.api.push(update::private_text(user, "trade 2022"));
    }
    for &user in &users {
        bot.api.messages_to(user, 1).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    for &user in &users {
        let sent = bot.api.quiet_period(user).await;
        assert_eq!(sent.len(), 1, "user {user}: {sent:#?}");
        assert!(text(&sent[0]).contains("24.2"), "{}", sent[0]);
    }
    // And the bot goes on answering.
    bot.api.push(update::private_text(USER + 9, "trade 2022"));
    assert!(text(&bot.api.messages_to(USER + 9, 1).await[0]).contains("24.2"));
    bot.stop().await;
}

/// 429s in a row: each is waited out as long as Telegram asks, then the reply is sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_429s_are_waited_out_and_the_reply_sent_once() {
    let bot = start_bot(knowledge_dir()).await;
    bot.api.fail_next("sendMessage", Fault::RetryAfter(1));
    bot.api.fail_next("sendMessage", Fault::RetryAfter(1));
    bot.api.push(update::private_text(USER, "trade 2022"));
    let tries = bot
        .api
        .wait_for(3, Duration::from_secs(15), |c| {
            c.method == "sendMessage" && c.body["chat_id"] == json!(USER)
        })
        .await;
    for pair in tries.windows(2) {
        let waited = pair[1].at.duration_since(pair[0].at);
        assert!(
            waited >= Duration::from_millis(900),
            "retried after {waited:?}"
        );
    }
    assert_eq!(
        bot.api.quiet_period(USER).await.len(),
        3,
        "two refused, one sent"
    );
    bot.stop().await;
}

/// The update feed fails (a connection dropped mid-response, then a proxy's page instead of
/// JSON): the bot backs off instead of asking again at once, and when the server recovers it
/// answers what came in meanwhile, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_backs_off_while_the_server_fails_and_recovers_with_it() {
    let bot = start_bot(knowledge_dir()).await;
    bot.api
        .wait_for(1, Duration::from_secs(10), |c| c.method == "getUpdates")
        .await;
    let before = bot.api.calls("getUpdates").len();
    bot.api.fail_next("getUpdates", Fault::DropMidResponse);
    bot.api.fail_next("getUpdates", Fault::MalformedJson);
    // Ends the long poll in flight; the polls after it fail.
    bot.api.push(update::private_text(USER, "trade 2022"));
    bot.api.messages_to(USER, 1).await;
    bot.api.push(update::private_text(USER + 1, "trade 2022"));
    bot.api.messages_to(USER + 1, 1).await;
    let polls = bot.api.calls("getUpdates");
    let after: Vec<_> = polls[before..].iter().map(|c| c.at).collect();
    assert!(after.len() >= 3, "{} polls", after.len());
    let gaps = [after[1] - after[0], after[2] - after[1]];
    assert!(
        gaps[0] >= Duration::from_millis(900) && gaps[1] >= Duration::from_millis(1900),
        "no back-off after failed polls: {gaps:?}"
    );
    for user in [USER, USER + 1] {
        assert_eq!(bot.api.quiet_period(user).await.len(), 1, "user {user}");
    }
    bot.stop().await;
}

/// The commands of the menu set for group chats in English, from the latest such call.
fn group_menu(api: &FakeApi) -> Vec<(String, String)> {
    let calls = api.calls("setMyCommands");
    let call = calls
        .iter()
        .rev()
        .find(|c| c.body["scope"]["type"] == "all_group_chats" && c.body["language_code"].is_null())
        .expect("an English group menu was set");
    call.body["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["command"].as_str().unwrap().to_owned(),
                c["description"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A message the bot is unsure of: it offers "did you mean".
const DID_YOU_MEAN: &str = "something about visas maybe";

const TRAINS_TOPIC: &str = "[[topic]]\nid = \"trains\"\ncommand = \"trains\"\n\
    intent = \"train-count\"\ntitle.en = \"Freight trains\"\n";

/// A topic added to `topics.toml`'s kind of file needs no code: after `/reload` its command
/// answers, in private chats and as `/trains@bot` in groups, `/topics` lists it, and the menus
/// are set again with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_added_to_the_fact_base_gets_its_command_and_menu_place_on_reload() {
    let dir = crate::util::copy_dir(&crate::util::fixture("mini"), "topic-added");
    let bot = start_bot(dir.clone()).await;
    bot.api
        .wait_for(8, Duration::from_secs(10), |c| c.method == "setMyCommands")
        .await;
    assert!(
        !group_menu(&bot.api)
            .iter()
            .any(|(name, _)| name == "trains"),
        "no such topic yet"
    );
    bot.api.push(update::private_text(USER, "/trains"));
    let before = bot.api.messages_to(USER, 1).await;
    assert!(!text(&before[0]).contains("5,000"), "{}", before[0]);

    std::fs::write(dir.join("extra.toml"), TRAINS_TOPIC).unwrap();
    bot.api.push(update::private_text(ADMIN, "/reload"));
    let reloaded = bot.api.messages_to(ADMIN, 1).await;
    assert!(text(&reloaded[0]).contains("reloaded"), "{}", reloaded[0]);
    bot.api
        .wait_for(16, Duration::from_secs(10), |c| c.method == "setMyCommands")
        .await;
    let menu = group_menu(&bot.api);
    assert!(
        menu.contains(&("trains".to_owned(), "Freight trains".to_owned())),
        "{menu:?}"
    );
    let names: Vec<&str> = menu.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["help", "ask", "travel", "trains", "topics", "sources", "lang"]
    );

    let cases: [(i64, Value); 4] = [
        (USER + 1, update::private_text(USER + 1, "/trains")),
        (USER + 2, update::private_text(USER + 2, "/trains please")),
        (
            GROUP,
            update::group_text(GROUP, USER, 50, &format!("/trains@{BOT_USERNAME}")),
        ),
        (
            GROUP - 1,
            update::group_text(GROUP - 1, USER, 51, "/trains"),
        ),
    ];
    for (chat, update) in cases {
        bot.api.push(update);
        let sent = bot.api.messages_to(chat, 1).await;
        assert!(text(&sent[0]).contains("5,000"), "{}", sent[0]);
    }
    bot.api
        .push(update::group_text(GROUP - 2, USER, 52, "/trains@other_bot"));
    assert!(
        bot.api.quiet_period(GROUP - 2).await.is_empty(),
        "a command for another bot is not ours"
    );
    bot.api.push(update::private_text(USER + 3, "/topics"));
    let topics = bot.api.messages_to(USER + 3, 1).await;
    assert!(
        text(&topics[0]).contains("• Freight trains"),
        "{}",
        topics[0]
    );
    assert!(buttons(&topics[0]).contains(&"t:en:trains".to_owned()));
    bot.api.push(update::private_text(USER + 4, "/help"));
    let help = bot.api.messages_to(USER + 4, 1).await;
    assert!(
        text(&help[0]).contains("/trains — Freight trains"),
        "{}",
        help[0]
    );
    bot.stop().await;
}

fn quote_button(message: &Value) -> Option<String> {
    buttons(message).into_iter().find(|b| b.starts_with("q:"))
}

/// An answer carries a "Quote" button; pressing it shows each fact's quoted passage with the
/// outlet, title and date of its source, and clears the spinner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quote_button_shows_the_passages_with_outlet_title_and_date() {
    let bot = start_bot(knowledge_dir()).await;
    let question = "When did the visa-free regime start?";
    bot.api.push(update::private_text(USER, question));
    let answer = &bot.api.messages_to(USER, 1).await[0];
    let keyboard = &answer["reply_markup"]["inline_keyboard"];
    assert_eq!(keyboard[0][0]["text"], "Quote", "{answer}");
    let data = quote_button(answer).expect("a Quote button");
    assert!(data.len() <= 64, "{data}");
    assert!(
        buttons(answer).iter().any(|b| b.starts_with("i:en:")),
        "the related topics stay: {answer}"
    );

    bot.api.push(update::callback(USER, USER, &data));
    let sent = bot.api.messages_to(USER, 2).await;
    let quotes = text(&sent[1]);
    let engine = crate::util::engine();
    let expected = engine.answer(question, None);
    assert!(!expected.facts.is_empty());
    let knowledge = engine.knowledge();
    for id in &expected.facts {
        let fact = knowledge
            .intents
            .iter()
            .flat_map(|i| &i.facts)
            .find(|f| f.id == *id)
            .unwrap();
        for quote in &fact.quotes {
            let shown = kzcn_bot::bot::render::escape(&quote.text);
            assert!(quotes.contains(&shown), "{shown:?} missing from {quotes}");
        }
        for &source in &fact.sources {
            let source = &knowledge.sources[source];
            assert!(quotes.contains(&kzcn_bot::bot::render::escape(&source.outlet)));
            assert!(quotes.contains(&kzcn_bot::bot::render::escape(&source.title)));
            assert!(quotes.contains(&source.date.label(kzcn_bot::knowledge::Lang::En)));
        }
    }
    assert!(quotes.starts_with("<b>"), "{quotes}");
    assert_eq!(sent[1]["parse_mode"], "HTML");
    let answered = bot.api.calls("answerCallbackQuery");
    assert_eq!(answered.len(), 1);
    assert!(
        answered[0].body.get("text").is_none(),
        "no pop-up: {}",
        answered[0].body
    );

    // In Russian, the button and the dates are Russian; the passages stay as published.
    bot.api.push(update::private_text(
        USER + 1,
        "Когда начал действовать безвизовый режим?",
    ));
    let russian = &bot.api.messages_to(USER + 1, 1).await[0];
    assert_eq!(
        russian["reply_markup"]["inline_keyboard"][0][0]["text"],
        "Цитата"
    );
    let data = quote_button(russian).unwrap();
    assert!(data.starts_with("q:ru:"), "{data}");
    bot.api.push(update::callback(USER + 1, USER + 1, &data));
    let sent = bot.api.messages_to(USER + 1, 2).await;
    assert!(text(&sent[1]).contains("ноября 2023"), "{}", sent[1]);
    bot.stop().await;
}

/// Only a reply that gives facts has a Quote button: help, "I don't know" and "did you mean"
/// do not, and "did you mean" keeps its suggestions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_without_facts_have_no_quote_button() {
    let bot = start_bot(knowledge_dir()).await;
    let cases: [(&str, bool); 4] = [
        ("/visa", true),
        ("What is China's GDP?", false),
        ("hello", false),
        (DID_YOU_MEAN, false),
    ];
    for (n, (message, quoted)) in cases.iter().enumerate() {
        let user = USER + n as i64;
        bot.api.push(update::private_text(user, message));
        let sent = bot.api.messages_to(user, 1).await;
        let last = sent.last().unwrap();
        assert_eq!(quote_button(last).is_some(), *quoted, "{message}: {last}");
    }
    let suggestion = &bot.api.messages_to(USER + 3, 1).await[0];
    assert!(
        buttons(suggestion).iter().any(|b| b.starts_with("i:en:")),
        "did you mean keeps its buttons: {suggestion}"
    );
    bot.stop().await;
}

/// Button data comes from the client and can be anything: a forged, cut or stale "Quote"
/// button (from before a reload that moved the facts) gets a polite pop-up and nothing else,
/// and the bot goes on answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_or_stale_quote_button_gets_a_polite_pop_up() {
    let dir = crate::util::copy_dir(&crate::util::fixture("mini"), "quote-stale");
    let bot = start_bot(dir.clone()).await;
    bot.api
        .push(update::private_text(USER, "How many freight trains?"));
    let answer = &bot.api.messages_to(USER, 1).await[0];
    let data = quote_button(answer).expect("a Quote button");
    let (head, places) = data.rsplit_once(':').unwrap();
    let forged = [
        "q:en:00000000:01".to_owned(),
        format!("{head}:zz"),
        format!("{head}:+1"),
        format!("{head}:1"),
        format!("{head}:"),
        format!("{head}:{places}{places}"),
        format!("{head}:{places}:x"),
        "q:xx:00000000:01".to_owned(),
        "q:en".to_owned(),
        "q:".to_owned(),
        format!("q:en:{}:01", "f".repeat(60)),
        "q:en:0000000\u{e9}:01".to_owned(),
        "\u{0}".to_owned(),
    ];
    for (n, data) in forged.iter().enumerate() {
        let user = USER + 10 + n as i64;
        bot.api.push(update::callback(user, user, data));
        let id = format!("cb-{user}-{data}");
        let answered = bot
            .api
            .wait_for(1, Duration::from_secs(10), |c| {
                c.method == "answerCallbackQuery" && c.body["callback_query_id"] == json!(id)
            })
            .await;
        let popup = answered[0].body["text"].as_str().unwrap_or_default();
        assert!(
            popup.contains("out of date"),
            "{data:?}: {}",
            answered[0].body
        );
    }
    for n in 0..forged.len() {
        assert!(bot.api.quiet_period(USER + 10 + n as i64).await.is_empty());
    }

    // The genuine button works, until a reload moves the facts it names.
    bot.api.push(update::callback(USER, USER, &data));
    let sent = bot.api.messages_to(USER, 2).await;
    assert!(
        text(&sent[1]).contains("More than 5,000 freight trains"),
        "{}",
        sent[1]
    );
    assert!(text(&sent[1]).contains("Test Gazette, “Visas and Trains”, 28 November 2023"));
    let base = std::fs::read_to_string(dir.join("base.toml")).unwrap();
    let (before, trains) = base.split_at(base.find("[[intent]]\nid = \"train-count\"").unwrap());
    let (head_part, visa) = before.split_at(before.find("[[intent]]").unwrap());
    std::fs::write(
        dir.join("base.toml"),
        format!("{head_part}{trains}\n{visa}"),
    )
    .unwrap();
    bot.api.push(update::private_text(ADMIN, "/reload"));
    let reloaded = bot.api.messages_to(ADMIN, 1).await;
    assert!(text(&reloaded[0]).contains("reloaded"), "{}", reloaded[0]);
    let user = USER + 99;
    bot.api.push(update::callback(user, user, &data));
    let id = format!("cb-{user}-{data}");
    let answered = bot
        .api
        .wait_for(1, Duration::from_secs(10), |c| {
            c.method == "answerCallbackQuery" && c.body["callback_query_id"] == json!(id)
        })
        .await;
    assert!(answered[0].body["text"]
        .as_str()
        .unwrap_or_default()
        .contains("out of date"));
    assert!(
        bot.api.quiet_period(user).await.is_empty(),
        "never the wrong quote"
    );
    bot.api
        .push(update::private_text(USER + 100, "How many freight trains?"));
    assert!(text(&bot.api.messages_to(USER + 100, 1).await[0]).contains("5,000"));
    bot.stop().await;
}
