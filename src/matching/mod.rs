//! Matching a question to what the bot knows.
//!
//! `normalize` turns raw text into comparable words (Unicode, case, punctuation, numbers,
//! look-alike letters) and guesses the language; `analyze` turns words into terms (stop words,
//! stems, synonyms, years); `fuzzy` finds the known term a misspelt word meant; `index` is built
//! once per knowledge base and scores every intent that shares a term with the question.

mod analyze;
mod fuzzy;
mod index;
mod normalize;

pub use analyze::{Analysis, Analyzer};
pub use index::{Index, Scored};
pub use normalize::{detect_lang, normalize};
