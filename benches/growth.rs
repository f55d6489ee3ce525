//! How answering and loading grow with the fact base. Run: `cargo bench --bench growth`.
//!
//! The bases are made here, in a directory under the system's temporary directory, and never
//! committed: 1×, 10× and 100× the real intents and facts, each copy of the real intent files
//! with its ids suffixed and its words tagged, so that the copies are distinct intents with
//! distinct vocabularies, and the real sources, topics, messages and lexicon beside them.
//!
//! - `growth/answer/N`: the mixed question set answered on the base of N copies.
//! - `growth/load_spread/N`: loading, checking and indexing that base (10 files per copy).
//! - `growth/load_one_file/N` and `growth/load_16_files/N`: N small intents in one file, and
//!   the same intents over 16 files. A file holds at most 1 MiB (`MAX_FILE_BYTES`), so this
//!   curve uses intents of about 500 bytes rather than the real ones of about 6 KiB.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kzcn_bot::Engine;
use toml::{Table, Value};

/// A mixed set in all four languages: direct, misspelt, keyword-only, chatty, out of scope.
const QUESTIONS: &[&str] = &[
    "When did the visa-free regime start?",
    "vsia free 90 days rule",
    "trade 2022",
    "morning all, quick question: is Khorgos open at night?",
    "who is Ding Xuexiang",
    "Kazakhstan Russia trade volume",
    "Was trade bigger in 2022 or in 2023?",
    "Когда заработал безвизовый режим между Казахстаном и Китаем?",
    "Қытаймен сауда көлемі 2022 жылы қанша болды?",
    "中哈贸易额2023年是多少",
    "免签可以停留多少天",
    "sauda kolemi qansha",
];

/// The real files with no intents, copied once into every base.
const SHARED: &[&str] = &[
    "sources.toml",
    "topics.toml",
    "messages.toml",
    "lexicon.toml",
];

fn real_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kzcn-growth-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Copy number `copy` written in `letters`: a tag no real word ends with.
fn tag(copy: usize, letters: &[char]) -> String {
    let (mut n, mut tag) = (copy, String::from(letters[0]));
    while n > 0 {
        tag.push(letters[n % letters.len()]);
        n /= letters.len();
    }
    tag
}

/// Every word of three letters or more gets the copy's tag, in its own alphabet (a Latin tag
/// on a Cyrillic word would be split off as a word of its own). Chinese, numbers and short
/// words stay: a fact's figures must still be in its quote.
fn tagged(text: &str, copy: usize) -> String {
    let latin = tag(copy, &['q', 'x', 'z', 'j', 'v', 'w']);
    let cyrillic = tag(copy, &['ж', 'щ', 'ф', 'ц', 'ш', 'э']);
    let words: Vec<String> = text
        .split(' ')
        .map(|word| {
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            let all_letters = word.chars().all(char::is_alphabetic);
            match word.chars().next() {
                _ if !all_letters || letters < 3 => word.to_owned(),
                Some(c) if c.is_ascii() => format!("{word}{latin}"),
                Some(c) if ('\u{0400}'..='\u{04FF}').contains(&c) => format!("{word}{cyrillic}"),
                _ => word.to_owned(),
            }
        })
        .collect();
    words.join(" ")
}

fn suffixed(value: &mut Value, copy: usize) {
    match value {
        Value::String(id) => id.push_str(&format!("-copy{copy}")),
        Value::Array(ids) => ids.iter_mut().for_each(|id| suffixed(id, copy)),
        _ => {}
    }
}

/// Tags every string of a per-language table (`title`, `keywords`, `examples`, `text`).
fn tag_strings(value: &mut Value, copy: usize) {
    match value {
        Value::String(text) => *text = tagged(text, copy),
        Value::Array(list) => list.iter_mut().for_each(|v| tag_strings(v, copy)),
        Value::Table(table) => table.iter_mut().for_each(|(_, v)| tag_strings(v, copy)),
        _ => {}
    }
}

/// One real intent file as copy `copy`: copy 0 is the real file itself.
fn copied(file: &Table, copy: usize) -> Table {
    let mut file = file.clone();
    if copy == 0 {
        return file;
    }
    let Some(Value::Array(intents)) = file.get_mut("intent") else {
        return file;
    };
    for intent in intents.iter_mut().filter_map(Value::as_table_mut) {
        for key in ["id", "related"] {
            if let Some(value) = intent.get_mut(key) {
                suffixed(value, copy);
            }
        }
        for key in ["title", "keywords", "examples"] {
            if let Some(value) = intent.get_mut(key) {
                tag_strings(value, copy);
            }
        }
        let Some(Value::Array(facts)) = intent.get_mut("fact") else {
            continue;
        };
        for fact in facts.iter_mut().filter_map(Value::as_table_mut) {
            if let Some(id) = fact.get_mut("id") {
                suffixed(id, copy);
            }
            if let Some(text) = fact.get_mut("text") {
                tag_strings(text, copy);
            }
        }
    }
    file
}

/// A base of `copies` copies of the real intents, ten or so files per copy.
fn spread_base(copies: usize) -> PathBuf {
    let dir = scratch(&format!("spread-{copies}"));
    let mut intent_files = Vec::new();
    for entry in fs::read_dir(real_dir()).expect("the real knowledge directory") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if SHARED.contains(&name.as_str()) {
            fs::copy(&path, dir.join(&name)).expect("a shared file copied");
        } else if name.ends_with(".toml") {
            let text = fs::read_to_string(&path).expect("a knowledge file");
            let table: Table = text.parse().expect("the real file parses");
            intent_files.push((name.trim_end_matches(".toml").to_owned(), table));
        }
    }
    for copy in 0..copies {
        for (name, table) in &intent_files {
            let text = toml::to_string(&copied(table, copy)).expect("a copy written");
            fs::write(dir.join(format!("{name}-{copy:03}.toml")), text).expect("a copy saved");
        }
    }
    dir
}

/// `count` small intents of every field's four languages, over `files` files.
fn small_base(count: usize, files: usize) -> PathBuf {
    let dir = scratch(&format!("small-{count}-{files}"));
    for name in ["sources.toml", "messages.toml"] {
        fs::copy(real_dir().join(name), dir.join(name)).expect("a shared file copied");
    }
    fs::write(
        dir.join("topics.toml"),
        "[[topic]]\nid = \"all\"\nintent = \"small-0\"\ntitle.en = \"All\"\n\
         title.ru = \"Все\"\ntitle.kk = \"Бәрі\"\ntitle.zh = \"全部\"\n",
    )
    .expect("a topic file");
    let mut texts = vec![String::new(); files];
    for i in 0..count {
        let word = tagged("word", i + 1);
        let mut intent = format!("[[intent]]\nid = \"small-{i}\"\ntopic = \"all\"\n");
        for lang in ["en", "ru", "kk", "zh"] {
            intent.push_str(&format!(
                "title.{lang} = \"Topic {word}\"\nkeywords.{lang} = [\"{word}\"]\n\
                 examples.{lang} = [\"what is {word}\"]\n"
            ));
        }
        intent.push_str(&format!("[[intent.fact]]\nid = \"small-{i}-fact\"\n"));
        for lang in ["en", "ru", "kk", "zh"] {
            intent.push_str(&format!("text.{lang} = \"Fact {word}.\"\n"));
        }
        intent.push_str("sources = [\"astana-times\"]\nquote = \"Kazakhstan\"\n\n");
        texts[i % files].push_str(&intent);
    }
    for (n, text) in texts.iter().enumerate() {
        fs::write(dir.join(format!("small-{n:02}.toml")), text).expect("a file saved");
    }
    dir
}

/// Criterion calls a benchmark's closure once per sample, and only when the benchmark is
/// selected: each base is made on the first call and kept, so a filter such as
/// `load_one_file` does not pay for the 100× base.
fn answering_and_spread_loading(c: &mut Criterion) {
    let mut group = c.benchmark_group("growth");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    for copies in [1, 10, 100] {
        let mut base: Option<(PathBuf, Engine)> = None;
        group.bench_function(BenchmarkId::new("answer", copies), |b| {
            let (_, engine) = base.get_or_insert_with(|| {
                let dir = spread_base(copies);
                let engine = Engine::load(&dir).expect("the grown base loads");
                (dir, engine)
            });
            b.iter(|| {
                for question in QUESTIONS {
                    black_box(engine.answer(black_box(question), None));
                }
            });
        });
        let mut dir = base.map(|(dir, _)| dir);
        group.bench_function(BenchmarkId::new("load_spread", copies), |b| {
            let dir = dir.get_or_insert_with(|| spread_base(copies));
            b.iter(|| Engine::load(dir).expect("loads"));
        });
        if let Some(dir) = dir {
            fs::remove_dir_all(&dir).expect("the scratch directory removed");
        }
    }
    group.finish();
}

fn loading_one_file_or_many(c: &mut Criterion) {
    let mut group = c.benchmark_group("growth");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    for count in [250, 500, 1000, 1500] {
        for (name, files) in [("load_one_file", 1), ("load_16_files", 16)] {
            let mut dir = None;
            group.bench_function(BenchmarkId::new(name, count), |b| {
                let dir = dir.get_or_insert_with(|| small_base(count, files));
                b.iter(|| Engine::load(dir).expect("loads"));
            });
            if let Some(dir) = dir {
                fs::remove_dir_all(&dir).expect("the scratch directory removed");
            }
        }
    }
    group.finish();
}

criterion_group!(
    benches,
    answering_and_spread_loading,
    loading_one_file_or_many
);
criterion_main!(benches);
