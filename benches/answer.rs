//! The answer call on the real fact base, over a mixed set of questions: direct, paraphrased,
//! misspelt, keyword-only, chatty, out of scope, over-long, several questions at once, claims,
//! comparisons, what the facts do not state, Russian and Kazakh in Latin letters, traditional
//! Chinese, and in Russian, Kazakh and Chinese. Run: `cargo bench --bench answer`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kzcn_bot::knowledge::Lang;
use kzcn_bot::Engine;

/// Written for the benchmark, apart from the evaluation set and the fact base's examples.
const QUESTIONS: &[&str] = &[
    "When did the visa-free regime start?",
    "how many days can i stay in kazakhstan with no visa",
    "vsia free 90 days rule",
    "trade 2022",
    "what was trade between the two countries last year",
    "latest trade figure",
    "trade turnover in 2021",
    "morning all, quick question: is Khorgos open at night?",
    "how much of china-europe cargo goes through kazakhstan",
    "who is Ding Xuexiang",
    "when did smailov meet li qiang",
    "sister citties how many",
    "is there a chinese consulate in aktobe",
    "what share of the car market do chinese brands have",
    "when is kazakhstan going carbon neutral",
    "Kazakhstan Russia trade volume",
    "What is China's GDP?",
    "do i need a visa for japan",
    "tourists from china numbers",
    "SCO summit astana",
    "oil pipline capacity expansion",
    "yo",
    "",
    "Когда заработал безвизовый режим между Казахстаном и Китаем?",
    "сколько дней можно находиться без визы",
    "Қытаймен сауда көлемі 2022 жылы қанша болды?",
    "кытай туристери канша",
    "中哈贸易额2023年是多少",
    "免签可以停留多少天",
    "When did the visa-free regime start and how long can I stay each time?",
    "I heard trade reached $30 billion in 2022, is that right?",
    "Was trade bigger in 2022 or in 2023?",
    "How many people work at the Luban Workshop?",
    "kogda nachal deistvovat bezvizovyi rezhim?",
    "sauda kolemi qansha",
    "免簽制度什麼時候開始？",
    "Hello! My parents live in Shymkent and want to visit my sister in Urumqi. They hate \
     paperwork and last time the visa took weeks. How many days can they stay on one trip now?",
];

fn bench(c: &mut Criterion) {
    let engine = Engine::load(Path::new("knowledge")).expect("knowledge loads");
    let long = "visa ".repeat(199);
    // The longest message Telegram delivers: a long story with one question at its end.
    let story = "We travelled from Almaty to Urumqi by bus last spring and loved the markets. ";
    let mut longest = story.repeat(4096 / story.len());
    longest.push_str("How long can we stay without a visa?");
    let longest: String = longest
        .chars()
        .rev()
        .take(4096)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // 4,096 characters of joiners each followed by words that ask: every joiner is weighed as
    // a cut between two questions, and none is made.
    let joiners: String = format!("слово слово слово{}", " и какую какую".repeat(300))
        .chars()
        .take(4096)
        .collect();

    let mut group = c.benchmark_group("answer");
    group.throughput(Throughput::Elements(QUESTIONS.len() as u64));
    group.bench_function("mixed_set", |b| {
        b.iter(|| {
            for question in QUESTIONS {
                black_box(engine.answer(black_box(question), Some(Lang::En)));
            }
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("direct", |b| {
        b.iter(|| engine.answer(black_box(QUESTIONS[0]), None))
    });
    group.bench_function("typo", |b| {
        b.iter(|| engine.answer(black_box(QUESTIONS[2]), None))
    });
    group.bench_function("out_of_scope", |b| {
        b.iter(|| engine.answer(black_box(QUESTIONS[15]), None))
    });
    group.bench_function("long_995_chars", |b| {
        b.iter(|| engine.answer(black_box(&long), None))
    });
    group.bench_function("story_4096_chars", |b| {
        b.iter(|| engine.answer(black_box(&longest), None))
    });
    group.bench_function("joiners_4096_chars", |b| {
        b.iter(|| engine.answer(black_box(&joiners), None))
    });
    group.finish();

    // One benchmark per question: the median of these medians is the figure to track.
    let mut each = c.benchmark_group("per_question");
    for (n, question) in QUESTIONS.iter().enumerate() {
        each.bench_function(format!("{n:02}"), |b| {
            b.iter(|| engine.answer(black_box(question), Some(Lang::En)))
        });
    }
    each.finish();

    c.bench_function("load_and_index", |b| {
        b.iter(|| Engine::load(Path::new("knowledge")).expect("loads"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
