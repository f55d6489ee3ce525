//! Where each fact comes from, checked: the numbers of a fact against its quotes (on every
//! load), and the quotes against the articles themselves (`check --articles DIR`, which also
//! makes sure no fact or phrasing copies the articles' wording).
//!
//! A quote is found in its article when it occurs there after both are normalised the same
//! way, and in no other: runs of whitespace become one space, and typographic quotation marks,
//! apostrophes and dashes become their ASCII forms (`“Luban Workshop”` matches
//! `"Luban Workshop"`, `Kazakhstan’s` matches `Kazakhstan's`, `Nur Zholy–Khorgos` matches
//! `Nur Zholy-Khorgos`). Case, spelling and punctuation otherwise count.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::files;
use super::loader::{Problem, Stage};
use super::model::{escape_controls, Fact, Knowledge, Location};
use super::period::Period;

/// How many words in a row a fact or a phrasing may share with an article before it counts as
/// copied: short runs ("the Belt and Road initiative") are names and set phrases.
pub const COPIED_WORDS: usize = 8;

/// `text` with whitespace runs made one space (and trimmed) and typographic quotation marks,
/// apostrophes and dashes replaced by `"`, `'` and `-`: the only differences allowed between a
/// quote and its article.
pub fn normalise(text: &str) -> String {
    normalise_mapped(text).0
}

/// The normalised text and, for each of its characters, the byte offset in `text` of the
/// character it comes from.
pub(crate) fn normalise_mapped(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    // Where the run of whitespace before the current character began, if any text came first.
    let mut space: Option<usize> = None;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if !out.is_empty() && space.is_none() {
                space = Some(at);
            }
            continue;
        }
        if let Some(space_at) = space.take() {
            out.push(' ');
            from.push(space_at);
        }
        out.push(plain(c));
        from.push(at);
    }
    (out, from)
}

/// The ASCII form of a typographic quotation mark, apostrophe or dash.
fn plain(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' | '\u{2033}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        c => c,
    }
}

/// Every number written in digits in `text`, with thousands separators removed (`5,000` →
/// `5000`) and decimals kept (`24.2`); `2026-30` is two numbers, `2026` and `30`.
pub fn numbers_in(text: &str) -> BTreeSet<String> {
    number_spans(text).into_iter().map(|(_, n)| n).collect()
}

/// Each number in `text` with the byte range it is written in.
pub(crate) fn number_spans(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut numbers = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut number = String::new();
        while i < chars.len() {
            let c = chars[i].1;
            let next_is_digit = chars.get(i + 1).is_some_and(|(_, n)| n.is_ascii_digit());
            if c.is_ascii_digit() {
                number.push(c);
            } else if c == ',' && next_is_digit {
                // a thousands separator: dropped
            } else if c == '.' && next_is_digit {
                number.push('.');
            } else {
                break;
            }
            i += 1;
        }
        let end = chars.get(i).map_or(text.len(), |(at, _)| *at);
        numbers.push((start..end, number));
    }
    numbers
}

/// The numbers of a fact's English text that none of its quotes holds, leaving out a year
/// inside the fact's period (a figure for "last year" in a 2024 article is a 2023 figure, and
/// the fact may say so).
pub(crate) fn unquoted_numbers<'a>(
    text: &str,
    quotes: impl IntoIterator<Item = &'a str>,
    period: Option<&Period>,
) -> Vec<String> {
    let quoted: BTreeSet<String> = quotes.into_iter().flat_map(numbers_in).collect();
    numbers_in(text)
        .into_iter()
        .filter(|number| !quoted.contains(number))
        .filter(|number| year(number).is_none_or(|y| period.is_none_or(|p| !p.covers_year(y))))
        .collect()
}

/// The number as a year, when it is written as one (four digits, 1000 to 2999).
pub(crate) fn year(number: &str) -> Option<u16> {
    (number.len() == 4 && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| number.parse().ok())
        .flatten()
        .filter(|y| (1000..3000).contains(y))
}

/// Why the articles could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum ArticlesError {
    #[error("articles directory {} not found", escape_controls(&.0.display().to_string()))]
    NotFound(PathBuf),
    #[error("{} is not a directory of articles", escape_controls(&.0.display().to_string()))]
    NotDirectory(PathBuf),
    #[error("cannot read articles directory {}: {source}", escape_controls(&.path.display().to_string()))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reads one article as text, with the same checks as a knowledge file (a regular file of at
/// most 1 MiB, UTF-8); the error says why not.
pub fn read_article(path: &Path) -> Result<String, String> {
    files::read_article(path)
}

/// What `check --articles` found: the problems, and how much was checked.
#[derive(Debug, Default)]
pub struct ArticleCheck {
    pub problems: Vec<Problem>,
    pub articles: usize,
    pub quotes: usize,
}

/// Checks the fact base against the articles in `dir`: each source's article can be read,
/// each quote occurs in an article its fact cites, and no fact's text copies `COPIED_WORDS`
/// words in a row of an article. Problems are named with the
/// `file:line` of the quote, fact, intent or source.
pub fn check_articles(knowledge: &Knowledge, dir: &Path) -> Result<ArticleCheck, ArticlesError> {
    match files::is_dir(dir) {
        Ok(true) => {}
        Ok(false) => return Err(ArticlesError::NotDirectory(dir.to_path_buf())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ArticlesError::NotFound(dir.to_path_buf()))
        }
        Err(source) => {
            return Err(ArticlesError::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    }
    let mut check = ArticleCheck::default();
    // By source index: the article's path and its normalised text, if it could be read.
    let mut articles: Vec<(PathBuf, Option<String>)> = Vec::new();
    for source in &knowledge.sources {
        let path = dir.join(&source.article);
        match files::read_article(&path) {
            Ok(text) => {
                check.articles += 1;
                articles.push((path, Some(normalise(&text))));
            }
            Err(error) => {
                check.problems.push(Problem {
                    file: source.location.file.clone(),
                    line: Some(source.location.line),
                    message: format!(
                        "source \"{}\": article {}: {error}",
                        source.id,
                        path.display()
                    ),
                    stage: Stage::Article,
                });
                articles.push((path, None));
            }
        }
    }
    for fact in knowledge.intents.iter().flat_map(|intent| &intent.facts) {
        check.quotes += fact.quotes.len();
        check_quotes(fact, &articles, &mut check.problems);
    }
    check.problems.extend(copied(knowledge, &articles));
    check
        .problems
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Ok(check)
}

/// Each quote of `fact` must occur in one of the articles it cites. When a cited article
/// could not be read, a quote not found in the others is not reported: the unread article is.
fn check_quotes(fact: &Fact, articles: &[(PathBuf, Option<String>)], problems: &mut Vec<Problem>) {
    let cited: Vec<&(PathBuf, Option<String>)> =
        fact.sources.iter().map(|&s| &articles[s]).collect();
    let all_read = cited.iter().all(|(_, text)| text.is_some());
    for quote in &fact.quotes {
        let wanted = normalise(&quote.text);
        let found = cited
            .iter()
            .any(|(_, text)| text.as_deref().is_some_and(|t| t.contains(&wanted)));
        if found || !all_read {
            continue;
        }
        let names: Vec<String> = cited
            .iter()
            .map(|(path, _)| path.display().to_string())
            .collect();
        problems.push(Problem {
            file: quote.location.file.clone(),
            line: Some(quote.location.line),
            message: format!(
                "quote of fact \"{}\" not found in {}",
                fact.id,
                names.join(" or ")
            ),
            stage: Stage::Article,
        });
    }
}

/// Lower-cased words, as the copy check compares them.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Facts whose text shares `COPIED_WORDS` words in a row with an article: facts are written in
/// the project's own words, and a quote is the only place for the article's. (Questions may
/// name an event in full, "the Year of Tourism of Kazakhstan in China", so phrasings are not
/// held to this.)
fn copied(knowledge: &Knowledge, articles: &[(PathBuf, Option<String>)]) -> Vec<Problem> {
    let mut runs: HashMap<String, usize> = HashMap::new();
    for (index, (_, text)) in articles.iter().enumerate() {
        let Some(text) = text else { continue };
        for run in words(text).windows(COPIED_WORDS) {
            runs.entry(run.join(" ")).or_insert(index);
        }
    }
    // One problem per item: the first run it copies.
    let mut found: BTreeMap<(PathBuf, usize, String), String> = BTreeMap::new();
    let mut look = |what: String, at: &Location, text: &str| {
        let hit = words(text).windows(COPIED_WORDS).find_map(|run| {
            let run = run.join(" ");
            runs.get(&run).map(|&index| (run, index))
        });
        if let Some((run, index)) = hit {
            let article = articles[index].0.display();
            found
                .entry((at.file.clone(), at.line, what.clone()))
                .or_insert(format!("{what} copies the words of {article}: \"{run}\""));
        }
    };
    for fact in knowledge.intents.iter().flat_map(|intent| &intent.facts) {
        for (_, text) in fact.text.iter() {
            look(format!("fact \"{}\"", fact.id), &fact.location, text);
        }
    }
    found
        .into_iter()
        .map(|((file, line, _), message)| Problem {
            file,
            line: Some(line),
            message,
            stage: Stage::Article,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_changes_only_whitespace_and_typographic_marks() {
        let cases = [
            ("  two\n\tspaces  ", "two spaces"),
            ("“Luban Workshop”", "\"Luban Workshop\""),
            ("Kazakhstan’s ‘Year’", "Kazakhstan's 'Year'"),
            (
                "Nur Zholy–Khorgos — a change",
                "Nur Zholy-Khorgos - a change",
            ),
            ("«ёлка» ″", "\"ёлка\" \""),
            ("no\u{a0}break", "no break"),
            // Everything else stays: case, other punctuation, spelling.
            ("Nov. 4; CASE, e-commerce!", "Nov. 4; CASE, e-commerce!"),
        ];
        for (text, expected) in cases {
            assert_eq!(normalise(text), expected, "{text:?}");
        }
    }

    #[test]
    fn normalise_maps_each_character_back_to_the_original() {
        let text = " a\n “b”";
        let (normal, from) = normalise_mapped(text);
        assert_eq!(normal, "a \"b\"");
        let back: Vec<&str> = from.iter().map(|&at| &text[at..]).collect();
        assert_eq!(back, ["a\n “b”", "\n “b”", "“b”", "b”", "”"]);
    }

    #[test]
    fn numbers_are_read_with_separators_and_decimals() {
        let cases: [(&str, &[&str]); 6] = [
            (
                "$24.2 billion, 5,000 trains, 35%, 2026-30 and 10 November",
                &["10", "2026", "24.2", "30", "35", "5000"],
            ),
            ("on Nov. 4, then 12-fold", &["12", "4"]),
            ("In 10 months [of 2023]", &["10", "2023"]),
            ("17.62 billion; 1,234,567", &["1234567", "17.62"]),
            ("a sentence ends at 5. Then", &["5"]),
            ("no digits at all", &[]),
        ];
        for (text, expected) in cases {
            let expected: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(numbers_in(text), expected, "{text}");
        }
    }

    #[test]
    fn a_number_must_be_quoted_unless_it_is_a_year_of_the_period() {
        let period = Period::parse("2023-01..2023-10").unwrap();
        // (fact text, quotes, period, the numbers reported)
        type Case<'a> = (&'a str, &'a [&'a str], Option<&'a Period>, &'a [&'a str]);
        let cases: [Case; 6] = [
            ("grew 24% in 10 months", &["by 24% in 10 months"], None, &[]),
            (
                "reached $41 billion",
                &["reached $24.2 billion"],
                None,
                &["41"],
            ),
            ("in 2023 it grew 24%", &["grew by 24%"], Some(&period), &[]),
            (
                "in 2022 it grew 24%",
                &["grew by 24%"],
                Some(&period),
                &["2022"],
            ),
            ("in 2023 it grew 24%", &["grew by 24%"], None, &["2023"]),
            // Only years are excused by the period, not other numbers that happen to match.
            ("10 more trains", &["trains"], Some(&period), &["10"]),
        ];
        for (text, quotes, period, expected) in cases {
            assert_eq!(
                unquoted_numbers(text, quotes.iter().copied(), period),
                expected,
                "{text}"
            );
        }
    }
}
