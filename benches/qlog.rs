//! The question log's writes and the admins' queries: a batch of 100 questions written in one
//! transaction, and `/stats` and one `/unanswered` page over 100,000 logged questions (about
//! three months of a busy bot). Run: `cargo bench --bench qlog`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kzcn_bot::knowledge::Lang;
use kzcn_bot::questions::{new_id, normalise, Change, ChatType, Entry, QuestionLog};

const NOW: i64 = 1_800_000_000;
const KINDS: [&str; 4] = ["answered", "unknown", "did_you_mean", "answered"];

fn entry(n: i64) -> Change {
    let kind = KINDS[(n % 4) as usize];
    Change::Asked(Entry {
        id: new_id(),
        at: NOW - (n * 77) % (90 * 24 * 60 * 60),
        chat_type: ChatType::Private,
        lang: Lang::ALL[(n % 4) as usize],
        intent: (kind == "answered").then(|| format!("intent-{}", n % 40)),
        fact: None,
        kind,
        confidence: 0.6,
        text: normalise(&format!("What about question number {}?", n % 3000)),
        user: format!("{:016x}", n % 5000),
        chat: format!("{:016x}", n % 5000 + 1),
    })
}

fn fresh_log(name: &str) -> QuestionLog {
    let dir = std::env::temp_dir().join(format!("kzcn-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    QuestionLog::open(&dir).expect("opens")
}

fn bench(c: &mut Criterion) {
    let mut log = fresh_log("write");
    let mut group = c.benchmark_group("qlog");
    group.throughput(Throughput::Elements(100));
    let mut n = 0;
    group.bench_function("write a batch of 100", |b| {
        b.iter(|| {
            let batch: Vec<Change> = (n..n + 100).map(entry).collect();
            n += 100;
            log.write(black_box(&batch)).expect("written")
        })
    });
    group.finish();

    let mut log = fresh_log("read");
    let rows: Vec<Change> = (0..100_000).map(entry).collect();
    for batch in rows.chunks(1000) {
        log.write(batch).expect("written");
    }
    c.bench_function("qlog stats over 100,000", |b| {
        b.iter(|| log.stats(NOW, 30).expect("stats"))
    });
    c.bench_function("qlog unanswered page over 100,000", |b| {
        b.iter(|| log.unanswered(NOW, 30, 10, 0).expect("page"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
