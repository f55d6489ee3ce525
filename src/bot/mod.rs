//! The Telegram front: a thin shell over `Engine::answer`.
//!
//! `commands` is the bot's own command enum (its docs are `/help`) and the topics' commands,
//! which come from the fact base; `schema` routes updates to the
//! `handlers`, which snapshot the knowledge base, call the engine on the `pool` (off the async
//! threads, a panic caught), `render` the answer as HTML and `send` it (with retries, and plain
//! text when HTML is refused, a reply never sent twice). `state` holds the shared engine,
//! swapped atomically on `/reload` or SIGHUP, the per-user rate `limit`, and the `journal` that
//! queues questions for the question log and keeps the `settings` of each chat (its pinned
//! language) in the same file. `inflight` bounds the updates taken from Telegram and not yet
//! answered, polling no further at the bound. `run` starts it all and stops it cleanly.

mod admin;
mod commands;
mod handlers;
mod inflight;
mod journal;
mod limit;
mod pool;
pub mod render;
mod send;
mod settings;
mod state;
#[cfg(test)]
mod tests;

/// The handlers' text handling, for the fuzz targets in `fuzz/` (the `fuzzing` feature). Not
/// an API: it only lends them functions that are private to the handlers.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// `text` without `@botname`, as a group question is read.
    pub fn remove_mention(text: &str, mention: &str) -> String {
        super::handlers::remove_mention(text, mention)
    }

    /// Where `mention` starts in `text`, as a whole username.
    pub fn find_mention(text: &str, mention: &str) -> Option<usize> {
        super::handlers::find_mention(text, mention)
    }
}

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use teloxide::adaptors::throttle::Limits;
use teloxide::adaptors::Throttle;
use teloxide::dispatching::Dispatcher;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{BotCommand, BotCommandScope};
use teloxide::update_listeners::{webhooks, UpdateListener};
use teloxide::RequestError;
use tracing::{error, info, warn};

pub use commands::Command;
use inflight::{BoundedPolling, InFlight};
pub use state::{BotState, ReloadReport};

use crate::answer::Engine;
use crate::config::ServeConfig;
use crate::knowledge::Lang;

/// The Bot API client every handler talks through. By default it is `Throttle<Bot>`, which
/// keeps to Telegram's limits (1 message a second per chat, 20 a minute per group, 30 a second
/// overall) and waits out 429s by itself; with `TELEGRAM_THROTTLE=off` it is the bare `Bot`,
/// for a local Bot API server or a benchmark. The handlers are generic over it, rather than
/// the adaptor being given huge limits, because the adaptor's queue costs time of its own even
/// when it never waits.
pub(crate) trait Telegram:
    Requester<Err = RequestError, GetUpdates: Send, DeleteWebhook: Send> + Clone + Send + Sync + 'static
{
}

impl<T> Telegram for T where
    T: Requester<Err = RequestError, GetUpdates: Send, DeleteWebhook: Send>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// How long one `getUpdates` long poll waits for news. It must stay below the HTTP client's
/// request time-out (17 s in teloxide's default client, which `Bot::new` builds), which also
/// ends any request whose response stops halfway.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the bot until `shutdown` completes, then stops taking updates, finishes the answers in
/// flight and returns. The engine is the already-loaded, already-checked knowledge base.
pub async fn run(
    config: ServeConfig,
    engine: Engine,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = BotState::new(engine, &config);
    serve(config, state, shutdown).await
}

/// `run` with the state already built (tests build one of their own).
pub(crate) async fn serve(
    config: ServeConfig,
    state: BotState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let started = Instant::now();
    // Start waiting for the stop signal at once, so a signal during start-up is not missed.
    let (stop_sender, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_sender.send(true);
    });
    let mut raw = Bot::new(config.token.expose());
    if let Some(url) = &config.api_url {
        raw = raw.set_api_url(url.clone());
    }
    match config.throttle {
        true => {
            let throttled = Throttle::new_spawn(raw, Limits::default());
            serve_through(throttled, config, state, stopping, started).await
        }
        false => serve_through(raw, config, state, stopping, started).await,
    }
}

/// `serve` once the client is chosen: connects, sets the menus, then takes updates until
/// `stopping` turns true.
async fn serve_through<R: Telegram>(
    bot: R,
    config: ServeConfig,
    state: BotState,
    stopping: tokio::sync::watch::Receiver<bool>,
    started: Instant,
) -> anyhow::Result<()> {
    let redactor = Arc::new(Redactor::for_config(&config));

    let me = send::retrying(|| bot.get_me().send()).await.map_err(|e| {
        anyhow::anyhow!(
            "Telegram did not accept the bot (getMe): {}",
            redactor.redact(&e.to_string())
        )
    })?;
    info!(username = %me.username(), "connected to Telegram");
    let state = Arc::new(state);
    register_commands(&bot, &state.engine(), &redactor).await;
    spawn_reload_on_sighup(Arc::clone(&state), bot.clone(), Arc::clone(&redactor));

    let in_flight = Arc::new(match &config.webhook {
        None => InFlight::new(config.max_in_flight as usize),
        Some(_) => InFlight::unbounded(),
    });
    let mut dispatcher = Dispatcher::builder(bot.clone(), handlers::schema::<R>())
        .dependencies(dptree::deps![
            Arc::clone(&state),
            Arc::clone(&redactor),
            Arc::clone(&in_flight)
        ])
        .default_handler(
            |update| async move { tracing::debug!(id = update.id.0, "update ignored") },
        )
        .error_handler(Arc::clone(&redactor) as Arc<dyn ErrorHandler<anyhow::Error> + Send + Sync>)
        .build();
    match &config.webhook {
        None => {
            // Long polling works only without a webhook. Deleted here rather than by the
            // builder, which logs its failures unredacted.
            if let Err(error) = send::retrying(|| bot.delete_webhook().send()).await {
                warn!(
                    "cannot delete the webhook: {}",
                    redactor.redact(&error.to_string())
                );
            }
            let mut listener = BoundedPolling::new(bot.clone(), in_flight, POLL_TIMEOUT);
            stop_when(stopping, listener.stop_token());
            info!(
                ms = started.elapsed().as_millis() as u64,
                "ready (long polling)"
            );
            dispatcher.dispatch_with_listener(listener, redactor).await;
        }
        Some(hook) => {
            let options = webhooks::Options::new(hook.listen, hook.url.clone())
                .secret_token(hook.secret.expose().to_owned());
            let mut listener = webhooks::axum(bot.clone(), options).await.map_err(|e| {
                anyhow::anyhow!(
                    "cannot set the webhook: {}",
                    redactor.redact(&e.to_string())
                )
            })?;
            stop_when(stopping, listener.stop_token());
            info!(ms = started.elapsed().as_millis() as u64, listen = %hook.listen, "ready (webhook)");
            dispatcher.dispatch_with_listener(listener, redactor).await;
        }
    }
    // The questions of the last moments are written before the process ends.
    state.flush_journal().await;
    info!("stopped");
    Ok(())
}

/// Stops the update listener once `stopping` turns true. The listener then takes no new
/// updates, confirms to Telegram the ones it handed over, and ends; the dispatcher finishes the
/// answers in flight and returns. (Stopping the listener itself, rather than through the
/// dispatcher's shutdown token, cannot be missed: the token's wake-up is lost when it arrives
/// while an update is being dispatched.)
fn stop_when(mut stopping: tokio::sync::watch::Receiver<bool>, token: StopToken) {
    tokio::spawn(async move {
        if stopping.wait_for(|stop| *stop).await.is_ok() {
            info!("stopping: finishing the answers in flight");
            token.stop();
        }
    });
}

/// Sets the command menus in every language: everything in private chats, the asking
/// commands in groups. The default menu is English; Telegram shows the user's language where
/// one is set. The topics' commands come from the fact base, so a reload that changes them
/// sets the menus again.
pub(crate) async fn register_commands<R: Telegram>(bot: &R, engine: &Engine, redactor: &Redactor) {
    for lang in Lang::ALL {
        // Telegram wants bare names ("ask") and descriptions of 1–256 characters (the loader
        // holds topic titles to that).
        let menu: Vec<BotCommand> = commands::menu(engine.knowledge(), lang)
            .into_iter()
            .map(|(name, description)| BotCommand::new(name, description))
            .collect();
        let private: Vec<_> = menu
            .iter()
            .filter(|c| !Command::for_admins(&c.command))
            .cloned()
            .collect();
        let group: Vec<_> = menu
            .iter()
            .filter(|c| Command::for_groups(&c.command))
            .cloned()
            .collect();
        for (commands, scope) in [
            (private, BotCommandScope::AllPrivateChats),
            (group, BotCommandScope::AllGroupChats),
        ] {
            let result = send::retrying(|| {
                let request = bot.set_my_commands(commands.clone()).scope(scope.clone());
                match lang {
                    Lang::En => request.send(),
                    other => request.language_code(other.code()).send(),
                }
            })
            .await;
            if let Err(error) = result {
                // The menu is a convenience: the bot works without it.
                warn!(
                    "cannot set the {lang} command menu: {}",
                    redactor.redact(&error.to_string())
                );
            }
        }
    }
}

/// Whether two fact bases give different command menus.
pub(crate) fn menus_differ(old: &Engine, new: &Engine) -> bool {
    Lang::ALL
        .into_iter()
        .any(|lang| commands::menu(old.knowledge(), lang) != commands::menu(new.knowledge(), lang))
}

#[cfg(unix)]
fn spawn_reload_on_sighup<R: Telegram>(state: Arc<BotState>, bot: R, redactor: Arc<Redactor>) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangup) = signal(SignalKind::hangup()) else {
        warn!("cannot listen for SIGHUP: reload with /reload instead");
        return;
    };
    tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            let old = state.engine();
            match state.reload().await {
                Ok(report) => {
                    info!("SIGHUP: {}", report.summary());
                    let new = state.engine();
                    if menus_differ(&old, &new) {
                        register_commands(&bot, &new, &redactor).await;
                    }
                }
                Err(error) => error!(
                    "SIGHUP: reload failed, still serving the previous knowledge base:\n{error}"
                ),
            }
        }
    });
}

#[cfg(not(unix))]
fn spawn_reload_on_sighup<R: Telegram>(_state: Arc<BotState>, _bot: R, _redactor: Arc<Redactor>) {}

/// Completes on SIGTERM (what `docker stop` sends) or SIGINT (Ctrl-C).
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => info!("SIGTERM received"),
                    _ = int.recv() => info!("SIGINT received"),
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Blanks secrets out of text bound for a log or an error: the bot token (request URLs carry
/// it), its secret half, the webhook secret, and anything else shaped like a bot token.
pub struct Redactor {
    /// Longest first, so a secret inside another is not left half-shown.
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for the bot token and any other `secrets`.
    pub fn new(token: &str, secrets: &[&str]) -> Redactor {
        let mut all: Vec<String> = secrets.iter().map(|s| (*s).to_owned()).collect();
        all.push(token.to_owned());
        // The secret half alone is as good as the token.
        if let Some((_, half)) = token.split_once(':') {
            all.push(half.to_owned());
        }
        // Short strings would blank out ordinary words; no real secret is that short.
        all.retain(|s| s.len() >= 8);
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Redactor { secrets: all }
    }

    /// The redactor for `config`'s token and webhook secret.
    pub fn for_config(config: &ServeConfig) -> Redactor {
        let webhook: Vec<&str> = config.webhook.iter().map(|h| h.secret.expose()).collect();
        Redactor::new(config.token.expose(), &webhook)
    }

    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), "<redacted>");
        }
        scrub_tokens(&text)
    }
}

/// `text` with anything shaped like a bot token (digits, a colon, then 30 or more of A–Z, a–z,
/// 0–9, `_` and `-`) replaced by `<token>`: for logs that have no `Redactor` at hand, and for
/// tokens other than our own.
pub(crate) fn scrub_tokens(text: &str) -> String {
    let bytes = text.as_bytes();
    let secret_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-';
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut from) = (0, 0);
    while let Some(colon) = text[from..].find(':').map(|at| at + from) {
        let digits = bytes[copied..colon]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let secret = bytes[colon + 1..]
            .iter()
            .take_while(|b| secret_byte(b))
            .count();
        from = colon + 1;
        if digits >= 5 && secret >= 30 {
            // Both ends sit next to ASCII bytes, so they are character boundaries.
            out.push_str(&text[copied..colon - digits]);
            out.push_str("<token>");
            copied = colon + 1 + secret;
            from = copied;
        }
    }
    out.push_str(&text[copied..]);
    out
}

impl<E: std::fmt::Debug + Send + 'static> ErrorHandler<E> for Redactor {
    fn handle_error(
        self: Arc<Self>,
        error: E,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        let line = self.redact(&format!("{error:?}"));
        Box::pin(async move { error!("{line}") })
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn secrets_and_token_shapes_are_blanked_out_and_nothing_else() {
        let redactor = Redactor::new("123456:secret-half-ABCDEF", &["hook_Secret-1"]);
        let foreign = format!("987654321:{}", "Ab_-9".repeat(7));
        let cases = [
            (
                "GET http://127.0.0.1:8081/bot123456:secret-half-ABCDEF/getMe failed".to_owned(),
                "GET http://127.0.0.1:8081/bot<redacted>/getMe failed".to_owned(),
            ),
            (
                "half: secret-half-ABCDEF, hook: hook_Secret-1".to_owned(),
                "half: <redacted>, hook: <redacted>".to_owned(),
            ),
            (
                format!("url (https://api.telegram.org/bot{foreign}/sendMessage)"),
                "url (https://api.telegram.org/bot<token>/sendMessage)".to_owned(),
            ),
            (
                "at 10:30, id 42:7, Алматы: 1234567:short".to_owned(),
                "at 10:30, id 42:7, Алматы: 1234567:short".to_owned(),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(redactor.redact(&text), expected);
        }
    }
}
