//! What each fact states, read once when the engine is built: the figures, dates and words
//! that `decide` checks a question against, so that no fact's text is read again per question.

use crate::knowledge::{Fact, Knowledge, Lang};
use crate::matching::normalize;
use crate::matching::shape::{months, numbers, sums, year_like};
use crate::matching::travel::{way_in, Way};

/// The values one fact states.
#[derive(Debug, Clone, Default)]
pub(crate) struct FactValues {
    /// A figure: a number that is neither a year nor the day of a month ("30 days", "three
    /// cities").
    pub figure: bool,
    /// A date: the fact's period, a month, or a year other than the one it was reported in
    /// ("said in 2024" dates the report, not the fact; "by 2060" is a date the fact gives).
    pub date: bool,
    /// A day of a month ("10 November").
    pub day: bool,
    /// Says how long doing something takes or lasts.
    pub takes_time: bool,
    /// A place the lexicon lists ("Almaty", "Nur Zholy–Khorgos"): an answer to "where".
    pub place: bool,
    /// The places (indices into the lexicon's list) its text names, in any language.
    pub places: Vec<usize>,
    /// The first percentage and the first dollar amount of the English text ("grew by 35% to
    /// $24.2 billion"): what a comparison of growth, or of amounts, compares.
    pub percent: Option<f64>,
    pub dollars: Option<f64>,
    /// Every number its English text gives as a sum of money ("$24.2 billion" → 24.2): what
    /// bears out a claimed sum.
    pub sums: Vec<f64>,
    /// Which way the travellers it counts or describes go ("tourists came to Kazakhstan from
    /// China"), read from the English text.
    pub travel: Option<Way>,
    /// Per language, in `Lang::ALL` order: the numbers and months its text states, and its
    /// words (normalised).
    pub numbers: [Vec<f64>; 4],
    pub months: [Vec<u8>; 4],
    pub words: [Vec<String>; 4],
}

/// Every fact's values, by intent and fact index, and the places' names as they are looked
/// for in normalised text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Values {
    facts: Vec<Vec<FactValues>>,
    places: Places,
    /// The other countries that no fact names.
    elsewhere: Places,
}

impl Values {
    pub fn new(knowledge: &Knowledge) -> Values {
        let places = Places::new(&knowledge.lexicon.places);
        let read = |fact: &Fact| read_fact(fact, knowledge, &places);
        let facts: Vec<Vec<FactValues>> = knowledge
            .intents
            .iter()
            .map(|intent| intent.facts.iter().map(read).collect())
            .collect();
        let countries = Places::new(&knowledge.lexicon.countries);
        let named_by_facts = named_by_facts(&facts, &countries);
        let elsewhere = Places(
            (countries.0.into_iter().enumerate())
                .filter(|(i, _)| !named_by_facts.contains(i))
                .map(|(_, names)| names)
                .collect(),
        );
        Values {
            facts,
            places,
            elsewhere,
        }
    }

    /// Whether a text names a country that no fact names.
    pub fn names_elsewhere(&self, text: &str) -> bool {
        !self.elsewhere.named_in(&normalize(text)).is_empty()
    }

    pub fn of(&self, intent: usize, fact: usize) -> &FactValues {
        &self.facts[intent][fact]
    }

    /// The places a text names, in any language.
    pub fn places_in(&self, text: &str) -> Vec<usize> {
        self.places.named_in(&normalize(text))
    }
}

/// Every name of every place, normalised: a Chinese name is found anywhere in a text, other
/// names as a run of whole words, the last of which may carry a case ending when it is long
/// enough to keep its stem ("Астанада", "Шымкентте", "Пекине").
#[derive(Debug, Clone, Default)]
struct Places(Vec<Vec<Name>>);

/// One name of a place as it is looked for, prepared once: every fact's text in every language
/// is searched for every name when the engine is built.
#[derive(Debug, Clone)]
enum Name {
    /// A Chinese name, its words run together.
    Han(String),
    /// The words before the last, and how the last one must match.
    Words(Vec<String>, Last),
}

#[derive(Debug, Clone)]
enum Last {
    Whole(String),
    /// A long Cyrillic word matched by all but its last letter.
    Stem(String),
}

/// Cyrillic names this long or longer are matched by all but their last letter, which a case
/// ending replaces ("Астана", "в Астане"); shorter ones, and Latin names, as whole words.
const STEM_FROM: usize = 5;

impl Name {
    fn new(name: &str) -> Option<Name> {
        let words: Vec<String> = normalize(name)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let (last, first) = words.split_last()?;
        if last.chars().any(crate::matching::is_han) {
            return Some(Name::Han(words.concat()));
        }
        let letters = last.chars().count();
        let last = match letters >= STEM_FROM && !last.is_ascii() {
            true => Last::Stem(last.chars().take(letters - 1).collect()),
            false => Last::Whole(last.clone()),
        };
        Some(Name::Words(first.to_vec(), last))
    }

    /// Whether the name occurs in a normalised text (`words`: its words).
    fn found(&self, normal: &str, words: &[&str]) -> bool {
        let (first, last) = match self {
            Name::Han(name) => return normal.contains(name.as_str()),
            Name::Words(first, last) => (first, last),
        };
        let fits_last = |w: &str| match last {
            Last::Stem(stem) => w.starts_with(stem.as_str()),
            Last::Whole(word) => w == word,
        };
        words.windows(first.len() + 1).any(|run| {
            run[..first.len()].iter().zip(first).all(|(w, n)| *w == n)
                && fits_last(run[first.len()])
        })
    }
}

impl Places {
    fn new(places: &[Vec<String>]) -> Places {
        Places(
            places
                .iter()
                .map(|names| names.iter().filter_map(|name| Name::new(name)).collect())
                .collect(),
        )
    }

    fn named_in(&self, normal: &str) -> Vec<usize> {
        let words: Vec<&str> = normal.split(' ').collect();
        (0..self.0.len())
            .filter(|&p| self.0[p].iter().any(|name| name.found(normal, &words)))
            .collect()
    }
}

pub(crate) fn slot(lang: Lang) -> usize {
    Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0)
}

/// The places of `places` that some fact's text names, in any language, from the facts' words
/// as already normalised. All the texts are searched as one, each kept apart by a word no name
/// has: one search instead of one a fact.
fn named_by_facts(facts: &[Vec<FactValues>], places: &Places) -> Vec<usize> {
    let texts: Vec<String> = facts
        .iter()
        .flatten()
        .flat_map(|values| values.words.iter().map(|words| words.join(" ")))
        .collect();
    places.named_in(&texts.join(" | "))
}

fn read_fact(fact: &Fact, knowledge: &Knowledge, places: &Places) -> FactValues {
    let mut values = FactValues::default();
    for lang in Lang::ALL {
        let text = normalize(fact.text.text(lang));
        for place in places.named_in(&text) {
            if !values.places.contains(&place) {
                values.places.push(place);
            }
        }
        values.numbers[slot(lang)] = numbers(&text, lang);
        values.months[slot(lang)] = months(&text);
        values.words[slot(lang)] = text.split(' ').map(str::to_owned).collect();
    }
    let english = values.words[slot(Lang::En)].join(" ");
    // The year a source was published only says when something was reported.
    let reported = |year: u16| {
        fact.sources
            .iter()
            .any(|&s| knowledge.sources[s].date.start.year == year)
    };
    let dated_year = english.split(' ').any(|w| {
        w.len() == 4
            && w.parse::<u16>()
                .is_ok_and(|y| (1900..=2100).contains(&y) && !reported(y))
    });
    values.figure = !figures(&english).is_empty();
    // A period no longer than the year the source came out, in a fact that gives no month
    // or other year, is when it was said: "plans to open a consulate (reported in 2024)"
    // does not say when it opens.
    let period_dated = fact
        .period
        .as_ref()
        .is_some_and(|p| !(p.start.year == p.end.year && reported(p.start.year)));
    values.date = period_dated || !months(&english).is_empty() || dated_year;
    values.day = has_day(&english);
    values.takes_time = english
        .split(' ')
        .any(|w| matches!(w, "takes" | "lasts" | "lasted"));
    let raw = fact.text.text(Lang::En);
    values.percent = percent(raw);
    values.dollars = dollars(raw);
    values.sums = sums(&english);
    values.travel = way_in(&english);
    values.place = knowledge
        .lexicon
        .places
        .iter()
        .filter_map(|names| names.first())
        .any(|p| raw.contains(p.as_str()));
    values
}

/// The first percentage a text states ("grew by 35% to" → 35).
fn percent(text: &str) -> Option<f64> {
    let at = text.find('%')?;
    let start = text[..at]
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    text[start..at].parse().ok()
}

/// The first dollar amount a text states ("$24.2 billion" → 24.2).
fn dollars(text: &str) -> Option<f64> {
    let at = text.find('$')?;
    let digits: String = text[at + 1..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.trim_end_matches('.').parse().ok()
}

/// The figures a (normalised English) text states: numbers that are neither years nor the
/// day of a month ("10 November"), and number words ("three cities").
pub(crate) fn figures(normal: &str) -> Vec<f64> {
    let words: Vec<&str> = normal.split(' ').collect();
    let month_next = |i: usize| words.get(i + 1).is_some_and(|w| !months(w).is_empty());
    let month_before = |i: usize| i > 0 && !months(words[i - 1]).is_empty();
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        // "the two countries" and "one of" count nothing.
        if matches!(*word, "one" | "two") {
            continue;
        }
        let values = numbers(word, Lang::En);
        let Some(&value) = values.first() else {
            continue;
        };
        let year = word.len() == 4 && year_like(value);
        let day = value.fract() == 0.0 && value <= 31.0 && (month_next(i) || month_before(i));
        if !year && !day {
            found.push(value);
        }
    }
    found
}

/// Whether a (normalised English) text names a day of a month ("10 november", "november 10").
fn has_day(normal: &str) -> bool {
    let words: Vec<&str> = normal.split(' ').collect();
    words.windows(2).any(|pair| {
        let day = |w: &str| w.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d));
        let month = |w: &str| !months(w).is_empty();
        (day(pair[0]) && month(pair[1])) || (month(pair[0]) && day(pair[1]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_figures_but_not_dates() {
        let cases: [(&str, &[f64]); 5] = [
            ("on 10 november 2023 the regime started", &[]),
            ("a stay of 30 calendar days", &[30.0]),
            ("three kazakh cities joined in 2023", &[3.0]),
            ("trade grew by 35 to 24.2 billion", &[35.0, 24.2]),
            ("from november 10 to march", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(figures(text), expected, "{text}");
        }
    }

    #[test]
    fn reads_percentages_and_dollar_amounts() {
        let text = "In 2022 trade grew by 35% to a record $24.2 billion.";
        assert_eq!((percent(text), dollars(text)), (Some(35.0), Some(24.2)));
        assert_eq!(dollars("reached $41 billion."), Some(41.0));
        assert_eq!(percent("18.5% more"), Some(18.5));
        assert_eq!((percent("no figures"), dollars("none")), (None, None));
    }

    #[test]
    fn finds_places_by_any_name_and_case_ending() {
        let names = |list: &[&str]| list.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        let places = Places::new(&[
            names(&["Astana", "Астана", "阿斯塔纳"]),
            names(&["Nur Zholy", "Нұр Жолы", "努尔饶力"]),
            names(&["Abai", "Абай", "阿拜"]),
        ]);
        let cases: [(&str, &[usize]); 7] = [
            ("они встретились в Астане", &[0]),
            ("Астанада кездесті", &[0]),
            ("在阿斯塔纳会见", &[0]),
            ("the nur zholy checkpoint", &[1]),
            ("Нұр Жолы бекеті", &[1]),
            // A short name keeps its whole word: "Абайская" is not "Абай" with an ending.
            ("абайлаңыз", &[]),
            ("astanas", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(places.named_in(&normalize(text)), expected, "{text}");
        }
    }

    #[test]
    fn finds_days() {
        assert!(has_day("on 10 november 2023"));
        assert!(has_day("november 10"));
        assert!(!has_day("in early july 2024"));
    }
}
