//! Answers as Telegram messages: HTML with every piece of knowledge and user text escaped,
//! split under Telegram's 4,096-character limit at paragraph boundaries, with suggestion and
//! related-topic buttons.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::answer::{Answer, Suggestion};
use crate::knowledge::{Knowledge, Lang};

/// Telegram's limit on one message, in UTF-16 code units.
pub const MESSAGE_LIMIT: usize = 4096;
/// Buttons under one answer.
const MAX_BUTTONS: usize = 4;

/// Escapes the three characters Telegram's HTML mode gives meaning to.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The plain text of an HTML message: tags dropped, entities decoded. Sent when Telegram
/// refuses the HTML, so a reply never fails for its formatting.
pub fn to_plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The answer as HTML message texts, each within the limit.
pub fn answer_html(answer: &Answer) -> Vec<String> {
    let mut blocks: Vec<String> = answer
        .paragraphs
        .iter()
        .flat_map(|p| split_blocks(&escape(p), MESSAGE_LIMIT))
        .collect();
    let heading = escape(&answer.sources_heading);
    let sources = match answer.sources.as_slice() {
        [] => String::new(),
        [only] => format!("{heading}: {}", escape(&only.citation)),
        many => {
            let lines: Vec<String> = many
                .iter()
                .enumerate()
                .map(|(n, s)| format!("[{}] {}", n + 1, escape(&s.citation)))
                .collect();
            format!("{heading}:\n{}", lines.join("\n"))
        }
    };
    // The source list is cut to fit first and each piece set in italics after, so no cut
    // falls inside a tag and every message opens and closes its own `<i>`: a list longer than
    // one message used to be cut through `</i>`, and Telegram refused both halves.
    const ITALICS: usize = "<i></i>".len();
    let italic = split_blocks(&sources, MESSAGE_LIMIT - ITALICS)
        .into_iter()
        .filter(|piece| !piece.trim().is_empty())
        .map(|piece| format!("<i>{piece}</i>"));
    blocks.extend(italic);
    pack(blocks, MESSAGE_LIMIT)
}

/// What a button asks for: an intent or a topic, in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Intent,
    Topic,
}

/// Reads button data: `i:ru:visa-start`, `t:zh:visa`, or the older `i:visa-start`.
pub fn parse_button(data: &str) -> Option<(Button, Option<Lang>, &str)> {
    let (kind, rest) = data.split_once(':')?;
    let kind = match kind {
        "i" => Button::Intent,
        "t" => Button::Topic,
        _ => return None,
    };
    match rest.split_once(':') {
        Some((code, id)) => Some((kind, Some(Lang::from_code(code)?), id)),
        None => Some((kind, None, rest)),
    }
}

/// Buttons for what to ask next: "did you mean" candidates, else related topics. Each button
/// carries the answer's language, so the next answer stays in it.
pub fn keyboard(answer: &Answer) -> Option<InlineKeyboardMarkup> {
    let offers: &[Suggestion] = if answer.suggestions.is_empty() {
        &answer.related
    } else {
        &answer.suggestions
    };
    buttons(
        offers
            .iter()
            .take(MAX_BUTTONS)
            .map(|s| (s.title.clone(), format!("i:{}:{}", answer.lang, s.intent))),
    )
}

/// One button per topic, for `/start` and `/topics`.
pub fn topic_keyboard(knowledge: &Knowledge, lang: Lang) -> Option<InlineKeyboardMarkup> {
    buttons(
        knowledge
            .topics
            .iter()
            .map(|t| (t.title.text(lang).to_owned(), format!("t:{lang}:{}", t.id))),
    )
}

fn buttons(items: impl Iterator<Item = (String, String)>) -> Option<InlineKeyboardMarkup> {
    // Callback data is limited to 64 bytes; ids are short, but a long one must not break a reply.
    let rows: Vec<Vec<InlineKeyboardButton>> = items
        .filter(|(_, data)| data.len() <= 64)
        .map(|(title, data)| vec![InlineKeyboardButton::callback(title, data)])
        .collect();
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Whether `text` fits in `limit` UTF-16 units, reading no more of it than that.
fn fits(text: &str, limit: usize) -> bool {
    text.encode_utf16().nth(limit).is_none()
}

/// Splits `text` into pieces of at most `limit` UTF-16 units, at paragraph breaks where it
/// can, else at line breaks, else at spaces, else anywhere outside an HTML entity.
pub fn split(text: &str, limit: usize) -> Vec<String> {
    pack(split_blocks(text, limit), limit)
}

/// Escaped text set as preformatted blocks that `split` never cuts inside a tag: the text is
/// cut to fit first, and each piece gets its own `<pre>`, a blank line between two.
pub fn preformatted(escaped: &str) -> String {
    const TAGS: usize = "<pre></pre>".len();
    split_blocks(&escaped.replace("\n\n", "\n"), MESSAGE_LIMIT - TAGS)
        .iter()
        .map(|piece| format!("<pre>{piece}</pre>"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Joins blocks, each within `limit`, into as few pieces as fit, a blank line between two.
fn pack(blocks: Vec<String>, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for block in blocks {
        let joined = if current.is_empty() {
            block.clone()
        } else {
            format!("{current}\n\n{block}")
        };
        if utf16_len(&joined) <= limit {
            current = joined;
        } else {
            // Telegram refuses a blank message, and the pieces after it would be lost: a
            // piece of only whitespace (a line of spaces between long paragraphs) is dropped.
            if !current.trim().is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            current = block;
        }
    }
    if !current.trim().is_empty() || pieces.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Paragraphs, each cut further until it fits.
fn split_blocks(text: &str, limit: usize) -> Vec<String> {
    let mut blocks = Vec::new();
    for paragraph in text.split("\n\n") {
        if utf16_len(paragraph) <= limit {
            blocks.push(paragraph.to_owned());
            continue;
        }
        // Measuring only up to the limit keeps this linear: measuring the whole rest after
        // each cut made a long paragraph cost its length squared over the limit.
        let mut rest = paragraph;
        while !fits(rest, limit) {
            let cut = cut_point(rest, limit);
            blocks.push(rest[..cut].trim_end().to_owned());
            rest = rest[cut..].trim_start();
        }
        if !rest.is_empty() {
            blocks.push(rest.to_owned());
        }
    }
    blocks
}

/// The byte index to cut `text` at so the head fits in `limit` UTF-16 units.
fn cut_point(text: &str, limit: usize) -> usize {
    let mut units = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > limit {
            break;
        }
        end = i + c.len_utf8();
    }
    let head = &text[..end];
    let at = head
        .rfind('\n')
        .or_else(|| head.rfind(' '))
        .filter(|&i| i > 0)
        .unwrap_or(end);
    // Never cut inside an entity such as "&amp;".
    match head[..at].rfind('&') {
        Some(amp) if !head[amp..at].contains(';') && at - amp < 8 && amp > 0 => amp,
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn regression_a_long_reload_report_was_cut_inside_its_pre() {
        // Fifteen problems naming files with long names add up to more than one message; the
        // report was one <pre> that the message split cut in two.
        let line = format!("{}.toml:1: {}", "x".repeat(250), "y".repeat(100));
        let report = vec![line; 15].join("\n");
        let html = format!(
            "Not reloaded:\n\n{}",
            super::preformatted(&super::escape(&report))
        );
        let pieces = super::split(&html, super::MESSAGE_LIMIT);
        assert!(pieces.len() >= 2, "{pieces:?}");
        for piece in &pieces {
            assert!(super::utf16_len(piece) <= super::MESSAGE_LIMIT);
            assert_eq!(
                piece.matches("<pre>").count(),
                piece.matches("</pre>").count(),
                "{piece}"
            );
        }
        let lines: usize = pieces.iter().map(|p| p.matches(".toml:1:").count()).sum();
        assert_eq!(lines, 15, "nothing of the report is lost");
    }

    use super::*;

    #[test]
    fn parses_button_data() {
        let cases = [
            (
                "i:ru:visa-start",
                Some((Button::Intent, Some(Lang::Ru), "visa-start")),
            ),
            ("t:zh:visa", Some((Button::Topic, Some(Lang::Zh), "visa"))),
            ("i:visa-start", Some((Button::Intent, None, "visa-start"))),
            ("i:xx:visa", None),
            ("x:visa", None),
            ("", None),
        ];
        for (data, expected) in cases {
            assert_eq!(parse_button(data), expected, "{data}");
        }
    }

    #[test]
    fn escapes_html_and_restores_plain_text() {
        let cases = [
            ("<b>visa</b> & co", "&lt;b&gt;visa&lt;/b&gt; &amp; co"),
            ("plain", "plain"),
            ("a < b > c", "a &lt; b &gt; c"),
        ];
        for (text, html) in cases {
            assert_eq!(escape(text), html);
            assert_eq!(to_plain(&escape(text)), text);
        }
        assert_eq!(to_plain("<i>Source: A &amp; B</i>"), "Source: A & B");
    }

    #[test]
    fn splits_long_text_at_paragraphs_within_the_limit() {
        let paragraph = "word ".repeat(300); // 1,500 characters
        let text = [paragraph.trim_end(); 6].join("\n\n");
        let pieces = split(&text, MESSAGE_LIMIT);
        assert_eq!(pieces.len(), 3, "two paragraphs fit per message");
        for piece in &pieces {
            assert!(utf16_len(piece) <= MESSAGE_LIMIT);
            assert!(!piece.starts_with('\n') && !piece.ends_with('\n'));
        }
        assert_eq!(pieces.join("\n\n"), text, "nothing is lost");
    }

    #[test]
    fn splits_one_huge_paragraph_without_breaking_entities() {
        let text = "&amp;".repeat(2000); // 10,000 characters, no spaces
        let pieces = split(&text, MESSAGE_LIMIT);
        assert!(pieces.len() >= 3);
        for piece in &pieces {
            assert!(utf16_len(piece) <= MESSAGE_LIMIT);
            assert!(
                piece.starts_with("&amp;") && piece.ends_with("&amp;"),
                "cut inside an entity"
            );
        }
        assert_eq!(pieces.concat(), text);
    }

    #[test]
    fn counts_the_limit_in_utf16_units() {
        let text = "签".repeat(5000);
        let pieces = split(&text, MESSAGE_LIMIT);
        assert_eq!(
            pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            vec![4096, 904]
        );
    }
}
