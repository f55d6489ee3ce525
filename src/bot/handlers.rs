//! Update handlers. Each is thin: take a snapshot of the engine, call it, render, send. Who
//! gets an answer is decided here: in private chats every text is a question; in groups only
//! commands for this bot, replies to it and messages that mention it.

use std::sync::Arc;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{
    InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText, Me,
    MessageId, ParseMode,
};
use teloxide::utils::command::BotCommands;
use tracing::{info, warn};

use super::render::{self, escape};
use super::send::{retrying, send_pieces};
use super::state::BotState;
use super::{Command, TgBot};
use crate::answer::Answer;
use crate::knowledge::Lang;

type HandlerResult = anyhow::Result<()>;

/// Inline mode shows at most this many answers.
const INLINE_RESULTS: usize = 5;
/// Problems listed in a failed-reload reply; the rest are counted.
const RELOAD_PROBLEMS_SHOWN: usize = 15;

/// A question found in a message, with the mention of the bot taken out.
#[derive(Clone, Debug)]
struct Question(String);

pub(super) fn schema() -> UpdateHandler<anyhow::Error> {
    let messages = Update::filter_message()
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(on_command),
        )
        .branch(dptree::filter_map(question_in).endpoint(on_question))
        .branch(dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(on_not_text));
    dptree::entry()
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline))
}

/// The question a message asks the bot, if it asks one: any text in a private chat; in a
/// group, a reply to the bot or a message mentioning it.
fn question_in(msg: Message, me: Me) -> Option<Question> {
    let text = msg.text()?;
    if msg.chat.is_private() {
        return Some(Question(text.to_owned()));
    }
    let replies_to_bot = msg
        .reply_to_message()
        .and_then(|r| r.from.as_ref())
        .is_some_and(|user| user.id == me.id);
    let mention = format!("@{}", me.username()).to_lowercase();
    let mentions_bot = text.to_lowercase().contains(&mention);
    if !replies_to_bot && !mentions_bot {
        return None;
    }
    Some(Question(remove_mention(text, &mention)))
}

/// `text` without `@botname` (matched case-insensitively).
fn remove_mention(text: &str, mention: &str) -> String {
    let lower = text.to_lowercase();
    // Lowercasing can change lengths outside ASCII; only cut where the byte offsets agree.
    match lower.find(mention) {
        Some(at) if lower.len() == text.len() => {
            format!("{}{}", &text[..at], &text[at + mention.len()..])
                .trim()
                .to_owned()
        }
        _ => text.to_owned(),
    }
}

fn lang_hint(user: Option<&teloxide::types::User>) -> Option<Lang> {
    user.and_then(|u| u.language_code.as_deref())
        .and_then(Lang::from_code)
}

/// In groups a reply quotes the asking message; in a private chat that would be noise.
fn reply_target(msg: &Message) -> Option<MessageId> {
    (!msg.chat.is_private()).then_some(msg.id)
}

async fn send_answer(bot: &TgBot, msg: &Message, answer: &Answer) -> HandlerResult {
    let pieces = render::answer_html(answer);
    send_pieces(
        bot,
        msg.chat.id,
        reply_target(msg),
        &pieces,
        render::keyboard(answer),
    )
    .await?;
    Ok(())
}

async fn send_html(
    bot: &TgBot,
    msg: &Message,
    html: String,
    keyboard: Option<teloxide::types::InlineKeyboardMarkup>,
) -> HandlerResult {
    let pieces = render::split(&html, render::MESSAGE_LIMIT);
    send_pieces(bot, msg.chat.id, reply_target(msg), &pieces, keyboard).await?;
    Ok(())
}

async fn on_question(
    bot: TgBot,
    msg: Message,
    question: Question,
    state: Arc<BotState>,
    me: Me,
) -> HandlerResult {
    let text = question.0.trim();
    if text.starts_with('/') {
        // A command this bot does not have (commands for other bots never get here in groups).
        let html = "I don't know that command. /help lists what I can do.".to_owned();
        return send_html(&bot, &msg, html, None).await;
    }
    if text.is_empty() {
        return send_html(&bot, &msg, how_to_ask(&me), None).await;
    }
    let answer = state.engine().answer(text, lang_hint(msg.from.as_ref()));
    send_answer(&bot, &msg, &answer).await
}

async fn on_not_text(bot: TgBot, msg: Message) -> HandlerResult {
    let html = "I can only read text. Please type your question.".to_owned();
    send_html(&bot, &msg, html, None).await
}

fn how_to_ask(me: &Me) -> String {
    format!(
        "Ask me about Kazakhstan–China relations in your own words, for example:\n\
         <code>/ask When did the visa-free regime start?</code>\n\n\
         In a group, use <code>/ask@{0} …</code>, mention @{0}, or reply to one of my messages.",
        escape(me.username())
    )
}

async fn on_command(
    bot: TgBot,
    msg: Message,
    command: Command,
    state: Arc<BotState>,
    me: Me,
) -> HandlerResult {
    let engine = state.engine();
    let lang = lang_hint(msg.from.as_ref()).unwrap_or_default();
    match command {
        Command::Start(payload) => {
            // A deep link (t.me/bot?start=visa) opens straight on that topic.
            if let Some(answer) = engine.answer_topic(payload.trim(), lang) {
                return send_answer(&bot, &msg, &answer).await;
            }
            let html = "Hello! I answer questions about Kazakhstan and China — the visa-free regime, trade, \
                        tourism, borders, energy, leaders' meetings — from five news articles, and every \
                        answer names its source.\n\nAsk in your own words, or pick a topic:"
                .to_owned();
            send_html(&bot, &msg, html, render::topic_keyboard(engine.knowledge())).await
        }
        Command::Help => {
            let html = format!(
                "{}\n\n{}",
                escape(&Command::descriptions().to_string()),
                how_to_ask(&me)
            );
            send_html(&bot, &msg, html, None).await
        }
        Command::Ask(question) if question.trim().is_empty() => {
            send_html(&bot, &msg, how_to_ask(&me), None).await
        }
        Command::Ask(question) => {
            let answer = engine.answer(&question, lang_hint(msg.from.as_ref()));
            send_answer(&bot, &msg, &answer).await
        }
        Command::Topics => {
            let titles: Vec<String> = engine
                .knowledge()
                .topics
                .iter()
                .map(|t| format!("• {}", escape(t.title.text(lang))))
                .collect();
            let html = format!("I know about:\n{}", titles.join("\n"));
            send_html(&bot, &msg, html, render::topic_keyboard(engine.knowledge())).await
        }
        Command::Sources => {
            let lines: Vec<String> = engine
                .knowledge()
                .sources
                .iter()
                .enumerate()
                .map(|(n, s)| {
                    let note = s
                        .date_note
                        .as_deref()
                        .map(|note| format!("\n<i>{}</i>", escape(note)))
                        .unwrap_or_default();
                    format!("{}. {}{note}", n + 1, escape(&s.citation()))
                })
                .collect();
            let html = format!(
                "My answers come from these articles:\n\n{}",
                lines.join("\n\n")
            );
            send_html(&bot, &msg, html, None).await
        }
        Command::About => {
            let knowledge = engine.knowledge();
            let html = format!(
                "kzcn-bot answers questions about Kazakhstan–China relations from a curated fact base: \
                 {} facts from {} news articles, written in its own words, each answer with its source. \
                 When the articles do not answer a question, it says so.",
                knowledge.fact_count(),
                knowledge.sources.len()
            );
            send_html(&bot, &msg, html, None).await
        }
        Command::Reload => reload(&bot, &msg, &state).await,
        topic_command => {
            let topic = topic_command
                .topic()
                .expect("every remaining command is a topic command");
            match engine.answer_topic(topic, lang) {
                Some(answer) => send_answer(&bot, &msg, &answer).await,
                None => {
                    send_html(
                        &bot,
                        &msg,
                        "That topic is not in the knowledge base right now.".to_owned(),
                        None,
                    )
                    .await
                }
            }
        }
    }
}

async fn reload(bot: &TgBot, msg: &Message, state: &BotState) -> HandlerResult {
    let user = msg.from.as_ref().map(|u| u.id.0);
    if !user.is_some_and(|id| state.is_admin(id)) {
        warn!(user = ?user, chat = msg.chat.id.0, "refused /reload from a non-admin");
        let html = "Sorry, only the bot's admins can reload the knowledge base.".to_owned();
        return send_html(bot, msg, html, None).await;
    }
    let html = match state.reload().await {
        Ok(report) => {
            info!(user = ?user, "{}", report.summary());
            escape(&report.summary())
        }
        Err(error) => {
            let problems = error.problems();
            warn!(user = ?user, problems = problems.len(), "reload refused:\n{}", problems.join("\n"));
            let mut shown: Vec<String> = problems
                .iter()
                .take(RELOAD_PROBLEMS_SHOWN)
                .map(|p| escape(p))
                .collect();
            if problems.len() > RELOAD_PROBLEMS_SHOWN {
                shown.push(format!(
                    "… and {} more",
                    problems.len() - RELOAD_PROBLEMS_SHOWN
                ));
            }
            format!(
                "Reload failed, so I keep serving the previous knowledge base. Problems:\n<pre>{}</pre>",
                shown.join("\n")
            )
        }
    };
    send_html(bot, msg, html, None).await
}

async fn on_callback(bot: TgBot, query: CallbackQuery, state: Arc<BotState>) -> HandlerResult {
    // Answer the callback first, whatever happens next: no spinner is left on the button.
    retrying(|| bot.answer_callback_query(query.id.clone()).send()).await?;
    let engine = state.engine();
    let lang = lang_hint(Some(&query.from)).unwrap_or_default();
    let answer = match query.data.as_deref().and_then(|data| data.split_once(':')) {
        Some(("i", id)) => engine.answer_intent(id, lang),
        Some(("t", id)) => engine.answer_topic(id, lang),
        _ => None,
    };
    let Some(answer) = answer else {
        warn!(data = ?query.data, "button for something no longer in the knowledge base");
        return Ok(());
    };
    let chat = query
        .message
        .as_ref()
        .map_or(ChatId(query.from.id.0 as i64), |m| m.chat().id);
    send_pieces(
        &bot,
        chat,
        None,
        &render::answer_html(&answer),
        render::keyboard(&answer),
    )
    .await?;
    Ok(())
}

async fn on_inline(bot: TgBot, query: InlineQuery, state: Arc<BotState>) -> HandlerResult {
    let engine = state.engine();
    let hint = lang_hint(Some(&query.from));
    let answers = if query.query.trim().is_empty() {
        engine.topic_answers(hint.unwrap_or_default())
    } else {
        engine.top_answers(&query.query, hint, INLINE_RESULTS)
    };
    let results: Vec<InlineQueryResult> = answers
        .iter()
        .take(INLINE_RESULTS)
        .filter_map(|answer| {
            let id = answer.intent.clone()?;
            let title = engine
                .knowledge()
                .intent(&id)
                .map(|i| i.title.text(answer.lang).to_owned())?;
            // An inline result is one message: the first piece of the answer.
            let html = render::answer_html(answer).into_iter().next()?;
            let description: String = answer.paragraphs.first()?.chars().take(120).collect();
            let content = InputMessageContent::Text(
                InputMessageContentText::new(html).parse_mode(ParseMode::Html),
            );
            Some(InlineQueryResult::Article(
                InlineQueryResultArticle::new(id, title, content).description(description),
            ))
        })
        .collect();
    retrying(|| {
        bot.answer_inline_query(query.id.clone(), results.clone())
            .cache_time(60)
            .send()
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_the_mention_of_the_bot() {
        let cases = [
            ("@kzcn_bot when did visas end", "when did visas end"),
            ("when did visas end @KZCN_bot?", "when did visas end ?"),
            ("no mention", "no mention"),
        ];
        for (text, expected) in cases {
            assert_eq!(remove_mention(text, "@kzcn_bot"), expected);
        }
    }
}
