//! Which way people travel in a text: to China or to Kazakhstan. The articles count travellers
//! one way only (tourists from China in Kazakhstan), and people often ask the other ("how many
//! Kazakhs went to China?"); a figure for one way does not answer the other. The same reading
//! serves a question and a fact's English text, so a fact needs no extra field.
//!
//! A text says where people go by naming the destination after a word of motion ("to China",
//! "в Китай", "Қытайға", "去中国"); failing that, by where they come from ("from China",
//! "из Казахстана", "从中国"); failing that, by who they are ("Chinese tourists",
//! "казахстанцы", "哈萨克斯坦公民"). A text that points both ways at one level, or speaks of
//! travel both ways ("each other's country", "Chinese and foreign participants"), through
//! Kazakhstan ("transit") or elsewhere ("from China to Europe"), says nothing.
//!
//! A question may also count the travellers themselves ("how many Kazakhs went to China"),
//! which only a fact counting travellers that way answers, unlike how long they may stay
//! ("how many days can Kazakhs stay in China").

use std::sync::OnceLock;

use super::normalize::{is_han, normalize};

/// Whether a text asks how many people travel: a "how many" word followed by a word for
/// people ("how many Kazakh citizens", "сколько казахстанцев", "қанша қазақстандық",
/// "多少哈萨克斯坦人"), not by what they do there ("how many days").
pub(crate) fn counts_travellers(normal: &str) -> bool {
    if normal.chars().any(is_han) {
        return han_counts_travellers(normal);
    }
    let words: Vec<&str> = normal.split(' ').collect();
    let starts = |word: &str, list: &[&str]| list.iter().any(|p| word.starts_with(p));
    COUNTERS.iter().any(|counter| {
        let n = counter.split(' ').count();
        let Some(at) = words.windows(n).position(|w| w.join(" ") == *counter) else {
            return false;
        };
        let mut after = words[at + n..].iter().filter(|w| !FILLERS.contains(w));
        match after.next() {
            // "қанша қазақстандық барды" counts people, "қанша қазақстандық компания" firms.
            Some(first) if starts(first, NATION_OR_PEOPLE) => {
                !after.next().is_some_and(|w| starts(w, THINGS))
            }
            Some(first) if starts(first, PEOPLE) => true,
            Some(first) if starts(first, NATIONS) => {
                after.next().is_some_and(|w| starts(w, PEOPLE))
            }
            _ => false,
        }
    })
}

/// Chinese: "多少" or "几" with a word for people within the few characters after it.
fn han_counts_travellers(normal: &str) -> bool {
    let chars: Vec<char> = normal.chars().collect();
    let after = |i: usize| -> String { chars[i..].iter().take(10).collect() };
    (0..chars.len())
        .filter(|&i| chars[i] == '几' || (chars[i] == '多' && chars.get(i + 1) == Some(&'少')))
        .any(|i| {
            let window = after(i);
            ["人", "游客", "公民", "旅客"]
                .iter()
                .any(|p| window.contains(p))
                && !["人民币", "人均"].iter().any(|p| window.contains(p))
        })
}

/// Words asking how many (Kazakh as normalised: "қанша" is "канша"), and the words between
/// them and what is counted.
const COUNTERS: &[&str] = &["how many", "сколько", "канша", "неше"];
const FILLERS: &[&str] = &["more", "of", "the", "всего", "же", "еще", "ещё"];
/// Nationalities, which come before the word for people ("how many Chinese tourists").
const NATIONS: &[&str] = &[
    "kazakh",
    "chinese",
    "казахстанск",
    "китайск",
    "казакстандык",
    "кытайлык",
];
/// Words for people, by their first letters (a Kazakh "қазақстандық" is both).
const PEOPLE: &[&str] = &[
    "people",
    "citizen",
    "tourist",
    "visitor",
    "traveller",
    "traveler",
    "person",
    "resident",
    "kazakhs",
    "kazakhstanis",
    "граждан",
    "человек",
    "людей",
    "турист",
    "путешественник",
    "жител",
    "казахстанц",
    "китайц",
    "азамат",
    "адам",
    "саяхатшы",
];
/// Words that name both a nationality and its people: what follows says which.
const NATION_OR_PEOPLE: &[&str] = &["казакстандык", "кытайлык"];
/// Things a nationality word may qualify ("қазақстандық компания"), by their first letters.
const THINGS: &[&str] = &[
    "компан",
    "касип",
    "фирма",
    "колик",
    "автоколик",
    "тауар",
    "жук",
    "оним",
    "кала",
    "жоба",
    "банк",
];

/// Where the travellers of a text are going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    ToChina,
    ToKazakhstan,
}

/// Markers of one level (destination, origin, traveller) for one way. A word ending in `*`
/// matches any word it begins; Chinese markers match anywhere.
struct Level {
    to_china: &'static [&'static str],
    to_kazakhstan: &'static [&'static str],
}

/// Words of travel both ways, in transit or to a third place: a text with one says nothing of
/// a single way between the two countries.
const NEITHER_WAY: &[&str] = &[
    "transit",
    "across kazakhstan",
    "through kazakhstan",
    "to europe",
    "транзит*",
    "через казахстан",
    "в европу",
    "еуропаға",
    "еуропага",
    "过境",
    "欧洲",
    "each other*",
    "both ways",
    "both directions",
    "and abroad",
    "and foreign",
    "друг друга",
    "в обе стороны",
    "в обоих направлениях",
    "бір-бірі*",
    "бір бірі*",
    "екі жақты",
    "互相",
    "相互",
    "双向",
    "对方",
    "互免",
];

const DESTINATION: Level = Level {
    to_china: &[
        "to china",
        "into china",
        "visit china",
        "visits china",
        "visited china",
        "visiting china",
        "been to china",
        "в китай",
        "в кнр",
        "посетил* китай",
        "посетил* кнр",
        "посещ* китай",
        "қытайға",
        "кытайга",
        "qytaiga",
        "去中国",
        "来中国",
        "到中国",
        "去了中国",
        "去过中国",
        "访问中国",
        "到访中国",
        "入境中国",
        "来华",
        "赴华",
        "访华",
        "游中国",
    ],
    to_kazakhstan: &[
        "to kazakhstan",
        "into kazakhstan",
        "visit kazakhstan",
        "visits kazakhstan",
        "visited kazakhstan",
        "visiting kazakhstan",
        "been to kazakhstan",
        "в казахстан",
        "в рк",
        "посетил* казахстан",
        "посещ* казахстан",
        "қазақстанға",
        "казакстанга",
        "去哈萨克",
        "来哈萨克",
        "到哈萨克",
        "去了哈萨克",
        "去过哈萨克",
        "访问哈萨克",
        "到访哈萨克",
        "入境哈萨克",
        "去哈国",
        "来哈国",
        "到哈国",
        "赴哈",
        "访哈",
        "游哈萨克",
    ],
};

const ORIGIN: Level = Level {
    to_china: &[
        "from kazakhstan",
        "из казахстана",
        "из рк",
        "қазақстаннан",
        "казакстаннан",
        "从哈萨克",
        "从哈国",
    ],
    to_kazakhstan: &[
        "from china",
        "из китая",
        "из кнр",
        "қытайдан",
        "кытайдан",
        "从中国",
    ],
};

const TRAVELLER: Level = Level {
    to_china: &[
        "kazakh citizens",
        "kazakhstani citizens",
        "kazakh tourists",
        "kazakhstani tourists",
        "kazakh travellers",
        "kazakh travelers",
        "kazakhs",
        "kazakhstanis",
        "citizens of kazakhstan",
        "казахстанц*",
        "граждан* казахстана",
        "граждан* рк",
        "казахстанск* турист*",
        "қазақстандық*",
        "казакстандык*",
        "қазақстан азаматтары",
        "哈萨克斯坦人",
        "哈萨克斯坦公民",
        "哈萨克斯坦游客",
        "哈萨克人",
        "哈萨克公民",
        "哈萨克游客",
        "哈国公民",
        "哈国人",
        "哈国游客",
    ],
    to_kazakhstan: &[
        "chinese tourists",
        "chinese travellers",
        "chinese travelers",
        "chinese visitors",
        "chinese citizens",
        "китайск* турист*",
        "китайц*",
        "граждан* китая",
        "граждан* кнр",
        "қытайлық турист*",
        "кытайлык турист*",
        "қытай турист*",
        "кытай турист*",
        "中国游客",
        "中国旅客",
        "中国公民",
        "中国人",
    ],
};

/// Which way the travellers of a text go (`normal`: the text normalised), if it says so
/// plainly. Every language's markers are tried: they do not overlap, and a question in one
/// language often names places in another.
pub(crate) fn way_in(normal: &str) -> Option<Way> {
    // Every marker names one of the two countries or their people: most text names neither.
    if !ANCHORS.iter().any(|a| normal.contains(a)) {
        return None;
    }
    let words: Vec<&str> = normal.split(' ').collect();
    let (neither, levels) = markers();
    let way = levels
        .iter()
        .find_map(|level| one_way(normal, &words, level))?;
    let both = neither.iter().any(|m| found(normal, &words, m));
    (!both).then_some(way)
}

/// What every marker of a way holds, normalised: a text with none of them has no way.
const ANCHORS: &[&str] = &[
    "chin",
    "kazakh",
    "qyta",
    "кита",
    "кнр",
    "казах",
    "рк",
    "кыта",
    "казак",
    "中国",
    "华",
    "哈",
];

/// The markers of travel neither way, and of each level, normalised once as question text is.
fn markers() -> &'static (Vec<Marker>, [Normalised; 3]) {
    static MARKERS: OnceLock<(Vec<Marker>, [Normalised; 3])> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let levels = [&DESTINATION, &ORIGIN, &TRAVELLER].map(Normalised::new);
        (normalised(NEITHER_WAY), levels)
    })
}

/// A marker as it is looked for: Chinese as one string found anywhere, other languages as
/// normalised words in a row, a trailing `*` kept.
enum Marker {
    Han(String),
    Words(Vec<String>),
}

fn normalised(markers: &[&str]) -> Vec<Marker> {
    markers
        .iter()
        .map(|m| {
            if m.chars().any(is_han) {
                return Marker::Han(normalize(m).replace(' ', ""));
            }
            let words = m
                .split(' ')
                .map(|w| match w.strip_suffix('*') {
                    Some(stem) => format!("{}*", normalize(stem)),
                    None => normalize(w),
                })
                .collect();
            Marker::Words(words)
        })
        .collect()
}

struct Normalised {
    to_china: Vec<Marker>,
    to_kazakhstan: Vec<Marker>,
}

impl Normalised {
    fn new(level: &Level) -> Normalised {
        Normalised {
            to_china: normalised(level.to_china),
            to_kazakhstan: normalised(level.to_kazakhstan),
        }
    }
}

/// The way a level's markers point, when they point one way only.
fn one_way(normal: &str, words: &[&str], level: &Normalised) -> Option<Way> {
    let any = |markers: &[Marker]| markers.iter().any(|m| found(normal, words, m));
    match (any(&level.to_china), any(&level.to_kazakhstan)) {
        (true, false) => Some(Way::ToChina),
        (false, true) => Some(Way::ToKazakhstan),
        _ => None,
    }
}

/// Whether a marker occurs in `words` (a Chinese marker: anywhere in `normal`).
fn found(normal: &str, words: &[&str], marker: &Marker) -> bool {
    let marker = match marker {
        Marker::Han(han) => return han_found(normal, han),
        Marker::Words(marker) => marker,
    };
    let matches = |(m, w): (&String, &&str)| match m.strip_suffix('*') {
        Some(stem) => w.starts_with(stem),
        None => m == w,
    };
    words
        .windows(marker.len())
        .any(|window| marker.iter().zip(window).all(matches))
}

/// Whether a Chinese marker occurs as a word of motion: "来中国" (come to China) is not the end
/// of "以来中国" (since … China), nor "到中国" of "达到中国" (reach).
fn han_found(normal: &str, marker: &str) -> bool {
    let first = marker.chars().next();
    let not_after = NOT_AFTER
        .iter()
        .find(|(c, _)| Some(*c) == first)
        .map_or("", |(_, before)| before);
    normal.match_indices(marker).any(|(at, _)| {
        normal[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !not_after.contains(c))
    })
}

/// Characters that, before a verb of motion, make a word of another meaning with it.
const NOT_AFTER: &[(char, &str)] = &[
    ('来', "以后起出原本从未近将带"),
    ('去', "过失出"),
    ('到', "达得收看想受遇做直提感听找"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_holds_an_anchor() {
        // A marker without one would never be looked for.
        let (_, levels) = markers();
        let all = levels
            .iter()
            .flat_map(|level| level.to_china.iter().chain(&level.to_kazakhstan));
        for marker in all {
            let text = match marker {
                Marker::Han(han) => han.clone(),
                Marker::Words(words) => words.join(" ").replace('*', ""),
            };
            assert!(ANCHORS.iter().any(|a| text.contains(a)), "{text}");
        }
    }

    #[test]
    fn tells_a_count_of_travellers_from_other_counts() {
        let cases = [
            ("how many kazakh citizens visited china", true),
            ("how many kazakhs went to china", true),
            ("how many chinese tourists came", true),
            ("how many days can kazakhs stay in china", false),
            ("how many chinese cars were sold", false),
            ("сколько казахстанцев съездило в китай", true),
            ("сколько китайских туристов приехало", true),
            ("сколько дней могут находиться казахстанцы", false),
            ("қытайға қанша қазақстандық барды", true),
            ("қанша қазақстандық компания қатысты", false),
            ("неше күн тұруға болады", false),
            ("今年有多少哈萨克斯坦人去了中国", true),
            ("免签能待多少天", false),
            ("贸易额是多少人民币", false),
        ];
        for (text, counts) in cases {
            assert_eq!(counts_travellers(&normalize(text)), counts, "{text}");
        }
    }

    #[test]
    fn reads_which_way_people_travel() {
        let cases: &[(&str, Option<Way>)] = &[
            (
                "how many kazakh citizens have visited china since 2024?",
                Some(Way::ToChina),
            ),
            (
                "How many Chinese tourists came to Kazakhstan?",
                Some(Way::ToKazakhstan),
            ),
            (
                "flight bookings from China to Kazakhstan tripled",
                Some(Way::ToKazakhstan),
            ),
            (
                "Сколько казахстанцев съездило в Китай в этом году?",
                Some(Way::ToChina),
            ),
            (
                "сколько туристов из Китая приехало",
                Some(Way::ToKazakhstan),
            ),
            (
                "2024 жылдың басынан бері Қытайға қанша қазақстандық барды?",
                Some(Way::ToChina),
            ),
            ("Қытайдан келген туристер саны", Some(Way::ToKazakhstan)),
            (
                "2024年开年以来有多少哈萨克斯坦公民去过中国？",
                Some(Way::ToChina),
            ),
            ("去哈萨克斯坦的中国游客有多少", Some(Way::ToKazakhstan)),
            // The destination outranks who travels: Chinese students going home to China.
            (
                "how many chinese students went back to china",
                Some(Way::ToChina),
            ),
            // Both ways at once, or no travel at all: nothing.
            (
                "tourists from china to kazakhstan and from kazakhstan to china",
                None,
            ),
            ("how much was trade in 2022", None),
            (
                "citizens of Kazakhstan and China can enter each other's country",
                None,
            ),
            ("150 participants from China and abroad", None),
            (
                "中国发往欧洲的货，大概有多大比例是从哈萨克斯坦过境的？",
                None,
            ),
            // "以来中国" is "since" and "China", not "come to China".
            ("2024年3月以来中国飞哈萨克斯坦的机票预订多了多少", None),
            ("когда начался безвизовый режим", None),
        ];
        for &(text, want) in cases {
            assert_eq!(way_in(&normalize(text)), want, "{text}");
        }
    }
}
