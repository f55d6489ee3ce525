//! The bot against the fake Bot API with an engine that panics or is slow, which only a test
//! can build (`BotState::with_fault`): the rest of the bot's tests are in `tests/bot.rs`.

// The fake API is shared with the integration tests, which use all of it.
#[allow(dead_code)]
#[path = "../../tests/fake_api.rs"]
mod fake_api;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::oneshot;

use self::fake_api::{update, FakeApi, BOT_USERNAME, TOKEN};
use super::state::BotState;
use crate::answer::Engine;
use crate::config::ServeConfig;

/// Set once the slow question has reached the engine.
static SLOW_STARTED: AtomicBool = AtomicBool::new(false);

/// The engine's stand-in faults, chosen by the question's text.
fn fault(question: &str) {
    if question.contains("PANIC") {
        panic!("a test-made engine failure");
    }
    if question.contains("SLOW") {
        SLOW_STARTED.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(1500));
    }
}

struct Running {
    api: FakeApi,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the bot stops within 10 s")
            .expect("task joins")
            .expect("bot ran cleanly");
    }
}

fn mini_knowledge() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

async fn start_with_fault() -> Running {
    let api = FakeApi::start().await;
    let url = api.url();
    let data = std::env::temp_dir().join(format!("kzcn-bot-unit-{}", std::process::id()));
    let vars = move |name: &str| match name {
        "TELOXIDE_TOKEN" => Some(TOKEN.to_owned()),
        "TELOXIDE_API_URL" => Some(url.clone()),
        "DATA_DIR" => Some(data.display().to_string()),
        _ => None,
    };
    let config = ServeConfig::from_vars(Some(mini_knowledge()), &vars).expect("valid settings");
    let engine = Engine::load(&config.knowledge_dir).expect("the mini knowledge loads");
    let state = BotState::with_fault(engine, &config, fault);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(super::serve(config, state, async move {
        let _ = stopped.await;
    }));
    Running { api, stop, task }
}

fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_answer_gets_an_apology_and_the_chat_goes_on() {
    let bot = start_with_fault().await;
    let (user, group) = (501, -100_501);

    bot.api.push(update::private_text(user, "PANIC visa days"));
    let sent = bot.api.messages_to(user, 1).await;
    assert!(text(&sent[0]).contains("went wrong"), "{}", sent[0]);
    bot.api
        .push(update::private_text(user, "How many days without a visa?"));
    let sent = bot.api.messages_to(user, 2).await;
    assert!(text(&sent[1]).contains("30 days"), "{}", sent[1]);

    let ask = format!("/ask@{BOT_USERNAME}");
    bot.api
        .push(update::group_text(group, user, 10, &format!("{ask} PANIC")));
    let sent = bot.api.messages_to(group, 1).await;
    assert!(text(&sent[0]).contains("went wrong"), "{}", sent[0]);
    bot.api.push(update::group_text(
        group,
        user,
        11,
        &format!("{ask} freight trains"),
    ));
    let sent = bot.api.messages_to(group, 2).await;
    assert!(text(&sent[1]).contains("5,000"), "{}", sent[1]);

    bot.api.push(update::inline(user, "PANIC"));
    let inline = bot
        .api
        .wait_for(1, Duration::from_secs(10), |c| {
            c.method == "answerInlineQuery"
        })
        .await;
    assert_eq!(inline[0].body["results"], json!([]), "no results, no crash");
    bot.stop().await;
}

/// On one async thread, a slow answer in one chat must not hold up another chat's answer:
/// the engine runs elsewhere. (Run on the async thread, the second answer would come last.)
#[tokio::test(flavor = "current_thread")]
async fn a_slow_answer_does_not_hold_up_other_chats() {
    let bot = start_with_fault().await;
    let (slow, quick) = (601, 602);
    bot.api.push(update::private_text(slow, "SLOW visa days"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !SLOW_STARTED.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "the slow question never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bot.api.push(update::private_text(quick, "freight trains"));
    let quick_answer = bot
        .api
        .wait_for(1, Duration::from_secs(10), |c| {
            c.body["chat_id"] == json!(quick)
        })
        .await;
    let slow_answer = bot
        .api
        .wait_for(1, Duration::from_secs(10), |c| {
            c.body["chat_id"] == json!(slow)
        })
        .await;
    assert!(
        quick_answer[0].at < slow_answer[0].at,
        "the quick answer waited for the slow one"
    );
    assert!(text(&slow_answer[0].body).contains("30 days"));
    bot.stop().await;
}
