//! Question sets written from the five articles alone, by people who never saw `knowledge/`,
//! graded by what the answer says: the figure, date or name a right answer must contain, and
//! for a claim whether the reply calls it right or wrong. Intent ids play no part.
//!
//! `tests/eval/written-a/` was measured before the matcher was changed and has been tuned on
//! since: it is a development set now. `tests/eval/written-b/` was written at the same time
//! and kept apart until the matcher was done; its figure was reported as held out. After a few
//! more fixes, `tests/eval/written-c/`, written then by the same kind of writer, was measured
//! once as the final figure. `tests/eval/written-d/` was written before the next round of
//! changes and measured once before and once after it, and `written-e/` to `written-r/`
//! likewise for each round after. All are regression sets from then on: the next
//! measurement needs a new held-out set.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kzcn_bot::knowledge::Lang;
use kzcn_bot::{Answer, Kind};
use serde::Deserialize;

use crate::util::{engine, root, Tally};

#[derive(Deserialize)]
struct Set {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    q: String,
    kind: String,
    scope: String,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    verdict: Option<String>,
}

/// Folds what differs between correct ways of writing a value: case, decimal commas (24,2),
/// thousands separators (5,000 and 5 000), no-break spaces.
fn fold(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{a0}' | '\u{202f}' | '\u{2009}' => ' ',
            other => other,
        })
        .collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0 && digit(i - 1) && digit(i + 1);
        let thousands = between_digits && (1..=3).all(|k| digit(i + k)) && !digit(i + 4);
        match c {
            ',' | ' ' if thousands => {}
            ',' if between_digits => out.push('.'),
            _ => out.push(c),
        }
    }
    out
}

/// Whether a value is in the (folded) body. A Russian or Kazakh word of five letters or more
/// may stand in another case ("Синхай" is named in "улица Сянь Синхая"): its last letter is
/// not compared.
fn found(body: &str, alternative: &str) -> bool {
    let value = fold(alternative.trim());
    let cyrillic = value
        .chars()
        .all(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    let stem: String = match cyrillic && value.chars().count() >= 5 {
        true => value.chars().take(value.chars().count() - 1).collect(),
        false => value,
    };
    body.contains(&stem)
}

/// Why an answer to an in-scope case is wrong, if it is.
fn content_miss(answer: &Answer, case: &Case) -> Option<String> {
    if answer.kind != Kind::Answered {
        return Some(format!("not answered ({:?})", answer.kind));
    }
    let body = fold(&answer.paragraphs.join("\n"));
    let missing: Vec<&str> = case
        .expect
        .iter()
        .filter(|entry| !entry.split(" | ").any(|alt| found(&body, alt)))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Some(format!("lacks {missing:?}"));
    }
    let verdict = case.verdict.as_deref()?;
    let knowledge = engine().knowledge();
    let said = |id: &str| {
        let message = knowledge.message(id, answer.lang);
        let prefix = message.split('{').next().unwrap_or(message).trim();
        answer
            .paragraphs
            .first()
            .is_some_and(|p| p.starts_with(prefix))
    };
    let wanted = if verdict == "right" {
        "claim_right"
    } else {
        "claim_wrong"
    };
    (!said(wanted)).then(|| format!("does not say the claim is {verdict}"))
}

/// Whether the reply is written the way the question was: Cyrillic for Russian and Kazakh
/// (typed in Latin letters or not), traditional characters for a question in them.
fn in_language(answer: &Answer, lang: Lang, case: &Case) -> bool {
    let body = answer.paragraphs.join("\n");
    let written = |filter: fn(&char) -> bool| body.chars().filter(filter).count();
    let han = written(|c| ('\u{4E00}'..='\u{9FFF}').contains(c));
    let cyrillic = written(|c| ('\u{0400}'..='\u{04FF}').contains(c));
    let latin = written(char::is_ascii_alphabetic);
    let script = match lang {
        Lang::Zh => han > 0 && han * 2 >= latin,
        Lang::Ru | Lang::Kk => cyrillic > latin,
        Lang::En => latin > cyrillic + han,
    };
    let traditional =
        case.kind != "traditional" || kzcn_bot::matching::script::to_traditional(&body) == body;
    answer.lang == lang && script && traditional
}

struct Score {
    in_scope: Tally,
    out_of_scope: Tally,
    language: Tally,
    report: String,
}

fn evaluate(set: &str, lang: Lang) -> Score {
    evaluate_file(
        set,
        &root().join(format!("tests/eval/{set}/{lang}.toml")),
        lang,
    )
}

fn evaluate_file(set: &str, path: &std::path::Path, lang: Lang) -> Score {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Set = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut in_scope, mut out_of_scope, mut language) = Default::default();
    let mut by_kind: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut misses = String::new();
    for case in &cases.case {
        let answer = engine().answer(&case.q, None);
        let miss = match case.scope.as_str() {
            "out" => answer
                .intent
                .as_ref()
                .map(|intent| format!("answered with {intent}")),
            _ => content_miss(&answer, case),
        };
        let scope: &mut Tally = if case.scope == "out" {
            &mut out_of_scope
        } else {
            &mut in_scope
        };
        scope.add(miss.is_none());
        by_kind.entry(&case.kind).or_default().add(miss.is_none());
        let speaks = in_language(&answer, lang, case);
        Tally::add(&mut language, speaks);
        if let Some(why) = miss.or_else(|| (!speaks).then(|| "wrong language".to_owned())) {
            let first = answer.paragraphs.first().map_or("", String::as_str);
            let first: String = first.chars().take(90).collect();
            let _ = writeln!(
                misses,
                "  [{}] {:?}: {why}; got {:?} {:.2} «{first}»",
                case.kind, case.q, answer.intent, answer.confidence
            );
        }
    }
    let mut report = format!("\n{set}/{lang}: kind   right  total  accuracy\n");
    let rows = by_kind.into_iter().chain([
        ("in-scope", in_scope),
        ("out-of-scope", out_of_scope),
        ("language", language),
    ]);
    for (label, tally) in rows {
        let _ = writeln!(
            report,
            "{label:<14} {:>5} {:>6}   {:>6.1}%",
            tally.right,
            tally.total,
            100.0 * tally.rate()
        );
    }
    println!("{report}\nmisses:\n{misses}");
    report.push_str(&misses);
    Score {
        in_scope,
        out_of_scope,
        language,
        report,
    }
}

/// Each set's floors: (set, language, in scope, out of scope). A floor sits a few points under
/// the figure measured when it was set, so a real regression fails the build and a one-case
/// wobble does not. written-a is a development set: its figures are not a measurement.
const FLOORS: &[(&str, Lang, f64, f64)] = &[
    ("written-a", Lang::En, 0.90, 0.93),
    ("written-a", Lang::Ru, 0.84, 0.88),
    ("written-a", Lang::Kk, 0.87, 0.78),
    ("written-a", Lang::Zh, 0.80, 0.78),
    // Measured once, as the held-out figure, then kept as a regression set.
    ("written-b", Lang::En, 0.80, 0.93),
    ("written-b", Lang::Ru, 0.85, 0.78),
    ("written-b", Lang::Kk, 0.70, 0.78),
    ("written-b", Lang::Zh, 0.82, 0.68),
    ("written-c", Lang::En, 0.76, 0.78),
    ("written-c", Lang::Ru, 0.83, 0.76),
    ("written-c", Lang::Kk, 0.76, 0.83),
    ("written-c", Lang::Zh, 0.78, 0.78),
    // The held-out set of the second round of changes, measured before and after it.
    ("written-d", Lang::En, 0.83, 0.83),
    ("written-d", Lang::Ru, 0.79, 0.78),
    ("written-d", Lang::Kk, 0.83, 0.78),
    ("written-d", Lang::Zh, 0.72, 0.63),
    // The held-out set of the third round, measured before and after it.
    ("written-e", Lang::En, 0.83, 0.68),
    ("written-e", Lang::Ru, 0.77, 0.78),
    ("written-e", Lang::Kk, 0.76, 0.68),
    ("written-e", Lang::Zh, 0.79, 0.78),
    // The held-out set of the fourth round, measured before and after it.
    ("written-f", Lang::En, 0.83, 0.88),
    ("written-f", Lang::Ru, 0.90, 0.88),
    ("written-f", Lang::Kk, 0.80, 0.78),
    ("written-f", Lang::Zh, 0.72, 0.73),
    // The held-out set measured after the fourth round.
    ("written-g", Lang::En, 0.82, 0.73),
    ("written-g", Lang::Ru, 0.89, 0.83),
    ("written-g", Lang::Kk, 0.82, 0.88),
    ("written-g", Lang::Zh, 0.80, 0.83),
    // The final held-out set of the fourth round, measured once on the engine before the
    // round and once after it.
    ("written-h", Lang::En, 0.82, 0.73),
    ("written-h", Lang::Ru, 0.83, 0.93),
    ("written-h", Lang::Kk, 0.93, 0.78),
    ("written-h", Lang::Zh, 0.83, 0.78),
    // The held-out set of the fifth round (comparisons, place names in claims, sums of money
    // and percentages), measured once before the round and once after it.
    ("written-i", Lang::En, 0.84, 0.85),
    ("written-i", Lang::Ru, 0.80, 0.70),
    ("written-i", Lang::Kk, 0.79, 0.95),
    ("written-i", Lang::Zh, 0.77, 0.78),
    // The held-out set of the sixth round (which way travellers go, parts that only ask,
    // colloquial words), measured once before the round and once after it.
    ("written-j", Lang::En, 0.80, 0.85),
    ("written-j", Lang::Ru, 0.88, 0.80),
    ("written-j", Lang::Kk, 0.81, 0.84),
    ("written-j", Lang::Zh, 0.85, 0.85),
    // Written after the first changes of the sixth round and measured once before its last
    // ones (a wrong claim answered with the fact that corrects it, Kazakh words for staying)
    // and once after them; also measured on the engine before the whole round.
    ("written-k", Lang::En, 0.88, 0.90),
    ("written-k", Lang::Ru, 0.84, 0.85),
    ("written-k", Lang::Kk, 0.81, 0.85),
    ("written-k", Lang::Zh, 0.80, 0.75),
    // The held-out set of the seventh round (Chinese counts, another country named, claims
    // in yes/no questions, "how much" of something), measured once before it and once after.
    ("written-l", Lang::En, 0.87, 0.75),
    ("written-l", Lang::Ru, 0.80, 0.73),
    ("written-l", Lang::Kk, 0.84, 0.84),
    ("written-l", Lang::Zh, 0.73, 0.65),
    // Written after the seventh round's first changes, measured once on the engine before
    // the round and once after it, and never tuned on.
    ("written-m", Lang::En, 0.76, 0.80),
    ("written-m", Lang::Ru, 0.81, 0.68),
    ("written-m", Lang::Kk, 0.75, 0.89),
    ("written-m", Lang::Zh, 0.77, 0.85),
    // The held-out set of the eighth round (comparisons told apart by what describes them,
    // a did-you-mean with one offer able to answer, question words mid-sentence, months
    // naming a stretch, claims marked by a particle), measured once before it and once after.
    ("written-n", Lang::En, 0.88, 0.95),
    ("written-n", Lang::Ru, 0.83, 0.84),
    ("written-n", Lang::Kk, 0.77, 0.78),
    ("written-n", Lang::Zh, 0.85, 0.85),
    // Written at the start of the eighth round and measured once on the engine before it
    // and once after it, never looked at in between.
    ("written-o", Lang::En, 0.83, 0.85),
    ("written-o", Lang::Ru, 0.76, 0.89),
    ("written-o", Lang::Kk, 0.86, 0.89),
    ("written-o", Lang::Zh, 0.81, 0.80),
    // Written at the start of the ninth round (a comparison parted into its two sides, dates
    // compared, how long something takes, outside hints for everyday matters, smileys ending
    // a sentence) and measured once on the engine before it and once after it, never looked
    // at in between.
    ("written-p", Lang::En, 0.87, 0.90),
    ("written-p", Lang::Ru, 0.85, 0.78),
    ("written-p", Lang::Kk, 0.81, 0.73),
    ("written-p", Lang::Zh, 0.82, 0.95),
    ("written-q", Lang::En, 0.85, 0.90),
    ("written-q", Lang::Ru, 0.92, 0.84),
    ("written-q", Lang::Kk, 0.86, 0.84),
    ("written-q", Lang::Zh, 0.77, 0.80),
    // Written midway through the ninth round, after the comparisons and before its last
    // changes (a later part asking something else of the part before it, a question naming
    // nothing read with the sentence before it), and measured on the engine before the round,
    // midway and after it.
    ("written-r", Lang::En, 0.92, 0.85),
    ("written-r", Lang::Ru, 0.86, 0.89),
    ("written-r", Lang::Kk, 0.88, 0.84),
    ("written-r", Lang::Zh, 0.85, 0.80),
    // Written at the start of the tenth round (what "how many" counts, a second question
    // after a joiner, Chinese ordinals in claims, parted comparisons trying each side's next
    // best, facts buried in a broad topic made topics of their own) and measured once on the
    // engine before it and once after it, never looked at in between.
    ("written-s", Lang::En, 0.91, 0.95),
    ("written-s", Lang::Ru, 0.87, 0.90),
    ("written-s", Lang::Kk, 0.81, 0.85),
    ("written-s", Lang::Zh, 0.82, 0.85),
];

/// Answers in the question's language and script (Cyrillic for Latin-typed Russian and
/// Kazakh, traditional characters for traditional Chinese).
const LANGUAGE_FLOOR: f64 = 0.95;

#[test]
fn written_sets_stay_above_their_floors() {
    let mut failures = Vec::new();
    for &(set, lang, in_floor, out_floor) in FLOORS {
        let score = evaluate(set, lang);
        for (what, tally, floor) in [
            ("in-scope", score.in_scope, in_floor),
            ("out-of-scope", score.out_of_scope, out_floor),
            ("language", score.language, LANGUAGE_FLOOR),
        ] {
            if tally.rate() < floor {
                failures.push(format!(
                    "{set}/{lang} {what}: {:.1}% < {:.1}%{}",
                    100.0 * tally.rate(),
                    100.0 * floor,
                    score.report
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Grades a new set before it joins the ones above, and prints its report: the directory named
/// by `WRITTEN_SET` holds one `<lang>.toml` per language written so far.
/// `WRITTEN_SET=/path/to/set cargo test --release --test integration measure_a_new_set -- --ignored --nocapture`
#[test]
#[ignore = "measures the set named by WRITTEN_SET"]
fn measure_a_new_set() {
    let dir = std::path::PathBuf::from(
        std::env::var("WRITTEN_SET").expect("WRITTEN_SET names a set's directory"),
    );
    let mut summary = String::new();
    for lang in [Lang::En, Lang::Ru, Lang::Kk, Lang::Zh] {
        let path = dir.join(format!("{lang}.toml"));
        if !path.exists() {
            continue;
        }
        let score = evaluate_file(&dir.display().to_string(), &path, lang);
        let _ = writeln!(
            summary,
            "{lang}: in scope {}/{} ({:.1}%), out of scope {}/{} ({:.1}%), language {:.1}%",
            score.in_scope.right,
            score.in_scope.total,
            100.0 * score.in_scope.rate(),
            score.out_of_scope.right,
            score.out_of_scope.total,
            100.0 * score.out_of_scope.rate(),
            100.0 * score.language.rate()
        );
    }
    println!("\n{summary}");
}
