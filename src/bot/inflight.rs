//! The updates in flight: how many updates the bot has taken from Telegram and not yet
//! answered, and the long-polling listener that takes no more while that many
//! (`MAX_UPDATES_IN_FLIGHT`) are unanswered, so a burst waits on Telegram's side instead of in
//! the bot's memory.
//!
//! teloxide's own `Polling` fetches the next `getUpdates` as soon as the dispatcher has taken
//! the last batch, and the dispatcher takes every update into per-chat queues without waiting
//! for the handlers: a burst of 20,000 updates over 1,000 chats was held whole in memory.
//! Here each update holds a place in `InFlight` from the `getUpdates` that brings it until
//! the handlers are done with it, and `getUpdates` asks for no more updates than there are free
//! places. An update's offset is confirmed to Telegram (by the next `getUpdates`) only once
//! the update has been handed to the dispatcher; on stop, updates fetched but not handed over
//! are left unconfirmed, and Telegram sends them again to the next run.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, BoxStream};
use teloxide::backoff::exponential_backoff_strategy;
use teloxide::errors::AsResponseParameters;
use teloxide::payloads::GetUpdatesSetters;
use teloxide::requests::Request;
use teloxide::stop::{mk_stop_token, StopFlag, StopToken};
use teloxide::types::{AllowedUpdate, Update, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use teloxide::RequestError;
use tokio::sync::Semaphore;

use super::Telegram;

/// The most updates one `getUpdates` may ask for (the Bot API's cap).
const MOST_PER_POLL: usize = 100;

/// The places for updates in flight. Polling takes places before it asks Telegram for
/// updates; the handlers give an update's place back when they are done with it (`Slot`).
pub(crate) struct InFlight {
    /// Free places; `None` when nothing is bounded here (webhook mode: see `unbounded`).
    free: Option<Arc<Semaphore>>,
    limit: usize,
}

impl InFlight {
    /// At most `limit` updates in flight (at least 1).
    pub(crate) fn new(limit: usize) -> InFlight {
        let limit = limit.max(1);
        InFlight {
            free: Some(Arc::new(Semaphore::new(limit))),
            limit,
        }
    }

    /// No bound: a webhook's updates arrive by Telegram's requests, which teloxide's listener
    /// answers at once, so there is no poll to hold back (see the README, "Webhook mode").
    pub(crate) fn unbounded() -> InFlight {
        InFlight {
            free: None,
            limit: usize::MAX,
        }
    }

    /// The place of an update the handlers have taken; it is given back when the `Slot` is
    /// dropped. Called once per update, at the root of the handler tree.
    pub(crate) fn slot(&self) -> Slot {
        Slot(self.free.clone())
    }

    /// How many updates are in flight now.
    #[cfg(test)]
    fn taken(&self) -> usize {
        self.free
            .as_ref()
            .map_or(0, |free| self.limit - free.available_permits())
    }

    /// How few free places are worth a `getUpdates`: a quarter of the limit (at least one, at
    /// most a full poll), so a burst is fetched in fuller polls than one update each while
    /// the rest of the limit keeps the handlers busy.
    fn refill(&self) -> usize {
        (self.limit / 4).clamp(1, MOST_PER_POLL)
    }

    /// Waits until `refill` places are free, then takes as many free places as one poll may
    /// fill (up to `MOST_PER_POLL`); returns how many were taken.
    async fn reserve(&self) -> usize {
        let Some(free) = &self.free else {
            return MOST_PER_POLL;
        };
        let wanted = self.refill();
        // The semaphore is never closed: `acquire_many` can only fail on a closed one.
        if let Ok(first) = free.acquire_many(wanted as u32).await {
            first.forget();
        }
        let more = free.available_permits().min(MOST_PER_POLL - wanted);
        if let Ok(rest) = free.try_acquire_many(more as u32) {
            rest.forget();
        }
        wanted + more
    }

    /// Gives back places taken for updates that never reached the handlers.
    fn give_back(&self, places: usize) {
        if let (Some(free), true) = (&self.free, places > 0) {
            free.add_permits(places);
        }
    }
}

/// An update's place among those in flight, given back when dropped. The handler tree keeps
/// it among the update's dependencies, which live until the handlers are done with it.
pub(crate) struct Slot(Option<Arc<Semaphore>>);

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(free) = &self.0 {
            free.add_permits(1);
        }
    }
}

/// A long-polling update listener that asks Telegram for no more updates than `InFlight`
/// has free places.
pub(crate) struct BoundedPolling<R> {
    bot: R,
    in_flight: Arc<InFlight>,
    timeout: Duration,
    allowed_updates: Option<Vec<AllowedUpdate>>,
    token: StopToken,
    flag: StopFlag,
}

impl<R: Telegram> BoundedPolling<R> {
    /// Polls with `timeout` for each long poll.
    pub(crate) fn new(bot: R, in_flight: Arc<InFlight>, timeout: Duration) -> BoundedPolling<R> {
        let (token, flag) = mk_stop_token();
        BoundedPolling {
            bot,
            in_flight,
            timeout,
            allowed_updates: None,
            token,
            flag,
        }
    }
}

impl<R: Telegram> UpdateListener for BoundedPolling<R> {
    type Err = RequestError;

    fn stop_token(&mut self) -> StopToken {
        self.token.clone()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.allowed_updates = Some(hint.collect());
    }
}

impl<'a, R: Telegram> AsUpdateStream<'a> for BoundedPolling<R> {
    type StreamErr = RequestError;
    type Stream = BoxStream<'a, Result<Update, RequestError>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let poller = Poller {
            bot: self.bot.clone(),
            in_flight: Arc::clone(&self.in_flight),
            timeout: u32::try_from(self.timeout.as_secs()).unwrap_or(u32::MAX),
            allowed_updates: self.allowed_updates.clone(),
            flag: self.flag.clone(),
            offset: 0,
            fetched: VecDeque::new(),
            pause: None,
            errors: 0,
            done: false,
        };
        Box::pin(stream::unfold(poller, |mut poller| async move {
            let item = poller.next().await?;
            Some((item, poller))
        }))
    }
}

/// The state of one run of the listener.
struct Poller<R> {
    bot: R,
    in_flight: Arc<InFlight>,
    timeout: u32,
    allowed_updates: Option<Vec<AllowedUpdate>>,
    flag: StopFlag,
    /// The id after the last update handed to the dispatcher: what the next `getUpdates`
    /// confirms.
    offset: i32,
    /// Updates fetched, each with its place taken, not yet handed over.
    fetched: VecDeque<Update>,
    /// A wait before the next poll, after an error.
    pause: Option<Duration>,
    /// Failed polls in a row, for the back-off.
    errors: u32,
    done: bool,
}

impl<R: Telegram> Poller<R> {
    /// The next update (or a polling error, for the dispatcher's error handler); `None` once
    /// stopped.
    async fn next(&mut self) -> Option<Result<Update, RequestError>> {
        while !self.done {
            if self.flag.is_stopped() {
                return self.finish().await;
            }
            if let Some(update) = self.fetched.pop_front() {
                return Some(Ok(self.hand_over(update)));
            }
            if let Some(pause) = self.pause.take() {
                tokio::select! {
                    _ = &mut self.flag => {}
                    _ = tokio::time::sleep(pause) => {}
                }
                continue;
            }
            let places = tokio::select! {
                _ = &mut self.flag => continue,
                places = self.in_flight.reserve() => places,
            };
            if let Err(error) = self.fetch(places).await {
                return Some(Err(error));
            }
        }
        None
    }

    /// `update`, counted as handed over: its offset will be confirmed with the next poll.
    fn hand_over(&mut self, update: Update) -> Update {
        self.offset = update.id.as_offset();
        // The dispatcher logs an update it cannot read and drops it unhandled.
        if matches!(update.kind, UpdateKind::Error(_)) {
            self.in_flight.give_back(1);
        }
        update
    }

    /// One `getUpdates` for at most `places` updates, which have their places taken. A stop
    /// meanwhile drops the request: Telegram keeps what it would have sent.
    async fn fetch(&mut self, places: usize) -> Result<(), RequestError> {
        let request = self
            .bot
            .get_updates()
            .offset(self.offset)
            .limit(places.min(MOST_PER_POLL) as u8)
            .timeout(self.timeout);
        let request = match &self.allowed_updates {
            Some(allowed) => request.allowed_updates(allowed.clone()),
            None => request,
        };
        let result = tokio::select! {
            _ = &mut self.flag => Ok(Vec::new()),
            result = request.send() => result,
        };
        match result {
            Ok(mut updates) => {
                self.errors = 0;
                // Telegram sends at most `limit`; any more would have no place, and are left
                // unconfirmed for the next poll.
                updates.truncate(places);
                self.in_flight.give_back(places - updates.len());
                self.fetched.extend(updates);
                Ok(())
            }
            Err(error) => {
                self.in_flight.give_back(places);
                self.pause = Some(match error.retry_after() {
                    Some(seconds) => seconds.duration(),
                    None => exponential_backoff_strategy(self.errors),
                });
                self.errors = self.errors.saturating_add(1);
                Err(error)
            }
        }
    }

    /// Stops: gives back the places of updates fetched but not handed over, and confirms to
    /// Telegram the ones that were (`timeout` 0, `limit` 1: only the offset matters).
    async fn finish(&mut self) -> Option<Result<Update, RequestError>> {
        self.done = true;
        self.in_flight.give_back(self.fetched.len());
        self.fetched.clear();
        if self.offset == 0 {
            return None;
        }
        let confirm = self
            .bot
            .get_updates()
            .offset(self.offset)
            .limit(1)
            .timeout(0)
            .send()
            .await;
        confirm.err().map(Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn places_are_taken_for_a_poll_and_given_back_by_slots_and_unused_ones() {
        // (limit, places a first poll takes)
        let cases = [(1, 1), (8, 8), (100, 100), (256, 100)];
        for (limit, first) in cases {
            let in_flight = InFlight::new(limit);
            assert_eq!(in_flight.reserve().await, first, "limit {limit}");
            assert_eq!(in_flight.taken(), first);
            in_flight.give_back(first - 1);
            let slot = in_flight.slot();
            assert_eq!(in_flight.taken(), 1, "limit {limit}: one update in flight");
            drop(slot);
            assert_eq!(
                in_flight.taken(),
                0,
                "limit {limit}: the slot's place is back"
            );
        }
    }

    #[tokio::test]
    async fn a_poll_waits_for_a_quarter_of_the_limit_to_be_free() {
        let in_flight = Arc::new(InFlight::new(8));
        assert_eq!(in_flight.reserve().await, 8);
        let waiting = tokio::spawn({
            let in_flight = Arc::clone(&in_flight);
            async move { in_flight.reserve().await }
        });
        drop(in_flight.slot());
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !waiting.is_finished(),
            "polled with one place of eight free"
        );
        drop(in_flight.slot());
        let places = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("polls once two places are free")
            .expect("joins");
        assert_eq!(places, 2);
    }

    #[test]
    fn webhook_slots_count_nothing() {
        let in_flight = InFlight::unbounded();
        let slots: Vec<Slot> = (0..3).map(|_| in_flight.slot()).collect();
        assert_eq!(in_flight.taken(), 0);
        drop(slots);
        assert_eq!(in_flight.taken(), 0);
    }
}
