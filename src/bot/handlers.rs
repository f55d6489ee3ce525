//! Update handlers. Each is thin: take a snapshot of the engine, call it, render, send. Who
//! gets an answer is decided here: in private chats every text is a question; in groups only
//! commands for this bot, replies to it and messages that mention it. So is the language: the
//! one pinned for the chat with /lang, else the question's own (answers) or the user's
//! interface language (menus and help).

use std::sync::Arc;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{
    ChatMemberStatus, InlineKeyboardMarkup, InlineQueryResult, InlineQueryResultArticle,
    InputMessageContent, InputMessageContentText, Me, MessageId, ParseMode, UserId,
};
use tracing::{info, warn};

use super::admin::{self, PAGE_BUTTON, UNANSWERED_PAGE};
use super::commands::{self, topic_command};
use super::inflight::InFlight;
use super::limit::Verdict;
use super::pool::Failed;
use super::render::{self, escape, Button};
use super::send::{describe, retrying, send_pieces};
use super::state::BotState;
use super::{menus_differ, register_commands, Command, Redactor, Telegram};
use crate::answer::{Answer, Engine};
use crate::knowledge::{fill, Lang};
use crate::questions::{self, ChatType, QuestionLog, DEFAULT_SINCE_DAYS};

type HandlerResult = anyhow::Result<()>;

/// Inline mode shows at most this many answers.
const INLINE_RESULTS: usize = 5;
/// Problems listed in a failed-reload reply; the rest are counted.
const RELOAD_PROBLEMS_SHOWN: usize = 15;

/// A question found in a message, with the mention of the bot taken out.
#[derive(Clone, Debug)]
struct Question(String);

/// The id of the topic whose command a message sends (`/visa`, `/visa@this_bot`).
#[derive(Clone, Debug)]
struct TopicCommand(String);

/// The routing tree for a bot talking through `R` (throttled or not).
pub(super) fn schema<R: Telegram>() -> UpdateHandler<anyhow::Error> {
    let messages = Update::filter_message()
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(on_command::<R>),
        )
        .branch(dptree::filter_map(topic_in).endpoint(on_topic::<R>))
        .branch(dptree::filter_map(question_in).endpoint(on_question::<R>))
        .branch(dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(on_not_text::<R>));
    // Every update holds its place among those in flight until the handlers are done with
    // it: the `Slot` lives among the update's dependencies.
    dptree::map(|in_flight: Arc<InFlight>| in_flight.slot())
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(on_callback::<R>))
        .branch(Update::filter_inline_query().endpoint(on_inline::<R>))
}

/// The topic command a message sends, if it is one of the current fact base's: read afresh
/// for each message, so a topic added and reloaded answers at once.
fn topic_in(msg: Message, me: Me, state: Arc<BotState>) -> Option<TopicCommand> {
    let engine = state.engine();
    let topic = topic_command(msg.text()?, me.username(), engine.knowledge())?;
    Some(TopicCommand(topic.id.clone()))
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
    let mention = format!("@{}", me.username());
    let mentions_bot = find_mention(text, &mention).is_some();
    if !replies_to_bot && !mentions_bot {
        return None;
    }
    Some(Question(remove_mention(text, &mention)))
}

/// `text` without `@botname` (matched case-insensitively).
pub(super) fn remove_mention(text: &str, mention: &str) -> String {
    match find_mention(text, mention) {
        Some(at) => format!("{}{}", &text[..at], &text[at + mention.len()..])
            .trim()
            .to_owned(),
        None => text.to_owned(),
    }
}

/// Where `mention` (an ASCII `@username`) starts in `text`, ignoring ASCII case, as a whole
/// word. Matching bytes of the original text, never of a lowercased copy, keeps the offsets
/// valid: lowercasing İ or the Kelvin sign changes their length and used to cut mid-character.
pub(super) fn find_mention(text: &str, mention: &str) -> Option<usize> {
    let (bytes, wanted) = (text.as_bytes(), mention.as_bytes());
    text.char_indices().map(|(at, _)| at).find(|&at| {
        let end = at + wanted.len();
        end <= bytes.len()
            && bytes[at..end].eq_ignore_ascii_case(wanted)
            && !text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}

/// The person answerable for a message: its sender, when Telegram vouches for who that is. A
/// forward carries someone else's words; a message sent as a channel or as an anonymous group
/// admin (`sender_chat`, with a stand-in bot such as GroupAnonymousBot as `from`) names no
/// person; and a bot is not one.
fn author(msg: &Message) -> Option<UserId> {
    if msg.forward_origin().is_some() || msg.is_automatic_forward() || msg.sender_chat.is_some() {
        return None;
    }
    let user = msg.from.as_ref()?;
    let stand_in = user.id.is_anonymous() || user.id.is_channel() || user.id.is_telegram();
    (!user.is_bot && !stand_in).then_some(user.id)
}

/// Whom a message's work counts against: the chat it was sent as (a channel, or a group for
/// its anonymous admins), else its sender.
fn requester(msg: &Message) -> Option<i64> {
    let chat = msg.sender_chat.as_ref().map(|chat| chat.id.0);
    chat.or_else(|| msg.from.as_ref().map(|user| user.id.0 as i64))
}

/// Counts a message against its sender's rate limit. Over the limit the message is dropped,
/// and the sender is told why, once per window.
async fn admitted<R: Telegram>(bot: &R, msg: &Message, state: &BotState) -> anyhow::Result<bool> {
    let Some(who) = requester(msg) else {
        return Ok(true);
    };
    match state.admit(who) {
        Verdict::Go => Ok(true),
        Verdict::Refuse { tell: false } => Ok(false),
        Verdict::Refuse { tell: true } => {
            info!(
                who,
                chat = msg.chat.id.0,
                "over the rate limit: told, then quiet"
            );
            let html = said(&state.engine(), "rate_limited", ui_lang(state, msg), &[]);
            send_html(bot, msg, html, None).await?;
            Ok(false)
        }
    }
}

/// The user's interface language, from Telegram.
fn interface(user: Option<&teloxide::types::User>) -> Option<Lang> {
    user.and_then(|u| u.language_code.as_deref())
        .and_then(Lang::from_code)
}

/// The language for the bot's own messages in this chat: pinned, else the user's interface.
fn ui_lang(state: &BotState, msg: &Message) -> Lang {
    state
        .chat_language(msg.chat.id.0)
        .or_else(|| interface(msg.from.as_ref()))
        .unwrap_or_default()
}

/// In groups a reply quotes the asking message; in a private chat that would be noise.
fn reply_target(msg: &Message) -> Option<MessageId> {
    (!msg.chat.is_private()).then_some(msg.id)
}

async fn send_answer<R: Telegram>(
    bot: &R,
    msg: &Message,
    engine: &Engine,
    answer: &Answer,
) -> HandlerResult {
    let pieces = render::answer_html(answer);
    send_pieces(
        bot,
        msg.chat.id,
        reply_target(msg),
        &pieces,
        render::keyboard(answer, engine.knowledge()),
    )
    .await?;
    Ok(())
}

async fn send_html<R: Telegram>(
    bot: &R,
    msg: &Message,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> HandlerResult {
    let pieces = render::split(&html, render::MESSAGE_LIMIT);
    send_pieces(bot, msg.chat.id, reply_target(msg), &pieces, keyboard).await?;
    Ok(())
}

/// A message from the fact base in `lang` as HTML: the text is escaped, then `{name}` values,
/// which are HTML already (escaped by the caller, or markup such as `<code>`), are filled in.
pub(super) fn said(engine: &Engine, id: &str, lang: Lang, values: &[(&str, &str)]) -> String {
    fill(&escape(engine.knowledge().message(id, lang)), values)
}

async fn on_question<R: Telegram>(
    bot: R,
    msg: Message,
    question: Question,
    state: Arc<BotState>,
    me: Me,
) -> HandlerResult {
    if !admitted(&bot, &msg, &state).await? {
        return Ok(());
    }
    let engine = state.engine();
    let text = question.0.trim();
    if text.starts_with('/') {
        // A command this bot does not have (commands for other bots never get here in groups).
        let html = said(&engine, "unknown_command", ui_lang(&state, &msg), &[]);
        return send_html(&bot, &msg, html, None).await;
    }
    if text.is_empty() {
        return send_html(
            &bot,
            &msg,
            how_to_ask(&engine, &me, ui_lang(&state, &msg)),
            None,
        )
        .await;
    }
    let chat = msg.chat.id.0;
    let replying = msg
        .reply_to_message()
        .and_then(|r| r.from.as_ref())
        .is_some_and(|user| user.id == me.id);
    let previous = state.follow_up(chat, replying, msg.chat.is_private());
    let (hint, pinned) = (interface(msg.from.as_ref()), state.chat_language(chat));
    let answered = state
        .answer_with(Arc::clone(&engine), text.to_owned(), move |engine, text| {
            engine.answer_after(text, hint, pinned, previous.as_ref())
        })
        .await;
    let Ok(answer) = answered else {
        return apologise(&bot, &msg, &state, &engine).await;
    };
    state.remember(chat, answer.follow_up.clone());
    log_question(&state, &msg, &answer);
    send_answer(&bot, &msg, &engine, &answer).await
}

/// Queues a question for the question log (never waits for it to be written).
fn log_question(state: &BotState, msg: &Message, answer: &Answer) {
    let chat_type = match msg.chat.is_private() {
        true => ChatType::Private,
        false => ChatType::Group,
    };
    let chat = msg.chat.id.0;
    let user = requester(msg).unwrap_or(chat);
    state.journal.asked(answer, chat_type, user, chat);
}

/// The reply when the engine failed on a question: the user learns it was not their fault,
/// and the chat goes on working.
async fn apologise<R: Telegram>(
    bot: &R,
    msg: &Message,
    state: &BotState,
    engine: &Engine,
) -> HandlerResult {
    let html = said(engine, "answer_failed", ui_lang(state, msg), &[]);
    send_html(bot, msg, html, None).await
}

async fn on_not_text<R: Telegram>(bot: R, msg: Message, state: Arc<BotState>) -> HandlerResult {
    if !admitted(&bot, &msg, &state).await? {
        return Ok(());
    }
    let html = said(&state.engine(), "only_text", ui_lang(&state, &msg), &[]);
    send_html(&bot, &msg, html, None).await
}

fn how_to_ask(engine: &Engine, me: &Me, lang: Lang) -> String {
    let username = escape(me.username());
    let example = escape(engine.knowledge().message("example_question", lang));
    let group = said(
        engine,
        "how_to_ask_group",
        lang,
        &[
            ("ask", &format!("<code>/ask@{username} …</code>")),
            ("mention", &format!("@{username}")),
        ],
    );
    format!(
        "{}\n<code>/ask {example}</code>\n\n{group}",
        said(engine, "how_to_ask", lang, &[])
    )
}

fn help_text(engine: &Engine, me: &Me, lang: Lang) -> String {
    let mut lines = vec![said(engine, "cmd_header", lang, &[])];
    for (name, description) in commands::menu(engine.knowledge(), lang) {
        lines.push(format!("/{name} — {}", escape(&description)));
    }
    format!("{}\n\n{}", lines.join("\n"), how_to_ask(engine, me, lang))
}

/// A topic's command: the topic's overview answer.
async fn on_topic<R: Telegram>(
    bot: R,
    msg: Message,
    topic: TopicCommand,
    state: Arc<BotState>,
) -> HandlerResult {
    if !admitted(&bot, &msg, &state).await? {
        return Ok(());
    }
    let engine = state.engine();
    let lang = ui_lang(&state, &msg);
    match engine.answer_topic(&topic.0, lang) {
        Some(answer) => {
            state.remember(msg.chat.id.0, answer.follow_up.clone());
            send_answer(&bot, &msg, &engine, &answer).await
        }
        // Reloaded away between reading the command and answering it.
        None => send_html(&bot, &msg, said(&engine, "topic_missing", lang, &[]), None).await,
    }
}

async fn on_command<R: Telegram>(
    bot: R,
    msg: Message,
    command: Command,
    state: Arc<BotState>,
    redactor: Arc<Redactor>,
    me: Me,
) -> HandlerResult {
    if !admitted(&bot, &msg, &state).await? {
        return Ok(());
    }
    let engine = state.engine();
    let lang = ui_lang(&state, &msg);
    let pinned = state.chat_language(msg.chat.id.0);
    match command {
        Command::Start(payload) => {
            // A deep link (t.me/bot?start=visa) opens straight on that topic.
            if let Some(answer) = engine.answer_topic(payload.trim(), lang) {
                return send_answer(&bot, &msg, &engine, &answer).await;
            }
            let html = format!(
                "{}\n\n{}",
                said(&engine, "welcome", lang, &[]),
                said(&engine, "pick_topic", lang, &[])
            );
            send_html(
                &bot,
                &msg,
                html,
                render::topic_keyboard(engine.knowledge(), lang),
            )
            .await
        }
        Command::Help => send_html(&bot, &msg, help_text(&engine, &me, lang), None).await,
        Command::Ask(question) if question.trim().is_empty() => {
            send_html(&bot, &msg, how_to_ask(&engine, &me, lang), None).await
        }
        Command::Ask(question) => {
            let hint = interface(msg.from.as_ref());
            let answered = state
                .answer_with(Arc::clone(&engine), question, move |engine, question| {
                    engine.answer_as(question, hint, pinned)
                })
                .await;
            match answered {
                Ok(answer) => {
                    log_question(&state, &msg, &answer);
                    send_answer(&bot, &msg, &engine, &answer).await
                }
                Err(Failed) => apologise(&bot, &msg, &state, &engine).await,
            }
        }
        Command::Topics => {
            let titles: Vec<String> = engine
                .knowledge()
                .topics
                .iter()
                .map(|t| format!("• {}", escape(t.title.text(lang))))
                .collect();
            let html = format!(
                "{}\n{}",
                said(&engine, "topics_header", lang, &[]),
                titles.join("\n")
            );
            send_html(
                &bot,
                &msg,
                html,
                render::topic_keyboard(engine.knowledge(), lang),
            )
            .await
        }
        Command::Sources => {
            let knowledge = engine.knowledge();
            let lines: Vec<String> = knowledge
                .sources
                .iter()
                .enumerate()
                .map(|(n, s)| format!("{}. {}", n + 1, escape(&s.citation(lang, knowledge))))
                .collect();
            let html = format!(
                "{}\n\n{}",
                said(&engine, "sources_header", lang, &[]),
                lines.join("\n\n")
            );
            send_html(&bot, &msg, html, None).await
        }
        Command::About => {
            let knowledge = engine.knowledge();
            let facts = knowledge.fact_count().to_string();
            let sources = knowledge.sources.len().to_string();
            let html = said(
                &engine,
                "about",
                lang,
                &[("facts", &facts), ("sources", &sources)],
            );
            send_html(&bot, &msg, html, None).await
        }
        Command::Lang(code) => set_language(&bot, &msg, &state, &code).await,
        Command::Reload => reload(&bot, &msg, &state, &redactor, lang).await,
        Command::Stats => stats(&bot, &msg, &state, lang).await,
        Command::Unanswered => match admin(&msg, &state) {
            Some(_) => unanswered_page(&bot, msg.chat.id, &state, 0, lang).await,
            None => refuse(&bot, &msg, &state, "admin_only", lang).await,
        },
    }
}

/// `/lang xx`: pins the chat's language. In groups only the chat's admins may.
async fn set_language<R: Telegram>(
    bot: &R,
    msg: &Message,
    state: &BotState,
    code: &str,
) -> HandlerResult {
    let engine = state.engine();
    let current = ui_lang(state, msg);
    let Some(lang) = Lang::from_code(code.trim()) else {
        return send_html(bot, msg, said(&engine, "lang_usage", current, &[]), None).await;
    };
    if !msg.chat.is_private() && !group_admin(bot, msg).await? {
        return send_html(
            bot,
            msg,
            said(&engine, "lang_admins_only", current, &[]),
            None,
        )
        .await;
    }
    state.set_chat_language(msg.chat.id.0, lang);
    info!(chat = msg.chat.id.0, %lang, "chat language pinned");
    send_html(bot, msg, said(&engine, "lang_set", lang, &[]), None).await
}

/// Whether a group message comes from one of the group's admins. Anonymous admins post as the
/// group itself, which only they can do; anyone else is asked about by numeric id.
async fn group_admin<R: Telegram>(bot: &R, msg: &Message) -> Result<bool, teloxide::RequestError> {
    let as_this_group = msg
        .sender_chat
        .as_ref()
        .is_some_and(|c| c.id == msg.chat.id);
    if as_this_group && msg.forward_origin().is_none() && !msg.is_automatic_forward() {
        return Ok(true);
    }
    let Some(user) = author(msg) else {
        return Ok(false);
    };
    let member = retrying(|| bot.get_chat_member(msg.chat.id, user).send()).await?;
    Ok(matches!(
        member.status(),
        ChatMemberStatus::Owner | ChatMemberStatus::Administrator
    ))
}

/// The message's author, when an admin. Only the numeric id of the message's own author
/// counts, in any chat: never a username, a forward's origin, or a channel or anonymous admin.
fn admin(msg: &Message, state: &BotState) -> Option<u64> {
    author(msg).map(|id| id.0).filter(|&id| state.is_admin(id))
}

/// Refuses an admin command to someone else, and logs the attempt.
async fn refuse<R: Telegram>(
    bot: &R,
    msg: &Message,
    state: &BotState,
    message: &str,
    lang: Lang,
) -> HandlerResult {
    let from = msg.from.as_ref().map(|u| u.id.0);
    let command = msg.text().unwrap_or_default().split_whitespace().next();
    warn!(user = ?from, chat = msg.chat.id.0, ?command, "refused an admin command from someone not an admin");
    send_html(bot, msg, said(&state.engine(), message, lang, &[]), None).await
}

/// `/stats`: the question log's figures, and whether the log is degraded, in `lang`.
async fn stats<R: Telegram>(bot: &R, msg: &Message, state: &BotState, lang: Lang) -> HandlerResult {
    if admin(msg, state).is_none() {
        return refuse(bot, msg, state, "admin_only", lang).await;
    }
    state.flush_journal().await;
    let dir = state.journal.data_dir().to_owned();
    let read = tokio::task::spawn_blocking(move || {
        let log = QuestionLog::open_existing(&dir).map_err(|e| e.to_string())?;
        log.stats(questions::now(), DEFAULT_SINCE_DAYS)
            .map_err(|e| format!("{}: {e}", log.path().display()))
    })
    .await
    .unwrap_or_else(|_| Err("reading the question log failed".to_owned()));
    let engine = state.engine();
    let mut lines = admin::degraded_lines(&engine, state.journal.degraded().as_deref(), lang);
    match read {
        Ok(stats) => lines.extend(admin::stats_lines(&engine, &stats, lang)),
        Err(problem) => lines.push(admin::unreadable_line(&engine, &problem, lang)),
    }
    send_html(bot, msg, lines.join("\n"), None).await
}

/// One page of `/unanswered` in `lang`, from the question at `offset`, with buttons to the
/// pages around it. Sent to `chat` as a new message.
async fn unanswered_page<R: Telegram>(
    bot: &R,
    chat: ChatId,
    state: &BotState,
    offset: usize,
    lang: Lang,
) -> HandlerResult {
    state.flush_journal().await;
    let dir = state.journal.data_dir().to_owned();
    let read = tokio::task::spawn_blocking(move || {
        let log = QuestionLog::open_existing(&dir).map_err(|e| e.to_string())?;
        log.unanswered(
            questions::now(),
            DEFAULT_SINCE_DAYS,
            UNANSWERED_PAGE,
            offset,
        )
        .map_err(|e| format!("{}: {e}", log.path().display()))
    })
    .await
    .unwrap_or_else(|_| Err("reading the question log failed".to_owned()));
    let engine = state.engine();
    let mut lines = admin::degraded_lines(&engine, state.journal.degraded().as_deref(), lang);
    let mut keyboard = None;
    match read {
        Err(problem) => lines.push(admin::unreadable_line(&engine, &problem, lang)),
        Ok((missed, groups)) => {
            lines.extend(admin::unanswered_lines(
                &engine, &missed, groups, offset, lang,
            ));
            keyboard = admin::page_buttons(&engine, offset, groups, lang);
        }
    }
    let pieces = render::split(&lines.join("\n"), render::MESSAGE_LIMIT);
    send_pieces(bot, chat, None, &pieces, keyboard).await?;
    Ok(())
}

async fn reload<R: Telegram>(
    bot: &R,
    msg: &Message,
    state: &BotState,
    redactor: &Redactor,
    lang: Lang,
) -> HandlerResult {
    let engine = state.engine();
    let user = admin(msg, state);
    if user.is_none() {
        return refuse(bot, msg, state, "reload_refused", lang).await;
    }
    let html = match state.reload().await {
        Ok(report) => {
            info!(user = ?user, "{}", report.summary());
            let diff = &report.diff;
            let change = if diff.is_empty() {
                said(&engine, "reload_no_change", lang, &[])
            } else {
                let (added, removed, changed) = (
                    diff.added.len().to_string(),
                    diff.removed.len().to_string(),
                    diff.changed.len().to_string(),
                );
                said(
                    &engine,
                    "reload_changes",
                    lang,
                    &[
                        ("added", &added),
                        ("removed", &removed),
                        ("changed", &changed),
                    ],
                )
            };
            let (ms, facts, intents) = (
                report.elapsed.as_millis().to_string(),
                report.facts.to_string(),
                report.intents.to_string(),
            );
            let html = said(
                &engine,
                "reload_ok",
                lang,
                &[
                    ("ms", &ms),
                    ("facts", &facts),
                    ("intents", &intents),
                    ("change", &change),
                ],
            );
            send_html(bot, msg, html, None).await?;
            // A topic added, removed or renamed changes the menus; the reply goes first.
            let new = state.engine();
            if menus_differ(&engine, &new) {
                register_commands(bot, &new, redactor).await;
            }
            return Ok(());
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
                shown.push(format!("… +{}", problems.len() - RELOAD_PROBLEMS_SHOWN));
            }
            format!(
                "{}\n\n{}",
                said(&engine, "reload_failed", lang, &[]),
                render::preformatted(&shown.join("\n"))
            )
        }
    };
    send_html(bot, msg, html, None).await
}

/// What pressing a button brings.
enum Pressed {
    Answer(Box<Answer>),
    /// The quoted passages, as HTML messages.
    Quotes(Vec<String>),
    /// Data that names nothing in the current fact base: forged, or from before a reload.
    Stale,
}

/// What the button with `data` brings, in its own language (else `fallback`).
fn pressed(engine: &Engine, data: &str, fallback: Lang) -> Pressed {
    let Some((kind, lang, id)) = render::parse_button(data) else {
        return Pressed::Stale;
    };
    let lang = lang.unwrap_or(fallback);
    let knowledge = engine.knowledge();
    let found = match kind {
        Button::Intent => engine
            .answer_intent(id, lang)
            .map(|a| Pressed::Answer(Box::new(a))),
        Button::Topic => engine
            .answer_topic(id, lang)
            .map(|a| Pressed::Answer(Box::new(a))),
        Button::Quote => render::quoted_facts(knowledge, id)
            .map(|facts| Pressed::Quotes(render::quotes_html(knowledge, &facts, lang))),
    };
    found.unwrap_or(Pressed::Stale)
}

async fn on_callback<R: Telegram>(
    bot: R,
    query: CallbackQuery,
    state: Arc<BotState>,
) -> HandlerResult {
    let engine = state.engine();
    let lang = interface(Some(&query.from)).unwrap_or_default();
    let verdict = state.admit(query.from.id.0 as i64);
    let data = query.data.as_deref().unwrap_or_default();
    if let Some(offset) = data.strip_prefix(PAGE_BUTTON) {
        return unanswered_button(&bot, &query, &state, verdict, offset).await;
    }
    let outcome = (verdict == Verdict::Go).then(|| pressed(&engine, data, lang));
    // Over the limit, or for a button that names nothing any more, the pop-up says so (over
    // the limit, once per window).
    let notice = match (verdict, &outcome) {
        (Verdict::Refuse { tell: true }, _) => Some("rate_limited"),
        (_, Some(Pressed::Stale)) => Some("button_stale"),
        _ => None,
    }
    .map(|id| engine.knowledge().message(id, lang).to_owned());
    // Answer the callback first, whatever happens next: no spinner is left on the button. If
    // that fails, the answer itself still goes out.
    answer_callback(&bot, &query, notice).await;
    let chat = callback_chat(&query);
    match outcome {
        None => Ok(()),
        Some(Pressed::Stale) => {
            warn!(data = ?query.data, "button for something not in the knowledge base");
            Ok(())
        }
        Some(Pressed::Quotes(pieces)) => {
            state.journal.quoted(chat.0);
            send_pieces(&bot, chat, None, &pieces, None).await?;
            Ok(())
        }
        Some(Pressed::Answer(answer)) => {
            if let Some(intent) = &answer.intent {
                state.journal.followed(chat.0, intent);
            }
            state.remember(chat.0, answer.follow_up.clone());
            let keyboard = render::keyboard(&answer, engine.knowledge());
            send_pieces(&bot, chat, None, &render::answer_html(&answer), keyboard).await?;
            Ok(())
        }
    }
}

/// A press on an `/unanswered` page button: the next page, for an admin only, whoever sent
/// the page.
async fn unanswered_button<R: Telegram>(
    bot: &R,
    query: &CallbackQuery,
    state: &BotState,
    verdict: Verdict,
    offset: &str,
) -> HandlerResult {
    answer_callback(bot, query, None).await;
    if verdict != Verdict::Go {
        return Ok(());
    }
    if !state.is_admin(query.from.id.0) {
        warn!(
            user = query.from.id.0,
            "refused an /unanswered page to someone not an admin"
        );
        return Ok(());
    }
    let chat = callback_chat(query);
    // The chat's pinned language, else the presser's, as for a command.
    let lang = state
        .chat_language(chat.0)
        .or_else(|| interface(Some(&query.from)))
        .unwrap_or_default();
    unanswered_page(bot, chat, state, offset.parse().unwrap_or(0), lang).await
}

/// Answers a button's callback, with a pop-up when there is a `notice`; a failure is logged,
/// and what the press brings still goes out.
async fn answer_callback<R: Telegram>(bot: &R, query: &CallbackQuery, notice: Option<String>) {
    let answered = retrying(|| match &notice {
        Some(text) => bot
            .answer_callback_query(query.id.clone())
            .text(text.clone())
            .send(),
        None => bot.answer_callback_query(query.id.clone()).send(),
    })
    .await;
    if let Err(error) = answered {
        warn!("cannot answer a button's callback: {}", describe(&error));
    }
}

/// The chat a button was pressed in: its message's, else the presser's private chat.
fn callback_chat(query: &CallbackQuery) -> ChatId {
    query
        .message
        .as_ref()
        .map_or(ChatId(query.from.id.0 as i64), |m| m.chat().id)
}

async fn on_inline<R: Telegram>(bot: R, query: InlineQuery, state: Arc<BotState>) -> HandlerResult {
    if state.admit(query.from.id.0 as i64) != Verdict::Go {
        // No engine work over the limit; an empty answer, not cached, so a later try is real.
        retrying(|| {
            bot.answer_inline_query(query.id.clone(), Vec::<InlineQueryResult>::new())
                .cache_time(0)
                .is_personal(true)
                .send()
        })
        .await?;
        return Ok(());
    }
    let engine = state.engine();
    let hint = interface(Some(&query.from));
    let answered = state
        .answer_with(
            Arc::clone(&engine),
            query.query.clone(),
            move |engine, text| {
                if text.trim().is_empty() {
                    engine.topic_answers(hint.unwrap_or_default())
                } else {
                    engine.top_answers(text, hint, INLINE_RESULTS)
                }
            },
        )
        .await;
    // After a failed engine call the user sees no results, and may type on.
    let answers = answered.unwrap_or_default();
    log_inline(&state, &query, &answers);
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
            // The answers follow the user's interface language: Telegram must not cache them
            // for everyone who types the same words.
            .is_personal(true)
            .send()
    })
    .await?;
    Ok(())
}

/// Queues an inline query for the question log, with its first result: "answered" when it
/// offered any. (The journal keeps only the last of the queries a user sends while typing.)
fn log_inline(state: &BotState, query: &InlineQuery, answers: &[Answer]) {
    if query.query.trim().is_empty() {
        return;
    }
    let user = query.from.id.0 as i64;
    match answers.first() {
        Some(first) => {
            let mut first = first.clone();
            first.question = query.query.clone();
            state.journal.asked(&first, ChatType::Inline, user, user);
        }
        None => {
            let lang = crate::matching::detect_lang(&query.query, interface(Some(&query.from)));
            let engine = state.engine();
            let unknown = engine.unanswered(&query.query, lang);
            state.journal.asked(&unknown, ChatType::Inline, user, user);
        }
    }
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
            ("@kzcn_botany is a word", "@kzcn_botany is a word"),
            // Regression: lowercasing İ (2 → 3 bytes) and K (3 → 1 byte) kept the total
            // length but moved the offsets, and the cut fell inside the Kelvin sign. (A
            // letter right after the name makes it another username, so nothing is cut.)
            ("İ@kzcn_bot\u{212A}İ", "İ@kzcn_bot\u{212A}İ"),
            ("İ@kzcn_bot \u{212A}İ?", "İ \u{212A}İ?"),
            ("\u{212A}\u{212A}@KZCN_BOT visa", "\u{212A}\u{212A} visa"),
        ];
        for (text, expected) in cases {
            assert_eq!(remove_mention(text, "@kzcn_bot"), expected);
        }
    }

    /// Text around a mention: any characters, and the ones whose case mapping changes their
    /// length (the cut once fell inside them).
    fn around() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let tricky = proptest::sample::select(vec![
            "İ", "\u{212A}", "ß", "ǅ", "ﬁ", "ΐ", "@", "@kzcn", "_", "a", " ", "\n", "\u{301}", "👍🏽",
        ]);
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(tricky, 0..12).prop_map(|pieces| pieces.concat()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Regression property for the group-message crash: a mention next to İ or the Kelvin
        /// sign made `remove_mention` slice inside a character and panic.
        #[test]
        fn mention_removal_never_cuts_inside_a_character(
            text in around(),
            name in "[A-Za-z0-9_]{1,12}",
        ) {
            let mention = format!("@{name}");
            let removed = remove_mention(&text, &mention);
            match find_mention(&text, &mention) {
                Some(at) => {
                    let expected = format!("{}{}", &text[..at], &text[at + mention.len()..]);
                    proptest::prop_assert_eq!(removed, expected.trim());
                }
                None => proptest::prop_assert_eq!(removed, text),
            }
        }

        /// A mention of the bot in any case, as a whole word, is found and taken out; the text
        /// around it is kept.
        #[test]
        fn a_whole_word_mention_is_taken_out_whatever_surrounds_it(
            before in around(),
            after in around(),
            upper in proptest::prelude::any::<bool>(),
        ) {
            let before = before.replace('@', "");
            let mention = if upper { "@KZCN_Bot" } else { "@kzcn_bot" };
            let after = format!(" {after}");
            let text = format!("{before}{mention}{after}");
            proptest::prop_assert_eq!(find_mention(&text, "@kzcn_bot"), Some(before.len()));
            let expected = format!("{before}{after}");
            proptest::prop_assert_eq!(remove_mention(&text, "@kzcn_bot"), expected.trim());
        }
    }
}
