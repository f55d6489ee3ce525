//! The Telegram front: a thin shell over `Engine::answer`.
//!
//! `commands` is the command enum (its docs are `/help`); `schema` routes updates to the
//! `handlers`, which snapshot the knowledge base, call the engine on the `pool` (off the async
//! threads, a panic caught), `render` the answer as HTML and `send` it (with retries, and plain
//! text when HTML is refused). `state` holds the shared engine, swapped atomically on `/reload`
//! or SIGHUP. `run` starts it all and stops it cleanly.

mod commands;
mod handlers;
mod limit;
mod pool;
pub mod render;
mod send;
mod state;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use teloxide::adaptors::throttle::Limits;
use teloxide::adaptors::Throttle;
use teloxide::dispatching::{Dispatcher, UpdateHandler};
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{BotCommand, BotCommandScope};
use teloxide::update_listeners::{webhooks, Polling, UpdateListener};
use tracing::{error, info, warn};

pub use commands::Command;
pub use state::{BotState, ReloadReport};

use crate::answer::Engine;
use crate::config::ServeConfig;
use crate::knowledge::Lang;

/// The bot every handler talks through: rate-limited to Telegram's limits (1 message a second
/// per chat, 20 a minute per group, 30 a second overall), and waiting out 429s by itself.
pub type TgBot = Throttle<Bot>;

/// How long one `getUpdates` long poll waits for news.
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
    let bot = Throttle::new_spawn(raw, Limits::default());
    let redactor = Arc::new(Redactor::new(config.token.expose()));

    let me = send::retrying(|| bot.get_me().send()).await.map_err(|e| {
        anyhow::anyhow!(
            "Telegram did not accept the bot (getMe): {}",
            redactor.redact(&e.to_string())
        )
    })?;
    info!(username = %me.username(), "connected to Telegram");
    let state = Arc::new(state);
    register_commands(&bot, &state.engine(), &redactor).await;
    spawn_reload_on_sighup(Arc::clone(&state));

    let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
        .dependencies(dptree::deps![Arc::clone(&state)])
        .default_handler(
            |update| async move { tracing::debug!(id = update.id.0, "update ignored") },
        )
        .error_handler(Arc::clone(&redactor) as Arc<dyn ErrorHandler<anyhow::Error> + Send + Sync>)
        .build();
    match &config.webhook {
        None => {
            let mut listener = Polling::builder(bot.clone())
                .timeout(POLL_TIMEOUT)
                .delete_webhook()
                .await
                .build();
            stop_when(stopping, listener.stop_token());
            info!(
                ms = started.elapsed().as_millis() as u64,
                "ready (long polling)"
            );
            dispatcher.dispatch_with_listener(listener, redactor).await;
        }
        Some(hook) => {
            let options = webhooks::Options::new(hook.listen, hook.url.clone())
                .secret_token(hook.secret.clone());
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

/// The routing tree: commands, questions, buttons and inline queries.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    handlers::schema()
}

/// Sets the command menus in every language: everything in private chats, the asking
/// commands in groups. The default menu is English; Telegram shows the user's language where
/// one is set.
async fn register_commands(bot: &TgBot, engine: &Engine, redactor: &Redactor) {
    for lang in Lang::ALL {
        // Telegram wants bare names ("ask") and descriptions of 3–256 characters.
        let menu: Vec<BotCommand> = Command::MENU
            .iter()
            .map(|(name, message)| {
                BotCommand::new(*name, engine.knowledge().message(message, lang))
            })
            .collect();
        let private: Vec<_> = menu
            .iter()
            .filter(|c| c.command != "reload")
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

#[cfg(unix)]
fn spawn_reload_on_sighup(state: Arc<BotState>) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangup) = signal(SignalKind::hangup()) else {
        warn!("cannot listen for SIGHUP: reload with /reload instead");
        return;
    };
    tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            match state.reload().await {
                Ok(report) => info!("SIGHUP: {}", report.summary()),
                Err(error) => error!(
                    "SIGHUP: reload failed, still serving the previous knowledge base:\n{error}"
                ),
            }
        }
    });
}

#[cfg(not(unix))]
fn spawn_reload_on_sighup(_state: Arc<BotState>) {}

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

/// Logs errors with the bot token blanked out: request URLs carry the token, and a log line
/// must never give it away.
pub struct Redactor {
    token: String,
}

impl Redactor {
    pub fn new(token: &str) -> Redactor {
        Redactor {
            token: token.to_owned(),
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        if !self.token.is_empty() {
            text = text.replace(&self.token, "<token>");
        }
        // The secret half alone is as good as the token.
        if let Some((_, secret)) = self.token.split_once(':') {
            if secret.len() >= 8 {
                text = text.replace(secret, "<token>");
            }
        }
        text
    }
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
