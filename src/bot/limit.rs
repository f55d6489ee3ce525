//! A rate limit per user, so one person flooding the bot cannot starve everyone else. Each
//! user has a token bucket: `burst` requests at once, refilled at `per_minute`. Over the limit
//! a user is told so at most once per `NOTICE_WINDOW`; the rest of a flood is dropped quietly,
//! so a flood never turns into a flood of replies. Buckets are kept for at most `MAX_USERS`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimit;

/// How often a user over the limit is told so, at most.
const NOTICE_WINDOW: Duration = Duration::from_secs(60);
/// The most users whose buckets are kept: a full bucket says nothing and goes first.
const MAX_USERS: usize = 10_000;

/// What to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Go,
    /// Over the limit: drop it, telling the user why if `tell`.
    Refuse {
        tell: bool,
    },
}

struct Bucket {
    tokens: f64,
    at: Instant,
    told: Option<Instant>,
}

pub(crate) struct Limiter {
    rate: Option<RateLimit>,
    max_users: usize,
    /// A std mutex: held only for a few arithmetic steps, never across `.await`.
    buckets: Mutex<HashMap<i64, Bucket>>,
}

impl Limiter {
    /// A limiter at `rate`; `None` lets everything through.
    pub(crate) fn new(rate: Option<RateLimit>) -> Limiter {
        Limiter::bounded(rate, MAX_USERS)
    }

    fn bounded(rate: Option<RateLimit>, max_users: usize) -> Limiter {
        Limiter {
            rate,
            max_users,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `who` (a user id, or a chat id for posts sent as a chat).
    pub(crate) fn check(&self, who: i64, now: Instant) -> Verdict {
        let Some(rate) = self.rate else {
            return Verdict::Go;
        };
        let mut buckets = self.buckets.lock().expect("rate limit lock");
        if !buckets.contains_key(&who) && buckets.len() >= self.max_users {
            make_room(&mut buckets, rate, now, self.max_users);
        }
        let bucket = buckets.entry(who).or_insert(Bucket {
            tokens: f64::from(rate.burst),
            at: now,
            told: None,
        });
        bucket.tokens = refilled(bucket, rate, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Verdict::Go;
        }
        let tell = bucket
            .told
            .is_none_or(|told| now.saturating_duration_since(told) >= NOTICE_WINDOW);
        if tell {
            bucket.told = Some(now);
        }
        Verdict::Refuse { tell }
    }

    #[cfg(test)]
    fn users(&self) -> usize {
        self.buckets.lock().expect("rate limit lock").len()
    }
}

fn refilled(bucket: &Bucket, rate: RateLimit, now: Instant) -> f64 {
    let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
    let refill = elapsed * f64::from(rate.per_minute) / 60.0;
    (bucket.tokens + refill).min(f64::from(rate.burst))
}

/// Forgets the users whose buckets are full again and who were not told off lately (a new
/// bucket would be the same); if that frees nothing, the one seen longest ago.
fn make_room(buckets: &mut HashMap<i64, Bucket>, rate: RateLimit, now: Instant, max: usize) {
    buckets.retain(|_, bucket| {
        let full = refilled(bucket, rate, now) >= f64::from(rate.burst);
        let told_lately = bucket
            .told
            .is_some_and(|told| now.saturating_duration_since(told) < NOTICE_WINDOW);
        !full || told_lately
    });
    if buckets.len() >= max {
        let oldest = buckets
            .iter()
            .min_by_key(|(_, b)| b.at)
            .map(|(&who, _)| who);
        if let Some(oldest) = oldest {
            buckets.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: RateLimit = RateLimit {
        per_minute: 6,
        burst: 3,
    };

    #[test]
    fn a_burst_passes_then_one_notice_then_silence() {
        let limiter = Limiter::new(Some(RATE));
        let now = Instant::now();
        let verdicts: Vec<Verdict> = (0..6).map(|_| limiter.check(1, now)).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Go,
                Verdict::Go,
                Verdict::Go,
                Verdict::Refuse { tell: true },
                Verdict::Refuse { tell: false },
                Verdict::Refuse { tell: false },
            ]
        );
        assert_eq!(
            limiter.check(2, now),
            Verdict::Go,
            "others are not held back"
        );
    }

    #[test]
    fn the_bucket_refills_at_the_rate_and_the_notice_comes_once_a_window() {
        let limiter = Limiter::new(Some(RATE));
        let start = Instant::now();
        for _ in 0..3 {
            limiter.check(1, start);
        }
        assert_eq!(limiter.check(1, start), Verdict::Refuse { tell: true });
        // 6 a minute: one more every 10 s.
        let later = start + Duration::from_secs(10);
        assert_eq!(limiter.check(1, later), Verdict::Go);
        assert_eq!(limiter.check(1, later), Verdict::Refuse { tell: false });
        // A minute after the notice the bucket is full again; spent once more, the user is
        // told again, once.
        let next_window = start + NOTICE_WINDOW;
        let verdicts: Vec<Verdict> = (0..5).map(|_| limiter.check(1, next_window)).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Go,
                Verdict::Go,
                Verdict::Go,
                Verdict::Refuse { tell: true },
                Verdict::Refuse { tell: false },
            ]
        );
    }

    #[test]
    fn the_map_of_users_stays_bounded() {
        let limiter = Limiter::bounded(Some(RATE), 100);
        let now = Instant::now();
        for user in 0..1_000 {
            limiter.check(user, now + Duration::from_millis(user as u64));
        }
        assert!(limiter.users() <= 100, "{} users kept", limiter.users());
        // Quiet users whose buckets have filled up again make room; a flooder is kept.
        let limiter = Limiter::bounded(Some(RATE), 10);
        for user in 0..9 {
            limiter.check(user, now);
        }
        for _ in 0..5 {
            limiter.check(-7, now + Duration::from_secs(1));
        }
        let later = now + Duration::from_secs(15);
        for user in 100..105 {
            limiter.check(user, later);
        }
        assert!(limiter.users() <= 10);
        assert_eq!(
            [limiter.check(-7, later), limiter.check(-7, later)],
            [Verdict::Go, Verdict::Refuse { tell: false }],
            "the flooder's bucket and notice were remembered"
        );
    }

    #[test]
    fn no_rate_lets_everything_through() {
        let limiter = Limiter::new(None);
        let now = Instant::now();
        assert!((0..1_000).all(|_| limiter.check(1, now) == Verdict::Go));
    }
}
