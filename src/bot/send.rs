//! Sending with care: transient failures (time-outs, dropped connections, 5xx, a 429 the rate
//! limiter did not absorb) are retried with back-off so no reply is lost, and HTML that
//! Telegram refuses is sent again as plain text.

use std::future::Future;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters};
use teloxide::{ApiError, RequestError};
use tracing::warn;

use super::render;
use super::{scrub_tokens, TgBot};

const ATTEMPTS: u32 = 5;
const FIRST_DELAY: Duration = Duration::from_millis(300);
/// The longest a 429 is waited out here; Telegram asks for seconds, not hours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether a failed request may succeed if sent again, and after how long at least.
fn transient(error: &RequestError) -> Option<Duration> {
    match error {
        RequestError::RetryAfter(after) => Some(after.duration().min(MAX_RETRY_AFTER)),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            Some(Duration::ZERO)
        }
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

/// Runs `op` until it succeeds, fails for good, or has been tried `ATTEMPTS` times.
pub(crate) async fn retrying<T, F, Fut>(mut op: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut delay = FIRST_DELAY;
    let mut attempt = 1;
    loop {
        match op().await {
            Ok(value) => return Ok(value),
            Err(error) => match transient(&error) {
                Some(wait) if attempt < ATTEMPTS => {
                    // teloxide strips the token from request URLs, but a response body
                    // quoted in the error (a proxy's page) may still carry it.
                    let error_text = scrub_tokens(&error.to_string());
                    warn!(attempt, "Telegram request failed, retrying: {error_text}");
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
pub(crate) async fn send_pieces(
    bot: &TgBot,
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

/// One message, retried until it is sent or fails for good.
async fn send_one(
    bot: &TgBot,
    chat: ChatId,
    text: &str,
    mode: Option<ParseMode>,
    reply: Option<MessageId>,
    markup: &Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    retrying(|| {
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
    .await
    .map(|_| ())
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
            assert_eq!(transient(&error).is_some(), expected, "{error:?}");
        }
        assert_eq!(
            transient(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            Some(Duration::from_secs(3))
        );
    }
}
