//! What the fuzz targets share: the time bound every call is held to, and what makes a
//! message's HTML well formed.

// Each target uses only part of this.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// A call may take this long whatever its input: far above what any call needs (about 1 ms for
/// a 4,096-character question in a release build), so a loaded machine or the sanitiser's
/// slowdown never trips it, while work that grows faster than the input does.
const BASE: Duration = Duration::from_millis(250);
/// And this much more per character of input.
const PER_CHAR: Duration = Duration::from_micros(50);

/// The most a call on `chars` characters may take. `KZCN_FUZZ_BUDGET_MS` replaces the fixed
/// part (for a slower machine, or a tighter hunt).
pub fn budget(chars: usize) -> Duration {
    let base = std::env::var("KZCN_FUZZ_BUDGET_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(BASE, Duration::from_millis);
    base + PER_CHAR * u32::try_from(chars).unwrap_or(u32::MAX)
}

/// Runs `call` and panics, naming `what`, if it takes longer than the budget for `chars`.
/// With `KZCN_FUZZ_SHOW_MS` set, every call slower than that many milliseconds is printed too,
/// to see where the time goes over a corpus (`-runs=0`).
pub fn timed<T>(what: &str, chars: usize, call: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = call();
    let took = start.elapsed();
    let shown = std::env::var("KZCN_FUZZ_SHOW_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis);
    if shown.is_some_and(|shown| took >= shown) {
        eprintln!("slow: {what} took {took:?} on {chars} characters");
    }
    let allowed = budget(chars);
    assert!(
        took <= allowed,
        "{what} took {took:?} on {chars} characters (allowed {allowed:?})"
    );
    value
}

/// Checks one message of HTML as the bot sends it: every `<` opens `<i>` or `</i>` (the only
/// markup of an answer; all other text is escaped), each `<i>` is closed in the same message,
/// and every `&` starts an entity.
pub fn check_message_html(piece: &str) {
    let mut open = 0usize;
    for (at, _) in piece.match_indices('<') {
        if piece[at..].starts_with("<i>") {
            open += 1;
        } else if piece[at..].starts_with("</i>") {
            open = open.checked_sub(1).expect("</i> without <i>");
        } else {
            panic!("markup that is not the source list's: {piece:?}");
        }
    }
    assert_eq!(open, 0, "<i> left open: {piece:?}");
    let tags = piece.matches("<i>").count() + piece.matches("</i>").count();
    assert_eq!(piece.matches('>').count(), tags, "a bare '>': {piece:?}");
    let entities = ["&amp;", "&lt;", "&gt;"];
    assert!(
        piece
            .match_indices('&')
            .all(|(at, _)| entities.iter().any(|e| piece[at..].starts_with(e))),
        "an entity cut in two: {piece:?}"
    );
}
