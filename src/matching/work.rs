//! A tally of the work that grows with what a question holds: typo-correction lookups, the
//! deletion keys they probe and the candidate terms they compare, and the terms resolved
//! against the vocabulary. Each has a cap (`MAX_TERMS`, `fuzzy::MAX_WORD`,
//! `fuzzy::MAX_CANDIDATES`); the tally lets tests hold answering to those caps by counting,
//! which is deterministic where timing is not.
//!
//! Answering is synchronous, so everything one answer does happens on the caller's thread: the
//! tally is kept per thread and costs a few additions per lookup.

use std::cell::Cell;

/// Work done on one thread, as counted by [`measure`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Question terms resolved against the vocabulary.
    pub terms: usize,
    /// Words looked up for typo correction.
    pub lookups: usize,
    /// Deletion keys probed in the typo index, over all lookups.
    pub keys: usize,
    /// Candidate terms compared letter by letter, over all lookups.
    pub candidates: usize,
    /// The most keys one lookup probed.
    pub most_keys: usize,
    /// The most candidates one lookup compared.
    pub most_candidates: usize,
}

impl Work {
    fn plus(self, other: Work) -> Work {
        Work {
            terms: self.terms + other.terms,
            lookups: self.lookups + other.lookups,
            keys: self.keys + other.keys,
            candidates: self.candidates + other.candidates,
            most_keys: self.most_keys.max(other.most_keys),
            most_candidates: self.most_candidates.max(other.most_candidates),
        }
    }
}

thread_local! {
    static TALLY: Cell<Work> = Cell::new(Work::default());
}

/// Runs `f` and returns what it returned with the work it did on this thread.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Work) {
    let before = TALLY.with(|tally| tally.replace(Work::default()));
    let result = f();
    let done = TALLY.with(|tally| tally.replace(Work::default()));
    // A measurement inside another counts towards the outer one too.
    TALLY.with(|tally| tally.set(before.plus(done)));
    (result, done)
}

/// Counts terms resolved.
pub(crate) fn terms(count: usize) {
    TALLY.with(|tally| {
        let mut work = tally.get();
        work.terms += count;
        tally.set(work);
    });
}

/// Counts one typo-correction lookup that probed `keys` keys and compared `candidates` terms.
pub(crate) fn lookup(keys: usize, candidates: usize) {
    TALLY.with(|tally| {
        let work = tally.get().plus(Work {
            lookups: 1,
            keys,
            candidates,
            most_keys: keys,
            most_candidates: candidates,
            ..Work::default()
        });
        tally.set(work);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_nested_work_once_for_each_level() {
        let ((_, inner), outer) = measure(|| {
            lookup(10, 3);
            let inner = measure(|| {
                lookup(20, 7);
                terms(2);
            });
            lookup(5, 1);
            inner
        });
        assert_eq!(
            inner,
            Work {
                terms: 2,
                lookups: 1,
                keys: 20,
                candidates: 7,
                most_keys: 20,
                most_candidates: 7,
            }
        );
        assert_eq!(
            outer,
            Work {
                terms: 2,
                lookups: 3,
                keys: 35,
                candidates: 11,
                most_keys: 20,
                most_candidates: 7,
            }
        );
    }
}
