//! A long run of answers: memory must not grow with the number of questions answered.

use std::hint::black_box;

use kzcn_bot::knowledge::Lang;
use kzcn_bot::FollowUp;

use crate::util::engine;

/// Questions of every kind the engine answers: answered, several at once, claims, follow-ups,
/// transliterated, traditional Chinese, "did you mean", unknown, help, too long.
const QUESTIONS: &[&str] = &[
    "When did the visa-free regime start?",
    "how long can I stay in china without a visa and how many days in total?",
    "I read that trade hit $30 billion in 2022, is that right?",
    "was trade bigger in 2022 or 2023?",
    "trade 2021",
    "latest trade figure",
    "kogda nachalsya god turizma",
    "Qytaimen vizasyz rezhim qashan bastaldy",
    "免签什么时候开始的？",
    "簽證 旅遊 貿易",
    "Когда начал действовать безвизовый режим?",
    "Қытаймен сауда қандай?",
    "vsia fre regme",
    "what is the weather in Almaty",
    "Kazakhstan Russia trade",
    "hello",
    "",
    "<b>visa</b> & <script>",
    "İ@kzcn_bot \u{212A}İ ß ǅ",
    "🇰🇿🤝🇨🇳 👍🏽",
];

/// The process's resident memory in KiB, from /proc/self/status.
fn resident_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .expect("a VmRSS line");
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS in kB")
}

/// Answers the `n`th question of the run: the list in turn, each with a number that changes so
/// no two in a row are the same text; every few a message too long to read, an inline query,
/// or a follow-up to the answer before.
fn ask(n: usize, previous: &mut Option<FollowUp>) {
    let engine = engine();
    let question = format!("{} {}", QUESTIONS[n % QUESTIONS.len()], n % 1000);
    match n % 50 {
        0 => {
            black_box(engine.answer(&question.repeat(500), None));
        }
        1 => {
            black_box(engine.top_answers(&question, Some(Lang::Ru), 5));
        }
        n if n % 5 == 2 => {
            black_box(engine.answer_after("and in 2022?", None, None, previous.as_ref()));
        }
        _ => {
            let answer = engine.answer(&question, None);
            *previous = answer.follow_up.clone().or(previous.take());
        }
    }
}

/// 100,000 answers: after 10,000 to warm up (allocator pools, the script converter's tables),
/// resident memory grows by less than 8 MiB over the remaining 90,000. About 20 s in a release
/// build, many minutes in a debug one, hence ignored in the normal run:
/// `cargo test --release --test integration soak -- --ignored`.
#[test]
#[ignore = "long: run with cargo test --release --test integration soak -- --ignored"]
fn soak_100000_answers_keep_memory_flat() {
    const WARM_UP: usize = 10_000;
    const TOTAL: usize = 100_000;
    let mut previous = None;
    for n in 0..WARM_UP {
        ask(n, &mut previous);
    }
    let warm = resident_kib();
    for n in WARM_UP..TOTAL {
        ask(n, &mut previous);
    }
    let end = resident_kib();
    let growth = end.saturating_sub(warm);
    eprintln!("resident memory: {warm} KiB after {WARM_UP} answers, {end} KiB after {TOTAL}");
    assert!(
        growth < 8 * 1024,
        "memory grew by {growth} KiB over {} answers",
        TOTAL - WARM_UP
    );
}
