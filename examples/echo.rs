//! A bare teloxide bot that only echoes: each message's text is sent back to its chat, quoting
//! it. The end-to-end benchmark (`benches/e2e/run.sh`) runs it beside `kzcn-bot serve`, against
//! the same fake Bot API, as the ceiling teloxide itself sets on the machine. It uses the
//! bot's teloxide (same version and features), long polling with the same time-out, the same
//! runtime and no throttle, so the difference between the two is the bot's own work.
//!
//! Settings: `TELOXIDE_TOKEN` and `TELOXIDE_API_URL`, as for the bot.

use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::ReplyParameters;
use teloxide::update_listeners::Polling;

fn main() {
    let token = std::env::var("TELOXIDE_TOKEN").expect("TELOXIDE_TOKEN is set");
    let api = std::env::var("TELOXIDE_API_URL").expect("TELOXIDE_API_URL is set");
    let bot = Bot::new(token).set_api_url(api.parse().expect("TELOXIDE_API_URL is a URL"));
    // The same runtime as `kzcn-bot serve`: multi-threaded, a worker per core.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(echo(bot));
}

async fn echo(bot: Bot) {
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        let text = msg.text().unwrap_or("(not text)").to_owned();
        bot.send_message(msg.chat.id, text)
            .reply_parameters(ReplyParameters::new(msg.id))
            .await?;
        Ok::<(), teloxide::RequestError>(())
    });
    let listener = Polling::builder(bot.clone())
        .timeout(Duration::from_secs(10))
        .build();
    Dispatcher::builder(bot, handler)
        .default_handler(|_| async {})
        .build()
        .dispatch_with_listener(listener, LoggingErrorHandler::new())
        .await;
}
