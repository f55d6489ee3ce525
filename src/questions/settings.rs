//! Per-chat settings in the log's file: the language pinned with `/lang`, one row per chat,
//! keyed by the chat's salted hash (`Salt::hash("chat", id)`) so that no chat id is stored.
//! Settings are not questions: retention does not delete them; a new pin replaces the old.

use rusqlite::{params, Transaction};

use super::QuestionLog;
use crate::knowledge::Lang;

impl QuestionLog {
    /// Every pinned language, by chat hash. A row whose language this kzcn-bot does not know
    /// (written by a later version) is skipped, as if never pinned.
    pub fn pins(&self) -> rusqlite::Result<Vec<(String, Lang)>> {
        let mut statement = self
            .conn()
            .prepare("SELECT chat_hash, lang FROM chat_settings ORDER BY chat_hash")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut pins = Vec::new();
        for row in rows {
            let (chat, code) = row?;
            if let Some(lang) = Lang::from_code(&code) {
                pins.push((chat, lang));
            }
        }
        Ok(pins)
    }
}

/// Pins the chat whose hash is `chat` to `lang`, replacing an earlier pin.
pub(super) fn pin(tx: &Transaction, chat: &str, lang: Lang, at: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO chat_settings (chat_hash, lang, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (chat_hash) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at",
        params![chat, lang.code(), at],
    )?;
    Ok(())
}
