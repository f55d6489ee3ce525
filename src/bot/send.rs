//! Sending with care. Failures that show a request had no effect (a 429, which is waited out
//! as told, a 5xx, a connection that never opened) are retried with back-off. A request that
//! may have taken effect (the connection dropped after it was sent, a response that is not
//! JSON, a time-out) is retried only when repeating it is harmless: a message is never sent
//! again, so no reply comes twice. HTML that Telegram refuses is sent again as plain text.

use std::future::Future;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters};
use teloxide::{ApiError, RequestError};
use tracing::warn;

use super::render;
use super::{scrub_tokens, Telegram};

const ATTEMPTS: u32 = 5;
const FIRST_DELAY: Duration = Duration::from_millis(300);
/// The longest a 429 is waited out here; Telegram asks for seconds, not hours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether a request may be sent again after a failure that leaves its effect unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    /// Doing it twice is harmless (reading, setting menus, answering a query).
    Harmless,
    /// Doing it twice shows twice (sending a message): repeat only what surely failed.
    OnlyIfUndone,
}

/// Whether a request may have taken effect although it failed: it reached the server, and
/// what came back was lost or unreadable.
fn may_have_taken_effect(error: &RequestError) -> bool {
    match error {
        RequestError::Network(network) => !network.is_connect(),
        RequestError::InvalidJson { .. } => true,
        _ => false,
    }
}

/// Whether a failed request may succeed if sent again, and after how long at least.
fn transient(error: &RequestError, repeat: Repeat) -> Option<Duration> {
    if may_have_taken_effect(error) {
        return (repeat == Repeat::Harmless).then_some(Duration::ZERO);
    }
    match error {
        RequestError::RetryAfter(after) => Some(after.duration().min(MAX_RETRY_AFTER)),
        RequestError::Network(_) | RequestError::Io(_) => Some(Duration::ZERO),
        RequestError::Api(ApiError::Unknown(description)) => {
            let server_side = [
                "Internal Server Error",
                "Bad Gateway",
                "Service Unavailable",
                "Gateway Timeout",
                "Too Many Requests",
            ];
            server_side
                .iter()
                .any(|s| description.contains(s))
                .then_some(Duration::ZERO)
        }
        _ => None,
    }
}

/// A failure as a log line: never a response body, which may quote anything (a proxy's page
/// quoting the request's URL, token and all), and no token-shaped text.
pub(crate) fn describe(error: &RequestError) -> String {
    match error {
        RequestError::InvalidJson { source, .. } => {
            format!("the response was not the Bot API's JSON ({source})")
        }
        other => scrub_tokens(&other.to_string()),
    }
}

/// Runs `op`, a request that is harmless to repeat, until it succeeds, fails for good, or has
/// been tried `ATTEMPTS` times.
pub(crate) async fn retrying<T, F, Fut>(op: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    retry(Repeat::Harmless, op).await
}

async fn retry<T, F, Fut>(repeat: Repeat, mut op: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut delay = FIRST_DELAY;
    let mut attempt = 1;
    loop {
        match op().await {
            Ok(value) => return Ok(value),
            Err(error) => match transient(&error, repeat) {
                Some(wait) if attempt < ATTEMPTS => {
                    let error = describe(&error);
                    warn!(attempt, "Telegram request failed, retrying: {error}");
                    // Never sooner than Telegram asked, and later each time: no busy loop.
                    tokio::time::sleep(wait.max(delay)).await;
                    delay *= 2;
                    attempt += 1;
                }
                _ => return Err(error),
            },
        }
    }
}

/// Sends HTML pieces in order, the keyboard under the last one, the first as a reply to
/// `reply_to` when given. Falls back to plain text for a piece Telegram cannot parse.
pub(crate) async fn send_pieces<R: Telegram>(
    bot: &R,
    chat: ChatId,
    reply_to: Option<MessageId>,
    pieces: &[String],
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    for (n, piece) in pieces.iter().enumerate() {
        let reply = reply_to.filter(|_| n == 0);
        let markup = keyboard.clone().filter(|_| n + 1 == pieces.len());
        match send_one(bot, chat, piece, Some(ParseMode::Html), reply, &markup).await {
            Err(RequestError::Api(ApiError::CantParseEntities(reason))) => {
                warn!("Telegram refused the HTML ({reason}); sending plain text");
                send_one(bot, chat, &render::to_plain(piece), None, reply, &markup).await?;
            }
            result => {
                result?;
            }
        }
    }
    Ok(())
}

/// One message, retried while it surely was not sent. When it may have been (the response
/// was lost), it counts as sent: a reply missing its confirmation beats a reply shown twice.
async fn send_one<R: Telegram>(
    bot: &R,
    chat: ChatId,
    text: &str,
    mode: Option<ParseMode>,
    reply: Option<MessageId>,
    markup: &Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let sent = retry(Repeat::OnlyIfUndone, || {
        let mut request = bot.send_message(chat, text);
        if let Some(mode) = mode {
            request = request.parse_mode(mode);
        }
        if let Some(id) = reply {
            request =
                request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let Some(markup) = markup.clone() {
            request = request.reply_markup(markup);
        }
        request.send()
    })
    .await;
    match sent {
        Err(error) if may_have_taken_effect(&error) => {
            let error = describe(&error);
            warn!(
                chat = chat.0,
                "a message may have been sent unconfirmed ({error}); not sending it again"
            );
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_errors_as_transient_or_final() {
        use teloxide::types::Seconds;
        let cases: [(RequestError, bool); 5] = [
            (RequestError::RetryAfter(Seconds::from_seconds(3)), true),
            (
                RequestError::Api(ApiError::Unknown("Bad Gateway".into())),
                true,
            ),
            (
                RequestError::Api(ApiError::Unknown("Internal Server Error".into())),
                true,
            ),
            (RequestError::Api(ApiError::BotBlocked), false),
            (
                RequestError::Api(ApiError::CantParseEntities("bad tag".into())),
                false,
            ),
        ];
        for (error, expected) in cases {
            for repeat in [Repeat::Harmless, Repeat::OnlyIfUndone] {
                assert_eq!(transient(&error, repeat).is_some(), expected, "{error:?}");
            }
        }
        assert_eq!(
            transient(
                &RequestError::RetryAfter(Seconds::from_seconds(3)),
                Repeat::OnlyIfUndone
            ),
            Some(Duration::from_secs(3))
        );
        // A response that is not JSON came from a server that may have done the work.
        let garbled = RequestError::InvalidJson {
            source: std::sync::Arc::new(serde_json::from_str::<u8>("<html>").unwrap_err()),
            raw: "<html>/bot1:secret-in-a-page</html>".into(),
        };
        assert_eq!(transient(&garbled, Repeat::Harmless), Some(Duration::ZERO));
        assert_eq!(transient(&garbled, Repeat::OnlyIfUndone), None);
        assert!(!describe(&garbled).contains("secret-in-a-page"));
    }
}
