//! The fact base as a whole: its topics, reachable facts, sources at the end of every answer,
//! the reload diff and translations that keep the English numbers. The fact base against the
//! articles themselves is `kzcn-bot check --articles` (see `provenance.rs` and `.ci/run`): the
//! articles are not part of the repository, and these tests pass without them.

use std::collections::BTreeSet;

use kzcn_bot::knowledge::Lang;

use crate::util::engine;

#[test]
fn knowledge_has_every_topic_of_the_articles() {
    let knowledge = engine().knowledge();
    assert_eq!(knowledge.sources.len(), 5, "one source per article");
    assert!(
        knowledge.fact_count() > 60,
        "only {} facts",
        knowledge.fact_count()
    );
    for topic in [
        "visa",
        "trade",
        "tourism",
        "transport",
        "energy",
        "diplomacy",
        "people",
        "ties",
    ] {
        assert!(
            knowledge.topics.iter().any(|t| t.id == topic),
            "topic {topic} missing"
        );
    }
}

/// Each fact is in the answer to at least one of the fact base's own example questions, so no
/// fact sits where no question can reach it.
#[test]
fn every_fact_is_reachable_by_some_question() {
    let engine = engine();
    let knowledge = engine.knowledge();
    let mut reached = BTreeSet::new();
    for intent in &knowledge.intents {
        for example in intent.examples.en.iter().flatten() {
            let answer = engine.answer(example, Some(Lang::En));
            let Some(answered) = answer.intent.as_deref().and_then(|id| knowledge.intent(id))
            else {
                continue;
            };
            for fact in &answered.facts {
                let text = fact.text.en.as_deref().unwrap_or_default();
                if answer.paragraphs.iter().any(|p| p.starts_with(text)) {
                    reached.insert(fact.id.clone());
                }
            }
        }
    }
    let unreached: Vec<String> = knowledge
        .intents
        .iter()
        .flat_map(|intent| &intent.facts)
        .filter(|fact| !reached.contains(&fact.id))
        .map(|fact| format!("{}: fact \"{}\"", fact.location, fact.id))
        .collect();
    assert!(
        unreached.is_empty(),
        "no example question reaches:\n{}",
        unreached.join("\n")
    );
}

#[test]
fn answers_end_with_their_sources() {
    let engine = engine();
    for intent in &engine.knowledge().intents {
        let answer = engine
            .answer_intent(&intent.id, Lang::En)
            .expect("intent exists");
        assert!(!answer.sources.is_empty(), "{} cites nothing", intent.id);
        let last = answer.sources.last().expect("a source");
        assert!(
            answer.text.trim_end().ends_with(&last.citation),
            "{}: the answer does not end with its sources:\n{}",
            intent.id,
            answer.text
        );
        for source in &answer.sources {
            assert!(
                answer.text.contains(&source.outlet) && answer.text.contains(&source.title),
                "{}",
                intent.id
            );
        }
    }
}

#[test]
fn reload_diff_names_added_removed_and_changed_facts() {
    let old = engine().knowledge().clone();
    let mut new = old.clone();
    new.intents[0].facts[0].text.en = Some("Changed text.".to_owned());
    let removed = new.intents[1].facts.remove(0);
    let mut added = new.intents[2].facts[0].clone();
    added.id = "brand-new-fact".to_owned();
    new.intents[2].facts.push(added);
    let diff = old.diff(&new);
    assert_eq!(diff.changed, vec![old.intents[0].facts[0].id.clone()]);
    assert_eq!(diff.removed, vec![removed.id]);
    assert_eq!(diff.added, vec!["brand-new-fact".to_owned()]);
    assert!(old.diff(&old).is_empty());
}

/// Every number in a translated answer has the same value as one in the English answer, and
/// the other way round (units such as "billion", "млрд" and "亿" are taken into account).
#[test]
fn translated_answers_keep_the_english_numbers() {
    use crate::util::values_in;
    let knowledge = engine().knowledge();
    let mut problems = Vec::new();
    for fact in knowledge.intents.iter().flat_map(|i| &i.facts) {
        let english = values_in(fact.text.en.as_deref().unwrap_or_default(), Lang::En);
        for lang in [Lang::Ru, Lang::Kk, Lang::Zh] {
            let Some(text) = fact.text.get(lang) else {
                problems.push(format!(
                    "{}: fact \"{}\" has no {lang} text",
                    fact.location, fact.id
                ));
                continue;
            };
            let translated = values_in(text, lang);
            if translated != english {
                problems.push(format!(
                    "{}: fact \"{}\" ({lang}): numbers {translated:?}, English has {english:?}",
                    fact.location, fact.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_number_reader_understands_units_in_every_language() {
    use crate::util::values_in;
    let cases = [
        (
            "$24.2 billion, up 35%, 5,000 trains",
            Lang::En,
            vec!["24200000000.000", "35.000", "5000.000"],
        ),
        (
            "24,2 млрд долларов, рост на 35%, 5 000 поездов",
            Lang::Ru,
            vec!["24200000000.000", "35.000", "5000.000"],
        ),
        (
            "242亿美元，增长35%，5000列",
            Lang::Zh,
            vec!["24200000000.000", "35.000", "5000.000"],
        ),
        (
            "2023年11月10日，12.6万人",
            Lang::Zh,
            vec!["10.000", "126000.000", "2023.000"],
        ),
        ("126 мың турист", Lang::Kk, vec!["126000.000"]),
        (
            "the 15th plan (2026–30)",
            Lang::En,
            vec!["15.000", "2026.000", "2030.000"],
        ),
        (
            "第十五个五年规划（2026—2030年）",
            Lang::Zh,
            vec!["2026.000", "2030.000"],
        ),
    ];
    for (text, lang, expected) in cases {
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(values_in(text, lang), expected, "{text}");
    }
}
