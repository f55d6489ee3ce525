//! Where each fact comes from, checked: the numbers of a fact against its quotes (on every
//! load).
//!
//! A quote is the article's own words: compared with the article, it may differ only in
//! whitespace and typographic quotation marks, apostrophes and dashes (`normalise` makes both
//! alike: `“Luban Workshop”` matches `"Luban Workshop"`, `Kazakhstan’s` matches
//! `Kazakhstan's`, `Nur Zholy–Khorgos` matches `Nur Zholy-Khorgos`). Case, spelling and
//! punctuation otherwise count.

use std::collections::BTreeSet;

use super::period::Period;

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
