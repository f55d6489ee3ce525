//! What fuzzing found (`fuzz/`, findings in `fuzz/README.md`), each pinned by a test named
//! after the bug. The inputs themselves are replayed by `fuzz/run.sh` from `fuzz/regressions/`.

use kzcn_bot::bot::render::{answer_html, split, MESSAGE_LIMIT};

use crate::util::engine;

#[test]
fn regression_a_source_list_longer_than_a_message_was_cut_through_its_closing_tag() {
    let mut answer = engine().answer("When did the visa-free regime start?", None);
    // About 7,000 characters once escaped: the list alone needs two messages.
    answer.sources[0].citation = "Kazakhstan & China, ".repeat(300);
    let pieces = answer_html(&answer);
    assert!(pieces.len() >= 2, "{pieces:?}");
    for piece in &pieces {
        assert!(piece.encode_utf16().count() <= MESSAGE_LIMIT);
        assert_eq!(
            piece.matches("<i>").count(),
            piece.matches("</i>").count(),
            "every message closes the italics it opens: {piece}"
        );
        let text = piece.replace("<i>", "").replace("</i>", "");
        assert!(!text.contains(['<', '>']), "a tag cut in two: {piece}");
    }
    let italic: String = pieces.concat();
    assert_eq!(
        italic.matches("Kazakhstan &amp; China").count(),
        300,
        "nothing of the list is lost"
    );
}

#[test]
fn regression_splitting_measured_the_whole_rest_of_a_paragraph_after_every_cut() {
    // 200,000 characters cut into pieces of three entities: measuring the whole rest after
    // each of the 13,333 cuts cost about 10^9 steps; measuring up to the limit, 250,000.
    let text = "&amp;".repeat(40_000);
    let start = std::time::Instant::now();
    let pieces = split(&text, 16);
    let took = start.elapsed();
    assert!(took < std::time::Duration::from_secs(2), "took {took:?}");
    assert!(pieces.iter().all(|p| p.encode_utf16().count() <= 16));
    assert_eq!(pieces.concat(), text);
}

#[test]
fn regression_a_line_of_spaces_between_two_long_paragraphs_became_a_blank_message() {
    let text = format!("{}\n\n \u{b}\n\n{}", "x".repeat(4095), "y".repeat(4095));
    let pieces = split(&text, MESSAGE_LIMIT);
    assert_eq!(pieces, ["x".repeat(4095), "y".repeat(4095)]);
}
