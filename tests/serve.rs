//! `kzcn-bot serve` as a real process against the fake Bot API: start-up, a question, SIGTERM
//! during a burst, the webhook secret, configuration errors, and logs that never show the token.

use std::collections::BTreeMap;
use std::fs::File;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fake_api::{update, FakeApi, Fault, TOKEN};
use crate::util::{knowledge_dir, root};

pub(crate) struct Server {
    child: Child,
    log: std::path::PathBuf,
}

impl Server {
    pub(crate) fn start(api: &FakeApi, extra: &[(&str, &str)], name: &str) -> Server {
        let log =
            std::env::temp_dir().join(format!("kzcn-bot-serve-{}-{name}.log", std::process::id()));
        let mut command = Command::new(env!("CARGO_BIN_EXE_kzcn-bot"));
        command
            .arg("serve")
            .current_dir(root())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", api.url())
            .env("KNOWLEDGE_DIR", knowledge_dir())
            .env(
                "DATA_DIR",
                std::env::temp_dir().join(format!("kzcn-bot-data-{}", std::process::id())),
            )
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("log file"));
        for (key, value) in extra {
            command.env(key, value);
        }
        Server {
            child: command.spawn().expect("kzcn-bot starts"),
            log,
        }
    }

    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("sh")
            .args(["-c", &format!("kill -{name} {}", self.child.id())])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to exit; returns its exit code and how long that took.
    pub(crate) async fn wait(&mut self, limit: Duration) -> (Option<i32>, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return (status.code(), started.elapsed());
            }
            if started.elapsed() > limit {
                let _ = self.child.kill();
                panic!(
                    "kzcn-bot did not exit within {limit:?}; log:\n{}",
                    self.log_text()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// POSTs `body` to the webhook; returns the HTTP status code.
async fn post(port: u16, path: &str, secret: Option<&str>, body: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect to the webhook");
    let header = secret
        .map(|s| format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{header}Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_starts_answers_and_stops_on_sigterm() {
    let api = FakeApi::start().await;
    let started = Instant::now();
    let mut server = Server::start(&api, &[], "basic");
    api.wait_for(1, Duration::from_secs(20), |c| c.method == "getUpdates")
        .await;
    let ready = started.elapsed();
    println!("start-up to first getUpdates: {} ms", ready.as_millis());

    api.push(update::private_text(
        501,
        "When did the visa-free regime start?",
    ));
    let sent = api.messages_to(501, 1).await;
    assert!(sent[0]["text"]
        .as_str()
        .unwrap()
        .contains("10 November 2023"));

    server.signal("TERM");
    let (code, took) = server.wait(Duration::from_secs(10)).await;
    assert_eq!(code, Some(0), "log:\n{}", server.log_text());
    assert!(took < Duration::from_secs(5), "stopping took {took:?}");
    assert!(server.log_text().contains("SIGTERM received"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_burst_loses_nothing_and_answers_nothing_twice() {
    let api = FakeApi::start().await;
    let mut server = Server::start(&api, &[], "burst-1");
    api.wait_for(1, Duration::from_secs(20), |c| c.method == "getUpdates")
        .await;

    // A first wave is fetched and in flight when SIGTERM lands; a second arrives after it.
    let users: Vec<i64> = (0..50).map(|n| 7000 + n).collect();
    for &user in &users[..40] {
        api.push(update::private_text(user, "trade 2022"));
    }
    api.wait_for(1, Duration::from_secs(10), |c| c.method == "sendMessage")
        .await;
    server.signal("TERM");
    let signalled = Instant::now();
    for &user in &users[40..] {
        api.push(update::private_text(user, "trade 2022"));
    }
    let (code, _) = server.wait(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "log:\n{}", server.log_text());
    let after_signal = api
        .calls("sendMessage")
        .iter()
        .filter(|c| c.at > signalled)
        .count();
    assert!(
        after_signal > 0,
        "answers in flight must be finished after SIGTERM"
    );

    let answered = |api: &FakeApi| -> BTreeMap<i64, usize> {
        let mut counts = BTreeMap::new();
        for call in api.calls("sendMessage") {
            *counts
                .entry(call.body["chat_id"].as_i64().unwrap())
                .or_insert(0) += 1;
        }
        counts
    };
    let confirmed = api.confirmed_below();
    let first_run = answered(&api);
    // Update n went to users[n - 1]: every confirmed update was answered, once.
    for (n, user) in users.iter().enumerate() {
        let id = n as i64 + 1;
        if id < confirmed {
            assert_eq!(
                first_run.get(user),
                Some(&1),
                "update {id} was confirmed but not answered once"
            );
        } else {
            assert_eq!(
                first_run.get(user),
                None,
                "update {id} was answered but not confirmed"
            );
        }
    }

    // The next run picks up exactly what the first left.
    let mut server = Server::start(&api, &[], "burst-2");
    api.wait_for(users.len(), Duration::from_secs(30), |c| {
        c.method == "sendMessage"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let both_runs = answered(&api);
    for user in &users {
        assert_eq!(
            both_runs.get(user),
            Some(&1),
            "user {user} must get exactly one answer"
        );
    }
    server.signal("TERM");
    server.wait(Duration::from_secs(10)).await;
    println!(
        "first run answered {} of {} ({after_signal} after SIGTERM); the second run answered the rest",
        first_run.len(),
        users.len()
    );
}

/// With few updates allowed in flight, most of a burst is still waiting on Telegram's side
/// when SIGTERM lands: the bot confirms only the updates it took, answers each of them once,
/// and the next run answers the rest, each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_burst_held_back_loses_nothing_and_answers_nothing_twice() {
    let api = FakeApi::start().await;
    let limit = [
        ("MAX_UPDATES_IN_FLIGHT", "4"),
        ("RATE_LIMIT_PER_MINUTE", "0"),
    ];
    let mut server = Server::start(&api, &limit, "held-back-1");
    api.wait_for(1, Duration::from_secs(20), |c| c.method == "getUpdates")
        .await;
    let users: Vec<i64> = (0..120).map(|n| 9000 + n).collect();
    // Replies take 30 ms each, so the burst is far from done when the signal comes.
    for _ in &users {
        api.fail_next("sendMessage", Fault::Slow(Duration::from_millis(30)));
    }
    for &user in &users {
        api.push(update::private_text(user, "trade 2022"));
    }
    api.wait_for(8, Duration::from_secs(10), |c| c.method == "sendMessage")
        .await;
    server.signal("TERM");
    let (code, _) = server.wait(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "log:\n{}", server.log_text());

    let confirmed = api.confirmed_below();
    let first_run = answers_per_chat(&api);
    assert!(
        confirmed < users.len() as i64 / 2,
        "the burst was held back: {confirmed} confirmed"
    );
    // Update n went to users[n - 1].
    for (n, user) in users.iter().enumerate() {
        let id = n as i64 + 1;
        let expected = (id < confirmed).then_some(&1);
        assert_eq!(
            first_run.get(user),
            expected,
            "update {id}, confirmed below {confirmed}"
        );
    }

    let mut server = Server::start(&api, &limit, "held-back-2");
    api.wait_for(users.len(), Duration::from_secs(30), |c| {
        c.method == "sendMessage"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let both_runs = answers_per_chat(&api);
    for user in &users {
        assert_eq!(both_runs.get(user), Some(&1), "user {user}: one answer");
    }
    server.signal("TERM");
    server.wait(Duration::from_secs(10)).await;
    assert_eq!(api.confirmed_below(), users.len() as i64 + 1);
}

/// How many messages each chat was sent.
fn answers_per_chat(api: &FakeApi) -> BTreeMap<i64, usize> {
    let mut counts = BTreeMap::new();
    for call in api.calls("sendMessage") {
        *counts
            .entry(call.body["chat_id"].as_i64().unwrap())
            .or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_rejects_requests_without_the_right_secret() {
    let api = FakeApi::start().await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let listen = format!("127.0.0.1:{port}");
    let settings = [
        ("WEBHOOK_URL", url.as_str()),
        ("WEBHOOK_LISTEN", listen.as_str()),
        ("WEBHOOK_SECRET", "s3cret-Token"),
    ];
    let mut server = Server::start(&api, &settings, "webhook");
    let set = api
        .wait_for(1, Duration::from_secs(20), |c| c.method == "setWebhook")
        .await;
    assert_eq!(set[0].body["url"], url.as_str());
    assert_eq!(set[0].body["secret_token"], "s3cret-Token");

    let body = |user: i64| {
        let mut update = update::private_text(user, "trade 2022");
        update["update_id"] = json!(user);
        update.to_string()
    };
    // The listener may still be binding just after setWebhook; retry the connection briefly.
    let mut status = 0;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            status = post(port, "/hook", None, &body(801)).await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, 401,
        "a request without the secret header is refused"
    );
    assert_eq!(
        post(port, "/hook", Some("wrong"), &body(802)).await,
        401,
        "a wrong secret is refused"
    );
    assert_eq!(
        post(port, "/hook", Some("s3cret-Token"), &body(803)).await,
        200
    );
    let sent = api.messages_to(803, 1).await;
    assert!(sent[0]["text"].as_str().unwrap().contains("24.2"));
    assert!(api.quiet_period(801).await.is_empty() && api.quiet_period(802).await.is_empty());

    server.signal("TERM");
    let (code, _) = server.wait(Duration::from_secs(10)).await;
    assert_eq!(code, Some(0), "log:\n{}", server.log_text());
    let log = server.log_text();
    assert!(
        !log.contains("s3cret-Token"),
        "the webhook secret leaked into the log:\n{log}"
    );
}

#[test]
fn serve_without_a_token_explains_what_to_do() {
    let output = Command::new(env!("CARGO_BIN_EXE_kzcn-bot"))
        .arg("serve")
        .current_dir(std::env::temp_dir())
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("TELOXIDE_TOKEN") && err.contains("kzcn-bot ask"),
        "{err}"
    );
}

/// A `.env` line that cannot be read is named by its number (its value never shown), and
/// `serve` stops on it instead of claiming the setting is missing.
#[test]
fn serve_names_an_unreadable_env_line_and_stops() {
    let dir = std::env::temp_dir().join(format!("kzcn-bot-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join(".env"),
        "# settings\nTELOXIDE_TOKEN=123456789:TEST token_secret\nADMIN_IDS=1\n",
    )
    .expect("write .env");
    let output = Command::new(env!("CARGO_BIN_EXE_kzcn-bot"))
        .arg("serve")
        .current_dir(&dir)
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains(".env:2: TELOXIDE_TOKEN: "), "{err}");
    assert!(err.contains("cannot be read"), "{err}");
    assert!(!err.contains("is not set"), "{err}");
    assert!(
        !err.contains("token_secret"),
        "the value is never shown: {err}"
    );
}

#[test]
fn serve_fails_fast_on_a_broken_knowledge_base() {
    let output = Command::new(env!("CARGO_BIN_EXE_kzcn-bot"))
        .args([
            "serve",
            "--knowledge",
            &crate::util::fixture("broken").display().to_string(),
        ])
        .current_dir(std::env::temp_dir())
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("b_intents.toml:11:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_never_show_the_token() {
    let api = FakeApi::start().await;
    // A token the fake API refuses: the error is logged, and must not carry the token.
    let wrong = "987654321:WRONG-secret-part-XYZ";
    let mut server = Server::start(&api, &[("TELOXIDE_TOKEN", wrong)], "wrong-token");
    let (code, _) = server.wait(Duration::from_secs(20)).await;
    assert_ne!(code, Some(0));
    let log = server.log_text();
    assert!(log.contains("did not accept"), "{log}");
    assert!(
        !log.contains("WRONG-secret-part-XYZ"),
        "the token leaked into the log:\n{log}"
    );

    // A working bot logging at debug, with a failure to report.
    api.fail_next("sendMessage", crate::fake_api::Fault::RetryAfter(1));
    let mut server = Server::start(&api, &[], "debug-log");
    api.push(update::private_text(601, "trade 2022"));
    api.messages_to(601, 2).await;
    server.signal("TERM");
    server.wait(Duration::from_secs(10)).await;
    let log = server.log_text();
    assert!(
        log.contains("Retry") || log.contains("retry"),
        "the 429 should be logged:\n{log}"
    );
    let secret = TOKEN.split_once(':').unwrap().1;
    assert!(
        !log.contains(secret),
        "the token leaked into the log:\n{log}"
    );
}

/// The scenarios the in-process handler tests cover, once more through the real binary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_binary_handles_groups_buttons_inline_reload_and_429() {
    use crate::fake_api::BOT_USERNAME;
    let api = FakeApi::start().await;
    let dir = crate::util::knowledge_copy("serve-e2e");
    let dir_text = dir.display().to_string();
    let mut server = Server::start(
        &api,
        &[("KNOWLEDGE_DIR", dir_text.as_str()), ("ADMIN_IDS", "900")],
        "e2e",
    );
    let group = -100_500;
    let text = |v: &serde_json::Value| v["text"].as_str().unwrap_or_default().to_owned();

    api.push(update::group_text(
        group,
        1,
        10,
        &format!("/ask@{BOT_USERNAME} trade 2022"),
    ));
    let sent = api.messages_to(group, 1).await;
    assert!(
        text(&sent[0]).contains("24.2") && sent[0]["reply_parameters"]["message_id"] == json!(10)
    );

    api.push(update::group_text(
        group - 1,
        1,
        11,
        "hello everyone, visa-free travel is great",
    ));
    api.push(update::group_text(
        group - 1,
        1,
        12,
        "/ask@other_bot trade 2022",
    ));
    api.push(update::group_reply_to_bot(
        group - 2,
        1,
        13,
        "how many days per stay?",
    ));
    assert!(text(&api.messages_to(group - 2, 1).await[0]).contains("30"));
    assert!(
        api.quiet_period(group - 1).await.is_empty(),
        "group chatter must be ignored"
    );

    api.push(update::callback(2, 2, "i:visa-purposes"));
    assert!(text(&api.messages_to(2, 1).await[0]).contains("tourism"));
    api.wait_for(1, Duration::from_secs(10), |c| {
        c.method == "answerCallbackQuery"
    })
    .await;

    api.push(update::inline(3, "sister cities"));
    let inline = api
        .wait_for(1, Duration::from_secs(10), |c| {
            c.method == "answerInlineQuery"
        })
        .await;
    assert!(!inline[0].body["results"].as_array().unwrap().is_empty());

    api.push(update::private_text(4, "/reload"));
    assert!(text(&api.messages_to(4, 1).await[0]).contains("only the bot's admins"));
    let visa = std::fs::read_to_string(dir.join("visa.toml")).unwrap();
    std::fs::write(
        dir.join("visa.toml"),
        visa.replace("30 calendar days", "thirty calendar days"),
    )
    .unwrap();
    api.push(update::private_text(900, "/reload"));
    let reloaded = text(&api.messages_to(900, 1).await[0]);
    assert!(
        reloaded.contains("Knowledge reloaded") && reloaded.contains("changed"),
        "{reloaded}"
    );
    std::fs::write(
        dir.join("visa.toml"),
        "[[intent]]\nid = \"x\"\ntopic = \"visa\"\nrelated = [\"nowhere\"]\n",
    )
    .unwrap();
    api.push(update::private_text(900, "/reload"));
    let failed = api.messages_to(900, 2).await;
    assert!(text(&failed[1]).contains("visa.toml:"), "{}", failed[1]);
    api.push(update::private_text(
        5,
        "how long can one visa-free stay last",
    ));
    assert!(
        text(&api.messages_to(5, 1).await[0]).contains("thirty calendar days"),
        "the last good base keeps serving"
    );

    api.fail_next("sendMessage", Fault::RetryAfter(1));
    api.push(update::private_text(6, "trade 2022"));
    let tries = api
        .wait_for(2, Duration::from_secs(15), |c| {
            c.method == "sendMessage" && c.body["chat_id"] == json!(6)
        })
        .await;
    assert!(
        tries[1].at.duration_since(tries[0].at) >= Duration::from_millis(900),
        "retry_after honoured"
    );

    server.signal("TERM");
    let (code, _) = server.wait(Duration::from_secs(10)).await;
    assert_eq!(code, Some(0), "log:\n{}", server.log_text());
}

/// CPU time the process `pid` has used, in clock ticks (1/100 s on Linux).
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc stat");
    // The fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// While Telegram answers with garbage (a proxy's page quoting the URL, token and all), the
/// real binary backs off instead of spinning, logs no token, and answers again, once each,
/// when the server recovers.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_costs_no_cpu_leaks_no_token_and_the_bot_recovers() {
    let api = FakeApi::start().await;
    let mut server = Server::start(&api, &[], "outage");
    api.wait_for(1, Duration::from_secs(20), |c| c.method == "getUpdates")
        .await;
    api.outage("getUpdates", Fault::MalformedJson);
    // Ends the long poll in flight; every poll after it fails.
    api.push(update::private_text(701, "trade 2022"));
    api.messages_to(701, 1).await;
    let before = cpu_ticks(server.child.id());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let spent = cpu_ticks(server.child.id()) - before;
    assert!(spent <= 15, "{spent} ticks of CPU in 1.5 s of outage");
    api.recover();
    api.push(update::private_text(702, "trade 2022"));
    api.messages_to(702, 1).await;
    for user in [701, 702] {
        assert_eq!(api.quiet_period(user).await.len(), 1, "user {user}");
    }
    server.signal("TERM");
    let (code, _) = server.wait(Duration::from_secs(10)).await;
    assert_eq!(code, Some(0), "log:\n{}", server.log_text());
    let log = server.log_text();
    assert!(
        log.contains("InvalidJson"),
        "the failed polls are logged:\n{log}"
    );
    let secret = TOKEN.split_once(':').unwrap().1;
    assert!(
        !log.contains(secret),
        "the token leaked into the log:\n{log}"
    );
}
