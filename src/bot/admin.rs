//! What admins read in Telegram, in the chat's language: the question log's figures
//! (`/stats`), the pages of `/unanswered` with their buttons, and the line that says the log is
//! degraded. The words come from the fact base's messages; the figures, intent ids, language
//! codes and the log's own error text stay as they are.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::handlers::said;
use super::render::escape;
use crate::answer::Engine;
use crate::knowledge::Lang;
use crate::questions::{Missed, Stats, DEFAULT_SINCE_DAYS};

/// Questions on one `/unanswered` page.
pub(crate) const UNANSWERED_PAGE: usize = 10;
/// The callback data of an `/unanswered` page button: this, then the page's offset.
pub(crate) const PAGE_BUTTON: &str = "u:";

/// The figures of `/stats` as HTML lines.
pub(crate) fn stats_lines(engine: &Engine, stats: &Stats, lang: Lang) -> Vec<String> {
    let n = |value: i64| value.to_string();
    let list = |pairs: &[(String, i64)]| list(engine, pairs, lang);
    vec![
        said(
            engine,
            "stats_day",
            lang,
            &[("count", &n(stats.last_24_hours))],
        ),
        said(
            engine,
            "stats_week",
            lang,
            &[("count", &n(stats.last_7_days))],
        ),
        said(
            engine,
            "stats_window",
            lang,
            &[
                ("days", &stats.since_days.to_string()),
                ("count", &n(stats.questions)),
            ],
        ),
        said(
            engine,
            "stats_answer_rate",
            lang,
            &[
                ("percent", &format!("{:.0}", stats.answer_rate * 100.0)),
                ("answered", &n(stats.answered)),
            ],
        ),
        said(
            engine,
            "stats_suggestions",
            lang,
            &[
                ("picked", &n(stats.suggestions_picked)),
                ("offered", &n(stats.suggestions_offered)),
            ],
        ),
        said(
            engine,
            "stats_intents",
            lang,
            &[("list", &list(&stats.top_intents))],
        ),
        said(
            engine,
            "stats_languages",
            lang,
            &[("list", &list(&stats.languages))],
        ),
        said(
            engine,
            "stats_chat_types",
            lang,
            &[("list", &list(&stats.chat_types))],
        ),
    ]
}

/// `(name, count)` pairs as `name 12, other 3`, escaped; "none" in `lang` when empty.
fn list(engine: &Engine, pairs: &[(String, i64)], lang: Lang) -> String {
    if pairs.is_empty() {
        return said(engine, "stats_none", lang, &[]);
    }
    let shown: Vec<String> = pairs
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    escape(&shown.join(", "))
}

/// The line saying the log is degraded and why, when it is (`problem`).
pub(crate) fn degraded_lines(engine: &Engine, problem: Option<&str>, lang: Lang) -> Vec<String> {
    problem
        .map(|problem| {
            said(
                engine,
                "log_degraded",
                lang,
                &[("problem", &escape(problem))],
            )
        })
        .into_iter()
        .collect()
}

/// The line saying the log could not be read, and why.
pub(crate) fn unreadable_line(engine: &Engine, problem: &str, lang: Lang) -> String {
    said(
        engine,
        "log_unreadable",
        lang,
        &[("problem", &escape(problem))],
    )
}

/// One page of `/unanswered` as HTML lines: `missed` from the question at `offset`, of
/// `groups` in all.
pub(crate) fn unanswered_lines(
    engine: &Engine,
    missed: &[Missed],
    groups: usize,
    offset: usize,
    lang: Lang,
) -> Vec<String> {
    let days = DEFAULT_SINCE_DAYS.to_string();
    if missed.is_empty() {
        return vec![said(engine, "unanswered_none", lang, &[("days", &days)])];
    }
    let header = said(
        engine,
        "unanswered_header",
        lang,
        &[
            ("days", &days),
            ("first", &(offset + 1).to_string()),
            ("last", &(offset + missed.len()).to_string()),
            ("total", &groups.to_string()),
        ],
    );
    let rows = missed.iter().map(|m| {
        let candidate = m.candidate.as_ref().map_or(String::new(), |intent| {
            let note = said(
                engine,
                "unanswered_candidate",
                lang,
                &[("intent", &escape(intent))],
            );
            format!("\n      {note}")
        });
        format!("{:>4} × {}{candidate}", m.count, escape(&m.text))
    });
    std::iter::once(header).chain(rows).collect()
}

/// "Previous" and "Next" in `lang` for the `/unanswered` page at `offset` of `groups`
/// questions.
pub(crate) fn page_buttons(
    engine: &Engine,
    offset: usize,
    groups: usize,
    lang: Lang,
) -> Option<InlineKeyboardMarkup> {
    let label = |id| engine.knowledge().message(id, lang).to_owned();
    let mut row = Vec::new();
    if offset > 0 {
        let previous = offset.saturating_sub(UNANSWERED_PAGE);
        row.push(InlineKeyboardButton::callback(
            label("page_previous"),
            format!("{PAGE_BUTTON}{previous}"),
        ));
    }
    if offset + UNANSWERED_PAGE < groups {
        let next = offset + UNANSWERED_PAGE;
        row.push(InlineKeyboardButton::callback(
            label("page_next"),
            format!("{PAGE_BUTTON}{next}"),
        ));
    }
    (!row.is_empty()).then(|| InlineKeyboardMarkup::new(vec![row]))
}
