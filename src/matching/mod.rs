//! Matching a question to what the bot knows.
//!
//! `normalize` turns raw text into comparable words (Unicode, case, punctuation, numbers,
//! look-alike letters) and guesses the language; `translit` rewrites Russian and Kazakh typed
//! in Latin letters in Cyrillic; `script` converts traditional and simplified Chinese; `shape`
//! reads what a question asks (its parts, the kind of value wanted, a claim to check, a
//! comparison); `travel` reads which way travellers go; `analyze` turns words into terms (stop
//! words, stems, synonyms, years); `fuzzy` finds the known term a misspelt word meant; `index`
//! is built once per knowledge base and retrieves the intents and facts that share terms with
//! the question; `hash` is the cheap hash of their word tables; `work` counts what typo
//! correction and retrieval cost, so tests can hold them to their caps.

mod analyze;
mod fuzzy;
mod hash;
mod index;
mod normalize;
pub mod script;
pub mod shape;
pub mod translit;
pub mod travel;
pub mod work;

pub use analyze::{Analysis, Analyzer};
pub use fuzzy::{MAX_CANDIDATES, MAX_TYPO_KEYS, MAX_WORD};
pub use index::{Index, Resolved, Scored, LOOKUPS_PER_TERM, MAX_TERMS};
pub use normalize::{detect_lang, is_han, normal_form_exceeds, normalize};
