//! What fuzzing found (`fuzz/`, findings in `fuzz/README.md`), each pinned by a test named
//! after the bug. The inputs themselves are replayed by `fuzz/run.sh` from `fuzz/regressions/`.

use kzcn_bot::bot::render::{answer_html, MESSAGE_LIMIT};

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
