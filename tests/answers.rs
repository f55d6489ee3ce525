//! Behaviour pinned by regression cases: period selection, "I don't know" for periods and
//! places the articles do not cover, and language-specific pitfalls found along the way.

use kzcn_bot::knowledge::Lang;
use kzcn_bot::Kind;

use crate::util::engine;

struct Case {
    question: &'static str,
    lang: Lang,
    kind: Kind,
    intent: Option<&'static str>,
    contains: &'static str,
}

const fn case(
    question: &'static str,
    lang: Lang,
    kind: Kind,
    intent: Option<&'static str>,
    contains: &'static str,
) -> Case {
    Case {
        question,
        lang,
        kind,
        intent,
        contains,
    }
}

#[test]
fn answers_pick_the_period_asked_about() {
    use Kind::*;
    let cases = [
        case(
            "trade 2022",
            Lang::En,
            Answered,
            Some("trade-figures"),
            "24.2",
        ),
        case(
            "latest trade figure",
            Lang::En,
            Answered,
            Some("trade-figures"),
            "17.62",
        ),
        case("trade in 2021", Lang::En, NoPeriod, None, "2021"),
        // A year only the trade figures mention must not turn a tourism question into a trade one.
        case(
            "how many chinese tourists in 2022",
            Lang::En,
            NoPeriod,
            None,
            "2022",
        ),
        case(
            "кытай туристери 2022 жылы канша болды",
            Lang::Kk,
            NoPeriod,
            None,
            "2022",
        ),
        // A year before everything an intent reports is a period the articles do not cover.
        case(
            "товарооборот с китаем 2019",
            Lang::Ru,
            NoPeriod,
            None,
            "2019",
        ),
        case(
            "中哈贸易额2023年是多少",
            Lang::Zh,
            Answered,
            Some("trade-figures"),
            "2023",
        ),
    ];
    check(&cases);
}

#[test]
fn language_pitfalls_stay_fixed() {
    use Kind::*;
    let cases = [
        // "пути" (of the Silk Road) once matched the outside word "Путин".
        case(
            "Какие казахстанские города вошли в Туристический альянс городов Шелкового пути?",
            Lang::Ru,
            Answered,
            Some("tourism-alliance"),
            "Туркестан",
        ),
        // "ақша" (money) once matched the outside word "АҚШ" (the USA).
        case(
            "Қытай инвесторлары бізде көбіне қай салаларға ақша салады?",
            Lang::Kk,
            Answered,
            Some("investment"),
            "Қытай",
        ),
        case("中国和俄罗斯的贸易额", Lang::Zh, Unknown, None, "不知道"),
        case(
            "Kazakhstan Russia trade volume",
            Lang::En,
            Unknown,
            None,
            "don't know",
        ),
    ];
    check(&cases);
}

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let answer = engine().answer(case.question, None);
        let ok = answer.kind == case.kind
            && answer.intent.as_deref() == case.intent
            && answer.lang == case.lang
            && answer.text.contains(case.contains);
        if !ok {
            failures.push(format!(
                "{:?}: got {:?} {:?} {} ({:.2}): {}",
                case.question,
                answer.kind,
                answer.intent,
                answer.lang,
                answer.confidence,
                answer.text
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
