//! What admins read from the log: the figures of `/stats` and the most frequent questions the
//! bot could not answer (`/unanswered`), and both as a table, CSV or JSON for
//! `kzcn-bot report`.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::{NOT_QUESTIONS, UNANSWERED_KINDS};

/// The window `/stats`, `/unanswered` and `report` look at unless told otherwise.
pub const DEFAULT_SINCE_DAYS: u32 = 30;
/// Rows in each of the "top" lists.
const TOP: usize = 5;
const DAY: i64 = 24 * 60 * 60;

/// The figures of `/stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub last_24_hours: i64,
    pub last_7_days: i64,
    /// The window the rest covers.
    pub since_days: u32,
    pub questions: i64,
    /// Questions answered (fully or in part), of those that were questions (not a greeting,
    /// not a message too long to read).
    pub answered: i64,
    pub answer_rate: f64,
    /// Replies that offered "did you mean", and how many of those had an offer picked.
    pub suggestions_offered: i64,
    pub suggestions_picked: i64,
    pub top_intents: Vec<(String, i64)>,
    pub languages: Vec<(String, i64)>,
    pub chat_types: Vec<(String, i64)>,
}

/// One question the bot could not answer, with how often it was asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missed {
    pub text: String,
    pub count: i64,
    /// Seconds since 1970, the last time it was asked.
    pub last: i64,
    /// The intent most often picked after "did you mean" on this question: the question is a
    /// candidate phrasing for it.
    pub candidate: Option<String>,
}

/// How `report` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

impl super::QuestionLog {
    /// The figures at `now` (seconds since 1970) over the last `since_days` days.
    pub fn stats(&self, now: i64, since_days: u32) -> rusqlite::Result<Stats> {
        let conn = self.conn();
        let from = now - i64::from(since_days) * DAY;
        let count = |filter: &str, from: i64| -> rusqlite::Result<i64> {
            conn.query_row(
                &format!("SELECT COUNT(*) FROM questions WHERE at >= ?1 AND {filter}"),
                params![from],
                |row| row.get(0),
            )
        };
        let asked = count(&format!("kind NOT IN {NOT_QUESTIONS}"), from)?;
        let answered = count("kind IN ('answered', 'partial')", from)?;
        Ok(Stats {
            last_24_hours: count("1", now - DAY)?,
            last_7_days: count("1", now - 7 * DAY)?,
            since_days,
            questions: count("1", from)?,
            answered,
            answer_rate: match asked {
                0 => 0.0,
                n => answered as f64 / n as f64,
            },
            suggestions_offered: count("kind = 'did_you_mean'", from)?,
            suggestions_picked: count("kind = 'did_you_mean' AND followed = 'suggestion'", from)?,
            top_intents: top(conn, "intent", from)?,
            languages: top(conn, "lang", from)?,
            chat_types: top(conn, "chat_type", from)?,
        })
    }

    /// The questions not answered since `since_days` days before `now`, grouped by their
    /// normalised text, most frequent first; `limit` of them from `offset`, with the number of
    /// groups in all.
    pub fn unanswered(
        &self,
        now: i64,
        since_days: u32,
        limit: usize,
        offset: usize,
    ) -> rusqlite::Result<(Vec<Missed>, usize)> {
        let conn = self.conn();
        let from = now - i64::from(since_days) * DAY;
        let groups: i64 = conn.query_row(
            &format!(
                "SELECT COUNT(DISTINCT text) FROM questions
                 WHERE at >= ?1 AND kind IN {UNANSWERED_KINDS} AND text != ''"
            ),
            params![from],
            |row| row.get(0),
        )?;
        let mut statement = conn.prepare(&format!(
            "SELECT text, COUNT(*) AS n, MAX(at) AS last,
                (SELECT followed_intent FROM questions AS picked
                 WHERE picked.text = asked.text AND picked.at >= ?1
                   AND picked.followed = 'suggestion'
                 GROUP BY followed_intent ORDER BY COUNT(*) DESC, followed_intent LIMIT 1)
             FROM questions AS asked
             WHERE at >= ?1 AND kind IN {UNANSWERED_KINDS} AND text != ''
             GROUP BY text ORDER BY n DESC, last DESC, text LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = statement.query_map(params![from, limit as i64, offset as i64], |row| {
            Ok(Missed {
                text: row.get(0)?,
                count: row.get(1)?,
                last: row.get(2)?,
                candidate: row.get(3)?,
            })
        })?;
        Ok((rows.collect::<rusqlite::Result<_>>()?, groups as usize))
    }
}

/// The `TOP` most frequent values of `column` since `from`, with their counts.
fn top(conn: &Connection, column: &str, from: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {column}, COUNT(*) AS n FROM questions
         WHERE at >= ?1 AND {column} IS NOT NULL
         GROUP BY {column} ORDER BY n DESC, {column} LIMIT {TOP}"
    ))?;
    let rows = statement.query_map(params![from], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

/// `(name, count)` pairs as `name 12, other 3`.
pub fn counts(pairs: &[(String, i64)]) -> String {
    match pairs {
        [] => "none".to_owned(),
        pairs => pairs
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

impl Stats {
    /// The figures as plain lines, the same in Telegram and on the console.
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!("Questions in the last 24 hours: {}", self.last_24_hours),
            format!("Questions in the last 7 days: {}", self.last_7_days),
            format!("In the last {} days: {}", self.since_days, self.questions),
            format!(
                "Answer rate: {:.0}% ({} answered)",
                self.answer_rate * 100.0,
                self.answered
            ),
            format!(
                "Suggestions picked: {} of {} \"did you mean\" replies",
                self.suggestions_picked, self.suggestions_offered
            ),
            format!("Top intents: {}", counts(&self.top_intents)),
            format!("Languages: {}", counts(&self.languages)),
            format!("Chat types: {}", counts(&self.chat_types)),
        ]
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.lines().join("\n") + "\n",
            Format::Json => json_line(self),
            Format::Csv => {
                let mut rows = vec!["figure,value".to_owned()];
                let plain = [
                    ("last_24_hours", self.last_24_hours.to_string()),
                    ("last_7_days", self.last_7_days.to_string()),
                    ("since_days", self.since_days.to_string()),
                    ("questions", self.questions.to_string()),
                    ("answered", self.answered.to_string()),
                    ("answer_rate", format!("{:.4}", self.answer_rate)),
                    ("suggestions_offered", self.suggestions_offered.to_string()),
                    ("suggestions_picked", self.suggestions_picked.to_string()),
                ];
                rows.extend(plain.iter().map(|(name, value)| format!("{name},{value}")));
                for (group, pairs) in [
                    ("intent", &self.top_intents),
                    ("lang", &self.languages),
                    ("chat_type", &self.chat_types),
                ] {
                    rows.extend(
                        pairs
                            .iter()
                            .map(|(name, n)| format!("{group}:{},{n}", csv_field(name))),
                    );
                }
                rows.join("\n") + "\n"
            }
        }
    }
}

/// The unanswered questions in `format`.
pub fn render_missed(missed: &[Missed], format: Format) -> String {
    match format {
        Format::Json => json_line(&missed),
        Format::Csv => {
            let mut rows = vec!["count,question,candidate_intent".to_owned()];
            rows.extend(missed.iter().map(|m| {
                format!(
                    "{},{},{}",
                    m.count,
                    csv_field(&m.text),
                    csv_field(m.candidate.as_deref().unwrap_or(""))
                )
            }));
            rows.join("\n") + "\n"
        }
        Format::Table => {
            let mut rows = vec![format!("{:>6}  question", "count")];
            rows.extend(missed.iter().map(|m| {
                let candidate = m
                    .candidate
                    .as_ref()
                    .map_or(String::new(), |c| format!("  (candidate phrasing for {c})"));
                format!("{:>6}  {}{candidate}", m.count, m.text)
            }));
            rows.join("\n") + "\n"
        }
    }
}

fn json_line<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("report figures serialise") + "\n"
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    match text.contains([',', '"', '\n', '\r']) {
        true => format!("\"{}\"", text.replace('"', "\"\"")),
        false => text.to_owned(),
    }
}
