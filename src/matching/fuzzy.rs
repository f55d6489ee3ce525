//! Finding the known term a misspelt word meant, without comparing it to every term.
//!
//! At index time each term is stored under every string obtained by deleting up to two letters
//! (one for short words). A misspelt word shares such a deletion with the term it meant, so a
//! few lookups give a short list of candidates, and only those are compared letter by letter.
//! Deletions are stored as 64-bit hashes in one sorted vector: small, and a binary search away.

use super::hash::{fnv, FNV_OFFSET};
use super::work;

/// How many letters may be wrong in a word of `len` letters: short words must match exactly,
/// or "visa" would also be "vise" and "via". Two at most: a third costs several times the
/// lookups for the rare word it would rescue.
pub(crate) fn allowed_distance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    }
}

/// A word's letters, with what hashing every deletion from it needs: each deletion is hashed
/// on from the hash of the letters before it (FNV-1a runs left to right), so no deletion is
/// written out. Writing them out was a fifth of loading the fact base, and most of a lookup.
struct Deletions<'a> {
    bytes: &'a [u8],
    /// Where each letter starts, and the end.
    bounds: Vec<usize>,
    /// The FNV-1a hash of the letters before each letter, and of the whole word last. A hash
    /// collision only adds a candidate, which the letter-by-letter comparison then drops.
    before: Vec<u64>,
}

impl<'a> Deletions<'a> {
    fn new(word: &'a str) -> Deletions<'a> {
        let bytes = word.as_bytes();
        let bounds: Vec<usize> = word
            .char_indices()
            .map(|(at, _)| at)
            .chain([word.len()])
            .collect();
        let mut before = Vec::with_capacity(bounds.len());
        let mut h = FNV_OFFSET;
        for pair in bounds.windows(2) {
            before.push(h);
            h = fnv(h, &bytes[pair[0]..pair[1]]);
        }
        before.push(h);
        Deletions {
            bytes,
            bounds,
            before,
        }
    }

    fn letters(&self) -> usize {
        self.bounds.len() - 1
    }

    /// The key of the word itself.
    fn whole(&self) -> u64 {
        self.before[self.letters()]
    }

    /// The key of the word without letter `i`.
    fn without(&self, i: usize) -> u64 {
        fnv(self.before[i], &self.bytes[self.bounds[i + 1]..])
    }

    /// The key of the word without letters `i` and `j` (`i < j`).
    fn without_two(&self, i: usize, j: usize) -> u64 {
        let h = fnv(
            self.before[i],
            &self.bytes[self.bounds[i + 1]..self.bounds[j]],
        );
        fnv(h, &self.bytes[self.bounds[j + 1]..])
    }
}

/// The keys `deletion_keys(word, depth)` gives, added to `keys` in no fixed order and possibly
/// more than once: what building the index needs, which sorts and dedups its entries anyway.
fn deletion_key_set(word: &str, depth: usize, keys: &mut Vec<u64>) {
    debug_assert!(depth <= 2, "deletions of at most two letters");
    let word = Deletions::new(word);
    let letters = word.letters();
    keys.push(word.whole());
    // As in `deletion_keys`, only a string of three letters or more loses one.
    if depth == 0 || letters <= 2 {
        return;
    }
    keys.extend((0..letters).map(|i| word.without(i)));
    if depth < 2 || letters <= 3 {
        return;
    }
    for i in 0..letters {
        keys.extend((i + 1..letters).map(|j| word.without_two(i, j)));
    }
}

/// The keys of every distinct string made by deleting up to `depth` (at most two) characters
/// from `word`: `word` first, then one deletion, then two, each in a fixed order, so the
/// closest keys are probed first and a capped lookup is the same on every run. Strings are
/// told apart by their keys, which is all a lookup compares; only a string of three letters or
/// more loses one.
fn deletion_keys(word: &str, depth: usize) -> Vec<u64> {
    debug_assert!(depth <= 2, "deletions of at most two letters");
    let word = Deletions::new(word);
    let letters = word.letters();
    let mut keys = vec![word.whole()];
    if depth == 0 || letters <= 2 {
        return keys;
    }
    // The letters whose deletion made a string not seen before: only those lose a second.
    let mut kept = Vec::new();
    for i in 0..letters {
        let key = word.without(i);
        if !keys.contains(&key) {
            keys.push(key);
            kept.push(i);
        }
    }
    if depth < 2 || letters <= 3 {
        return keys;
    }
    for i in kept {
        // Letter `skip` of the word without letter `i`.
        for skip in 0..letters - 1 {
            let key = match skip < i {
                true => word.without_two(skip, i),
                false => word.without_two(i, skip + 1),
            };
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

fn same_letters(a: &str, b: &str) -> bool {
    let mut a: Vec<char> = a.chars().collect();
    let mut b: Vec<char> = b.chars().collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// The deletion index over a fixed list of terms (term id = position in the list).
#[derive(Debug, Clone, Default)]
pub(crate) struct Fuzzy {
    entries: Vec<(u64, u32)>,
}

/// The longest word typo correction looks at. Its deletions grow as the cube of its length,
/// so one long word must not cost seconds (a 200-letter word once took 2.7 s and 610 MB); the
/// longest word in the fact base has 20 letters ("достопримечательност", stemmed).
pub const MAX_WORD: usize = 24;

/// The most deletion keys one lookup probes: those of a `MAX_WORD`-letter word, which may
/// have two letters wrong (the word, each one-letter and each two-letter deletion).
pub const MAX_TYPO_KEYS: usize = 1 + MAX_WORD + MAX_WORD * (MAX_WORD - 1) / 2;

/// The most candidate terms one lookup compares letter by letter; those found through the
/// closest deletions come first. No lookup in the evaluation sets (2,234 questions) compared
/// more than 12, nor any of 300,000 random words of 4 to 12 common letters more than 11: the
/// cap only bounds what a word crafted to share deletions with many terms could cost.
pub const MAX_CANDIDATES: usize = 64;

/// Only words made of letters are worth correcting; numbers and Chinese characters are not.
/// A three-letter word is only looked up for a letter it lost ("vsa", "lon").
fn correctable(term: &str) -> bool {
    (3..=MAX_WORD).contains(&term.chars().count())
        && term.chars().all(char::is_alphabetic)
        && !term.chars().any(super::normalize::is_han)
}

impl Fuzzy {
    pub(crate) fn new(terms: &[String]) -> Fuzzy {
        let mut entries = Vec::new();
        let mut keys = Vec::new();
        for (id, term) in terms.iter().enumerate() {
            if !correctable(term) {
                continue;
            }
            // Three-letter terms are stored with their deletions too, for a swap ("adn").
            let depth = allowed_distance(term.chars().count()).max(1);
            keys.clear();
            deletion_key_set(term, depth, &mut keys);
            entries.extend(keys.iter().map(|&key| (key, id as u32)));
        }
        entries.sort_unstable();
        entries.dedup();
        Fuzzy { entries }
    }

    /// The closest term to `word` within the distance its length allows, as (term id,
    /// distance); ties go to the term `rank` scores higher, then to the lower id.
    pub(crate) fn lookup(
        &self,
        word: &str,
        terms: &[String],
        keep: impl Fn(u32) -> bool,
        rank: impl Fn(u32) -> u32,
    ) -> Option<(u32, usize)> {
        if !correctable(word) {
            return None;
        }
        let len = word.chars().count();
        // A three-letter word may have lost one letter of a four-letter term, or swapped two
        // ("adn"), nothing else: any other change of one letter in three spells another word.
        let allowed = if len == 3 { 1 } else { allowed_distance(len) };
        let keys = deletion_keys(word, allowed);
        let mut probed = 0;
        // At most `MAX_CANDIDATES` ids: a list is cheaper to search than a set to hash.
        let mut candidates: Vec<u32> = Vec::new();
        'keys: for &key in &keys {
            probed += 1;
            let start = self.entries.partition_point(|&(h, _)| h < key);
            let ids = self.entries[start..]
                .iter()
                .take_while(|&&(h, _)| h == key)
                .map(|&(_, id)| id);
            for id in ids.filter(|&id| keep(id)) {
                if !candidates.contains(&id) {
                    candidates.push(id);
                    if candidates.len() == MAX_CANDIDATES {
                        break 'keys;
                    }
                }
            }
        }
        work::lookup(probed, candidates.len());
        candidates
            .into_iter()
            .filter_map(|id| {
                let term = &terms[id as usize];
                let term_len = term.chars().count();
                // The term's own length limits how wrong it may be too: "visa" is not "visas-free".
                let limit = allowed.min(allowed_distance(term_len).max(1));
                let distance = strsim::osa_distance(word, term);
                // In a four-letter word a changed letter already makes another word ("pric" is
                // not "prim"); swapped ("vsia") or missing ("trde") letters are still typos.
                if len <= 4 && term_len == len && !same_letters(word, term) {
                    return None;
                }
                // Three-letter terms are only what a three-letter word meant.
                if (len == 3 && term_len < 3) || (len > 3 && term_len == 3) {
                    return None;
                }
                (distance <= limit).then_some((id, distance))
            })
            .min_by(|a, b| {
                a.1.cmp(&b.1)
                    .then_with(|| rank(b.0).cmp(&rank(a.0)))
                    .then_with(|| a.0.cmp(&b.0))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Vec<String> {
        [
            "visa", "trade", "turnover", "khorgo", "consulat", "pipelin", "smailov", "tourism",
            "tourist", "2023", "prim", "and",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect()
    }

    /// Deletion keys as they were first found, each deletion written out and hashed.
    fn written_out_deletion_keys(word: &str, depth: usize) -> Vec<u64> {
        let hash = |chars: &[char]| fnv(FNV_OFFSET, chars.iter().collect::<String>().as_bytes());
        let chars: Vec<char> = word.chars().collect();
        let mut keys = vec![hash(&chars)];
        let mut level = vec![chars];
        for _ in 0..depth {
            let mut next = Vec::new();
            for chars in level.iter().filter(|chars| chars.len() > 2) {
                for skip in 0..chars.len() {
                    let mut shorter = chars.clone();
                    shorter.remove(skip);
                    let key = hash(&shorter);
                    if !keys.contains(&key) {
                        keys.push(key);
                        next.push(shorter);
                    }
                }
            }
            level = next;
        }
        keys
    }

    #[test]
    fn deletion_keys_come_in_the_order_of_the_deletions_written_out() {
        let words = "a ab abc visa vissa turnover ааа қытай достопримечательност aabbaa";
        for word in words.split(' ') {
            for depth in 0..=2 {
                let expected = written_out_deletion_keys(word, depth);
                assert_eq!(
                    deletion_keys(word, depth),
                    expected,
                    "{word}, depth {depth}"
                );
            }
        }
    }

    #[test]
    fn the_keys_an_index_is_built_from_are_the_keys_of_every_deletion() {
        let words = [
            "a",
            "ab",
            "abc",
            "visa",
            "vissa",
            "turnover",
            "ааа",
            "қытай",
            "достопримечательност",
        ];
        for word in words {
            for depth in 0..=2 {
                let mut built = Vec::new();
                deletion_key_set(word, depth, &mut built);
                built.sort_unstable();
                built.dedup();
                let mut expected = deletion_keys(word, depth);
                expected.sort_unstable();
                assert_eq!(built, expected, "{word}, depth {depth}");
            }
        }
    }

    #[test]
    fn corrects_typos_within_the_allowed_distance() {
        let terms = terms();
        let fuzzy = Fuzzy::new(&terms);
        let cases = [
            ("vsia", Some("visa")),
            ("trde", Some("trade")),
            ("turnvoer", Some("turnover")),
            ("turnoveer", Some("turnover")),
            ("khorga", Some("khorgo")),
            ("smailof", Some("smailov")),
            ("consulet", Some("consulat")),
            ("tourism", Some("tourism")),
            // Three letters: only a letter lost from a four-letter term, or two swapped.
            ("vis", Some("visa")),
            ("vsa", Some("visa")),
            ("vix", None),
            ("adn", Some("and")),
            ("andd", None),
            ("isa", Some("visa")),
            ("wine", None),
            ("2024", None),
            ("pizza", None),
            ("pric", None),
            ("visq", None),
        ];
        for (word, expected) in cases {
            let found = fuzzy
                .lookup(word, &terms, |_| true, |_| 0)
                .map(|(id, _)| terms[id as usize].as_str());
            assert_eq!(found, expected, "lookup({word})");
        }
    }

    #[test]
    fn compares_at_most_max_candidates_found_through_the_closest_keys_first() {
        // 156 terms one letter from "abcdef", all sharing deletions with it.
        let mut terms: Vec<String> = Vec::new();
        for at in 0..6 {
            for letter in 'a'..='z' {
                let mut term: Vec<char> = "abcdef".chars().collect();
                term[at] = letter;
                let term: String = term.into_iter().collect();
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        let fuzzy = Fuzzy::new(&terms);
        let (found, work) = work::measure(|| fuzzy.lookup("abcdef", &terms, |_| true, |_| 0));
        assert_eq!(work.most_candidates, MAX_CANDIDATES);
        assert!(work.most_keys <= MAX_TYPO_KEYS);
        // The word itself is the first key probed, so the cap never hides an exact match.
        let found = found.map(|(id, distance)| (terms[id as usize].as_str(), distance));
        assert_eq!(found, Some(("abcdef", 0)));
    }

    #[test]
    fn prefers_the_closer_term_then_the_better_ranked() {
        let terms = terms();
        let fuzzy = Fuzzy::new(&terms);
        // "touris" is one letter from both "tourism" and "tourist".
        let rank = |id: u32| {
            if terms[id as usize] == "tourist" {
                5
            } else {
                1
            }
        };
        let found = fuzzy
            .lookup("touris", &terms, |_| true, rank)
            .map(|(id, d)| (terms[id as usize].as_str(), d));
        assert_eq!(found, Some(("tourist", 1)));
    }
}
