//! Russian and Kazakh typed in Latin letters ("kogda nachalsya god turizma", "sauda kolemi
//! qansha", "Qazaqstan men Qytai"), rewritten in Cyrillic so that the rest of the matcher reads
//! them like any Cyrillic question. Kazakh letters come out in the folded spelling `normalize`
//! uses anyway (қ → к, ө → о …), so one table serves both the official Kazakh Latin alphabet
//! and the informal spellings people use on phones.

use crate::knowledge::Lang;

/// Letter groups, matched before single letters, longest first: Russian's own (several
/// spellings of щ, ё and е), then those both languages share.
const RU_GROUPS: &[(&str, &str)] = &[
    ("shch", "щ"),
    ("sch", "щ"),
    ("yo", "е"),
    ("ye", "е"),
    ("iy", "ий"),
    ("yi", "ый"),
];

/// Kazakh's own: "j" is always ж ("jyl", "juk"), and "ng" is ң ("bizding"), folded to н as
/// `normalize` folds ң.
const KK_GROUPS: &[(&str, &str)] = &[("ju", "жу"), ("ja", "жа"), ("ng", "н")];

const COMMON_GROUPS: &[(&str, &str)] = &[
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ju", "ю"),
    ("ja", "я"),
];

fn single(c: char, lang: Lang) -> Option<&'static str> {
    Some(match c {
        'a' | 'á' | 'ä' => "а",
        'b' => "б",
        'v' | 'w' => "в",
        'g' | 'ǵ' | 'ğ' => "г",
        'd' => "д",
        'e' | 'é' => "е",
        'z' => "з",
        'i' | 'ı' | 'í' | 'ì' => "и",
        'k' | 'q' => "к",
        'l' => "л",
        'm' => "м",
        'n' | 'ń' | 'ñ' => "н",
        'o' | 'ó' | 'ö' => "о",
        'p' => "п",
        'r' => "р",
        's' => "с",
        't' => "т",
        'u' | 'ú' | 'ü' | 'ū' | 'ý' => "у",
        'f' => "ф",
        'h' => "х",
        'c' => "ц",
        'x' => "кс",
        'ş' => "ш",
        'ç' => "ч",
        'y' => "ы",
        'j' => match lang {
            Lang::Kk => "ж",
            _ => "й",
        },
        _ => return None,
    })
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'á' | 'ä' | 'ó' | 'ö' | 'ú' | 'ü' | 'ı' | 'é'
    )
}

/// Latin letters to Cyrillic as `lang` (Russian or Kazakh) would be spelt; everything that is
/// not a Latin letter is kept.
pub fn to_cyrillic(text: &str, lang: Lang) -> String {
    let own: &[(&str, &str)] = match lang {
        Lang::Kk => KK_GROUPS,
        _ => RU_GROUPS,
    };
    let lower: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    // Whether the letter before stands for a vowel: a glide (й) does not, so "aiy" is айы.
    let mut after_vowel = false;
    while i < lower.len() {
        let rest = &lower[i..];
        let group = own.iter().chain(COMMON_GROUPS).find(|(latin, _)| {
            let n = latin.chars().count();
            rest.len() >= n && rest[..n].iter().copied().eq(latin.chars())
        });
        if let Some((latin, cyrillic)) = group {
            out.push_str(cyrillic);
            i += latin.chars().count();
            after_vowel = cyrillic.ends_with(['а', 'е', 'и', 'о', 'у', 'ы', 'ю', 'я']);
            continue;
        }
        let c = lower[i];
        let next = lower.get(i + 1).copied();
        // "y" or "i" after a vowel is the й of "novyi", "kakoy", "qytai"; so is the "ı" of
        // the 2018 Kazakh Latin alphabet ("Qytaı", "aınalym"), and the "i" of Kazakh "iy"
        // ("paiyz", пайыз).
        let glide = matches!(c, 'y' | 'i' | 'ı')
            && after_vowel
            && (!next.is_some_and(is_vowel) || (lang == Lang::Kk && c == 'i' && next == Some('y')));
        after_vowel = !glide && is_vowel(c);
        match (glide, single(c, lang)) {
            (true, _) => out.push('й'),
            (false, Some(cyrillic)) => out.push_str(cyrillic),
            // Apostrophes mark softness in transliteration ("skol'ko"): drop them.
            (false, None) if matches!(c, '\'' | '’') => {}
            (false, None) => out.push(c),
        }
        i += 1;
    }
    out
}

/// Like `to_cyrillic`, word by word, but keeps the words `keep` accepts: names typed in Latin
/// letters ("kto takoi Zhang Xiao") stay as the fact base spells them in English.
pub fn to_cyrillic_keeping(text: &str, lang: Lang, keep: impl Fn(&str) -> bool) -> String {
    let words: Vec<String> = text
        .split(' ')
        .map(|word| match keep(word) {
            true => word.to_owned(),
            false => to_cyrillic(word, lang),
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_latin_typed_russian_and_kazakh() {
        let cases = [
            (
                "kogda nachalsya god turizma",
                Lang::Ru,
                "когда начался год туризма",
            ),
            ("skol'ko dney bez vizy", Lang::Ru, "сколко дней без визы"),
            ("tovarooborot s Kitaem", Lang::Ru, "товарооборот с китаем"),
            ("sauda kolemi qansha", Lang::Kk, "сауда колеми канша"),
            (
                "Qytaimen vizasyz rezhim",
                Lang::Kk,
                "кытаймен визасыз режим",
            ),
            (
                "Qazaqstan men Qytai 2023",
                Lang::Kk,
                "казакстан мен кытай 2023",
            ),
            ("Qytaı saýda aınalymy", Lang::Kk, "кытай сауда айналымы"),
            ("jukting paiyzy bizding", Lang::Kk, "жуктин пайызы биздин"),
            ("jyl saiyn", Lang::Kk, "жыл сайын"),
        ];
        for (latin, lang, cyrillic) in cases {
            assert_eq!(to_cyrillic(latin, lang), cyrillic, "{latin}");
        }
    }
}
