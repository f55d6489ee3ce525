//! Answers as Telegram messages: HTML with every piece of knowledge and user text escaped,
//! split under Telegram's 4,096-character limit at paragraph boundaries, with suggestion,
//! related-topic and "Quote" buttons, and the quoted passages a "Quote" button shows.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::answer::{Answer, Suggestion};
use crate::knowledge::{Fact, Knowledge, Lang};

/// Telegram's limit on one message, in UTF-16 code units.
pub const MESSAGE_LIMIT: usize = 4096;
/// Buttons under one answer.
const MAX_BUTTONS: usize = 4;
/// Telegram's limit on a button's callback data, in bytes.
pub const CALLBACK_DATA_LIMIT: usize = 64;
/// Digits of base 36 that number one fact in a "Quote" button: 1,296 facts (the base holds
/// about 150).
const FACT_DIGITS: usize = 2;

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

/// What a button asks for: an intent or a topic, in a language, or the quotes of an
/// answer's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Intent,
    Topic,
    Quote,
}

/// Reads button data: `i:ru:visa-start`, `t:zh:visa`, `q:en:<check>:<facts>` (see
/// `quote_data`), or the older `i:visa-start`.
pub fn parse_button(data: &str) -> Option<(Button, Option<Lang>, &str)> {
    let (kind, rest) = data.split_once(':')?;
    let kind = match kind {
        "i" => Button::Intent,
        "t" => Button::Topic,
        "q" => Button::Quote,
        _ => return None,
    };
    match rest.split_once(':') {
        Some((code, id)) => Some((kind, Some(Lang::from_code(code)?), id)),
        None => Some((kind, None, rest)),
    }
}

/// Buttons under an answer: "Quote" when it gives facts, then what to ask next ("did you
/// mean" candidates, else related topics). Each button carries the answer's language, so what
/// it brings stays in it.
pub fn keyboard(answer: &Answer, knowledge: &Knowledge) -> Option<InlineKeyboardMarkup> {
    let offers: &[Suggestion] = if answer.suggestions.is_empty() {
        &answer.related
    } else {
        &answer.suggestions
    };
    let quote = quote_data(answer, knowledge).map(|data| {
        (
            knowledge.message("quote_button", answer.lang).to_owned(),
            data,
        )
    });
    buttons(
        quote.into_iter().chain(
            offers
                .iter()
                .take(MAX_BUTTONS)
                .map(|s| (s.title.clone(), format!("i:{}:{}", answer.lang, s.intent))),
        ),
    )
}

/// The "Quote" button's data for an answer's facts: `q:<lang>:<check>:<facts>`, each fact by
/// its place in the fact base (intents in order, their facts in order) in two base-36 digits,
/// and `check` a hash of their ids. A fact base reloaded since may hold other facts at those
/// places: the check then fails and the button is out of date, never wrong. `None` when the
/// answer gives no facts or they do not fit Telegram's 64 bytes.
pub fn quote_data(answer: &Answer, knowledge: &Knowledge) -> Option<String> {
    if answer.facts.is_empty() {
        return None;
    }
    let mut places = String::new();
    for id in &answer.facts {
        let place = all_facts(knowledge).position(|fact| fact.id == *id)?;
        places.push_str(&base36(place)?);
    }
    let ids = answer.facts.iter().map(String::as_str);
    let data = format!("q:{}:{:08x}:{places}", answer.lang, check(ids));
    (data.len() <= CALLBACK_DATA_LIMIT).then_some(data)
}

/// The facts a "Quote" button's data names (what follows `q:<lang>:`), if it still names them:
/// well formed, every place in the fact base, and the check matching their ids. Anything else
/// (forged, cut, or from before a reload that moved the facts) is `None`.
pub fn quoted_facts<'k>(knowledge: &'k Knowledge, data: &str) -> Option<Vec<&'k Fact>> {
    let (check_hex, places) = data.split_once(':')?;
    let valid_check = check_hex.len() == 8 && check_hex.bytes().all(|b| b.is_ascii_hexdigit());
    // Only the digits `base36` writes: `from_str_radix` alone would also take a sign.
    let digits = |b: u8| b.is_ascii_digit() || b.is_ascii_lowercase();
    let valid_places = !places.is_empty() && places.len() % FACT_DIGITS == 0;
    if !valid_check || !valid_places || !places.bytes().all(digits) {
        return None;
    }
    let facts: Vec<&Fact> = places
        .as_bytes()
        .chunks(FACT_DIGITS)
        .map(|digits| {
            let place = usize::from_str_radix(std::str::from_utf8(digits).ok()?, 36).ok()?;
            all_facts(knowledge).nth(place)
        })
        .collect::<Option<_>>()?;
    let expected = u32::from_str_radix(check_hex, 16).ok()?;
    (check(facts.iter().map(|fact| fact.id.as_str())) == expected).then_some(facts)
}

/// Every fact of the base, in the order a "Quote" button numbers them.
fn all_facts(knowledge: &Knowledge) -> impl Iterator<Item = &Fact> {
    knowledge.intents.iter().flat_map(|intent| &intent.facts)
}

/// `n` in `FACT_DIGITS` base-36 digits, if it fits.
fn base36(n: usize) -> Option<String> {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; FACT_DIGITS];
    let mut rest = n;
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[rest % 36];
        rest /= 36;
    }
    (rest == 0).then(|| String::from_utf8(out).expect("ASCII digits"))
}

/// FNV-1a over the ids, each ended by a newline: stable across builds and machines, so a
/// button outlives a restart. It tells a stale button from a current one; it is no secret, and
/// needs none: a forged button can only show quotes anyone may see.
fn check<'a>(ids: impl Iterator<Item = &'a str>) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for id in ids {
        for byte in id.bytes().chain(std::iter::once(b'\n')) {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

/// What a "Quote" button shows: each fact's passages word for word, each followed by its
/// sources' outlet, title and date, as HTML messages within the limit.
pub fn quotes_html(knowledge: &Knowledge, facts: &[&Fact], lang: Lang) -> Vec<String> {
    let header = format!("<b>{}</b>", escape(knowledge.message("quote_header", lang)));
    let blocks = facts.iter().map(|fact| {
        let mut lines: Vec<String> = fact
            .quotes
            .iter()
            .map(|quote| format!("“{}”", escape(&quote.text)))
            .collect();
        lines.extend(fact.sources.iter().map(|&source| {
            let citation = knowledge.sources[source].citation(lang, knowledge);
            format!("— {}", escape(&citation))
        }));
        lines.join("\n")
    });
    let text: Vec<String> = std::iter::once(header).chain(blocks).collect();
    split(&text.join("\n\n"), MESSAGE_LIMIT)
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
        .filter(|(_, data)| data.len() <= CALLBACK_DATA_LIMIT)
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
            (
                "q:kk:0badcafe:0a0b",
                Some((Button::Quote, Some(Lang::Kk), "0badcafe:0a0b")),
            ),
            ("", None),
        ];
        for (data, expected) in cases {
            assert_eq!(parse_button(data), expected, "{data}");
        }
    }

    fn real_engine() -> crate::answer::Engine {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
        crate::answer::Engine::load(&dir).expect("the fact base loads")
    }

    /// Every topic and intent answer, in every language, gets a Quote button within 64 bytes
    /// that names exactly its facts.
    #[test]
    fn quote_data_fits_and_names_the_answers_facts() {
        let engine = real_engine();
        let knowledge = engine.knowledge();
        for intent in &knowledge.intents {
            for lang in Lang::ALL {
                let answer = engine.answer_intent(&intent.id, lang).unwrap();
                let data = quote_data(&answer, knowledge).expect("a Quote button");
                assert!(data.len() <= CALLBACK_DATA_LIMIT, "{data}");
                let Some((Button::Quote, Some(read), rest)) = parse_button(&data) else {
                    panic!("{data} does not read back");
                };
                assert_eq!(read, lang);
                let facts: Vec<&str> = quoted_facts(knowledge, rest)
                    .expect("names current facts")
                    .iter()
                    .map(|fact| fact.id.as_str())
                    .collect();
                assert_eq!(facts, answer.facts, "{data}");
            }
        }
    }

    #[test]
    fn a_reply_without_facts_has_no_quote_button() {
        let engine = real_engine();
        for question in ["hello", "What is China's GDP?", ""] {
            let answer = engine.answer(question, None);
            assert!(answer.facts.is_empty(), "{question}");
            assert_eq!(quote_data(&answer, engine.knowledge()), None);
        }
    }

    #[test]
    fn base36_numbers_facts_in_two_digits_or_not_at_all() {
        let cases = [
            (0, Some("00")),
            (35, Some("0z")),
            (36, Some("10")),
            (1295, Some("zz")),
            (1296, None),
        ];
        for (n, expected) in cases {
            assert_eq!(base36(n).as_deref(), expected, "{n}");
        }
    }

    /// Passages long enough to need several messages are split within the limit, with every
    /// passage and citation kept and escaped.
    #[test]
    fn quotes_are_escaped_and_split_to_the_message_limit() {
        let engine = real_engine();
        let mut knowledge = engine.knowledge().clone();
        let long = "<Khorgos> & ".repeat(200);
        let facts: Vec<&mut crate::knowledge::Fact> = knowledge
            .intents
            .iter_mut()
            .flat_map(|intent| intent.facts.iter_mut())
            .take(6)
            .collect();
        for fact in facts {
            fact.quotes[0].text = long.trim().to_owned();
        }
        let chosen: Vec<&crate::knowledge::Fact> = knowledge
            .intents
            .iter()
            .flat_map(|intent| &intent.facts)
            .take(6)
            .collect();
        let pieces = quotes_html(&knowledge, &chosen, Lang::En);
        assert!(pieces.len() >= 2, "{} pieces", pieces.len());
        let all = pieces.join("\n\n");
        for piece in &pieces {
            assert!(utf16_len(piece) <= MESSAGE_LIMIT);
            assert!(!piece.contains("<Khorgos>"), "unescaped");
        }
        assert_eq!(all.matches("&lt;Khorgos&gt;").count(), 6 * 200);
        let source = &knowledge.sources[chosen[0].sources[0]];
        assert!(all.contains(&escape(&source.citation(Lang::En, &knowledge))));
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
