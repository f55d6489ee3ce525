//! Provenance inside the fact base: every fact carries its quote, and `check` holds the fact's
//! numbers to it. All of it on the small fixture (`tests/fixtures/mini` and its made-up article
//! in `tests/fixtures/articles`), so nothing here needs the real articles.

use std::path::PathBuf;

use crate::util::{copy_dir, fixture, load_problems, load_within_10s};

/// The line of `visa-30`'s `quote`, of its `[[intent.fact]]` and of the source's `article` in
/// the fixture's base.toml.
const QUOTE_LINE: usize = 27;
const FACT_LINE: usize = 23;
const ARTICLE_LINE: usize = 8;

const QUOTE: &str =
    "quote = \"Arland's travellers may now stay in Borduria up to 30 days without a visa\"";

/// A copy of the mini fixture with `from` replaced by `to` in base.toml.
fn mini_with(name: &str, from: &str, to: &str) -> PathBuf {
    let dir = copy_dir(&fixture("mini"), name);
    let path = dir.join("base.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "base.toml lacks {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

#[test]
fn check_rejects_a_fact_without_its_quote_or_with_a_number_its_quote_lacks() {
    // (what, from, to, line, message)
    let cases = [
        (
            "missing",
            QUOTE,
            "",
            FACT_LINE,
            "fact \"visa-30\" has no quote",
        ),
        (
            "empty",
            QUOTE,
            "quote = \"  \"",
            QUOTE_LINE,
            "fact \"visa-30\" has an empty quote",
        ),
        (
            "empty-list",
            QUOTE,
            "quote = []",
            QUOTE_LINE,
            "fact \"visa-30\" has an empty quote list",
        ),
        (
            "empty-in-list",
            QUOTE,
            "quote = [\n  \"up to 30 days without a visa\",\n  \"\",\n]",
            QUOTE_LINE + 2,
            "fact \"visa-30\" has an empty quote",
        ),
        (
            "number",
            "lasts up to 30 days.",
            "lasts up to 31 days.",
            FACT_LINE,
            "fact \"visa-30\": 31 is in its English text but in none of its quotes",
        ),
        (
            "year-without-period",
            "A visa-free stay",
            "Since 2023 a visa-free stay",
            FACT_LINE,
            "fact \"visa-30\": 2023 is in its English text but in none of its quotes, and it \
             is no year of the fact's period",
        ),
        (
            "year-outside-period",
            "A visa-free stay lasts up to 30 days.\"",
            "Since 2022 a visa-free stay lasts up to 30 days.\"\nperiod = \"2023\"",
            FACT_LINE,
            "fact \"visa-30\": 2022 is in its English text but in none of its quotes",
        ),
        (
            "not-a-string",
            QUOTE,
            "quote = 30",
            QUOTE_LINE,
            "cannot parse: invalid type: integer `30`, expected a quote: a string, or a list \
             of strings",
        ),
        (
            "no-article",
            "article = \"gazette.txt\"\n",
            "",
            3,
            "source \"paper\" names no article: add article = \"file.txt\"",
        ),
        (
            "article-with-a-path",
            "article = \"gazette.txt\"",
            "article = \"../articles/gazette.txt\"",
            ARTICLE_LINE,
            "source \"paper\": article \"../articles/gazette.txt\" must be a file name in the \
             articles directory, without a path",
        ),
        (
            "same-article",
            "article = \"gazette.txt\"",
            "article = \"gazette.txt\"\n\n[[source]]\nid = \"paper2\"\noutlet = \"Other\"\n\
             title = \"Other\"\ndate = \"2023\"\narticle = \"gazette.txt\"",
            ARTICLE_LINE + 7,
            "source \"paper2\" names the same article as source \"paper\"",
        ),
    ];
    for (name, from, to, line, message) in cases {
        let dir = mini_with(&format!("quote-{name}"), from, to);
        let problems = load_problems(&dir);
        let expected = format!("{}:{line}: {message}", dir.join("base.toml").display());
        assert!(
            problems.iter().any(|p| p.starts_with(&expected)),
            "{name}: no `{expected}` in:\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn a_fact_without_a_quote_is_one_problem_not_one_per_number() {
    let dir = mini_with("quote-one-problem", QUOTE, "");
    let problems = load_problems(&dir);
    let about_fact: Vec<&String> = problems
        .iter()
        .filter(|p| p.contains("\"visa-30\""))
        .collect();
    assert_eq!(about_fact.len(), 1, "{about_fact:?}");
}

#[test]
fn check_accepts_a_year_of_the_period_and_a_list_of_quotes() {
    let cases = [
        (
            "year-in-period",
            "A visa-free stay lasts up to 30 days.\"",
            "Since 2023 a visa-free stay lasts up to 30 days.\"\nperiod = \"2023\"",
            1,
        ),
        (
            "list",
            QUOTE,
            "quote = [\n  \"Arland’s travellers may now stay\",\n  \"up to 30 days without a visa\",\n]",
            2,
        ),
    ];
    for (name, from, to, quotes) in cases {
        let dir = mini_with(&format!("quote-ok-{name}"), from, to);
        let knowledge = load_within_10s(&dir).unwrap_or_else(|e| panic!("{name}:\n{e}"));
        let fact = &knowledge.intents[0].facts[0];
        assert_eq!(fact.quotes.len(), quotes, "{name}");
        if quotes == 2 {
            let lines: Vec<usize> = fact.quotes.iter().map(|q| q.location.line).collect();
            assert_eq!(
                lines,
                [QUOTE_LINE + 1, QUOTE_LINE + 2],
                "each quote has its line"
            );
        }
    }
}
