//! Text normalisation and language guessing. Both sides of a match (the fact base when it is
//! indexed, the question when it is asked) go through the same functions, so they need only be
//! consistent, not linguistically perfect.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::knowledge::Lang;

/// What a character is, for deciding where words break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Latin,
    Cyrillic,
    Han,
    Digit,
    OtherLetter,
    Break,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if is_han(c) {
        Class::Han
    } else if is_cyrillic(c) {
        Class::Cyrillic
    } else if c.is_ascii_alphabetic()
        || (('\u{00C0}'..='\u{024F}').contains(&c) && c.is_alphabetic())
    {
        Class::Latin
    } else if c.is_alphanumeric() {
        Class::OtherLetter
    } else {
        Class::Break
    }
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// A Cyrillic letter: the Cyrillic blocks also hold a sign (҂, thousands) and combining marks,
/// which are punctuation to a reader. They are the only code points of these blocks that are
/// not alphabetic, so the test is two ranges rather than Unicode's alphabetic table, whose
/// lookup was a sixth of the time to index the fact base (every letter is classed several
/// times).
pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}') && !matches!(c, '\u{0482}'..='\u{0489}')
}

/// Apostrophes join the parts of a word (`China's` → `chinas`); other quotes break words.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´' | 'ʻ')
}

/// Cyrillic letters that look like Latin ones, as pairs (Cyrillic, Latin), lowercase.
const LOOKALIKES: [(char, char); 14] = [
    ('а', 'a'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('у', 'y'),
    ('х', 'x'),
    ('к', 'k'),
    ('м', 'm'),
    ('т', 't'),
    ('і', 'i'),
    ('ј', 'j'),
    ('ѕ', 's'),
    ('һ', 'h'),
];

/// A word typed with letters from both alphabets (a Cyrillic `а` inside `visа`) is rewritten
/// in the alphabet most of its letters use, where the stray letters have a look-alike.
fn fix_mixed_script(word: &str) -> String {
    let latin = word.chars().filter(|&c| class(c) == Class::Latin).count();
    let cyrillic = word
        .chars()
        .filter(|&c| class(c) == Class::Cyrillic)
        .count();
    if latin == 0 || cyrillic == 0 {
        return word.to_owned();
    }
    let to_latin = latin >= cyrillic;
    word.chars()
        .map(|c| {
            LOOKALIKES
                .iter()
                .find(|&&(cyr, lat)| if to_latin { c == cyr } else { c == lat })
                .map_or(c, |&(cyr, lat)| if to_latin { lat } else { cyr })
        })
        .collect()
}

/// Kazakh letters folded to their Russian-keyboard stand-ins (қ → к, ә → а, і → и …) and ё to
/// е: people type Kazakh on Russian keyboards ("кандай" for "қандай"), so both sides of a match
/// are folded the same way.
pub(crate) fn fold_cyrillic(word: &str) -> String {
    if !word.chars().any(is_cyrillic) {
        return word.to_owned();
    }
    word.chars().map(fold_letter).collect()
}

/// One letter as `fold_cyrillic` folds it; every other character is kept. What it returns is
/// never folded further.
fn fold_letter(c: char) -> char {
    match c {
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        'ё' => 'е',
        c => c,
    }
}

/// Whether a word has letters of both alphabets, the only case `fix_mixed_script` changes.
fn is_mixed_script(word: &str) -> bool {
    let (mut latin, mut cyrillic) = (false, false);
    for c in word.chars() {
        match class(c) {
            Class::Latin => latin = true,
            Class::Cyrillic => cyrillic = true,
            _ => {}
        }
    }
    latin && cyrillic
}

/// A word as `normalize` writes it out: look-alike letters repaired and Kazakh letters folded.
fn push_word(word: &str, out: &mut String) {
    // An ASCII word has nothing to repair or fold. A word in one alphabet is only folded: the
    // fix leaves it alone, and folding keeps each letter in its alphabet and is done after
    // one pass, so the second round below would change nothing.
    if word.is_ascii() {
        out.push_str(word);
    } else if !is_mixed_script(word) {
        out.extend(word.chars().map(fold_letter));
    } else {
        // Twice: folding a Kazakh letter can make a look-alike (қ → к) that only a second
        // fix turns Latin, and the fix can make a letter to fold (i → і → и).
        let once = fold_cyrillic(&fix_mixed_script(word));
        out.push_str(&fold_cyrillic(&fix_mixed_script(&once)));
    }
}

/// Characters the text people send is mostly made of (ASCII, Cyrillic letters, the common
/// Chinese characters, quotes and dashes) that are in Unicode's compatibility form (NFKC) and
/// combine with nothing: a text of these alone is in NFKC form. Telling them by range is a few
/// comparisons, where Unicode's quick check looks every character up in a table.
fn plainly_nfkc(c: char) -> bool {
    c.is_ascii()
        || matches!(
            c,
            '\u{0400}'..='\u{0482}'
                | '\u{048A}'..='\u{052F}'
                | '\u{4E00}'..='\u{9FFF}'
                | '\u{3400}'..='\u{4DBF}'
                | '«'
                | '»'
                | '·'
                | '–'
                | '—'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '、'
                | '。'
        )
}

/// Whether `text` is in NFKC form already, so that converting it would change nothing.
fn is_nfkc(text: &str) -> bool {
    text.chars().all(plainly_nfkc) || is_nfkc_quick(text.chars()) == IsNormalized::Yes
}

/// `chars` in lower case, as `char::to_lowercase` gives them. The Russian alphabet and Chinese
/// characters are told by their ranges first: the general rule is a search through Unicode's
/// case table for every letter.
fn lowercase(chars: impl Iterator<Item = char>) -> Vec<char> {
    let mut lower = Vec::with_capacity(chars.size_hint().0);
    for c in chars {
        match c {
            'А'..='Я' => lower.push(shifted(c, 0x20)),
            'Ѐ'..='Џ' => lower.push(shifted(c, 0x50)),
            'а'..='џ' | '\u{4E00}'..='\u{9FFF}' => lower.push(c),
            c if c.is_ascii() => lower.push(c.to_ascii_lowercase()),
            c => lower.extend(c.to_lowercase()),
        }
    }
    lower
}

/// The letter `by` code points after `c` (a capital's small letter in the Cyrillic block).
fn shifted(c: char, by: u32) -> char {
    char::from_u32(c as u32 + by).unwrap_or(c)
}

/// Lowercase words separated by single spaces: punctuation removed, Unicode folded (NFKC, so
/// full-width digits and ligatures become plain), numbers made uniform (`5,000` → `5000`,
/// `24,2` → `24.2`), and a space wherever the script changes (`40bn` → `40 bn`, `30天` → `30 天`).
pub fn normalize(text: &str) -> String {
    // Text already in NFKC form (all ASCII, and most Cyrillic and Chinese as typed) skips the
    // decomposition, the costliest step.
    let folded: Vec<char> = if text.is_ascii() {
        text.chars().map(|c| c.to_ascii_lowercase()).collect()
    } else if is_nfkc(text) {
        lowercase(text.chars())
    } else {
        lowercase(text.nfkc())
    };
    let mut out = String::with_capacity(folded.len());
    let mut word = String::new();
    let mut last = Class::Break;
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            push_word(word, out);
            word.clear();
        }
    };
    for (i, &c) in folded.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| folded[j]);
        let next = folded.get(i + 1).copied();
        if matches!(c, '.' | ',')
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit())
        {
            let digits_after = folded[i + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            let thousands = c == ',' && digits_after == 3;
            if !thousands {
                word.push('.');
            }
            continue;
        }
        if is_apostrophe(c)
            && prev.is_some_and(char::is_alphabetic)
            && next.is_some_and(char::is_alphabetic)
        {
            continue;
        }
        let mut current = class(c);
        if current == Class::Break {
            flush(&mut word, &mut out);
            last = Class::Break;
            continue;
        }
        // Latin and Cyrillic stay in one word so that look-alike letters can be repaired.
        if matches!(current, Class::Cyrillic) && last == Class::Latin
            || matches!(current, Class::Latin) && last == Class::Cyrillic
        {
            current = last;
        }
        let joins = last == current
            || last == Class::Break
            || matches!(
                (last, current),
                (Class::OtherLetter, _) | (_, Class::OtherLetter)
            );
        if !joins {
            flush(&mut word, &mut out);
        }
        word.push(c);
        last = current;
    }
    flush(&mut word, &mut out);
    out
}

/// Whether `text` in Unicode's compatibility form (NFKC, the first step of `normalize`) has
/// more than `chars` characters, found without converting past them. A ligature such as U+FDFA
/// becomes 18 characters, so the normal form, not the text as sent, is what every later step
/// works on.
pub fn normal_form_exceeds(text: &str, chars: usize) -> bool {
    match is_nfkc(text) {
        true => text.chars().nth(chars).is_some(),
        false => text.nfkc().nth(chars).is_some(),
    }
}

/// Common Kazakh words as typed without Kazakh letters (folded spelling).
const KAZAKH_MARKERS: &[&str] = &[
    "кандай",
    "кашан",
    "канша",
    "неше",
    "калай",
    "кай",
    "кайда",
    "кайсы",
    "бар",
    "жок",
    "ма",
    "ме",
    "ба",
    "бе",
    "па",
    "пе",
    "мен",
    "жане",
    "туралы",
    "бойынша",
    "арасындагы",
    "арасында",
    "кытай",
    "кытайдын",
    "кытайга",
    "кытайда",
    "кытаймен",
    "казакстан",
    "казакстаннын",
    "казакстанга",
    "казакстанда",
    "жылы",
    "жыл",
    "жылгы",
    "болды",
    "болган",
    "болады",
    "ушин",
    "деген",
    "сауда",
    "саудасы",
    "визасыз",
    "айтшы",
    "айтып",
    "бериниз",
    "салем",
    "барине",
    "осы",
    "бул",
    "керек",
    "туристер",
    "шекара",
    "келисим",
    "басталды",
    "кездесу",
    "кездести",
    "жумыс",
    "уакыты",
    "уакыт",
    "бекет",
    "бекети",
    "ким",
    "ози",
    "бизде",
    "бизге",
    "биздин",
    "кейин",
    "бойы",
    "жетти",
    "шарттары",
    "саммити",
    "шыу",
    "ашты",
    "ашылды",
    "турады",
    "тура",
    "не",
    "нешe",
    "кимдер",
];

/// Common Russian words that Kazakh does not use.
const RUSSIAN_MARKERS: &[&str] = &[
    "когда",
    "какой",
    "какая",
    "какие",
    "каком",
    "сколько",
    "что",
    "как",
    "где",
    "между",
    "и",
    "в",
    "с",
    "по",
    "году",
    "был",
    "была",
    "были",
    "есть",
    "это",
    "для",
    "о",
    "об",
    "про",
    "китай",
    "китая",
    "китаем",
    "казахстан",
    "казахстана",
    "казахстаном",
    "ты",
    "вы",
    "мне",
    "можно",
    "нужна",
    "нужно",
    "визы",
    "начал",
    "кто",
    "такой",
    "такое",
    "ли",
    "ещё",
    "еще",
    "уже",
    "или",
    "на",
    "из",
    "от",
    "до",
];

/// Endings that mark a word as Kazakh (folded spelling) rather than Russian.
const KAZAKH_ENDINGS: &[&str] = &[
    "нын", "нин", "дын", "дин", "тын", "тин", "дагы", "деги", "мен", "пен", "бен", "лары", "лери",
];

/// Guesses the language of a question from its letters: Chinese characters, Kazakh-only
/// Cyrillic letters, other Cyrillic, else English. `hint` (a user's interface language) only
/// decides between Russian and Kazakh when the letters cannot.
pub fn detect_lang(text: &str, hint: Option<Lang>) -> Lang {
    let mut han = 0usize;
    let mut cyrillic = 0usize;
    let mut latin = 0usize;
    let mut kazakh = 0usize;
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if is_cyrillic(c) {
            cyrillic += 1;
            if matches!(
                c.to_lowercase().next(),
                Some('ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і')
            ) {
                kazakh += 1;
            }
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    // A Chinese character carries about as much as a short word, so a few outweigh Latin letters.
    if han > 0 && han * 3 >= latin.max(cyrillic) {
        return Lang::Zh;
    }
    if cyrillic > latin {
        if kazakh > 0 || hint == Some(Lang::Kk) {
            return Lang::Kk;
        }
        // Typed on a Russian keyboard, Kazakh loses its own letters; its words still show.
        let (mut kk, mut ru) = (0, 0);
        for word in normalize(text).split(' ') {
            let kazakh_ending =
                word.chars().count() > 4 && KAZAKH_ENDINGS.iter().any(|e| word.ends_with(e));
            kk += usize::from(KAZAKH_MARKERS.contains(&word) || kazakh_ending);
            ru += usize::from(RUSSIAN_MARKERS.contains(&word));
        }
        return if kk > ru { Lang::Kk } else { Lang::Ru };
    }
    if latin > 0 {
        return Lang::En;
    }
    hint.unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cyrillic_letter_is_an_alphabetic_code_point_of_the_cyrillic_blocks() {
        for c in ('\u{0300}'..='\u{0600}').chain(['a', '1', '中']) {
            let expected = ('\u{0400}'..='\u{052F}').contains(&c) && c.is_alphabetic();
            assert_eq!(is_cyrillic(c), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn a_plainly_nfkc_character_is_in_nfkc_form_and_combines_with_nothing() {
        use unicode_normalization::char::canonical_combining_class;
        let all = (0..=0x10FFFF).filter_map(char::from_u32);
        for c in all.filter(|&c| plainly_nfkc(c)) {
            let quick = is_nfkc_quick(std::iter::once(c));
            assert_eq!(quick, IsNormalized::Yes, "U+{:04X}", c as u32);
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn lowercasing_by_range_agrees_with_unicode() {
        let ranges = [
            ('\u{0}', '\u{7F}'),
            ('\u{0400}', '\u{045F}'),
            ('\u{4E00}', '\u{9FFF}'),
        ];
        for c in ranges.into_iter().flat_map(|(from, to)| from..=to) {
            let expected: Vec<char> = c.to_lowercase().collect();
            assert_eq!(
                lowercase(std::iter::once(c)),
                expected,
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn a_word_is_written_out_as_the_full_repair_and_folding_would() {
        // Latin, Cyrillic, Kazakh, mixed both ways, a stray letter of either, other scripts.
        let words = "visa кытай қытай ёлка vіsa qazaқstan іsa кiтап ü 中文 salеm һi 2022";
        for word in words.split(' ') {
            let once = fold_cyrillic(&fix_mixed_script(word));
            let full = fold_cyrillic(&fix_mixed_script(&once));
            let mut out = String::new();
            push_word(word, &mut out);
            assert_eq!(out, full, "{word}");
        }
    }

    #[test]
    fn normalizes_text() {
        let cases = [
            (
                "When did the Visa-Free regime START?",
                "when did the visa free regime start",
            ),
            ("China’s  “largest” partner", "chinas largest partner"),
            ("$24.2 billion, up 35%", "24.2 billion up 35"),
            ("more than 5,000 trains", "more than 5000 trains"),
            ("24,2 млрд", "24.2 млрд"),
            ("Қытаймен сауда қандай?", "кытаймен сауда кандай"),
            ("Ёлка", "елка"),
            ("$40bn goal", "40 bn goal"),
            ("ＶＩＳＡ　３０ days", "visa 30 days"),
            ("vis\u{0430} free", "visa free"),
            ("v\u{0456}sa-free", "visa free"),
            // Regression: a Latin word with a stray Kazakh letter kept it as Cyrillic "к", so
            // normalising the result again changed it.
            ("qazaқstan", "qazakstan"),
            // Regression: the Cyrillic thousands sign and titlo were kept as letters.
            ("҂а слово\u{483}", "а слово"),
            ("签证30天", "签证 30 天"),
            ("2022, 2023", "2022 2023"),
            ("<b>trade</b> & co", "b trade b co"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "normalize({input:?})");
        }
    }

    #[test]
    fn detects_language() {
        let cases = [
            ("When did the visa-free regime start?", None, Lang::En),
            ("Когда начал действовать безвизовый режим?", None, Lang::Ru),
            ("Визасыз режим қашан басталды?", None, Lang::Kk),
            ("免签制度什么时候开始?", None, Lang::Zh),
            ("виза режимі кашан", Some(Lang::Kk), Lang::Kk),
            ("кытай мен казакстан саудасы кандай", None, Lang::Kk),
            (
                "какой товарооборот между казахстаном и китаем",
                None,
                Lang::Ru,
            ),
            ("visa", Some(Lang::Ru), Lang::En),
            ("2023", Some(Lang::Ru), Lang::Ru),
            ("Khorgos 霍尔果斯口岸", None, Lang::Zh),
        ];
        for (text, hint, expected) in cases {
            assert_eq!(
                detect_lang(text, hint),
                expected,
                "detect_lang({text:?}, {hint:?})"
            );
        }
    }
}
