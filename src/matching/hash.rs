//! The hash the matcher's word tables use: FNV-1a, fixed on every run and a few times cheaper
//! than the standard library's SipHash on words this short. Reading a text looks each word up
//! in several tables (stop words, phrases, synonyms, outside words, the vocabulary), so the hash
//! was a tenth of indexing the fact base.
//!
//! FNV is not keyed, so keys could be chosen to collide. Only the fact base's own words are
//! stored in these tables; a question's words are only looked up, which at worst compares them
//! with the few stored words that share their hash.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The hash of nothing, where every FNV-1a hash starts.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a continued from `h` over `bytes`.
pub(crate) fn fnv(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The state of an FNV-1a hash, for `HashMap`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(FNV_OFFSET)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv(self.0, bytes);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
pub(crate) type WordSet<K> = HashSet<K, BuildHasherDefault<Fnv>>;
