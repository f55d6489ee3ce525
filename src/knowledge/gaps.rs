//! `gaps`: the sentences of an article that carry a figure, a date or a name and that no fact
//! quotes, so an admin adding an article sees at once what the fact base does not yet hold.
//!
//! The rules, in order:
//! - **Sentences.** Each line of the article is a paragraph; a sentence ends at `.`, `!` or `?`
//!   (with any closing quotation marks or brackets after it) followed by a space and a capital
//!   letter, a digit or an opening quotation mark, unless the word before the stop is a known
//!   abbreviation (`Mr.`, `Nov.`, …), a single capital letter (an initial), or a list number
//!   starting the line (`1. Main Page`). A line without such a stop (a headline, a caption) is
//!   one sentence.
//! - **Questions** (ending in `?`) state nothing to quote and are left out.
//! - **What a sentence carries.** A *figure*: any digit. A *date*: a month's name (`November`,
//!   `Nov.`). A *name*: any other word that starts with a capital letter and has at least two
//!   letters, except the first word of the sentence or of a quotation inside it (after an
//!   opening quotation mark or a colon), which is capitalised whatever it is.
//! - **Quoted.** A sentence counts as quoted when the quotes of the fact base, found in the
//!   article as `check --articles` finds them, cover at least half of its letters and digits
//!   and every digit in it: a quote of half a sentence that leaves out its figure has missed
//!   what matters most.

use super::provenance::{normalise, normalise_mapped, number_spans};

/// A sentence of an article that carries a figure, a date or a name and is not quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The line of the article it is on, from 1.
    pub line: usize,
    /// The sentence, with runs of whitespace made one space.
    pub text: String,
    /// What it carries: any of "figure", "date", "name", in that order.
    pub carries: Vec<&'static str>,
    /// The share of its letters and digits that quotes cover, in percent.
    pub quoted_percent: usize,
    /// When at least half of it is quoted, the numbers left outside the quotes.
    pub unquoted_numbers: Vec<String>,
}

/// What `gaps` found in one article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps {
    /// Sentences that carry a figure, a date or a name (questions left out).
    pub sentences: usize,
    /// Those not quoted, in the article's order.
    pub gaps: Vec<Gap>,
}

/// The sentences of `article` that carry a figure, a date or a name and that `quotes` do not
/// cover (see the module doc for the rules).
pub fn find_gaps<'a>(article: &str, quotes: impl IntoIterator<Item = &'a str>) -> Gaps {
    let (normal, from) = normalise_mapped(article);
    let covered = coverage(&normal, quotes);
    // The normalised characters that come from the bytes `range` of the article.
    let normal_range = |range: &std::ops::Range<usize>| {
        let start = from.partition_point(|&at| at < range.start);
        let end = from.partition_point(|&at| at < range.end);
        start..end
    };
    let normal_chars: Vec<char> = normal.chars().collect();
    let mut found = Gaps::default();
    for sentence in sentences(article) {
        let text = &article[sentence.range.clone()];
        if is_question(text) {
            continue;
        }
        let carries = carries(text);
        if carries.is_empty() {
            continue;
        }
        found.sentences += 1;
        let range = normal_range(&sentence.range);
        let counted: Vec<usize> = range
            .clone()
            .filter(|&i| normal_chars[i].is_alphanumeric())
            .collect();
        let quoted = counted.iter().filter(|&&i| covered[i]).count();
        let percent = (quoted * 100).checked_div(counted.len()).unwrap_or(100);
        let unquoted_numbers: Vec<String> = number_spans(text)
            .into_iter()
            .filter(|(span, _)| {
                let bytes = sentence.range.start + span.start..sentence.range.start + span.end;
                normal_range(&bytes).any(|i| !covered[i])
            })
            .map(|(_, number)| number)
            .collect();
        if quoted * 2 >= counted.len() && unquoted_numbers.is_empty() {
            continue;
        }
        found.gaps.push(Gap {
            line: sentence.line,
            text: normalise_spaces(text),
            carries,
            quoted_percent: percent,
            unquoted_numbers: if quoted * 2 >= counted.len() {
                unquoted_numbers
            } else {
                Vec::new()
            },
        });
    }
    found
}

/// For each character of the normalised article, whether a quote covers it.
fn coverage<'a>(normal: &str, quotes: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
    // Offsets in characters, not bytes: the sentences are measured in characters.
    let char_at: Vec<usize> = normal.char_indices().map(|(at, _)| at).collect();
    let mut covered = vec![false; char_at.len()];
    for quote in quotes {
        let quote = normalise(quote);
        if quote.is_empty() {
            continue;
        }
        for (start, _) in normal.match_indices(&quote) {
            let first = char_at.partition_point(|&at| at < start);
            let last = char_at.partition_point(|&at| at < start + quote.len());
            covered[first..last].iter_mut().for_each(|c| *c = true);
        }
    }
    covered
}

/// A sentence of an article: its line and its byte range in the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    pub line: usize,
    pub range: std::ops::Range<usize>,
}

/// Words before a full stop that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "gen", "gov", "sen", "rep", "inc", "ltd", "co", "corp",
    "jr", "sr", "e.g", "i.e", "etc", "u.s", "u.k",
];

/// Months, full and abbreviated, as a date names them.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// The sentences of `article`, each within one line (see the module doc).
pub(crate) fn sentences(article: &str) -> Vec<Sentence> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for (index, line) in article.split('\n').enumerate() {
        let mut start = 0;
        let bytes: Vec<(usize, char)> = line.char_indices().collect();
        for (i, &(at, c)) in bytes.iter().enumerate() {
            if !matches!(c, '.' | '!' | '?') {
                continue;
            }
            // Past any closing quotation marks and brackets.
            let mut end = i + 1;
            while bytes
                .get(end)
                .is_some_and(|(_, c)| matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»'))
            {
                end += 1;
            }
            let Some(&(space_at, space)) = bytes.get(end) else {
                continue;
            };
            let next = bytes.get(end + 1).map(|(_, c)| *c);
            let opens = next.is_some_and(|n| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '‘' | '\'' | '«')
            });
            if !space.is_whitespace() || !opens {
                continue;
            }
            if c == '.' && !ends_sentence(&line[start..at], start == 0) {
                continue;
            }
            push_sentence(&mut found, index + 1, line, line_start, start..space_at);
            start = space_at;
        }
        push_sentence(&mut found, index + 1, line, line_start, start..line.len());
        line_start += line.len() + 1;
    }
    found
}

fn push_sentence(
    found: &mut Vec<Sentence>,
    line: usize,
    text: &str,
    line_start: usize,
    range: std::ops::Range<usize>,
) {
    let piece = &text[range.clone()];
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = range.start + (piece.len() - piece.trim_start().len());
    let end = start + trimmed.len();
    found.push(Sentence {
        line,
        range: line_start + start..line_start + end,
    });
}

/// Whether a full stop after `before` (the sentence so far) ends the sentence.
fn ends_sentence(before: &str, line_start: bool) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .next()
        .unwrap_or("");
    if line_start && before.trim().chars().all(|c| c.is_ascii_digit()) {
        return false; // "1. Main Page": a list number
    }
    let mut letters = word.chars();
    if letters.next().is_some_and(char::is_uppercase) && letters.next().is_none() {
        return false; // an initial
    }
    !ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

fn is_question(sentence: &str) -> bool {
    sentence
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»'])
        .ends_with('?')
}

/// What a sentence carries: "figure", "date", "name" (see the module doc).
fn carries(sentence: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    if sentence.chars().any(|c| c.is_ascii_digit()) {
        found.push("figure");
    }
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let bare =
        |word: &str| -> String { word.trim_matches(|c: char| !c.is_alphanumeric()).to_owned() };
    if words.iter().any(|w| {
        let word = bare(w);
        word.chars().next().is_some_and(char::is_uppercase)
            && MONTHS.contains(&word.to_lowercase().as_str())
    }) {
        found.push("date");
    }
    let name = words.iter().enumerate().any(|(i, word)| {
        let initial = i == 0
            || word.starts_with(['"', '“', '‘', '\'', '«', '('])
            || words[i - 1].ends_with(':');
        let bare = bare(word);
        !initial
            && bare.chars().next().is_some_and(char::is_uppercase)
            && bare.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !MONTHS.contains(&bare.to_lowercase().as_str())
    });
    if name {
        found.push("name");
    }
    found
}

fn normalise_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|s| &text[s.range])
            .collect()
    }

    #[test]
    fn sentences_end_at_stops_but_not_at_abbreviations_initials_or_list_numbers() {
        let cases: [(&str, &[&str]); 9] = [
            ("One. Two! Three? Four", &["One.", "Two!", "Three?", "Four"]),
            (
                "Met on Nov. 4 in Shanghai. Then left.",
                &["Met on Nov. 4 in Shanghai.", "Then left."],
            ),
            (
                "Mr. Ambassador, what next?",
                &["Mr. Ambassador, what next?"],
            ),
            (
                "J. R. Smith came. He left.",
                &["J. R. Smith came.", "He left."],
            ),
            (
                "It grew to $24.2 billion. Good.",
                &["It grew to $24.2 billion.", "Good."],
            ),
            ("  1. Main Page", &["1. Main Page"]),
            (
                "“Yes,” he said. “No.” She left.",
                &["“Yes,” he said.", "“No.”", "She left."],
            ),
            ("A headline without a stop", &["A headline without a stop"]),
            (
                "first line.\n\nsecond line",
                &["first line.", "second line"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(split(text), expected, "{text:?}");
        }
    }

    #[test]
    fn sentences_know_their_line() {
        let text = "Title\n\nOne. Two.\nThree.";
        let lines: Vec<usize> = sentences(text).iter().map(|s| s.line).collect();
        assert_eq!(lines, [1, 3, 3, 4]);
    }

    #[test]
    fn a_sentence_carries_figures_dates_and_names() {
        let cases: [(&str, &[&str]); 9] = [
            ("Trade grew by 35%.", &["figure"]),
            ("It starts in November.", &["date"]),
            ("It starts in November in Astana.", &["date", "name"]),
            ("Smailov met Ding Xuexiang.", &["name"]),
            ("The talks went well.", &[]),
            // The first word of a sentence or of a quotation is capitalised anyway.
            ("Officials said: \"Everything is fine.\"", &[]),
            ("“In summer, trains run,” she said.", &[]),
            ("I think it works.", &[]),
            ("Nov. 4 was the day.", &["figure", "date"]),
        ];
        for (text, expected) in cases {
            assert_eq!(carries(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_sentence_is_quoted_when_half_of_it_and_all_its_figures_are() {
        let article = "Trade grew by 35% to $24 billion in Arland last year, said Minister Kovac.";
        // The quote; `None` when the sentence counts as quoted, else the numbers reported as
        // left out (only when at least half of it is quoted).
        let cases: [(&str, Option<&[&str]>); 4] = [
            ("Trade grew by 35% to $24 billion in Arland last year", None),
            ("Trade grew by 35% to $24", Some(&[])),
            ("said Minister Kovac", Some(&[])),
            (
                "billion in Arland last year, said Minister Kovac",
                Some(&["35", "24"]),
            ),
        ];
        for (quote, expected) in cases {
            let gaps = find_gaps(article, [quote]);
            assert_eq!(gaps.sentences, 1);
            let listed = gaps.gaps.first().map(|gap| gap.unquoted_numbers.clone());
            let expected = expected.map(|n| n.iter().map(|n| (*n).to_owned()).collect());
            assert_eq!(listed, expected, "{quote}");
        }
    }

    #[test]
    fn questions_are_left_out_and_typographic_quotes_match() {
        let article = "What did Arland say?\nArland’s “plan” starts on 3 May.";
        let gaps = find_gaps(article, ["Arland's \"plan\" starts on 3 May"]);
        assert_eq!(gaps.sentences, 1);
        assert!(gaps.gaps.is_empty(), "{gaps:?}");
    }
}
