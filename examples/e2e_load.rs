//! The end-to-end load driver (`benches/e2e/run.sh` runs it). It serves a fast fake Bot API on
//! loopback and drives two bots through it in turn, in the same run: `kzcn-bot serve` with
//! `TELEGRAM_THROTTLE=off`, and the bare teloxide echo bot of `examples/echo.rs`, the ceiling
//! teloxide itself sets. For each it measures:
//!
//! - start-up: process start to its first `getUpdates`;
//! - throughput: N updates queued at once, answered updates a second from the first update
//!   served to the last reply;
//! - latency: updates offered at a fixed rate, each one's added latency from being served in a
//!   `getUpdates` response to its reply arriving;
//! - CPU time per update over the burst (`/proc/PID/stat`), the bot's cost apart from the
//!   driver's;
//! - peak RSS (`VmHWM` in `/proc/PID/status`) over the whole run; `--updates 0` leaves the
//!   burst out, for the RSS of the steady rate alone;
//! - that every update is answered exactly once.
//!
//! The updates are group messages that mention the bot, in 1,000 chats, with the questions of
//! the evaluation sets (`tests/eval/**.toml`, four languages) in turn. Group answers quote the
//! question (`reply_parameters`), which ties each reply to its update; the echo bot quotes too.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use clap::Parser;
use serde_json::{json, Value};
use tokio::sync::Notify;

const TOKEN: &str = "123456789:BENCH-token_secret_value";
const BOT_ID: i64 = 123456789;
const BOT_USERNAME: &str = "kzcn_bench_bot";
/// Group chats the updates are spread over.
const CHATS: i64 = 1_000;
/// The longest the driver waits for a phase's replies.
const PATIENCE: Duration = Duration::from_secs(120);

#[derive(Parser)]
struct Args {
    /// The release `kzcn-bot` binary.
    #[arg(long)]
    bot: PathBuf,
    /// The echo bot (`examples/echo.rs`, release).
    #[arg(long)]
    echo: PathBuf,
    /// The knowledge directory for `kzcn-bot serve`.
    #[arg(long, default_value = "knowledge")]
    knowledge: PathBuf,
    /// Where the questions come from: every `q` of every TOML file under it.
    #[arg(long, default_value = "tests/eval")]
    questions: PathBuf,
    /// Updates queued at once for the throughput figure.
    #[arg(long, default_value_t = 20_000)]
    updates: usize,
    /// The offered rate (updates a second) for the latency figure ...
    #[arg(long, default_value_t = 1_000)]
    rate: u32,
    /// ... kept up this many seconds.
    #[arg(long, default_value_t = 5)]
    seconds: u32,
    /// Rounds; each runs the echo bot, then kzcn-bot.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Extra starts of each bot for the start-up figure (stopped at their first getUpdates).
    #[arg(long, default_value_t = 5)]
    startups: usize,
}

/// What the fake API knows of one run: the updates it may hand out and what came back.
struct Run {
    /// Each update's JSON, index = update id - 1.
    updates: Vec<String>,
    /// Updates handed out so far may have ids up to this.
    released: usize,
    /// Updates below this id are confirmed (the `offset` of the last `getUpdates`).
    confirmed: usize,
    served: Vec<Option<Instant>>,
    replied: Vec<Option<Instant>>,
    replies: Vec<u32>,
    /// Messages that quote no update: the second and later pieces of a long answer.
    extra_pieces: usize,
    first_poll: Option<Instant>,
    next_message_id: i64,
}

#[derive(Clone)]
struct FakeApi {
    run: Arc<Mutex<Run>>,
    news: Arc<Notify>,
}

impl FakeApi {
    fn new(updates: Vec<String>) -> FakeApi {
        let n = updates.len();
        let run = Run {
            updates,
            released: 0,
            confirmed: 1,
            served: vec![None; n],
            replied: vec![None; n],
            replies: vec![0; n],
            extra_pieces: 0,
            first_poll: None,
            next_message_id: 1_000_000,
        };
        FakeApi {
            run: Arc::new(Mutex::new(run)),
            news: Arc::new(Notify::new()),
        }
    }

    /// Starts serving on a free loopback port; returns the base URL for `TELOXIDE_API_URL`.
    async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("an address");
        let app = Router::new()
            .route("/{token}/{method}", any(handle))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
        format!("http://{addr}/")
    }

    /// Lets the bot have updates with ids up to `up_to`.
    fn release(&self, up_to: usize) {
        let mut run = self.run.lock().unwrap();
        run.released = up_to.min(run.updates.len());
        drop(run);
        self.news.notify_waiters();
    }
}

async fn handle(
    State(api): State<FakeApi>,
    UrlPath((_token, method)): UrlPath<(String, String)>,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
    // The Bot API's method names are case-insensitive; teloxide sends `GetUpdates`.
    match method.to_ascii_lowercase().as_str() {
        "getupdates" => get_updates(&api, &body).await,
        "sendmessage" => send_message(&api, &body),
        "getme" => ok(json!({"id": BOT_ID, "is_bot": true, "first_name": "KZCN",
            "username": BOT_USERNAME, "can_join_groups": true,
            "can_read_all_group_messages": false, "supports_inline_queries": true,
            "can_connect_to_business": false, "has_main_web_app": false})),
        _ => ok(json!(true)),
    }
}

fn ok(result: Value) -> Response {
    json_response(json!({"ok": true, "result": result}).to_string())
}

fn json_response(text: String) -> Response {
    ([("content-type", "application/json")], text).into_response()
}

/// Long polling: the released updates from `offset` on, at most `limit`, waiting up to
/// `timeout` seconds for one.
async fn get_updates(api: &FakeApi, body: &Value) -> Response {
    let offset = body["offset"].as_u64().unwrap_or(0) as usize;
    let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let deadline = Instant::now() + timeout;
    loop {
        let news = api.news.notified();
        if let Some(batch) = take_batch(api, offset, limit) {
            return json_response(batch);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return ok(json!([]));
        }
        let _ = tokio::time::timeout(left, news).await;
    }
}

/// The `getUpdates` response for the released updates from `offset` on, noting when each was
/// first served; `None` when there is none.
fn take_batch(api: &FakeApi, offset: usize, limit: usize) -> Option<String> {
    let now = Instant::now();
    let mut run = api.run.lock().unwrap();
    run.first_poll.get_or_insert(now);
    run.confirmed = run.confirmed.max(offset);
    let (from, to) = (run.confirmed, (run.confirmed + limit).min(run.released + 1));
    if from >= to {
        return None;
    }
    let mut text = String::from(r#"{"ok":true,"result":["#);
    for id in from..to {
        run.served[id - 1].get_or_insert(now);
        if id > from {
            text.push(',');
        }
        text.push_str(&run.updates[id - 1]);
    }
    text.push_str("]}");
    Some(text)
}

/// Counts the reply against the update it quotes, and answers as Telegram does: with the
/// message as sent.
fn send_message(api: &FakeApi, body: &Value) -> Response {
    let now = Instant::now();
    let quoted = body["reply_parameters"]["message_id"].as_u64();
    let id = {
        let mut run = api.run.lock().unwrap();
        match quoted
            .map(|q| q as usize)
            .filter(|q| (1..=run.updates.len()).contains(q))
        {
            Some(update) => {
                run.replies[update - 1] += 1;
                run.replied[update - 1].get_or_insert(now);
            }
            None => run.extra_pieces += 1,
        }
        run.next_message_id += 1;
        run.next_message_id
    };
    let chat = body["chat_id"].as_i64().unwrap_or_default();
    ok(json!({
        "message_id": id, "date": 0,
        "chat": {"id": chat, "type": "supergroup", "title": "Bench group"},
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "KZCN", "username": BOT_USERNAME},
        "text": body["text"].as_str().unwrap_or_default(),
    }))
}

/// Every `q` string in every TOML file under `dir`, in a stable order.
fn questions(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    toml_files(dir, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a readable question file");
        let value: toml::Value = toml::from_str(&text).expect("a TOML question file");
        collect_q(&value, &mut found);
    }
    assert!(!found.is_empty(), "no questions under {}", dir.display());
    found
}

fn toml_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            toml_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "toml") {
            into.push(path);
        }
    }
}

fn collect_q(value: &toml::Value, into: &mut Vec<String>) {
    match value {
        toml::Value::Table(table) => {
            for (key, value) in table {
                match (key.as_str(), value) {
                    ("q", toml::Value::String(q)) => into.push(q.clone()),
                    _ => collect_q(value, into),
                }
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|v| collect_q(v, into)),
        _ => {}
    }
}

/// `n` updates: group messages mentioning the bot, the questions in turn, over `CHATS` chats.
/// The message id is the update id, so a reply's quote names its update.
fn updates(questions: &[String], n: usize) -> Vec<String> {
    (1..=n as i64)
        .map(|id| {
            let question = &questions[(id as usize - 1) % questions.len()];
            let chat = -1_000_000_000 - id % CHATS;
            let user = 10_000 + id % 5_000;
            json!({"update_id": id, "message": {
                "message_id": id, "date": 0,
                "chat": {"id": chat, "type": "supergroup", "title": "Bench group"},
                "from": {"id": user, "is_bot": false, "first_name": "User", "language_code": "en"},
                "text": format!("@{BOT_USERNAME} {question}"),
            }})
            .to_string()
        })
        .collect()
}

/// Which bot a run drives.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Echo,
    Bot,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Echo => "echo",
            Target::Bot => "kzcn-bot",
        }
    }

    fn spawn(self, args: &Args, url: &str, data: &Path) -> Child {
        let mut command = match self {
            Target::Echo => Command::new(&args.echo),
            Target::Bot => {
                let mut command = Command::new(&args.bot);
                command.arg("serve").arg("--knowledge").arg(&args.knowledge);
                command
            }
        };
        command
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", url)
            .env("TELEGRAM_THROTTLE", "off")
            .env("RATE_LIMIT_PER_MINUTE", "0")
            .env("DATA_DIR", data)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the bot starts")
    }
}

/// What one run of one bot measured.
struct Figures {
    startup: Duration,
    answered_per_sec: f64,
    cpu_per_update: Duration,
    latency: Latency,
    peak_rss_kib: u64,
    lost: usize,
    twice: usize,
    extra_pieces: usize,
}

struct Latency {
    offered_per_sec: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

/// A fresh data directory for one run, so no state carries over.
fn data_dir(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kzcn-e2e-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a data directory");
    dir
}

/// Waits until `done` holds of the run, or `PATIENCE` passes.
async fn wait_until(api: &FakeApi, done: impl Fn(&Run) -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if done(&api.run.lock().unwrap()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    false
}

/// Starts `target`, returns its time to the first `getUpdates` and stops it.
async fn startup_only(args: &Args, target: Target, run_number: usize) -> Duration {
    let api = FakeApi::new(Vec::new());
    let url = api.serve().await;
    let data = data_dir(run_number);
    let started = Instant::now();
    let mut child = target.spawn(args, &url, &data);
    let polled = wait_until(&api, |run| run.first_poll.is_some()).await;
    stop(&mut child, &data);
    assert!(polled, "{} never polled", target.name());
    let first = api.run.lock().unwrap().first_poll.expect("polled");
    first - started
}

/// The whole measurement of one bot: start-up, a burst, then a steady rate.
async fn measure(args: &Args, target: Target, questions: &[String], run_number: usize) -> Figures {
    let burst = args.updates;
    let steady = (args.rate * args.seconds) as usize;
    let api = FakeApi::new(updates(questions, burst + steady));
    let url = api.serve().await;
    let data = data_dir(run_number);
    let started = Instant::now();
    let mut child = target.spawn(args, &url, &data);
    assert!(
        wait_until(&api, |run| run.first_poll.is_some()).await,
        "never polled"
    );
    let startup = api.run.lock().unwrap().first_poll.expect("polled") - started;

    let pid = child.id();
    let cpu_before = cpu_time(pid);
    api.release(burst);
    let answered = |up_to: usize| move |run: &Run| run.replies[..up_to].iter().all(|&n| n > 0);
    wait_until(&api, answered(burst)).await;
    let answered_per_sec = throughput(&api.run.lock().unwrap(), 0..burst);
    let cpu_per_update = (cpu_time(pid) - cpu_before) / burst.max(1) as u32;

    // The bot settles before the steady phase starts.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let offered_per_sec = offer_at_rate(&api, burst, steady, args.rate).await;
    wait_until(&api, answered(burst + steady)).await;
    // Late duplicates would come within moments.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let peak_rss_kib = peak_rss_kib(pid);
    stop(&mut child, &data);

    let run = api.run.lock().unwrap();
    Figures {
        startup,
        answered_per_sec,
        cpu_per_update,
        latency: latency(&run, burst..burst + steady, offered_per_sec),
        peak_rss_kib,
        lost: run.replies.iter().filter(|&&n| n == 0).count(),
        twice: run.replies.iter().filter(|&&n| n > 1).count(),
        extra_pieces: run.extra_pieces,
    }
}

/// Releases updates `after + 1 ..= after + count` one by one at `rate` a second; returns the
/// rate achieved.
async fn offer_at_rate(api: &FakeApi, after: usize, count: usize, rate: u32) -> f64 {
    let start = tokio::time::Instant::now();
    let every = Duration::from_secs(1) / rate;
    for k in 1..=count {
        tokio::time::sleep_until(start + every * k as u32).await;
        api.release(after + k);
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// Updates answered a second, from the first of `ids` served to the last reply.
fn throughput(run: &Run, ids: std::ops::Range<usize>) -> f64 {
    let first = ids.clone().filter_map(|i| run.served[i]).min();
    let last = ids.clone().filter_map(|i| run.replied[i]).max();
    let answered = ids.filter(|&i| run.replies[i] > 0).count();
    match (first, last) {
        (Some(first), Some(last)) => answered as f64 / (last - first).as_secs_f64(),
        _ => 0.0,
    }
}

/// Each answered update's time from being served to its reply, as percentiles.
fn latency(run: &Run, ids: std::ops::Range<usize>, offered_per_sec: f64) -> Latency {
    let mut added: Vec<Duration> = ids
        .filter_map(|i| Some(run.replied[i]? - run.served[i]?))
        .collect();
    added.sort();
    let at = |q: f64| {
        let rank = ((added.len() as f64 * q).ceil() as usize).clamp(1, added.len().max(1));
        added.get(rank - 1).copied().unwrap_or_default()
    };
    Latency {
        offered_per_sec,
        p50: at(0.50),
        p99: at(0.99),
        max: added.last().copied().unwrap_or_default(),
    }
}

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Stops the bot as `docker stop` would: SIGTERM, then SIGKILL if it is still there after
/// five seconds. (A profiler wrapped around the bot needs the SIGTERM to write its data.)
/// The CPU time the process has used, user and system, all threads.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces: utime
    // and stime are the 12th and 13th of them, in clock ticks.
    let fields: Vec<u64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .map(|f| f.parse().unwrap_or(0))
                .collect()
        })
        .unwrap_or_default();
    let ticks = fields.get(11).unwrap_or(&0) + fields.get(12).unwrap_or(&0);
    Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second())
}

fn clock_ticks_per_second() -> f64 {
    let out = Command::new("getconf").arg("CLK_TCK").output();
    out.ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}

fn stop(child: &mut Child, data: &Path) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(data);
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn print_figures(round: usize, target: Target, f: &Figures) {
    println!(
        "round {round} {:<8} start-up {:>6.1} ms | burst {:>6.0} answered/s, {:>4.0} µs CPU \
         each | at {:>5.0}/s: p50 {:>5.2} ms, p99 {:>5.2} ms, max {:>6.2} ms | peak RSS {:>5.1} \
         MiB | lost {}, answered twice {}, extra pieces {}",
        target.name(),
        ms(f.startup),
        f.answered_per_sec,
        f.cpu_per_update.as_secs_f64() * 1e6,
        f.latency.offered_per_sec,
        ms(f.latency.p50),
        ms(f.latency.p99),
        ms(f.latency.max),
        f.peak_rss_kib as f64 / 1024.0,
        f.lost,
        f.twice,
        f.extra_pieces,
    );
}

async fn run(args: Args) {
    let questions = questions(&args.questions);
    println!(
        "{} questions; {} updates in a burst, then {}/s for {} s; {} round(s)",
        questions.len(),
        args.updates,
        args.rate,
        args.seconds,
        args.rounds
    );
    let mut runs = 0;
    let mut all: Vec<(Target, Figures)> = Vec::new();
    for round in 1..=args.rounds {
        for target in [Target::Echo, Target::Bot] {
            runs += 1;
            let figures = measure(&args, target, &questions, runs).await;
            print_figures(round, target, &figures);
            all.push((target, figures));
        }
    }
    let mut startups: Vec<(Target, Duration)> = Vec::new();
    for target in [Target::Echo, Target::Bot] {
        for _ in 0..args.startups {
            runs += 1;
            startups.push((target, startup_only(&args, target, runs).await));
        }
    }
    summarise(&all, &startups);
}

fn summarise(all: &[(Target, Figures)], startups: &[(Target, Duration)]) {
    let of = |target: Target, value: &dyn Fn(&Figures) -> f64| -> Vec<f64> {
        all.iter()
            .filter(|(t, _)| *t == target)
            .map(|(_, f)| value(f))
            .collect()
    };
    let ratios: Vec<f64> = of(Target::Bot, &|f| f.answered_per_sec)
        .iter()
        .zip(of(Target::Echo, &|f| f.answered_per_sec))
        .map(|(bot, echo)| bot / echo)
        .collect();
    println!("\nsummary (median over rounds)");
    for target in [Target::Echo, Target::Bot] {
        let starts: Vec<f64> = startups
            .iter()
            .chain(
                all.iter()
                    .map(|(t, f)| (*t, f.startup))
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .filter(|(t, _)| *t == target)
            .map(|(_, d)| ms(*d))
            .collect();
        let worst = |v: Vec<f64>| v.into_iter().fold(0.0, f64::max);
        println!(
            "{:<8} answered/s {:>6.0} | CPU {:>4.0} µs an update | p99 {:>5.2} ms | peak RSS \
             {:>5.1} MiB (worst) | start-up {:>6.1} ms (median of {}, worst {:.1}) | lost {}, \
             twice {}",
            target.name(),
            median(of(target, &|f| f.answered_per_sec)),
            median(of(target, &|f| f.cpu_per_update.as_secs_f64() * 1e6)),
            median(of(target, &|f| ms(f.latency.p99))),
            worst(of(target, &|f| f.peak_rss_kib as f64 / 1024.0)),
            median(starts.clone()),
            starts.len(),
            worst(starts),
            of(target, &|f| f.lost as f64).iter().sum::<f64>(),
            of(target, &|f| f.twice as f64).iter().sum::<f64>(),
        );
    }
    println!(
        "kzcn-bot / echo answered/s: {:.2} (median of {:?})",
        median(ratios.clone()),
        ratios
            .iter()
            .map(|r| (r * 100.0).round() / 100.0)
            .collect::<Vec<_>>()
    );
}

fn main() {
    let args = Args::parse();
    // One thread: the bots under test get the other core.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(args));
}
