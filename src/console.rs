//! The command-line front: one question (`ask`), a batch as JSON lines (`ask --json`), and an
//! interactive loop (`chat`). Each is a thin shell over `Engine::answer`.

use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::answer::{Answer, Engine, FollowUp, SourceRef, Suggestion};
use crate::knowledge::Lang;

/// Bytes kept of one input line; the rest of an over-long line is read and dropped, so a
/// runaway line costs neither memory nor the lines after it.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// One line of `ask --json` output. Outside tools parse these field names: keep them.
#[derive(Serialize)]
struct JsonAnswer<'a> {
    question: &'a str,
    lang: Lang,
    intent: Option<&'a str>,
    confidence: f64,
    answer: &'a str,
    sources: &'a [SourceRef],
    suggestions: &'a [Suggestion],
}

/// The JSON line for an answer (no trailing newline). U+0085, U+2028 and U+2029 are escaped
/// (`\u2028`): JSON allows them raw in strings, but readers that split on every Unicode line
/// break (JavaScript before ES2019, Python's `splitlines`) would cut the object apart.
pub fn to_json_line(answer: &Answer) -> String {
    let json = JsonAnswer {
        question: &answer.question,
        lang: answer.lang,
        intent: answer.intent.as_deref(),
        confidence: (f64::from(answer.confidence) * 1000.0).round() / 1000.0,
        answer: &answer.text,
        sources: &answer.sources,
        suggestions: &answer.suggestions,
    };
    escape_line_breaks(serde_json::to_string(&json).expect("answers always serialise"))
}

/// Escapes the line breaks `serde_json` leaves raw. They can only occur inside strings, where
/// `\uXXXX` means the same character, so the value read back is unchanged.
fn escape_line_breaks(json: String) -> String {
    const BREAKS: [char; 3] = ['\u{85}', '\u{2028}', '\u{2029}'];
    if !json.contains(BREAKS) {
        return json;
    }
    let mut escaped = String::with_capacity(json.len() + 12);
    for c in json.chars() {
        if BREAKS.contains(&c) {
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    escaped
}

/// Reads one line into `buf` (without its line ending), keeping at most `MAX_LINE_BYTES`.
/// Returns false at end of input.
fn read_line_capped(input: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<bool> {
    buf.clear();
    let mut read_any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if chunk.is_empty() {
            break;
        }
        read_any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(end) => (&chunk[..end], Some(end + 1)),
            None => (chunk, None),
        };
        let room = MAX_LINE_BYTES.saturating_sub(buf.len());
        buf.extend_from_slice(&part[..part.len().min(room)]);
        let used = done.unwrap_or(chunk.len());
        input.consume(used);
        if done.is_some() {
            break;
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(read_any)
}

/// Decodes a line, replacing invalid UTF-8 rather than dropping the line.
fn decode(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `ask --json`: one JSON object per input line, in order, flushed after each.
pub fn ask_json(
    engine: &Engine,
    hint: Option<Lang>,
    input: &mut impl BufRead,
    output: &mut impl Write,
) -> io::Result<()> {
    let mut buf = Vec::new();
    while read_line_capped(input, &mut buf)? {
        let answer = engine.answer(&decode(&buf), hint);
        writeln!(output, "{}", to_json_line(&answer))?;
        output.flush()?;
    }
    Ok(())
}

/// `ask QUESTION`: the answer as a user reads it.
pub fn ask(
    engine: &Engine,
    question: &str,
    hint: Option<Lang>,
    output: &mut impl Write,
) -> io::Result<()> {
    let answer = engine.answer(question, hint);
    writeln!(output, "{}", render(&answer, &[]))
}

/// The answer text followed by numbered offers (suggestions or related topics).
fn render(answer: &Answer, offers: &[Suggestion]) -> String {
    let mut text = answer.text.clone();
    if !offers.is_empty() && answer.suggestions.is_empty() {
        text.push_str("\n\nRelated:");
        for (n, offer) in offers.iter().enumerate() {
            text.push_str(&format!("\n  {}. {}", n + 1, offer.title));
        }
    } else if !offers.is_empty() {
        text.push_str("\n\nType a number to choose:");
        for (n, offer) in offers.iter().enumerate() {
            text.push_str(&format!("\n  {}. {}", n + 1, offer.title));
        }
    }
    text
}

/// `chat`: questions until `quit` or end of input. A number picks one of the last offers.
pub fn chat(
    engine: &Engine,
    hint: Option<Lang>,
    input: &mut impl BufRead,
    output: &mut impl Write,
) -> io::Result<()> {
    writeln!(
        output,
        "kzcn-bot: ask about Kazakhstan–China relations (visa-free travel, trade, tourism, …). Type quit to leave."
    )?;
    let mut offers: Vec<Suggestion> = Vec::new();
    let mut lang = hint.unwrap_or_default();
    // What the last answer was about: a short follow-up ("and in 2022?") continues it.
    let mut previous: Option<FollowUp> = None;
    let mut buf = Vec::new();
    loop {
        write!(output, "> ")?;
        output.flush()?;
        if !read_line_capped(input, &mut buf)? {
            writeln!(output)?;
            return Ok(());
        }
        let line = decode(&buf);
        let line = line.trim();
        if matches!(
            line.to_lowercase().as_str(),
            "quit" | "exit" | "/quit" | "/exit"
        ) {
            return Ok(());
        }
        let picked = line
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| offers.get(n));
        let answer = match picked.and_then(|offer| engine.answer_intent(&offer.intent, lang)) {
            Some(answer) => answer,
            None => engine.answer_after(line, hint, None, previous.as_ref()),
        };
        lang = answer.lang;
        if answer.follow_up.is_some() {
            previous = answer.follow_up.clone();
        }
        offers = if answer.suggestions.is_empty() {
            answer.related.clone()
        } else {
            answer.suggestions.clone()
        };
        writeln!(output, "{}\n", render(&answer, &offers))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_capped_and_lossy() {
        let mut long = vec![b'a'; MAX_LINE_BYTES + 10];
        long.push(b'\n');
        let mut input: Vec<u8> = Vec::new();
        input.extend_from_slice(b"first\r\n\n");
        input.extend_from_slice(&long);
        input.extend_from_slice(b"bad \xff byte\nlast");
        let mut reader = io::BufReader::with_capacity(16, input.as_slice());
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        while read_line_capped(&mut reader, &mut buf).unwrap() {
            lines.push(decode(&buf));
        }
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0], "first");
        assert_eq!(lines[1], "");
        assert_eq!(lines[2].len(), MAX_LINE_BYTES);
        assert_eq!(lines[3], "bad \u{FFFD} byte");
        assert_eq!(lines[4], "last");
    }
}
