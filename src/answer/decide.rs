//! Decision: what to do with one part of a question, given what retrieval found. Every
//! threshold lives here, named, with what it was calibrated on.
//!
//! A part is answered when its best intent scores high enough; then the facts are chosen: the
//! ones for the period asked about, the one fact the question picks out, the ones holding the
//! kind of value asked for (a figure, a date). When the intent matches but none of its facts
//! holds what is asked ("how many people work there?"), the articles do not say, and the
//! reply says so. A claim is checked against the chosen facts' figures and months.

use crate::knowledge::{Intent, Knowledge, Lang, Period};
use crate::matching::shape::{
    compare_sides, compare_words, year_like, Asks, Claim, Part, DOLLAR_WORDS, PERCENT_WORDS,
};
use crate::matching::{is_han, Index, Scored};

use super::read::PartReading;
use super::values::{slot, FactValues, Values};

/// At or above this confidence the bot answers; between `suggest_threshold` and this it offers
/// "did you mean"; below, it says it does not know.
///
/// Calibrated per language on the tests/eval sets and the written-a development sets: the
/// score depends on how a language is cut into terms. Russian inflection leaves more words
/// unmatched, and Chinese character pairs half of which straddle two words, so the same
/// certainty scores lower there than in English.
pub fn answer_threshold(lang: Lang) -> f32 {
    match lang {
        Lang::En => 0.52,
        Lang::Kk => 0.46,
        Lang::Zh => 0.43,
        Lang::Ru => 0.41,
    }
}

pub fn suggest_threshold(lang: Lang) -> f32 {
    match lang {
        Lang::En | Lang::Kk => 0.35,
        Lang::Ru | Lang::Zh => 0.30,
    }
}

/// "Did you mean" offers intents scoring at least this share of the best one.
const SUGGEST_SHARE: f32 = 0.75;
pub(crate) const MAX_SUGGESTIONS: usize = 3;
/// A sole "did you mean" candidate is answered when the question has at least this many
/// known terms. Tuned on the written-a/b/c development sets: at 2, a part cut down to one
/// word and a stopword ("which is better for IT?") was answered.
const SOLE_MIN_TERMS: usize = 3;
/// A "did you mean" whose first offer leads the next by this much is answered as if it were
/// the only one. Tuned on written-a..m: a lead of 0.04 answered 55 more in scope and 9 out of
/// scope, 0.06 38 and 6, 0.08 17 and 2 (14 and 2 once leads won through a misspelling were
/// left out); an answer to a question the articles cannot answer misleads more than an offer
/// helps less, so the smallest loss was kept.
const SOLE_LEAD: f32 = 0.08;
/// A fact leads alone when its text holds this much more of the question than the next fact's.
/// Tuned on the written-a development sets.
const LEAD_MARGIN: f32 = 2.0;
/// How far below the best intent a runner-up may score and still answer where the best one
/// cannot (a period or a kind of value it lacks). Tuned on the written-a development sets.
const RUNNER_UP: f32 = 0.1;
/// How far below the best intent one that states a claimed figure may score and still be the
/// one the claim is checked against. Tuned on the written-a..d development sets.
const CLAIM_RUNNER_UP: f32 = 0.15;
/// How far below the best intent the other side of a comparison across two topics may score:
/// such a question splits its words between the two. Tuned on the written-a..h development
/// sets: 0.15 missed "one stay or the total in 180 days"; 0.35 answers them the same as 0.25,
/// and the smaller margin is kept, as it lets fewer unrelated topics in.
const COMPARED_RUNNER_UP: f32 = 0.25;
/// How many times the third-best described figure's weight the second's must be for a
/// comparison to take the two best: a clear pair, not a guess among three. Set on one
/// question ("Smailov's growth in Shanghai and then in Astana", in Russian, whose third figure
/// came within 1.5 of the second); the development sets answer alike at 1.25 and 1.5.
const DESCRIBED_MARGIN: f32 = 1.25;

/// What decisions are made from: the fact base, its index, and what each fact states.
#[derive(Clone, Copy)]
pub(crate) struct Base<'a> {
    pub knowledge: &'a Knowledge,
    pub index: &'a Index,
    pub values: &'a Values,
}

/// What to do with one part of a question.
#[derive(Debug, Clone)]
pub(crate) enum Decision {
    Answer(Chosen),
    /// The intent matches, but none of its facts holds the kind of value asked for.
    NotStated {
        scored: Scored,
        asks: Asks,
    },
    /// The intent matches, but no figure covers the period asked about.
    NoPeriod {
        scored: Scored,
        years: Vec<u16>,
    },
    DidYouMean(Vec<Scored>),
    Unknown(f32),
}

impl Decision {
    pub fn is_answer(&self) -> bool {
        matches!(self, Decision::Answer(_))
    }

    /// The facts chosen, where the part is answered.
    pub fn chosen(&self) -> Option<&Chosen> {
        match self {
            Decision::Answer(chosen) => Some(chosen),
            _ => None,
        }
    }

    pub fn score(&self) -> f32 {
        match self {
            Decision::Answer(chosen) => chosen.scored.score,
            Decision::NotStated { scored, .. } | Decision::NoPeriod { scored, .. } => scored.score,
            Decision::DidYouMean(scored) => scored.first().map_or(0.0, |s| s.score),
            Decision::Unknown(score) => *score,
        }
    }
}

/// The facts chosen to answer a part, in the order they are given.
#[derive(Debug, Clone)]
pub(crate) struct Chosen {
    pub scored: Scored,
    /// Indices into the intent's facts.
    pub facts: Vec<usize>,
    /// For a claim: whether the facts bear it out.
    pub verdict: Option<bool>,
    /// For a comparison of two figures: (higher, lower), as indices into the intent's facts.
    pub comparison: Option<(usize, usize)>,
}

/// Decides one part; `scale` is the language whose thresholds apply.
pub(crate) fn decide(base: Base, part: &PartReading, scale: Lang) -> Decision {
    let scored = base.index.search_resolved(&part.analysis, &part.resolved);
    let Some(&best) = scored.first() else {
        return Decision::Unknown(0.0);
    };
    // "Do Uzbeks need a visa for China?" is about Uzbekistan, of which no fact speaks.
    if base.values.names_elsewhere(&part.shape.text) {
        return Decision::Unknown(best.score);
    }
    // One word read as a misspelling of another ("bla" as "благ") is a guess, not a question
    // to answer.
    let guessed = part.resolved.known() == 1 && !part.resolved.as_written();
    if best.score < answer_threshold(scale) || guessed {
        if best.score < suggest_threshold(scale) {
            return Decision::Unknown(best.score);
        }
        let floor = best.score * SUGGEST_SHARE;
        let offers = scored
            .iter()
            .take_while(|s| s.score >= floor)
            .take(MAX_SUGGESTIONS)
            .copied()
            .collect::<Vec<_>>();
        // A claim stating a figure that one offer's facts state is about that offer.
        if let Some(chosen) = claim_stated(base, part, &offers, suggest_threshold(scale)) {
            return Decision::Answer(chosen);
        }
        if let Some(chosen) = clear_offer(base, part, &offers) {
            return Decision::Answer(chosen);
        }
        return Decision::DidYouMean(offers);
    }
    // The best intent may not cover the year asked about, or hold the kind of value asked
    // for, where a close runner-up does ("trade in 2022" scores the trade target and the trade
    // figures alike): the first close candidate that can answer does.
    let close = scored
        .iter()
        .take_while(|s| s.score >= answer_threshold(scale) && best.score - s.score <= RUNNER_UP);
    if let Some(chosen) = claim_stated(base, part, &scored, answer_threshold(scale)) {
        return Decision::Answer(chosen);
    }
    let mut first_refusal: Option<Decision> = None;
    for &candidate in close {
        match answer_with(base, part, candidate) {
            Ok(chosen) => return Decision::Answer(chosen),
            // A question about travellers that the best intent counts only the other way is
            // not answered by a runner-up about something else ("how many Kazakhs went to
            // China" is not a question about visas).
            Err(refusal) if travels_other_way(base, part, candidate.intent) => return refusal,
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
            }
        }
    }
    first_refusal.unwrap_or(Decision::Unknown(best.score))
}

/// Whether an intent's facts speak of travellers going one way only, and not the way the part
/// asks about.
fn travels_other_way(base: Base, part: &PartReading, intent: usize) -> bool {
    let Some(asked) = part.shape.travel else {
        return false;
    };
    let count = base.knowledge.intents[intent].facts.len();
    let ways: Vec<_> = (0..count)
        .filter_map(|f| base.values.of(intent, f).travel)
        .collect();
    !ways.is_empty() && !ways.contains(&asked)
}

/// Another answer for a part that chose what an earlier part of the same message chose: two
/// questions in one message ask two things, so a close runner-up that can answer is taken
/// instead ("1) how long is one stay 2) how long in all within 180 days").
pub(crate) fn decide_other(
    base: Base,
    part: &PartReading,
    scale: Lang,
    taken: &Chosen,
) -> Option<Chosen> {
    let scored = base.index.search_resolved(&part.analysis, &part.resolved);
    close_answer(base, part, &scored, answer_threshold(scale), |s| {
        s.intent != taken.scored.intent
    })
}

/// Another answer for a later part that, read with the earlier part's topic, finds that
/// part's answer again, and alone finds no answer: the topic that both readings score best
/// together, other than the one taken ("when were Almaty and Urumqi twinned? also how many
/// pairs are there altogether": the pairs alone score the visa limit and the count of sister
/// cities alike; with the twinning's words only the count stays close). It must score at
/// least the suggestion threshold both alone and with the earlier topic.
pub(crate) fn decide_between(
    base: Base,
    own: &PartReading,
    joined: &PartReading,
    scale: Lang,
    taken: &Chosen,
) -> Option<Chosen> {
    let alone = base.index.search_resolved(&own.analysis, &own.resolved);
    let together = base
        .index
        .search_resolved(&joined.analysis, &joined.resolved);
    let score_with = |intent: usize| {
        together
            .iter()
            .find(|s| s.intent == intent)
            .map_or(0.0, |s| s.score)
    };
    let mut both: Vec<(f32, Scored)> = alone
        .iter()
        .filter(|s| s.intent != taken.scored.intent && s.score >= suggest_threshold(scale))
        .filter_map(|s| {
            let with = score_with(s.intent);
            (with >= suggest_threshold(scale)).then_some((s.score + with, *s))
        })
        .collect();
    both.sort_by(|a, b| b.0.total_cmp(&a.0));
    both.iter()
        .find_map(|&(_, s)| answer_with(base, own, s).ok())
}

/// For a claim the chosen topic does not bear out, the close runner-up that does not bear it
/// out either: the fact that corrects a claim may sit in a neighbouring topic ("60 days per
/// trip" is checked against the limit over 180 days, and the 30 days of one stay are next
/// door).
pub(crate) fn claim_elsewhere(
    base: Base,
    part: &PartReading,
    scale: Lang,
    taken: &Chosen,
) -> Option<Chosen> {
    if taken.verdict != Some(false) {
        return None;
    }
    let scored = base.index.search_resolved(&part.analysis, &part.resolved);
    close_answer(base, part, &scored, answer_threshold(scale), |s| {
        s.intent != taken.scored.intent
    })
    .filter(|other| other.verdict == Some(false))
}

/// The answers to a comparison the decision for its part leaves with fewer than two figures.
/// Where the question names two periods, two figures or a growth rate, a close series that
/// compares two figures of its own answers alone ("did trade grow faster in 2022 or 2023?"
/// may score the Shanghai meeting first). Otherwise the comparison spans
/// two topics and each gives its figure: "how far was 2022's trade from the $40 billion
/// target", "one stay or the total over 180 days". Empty when neither applies.
pub(crate) fn compared_answers(
    base: Base,
    part: &PartReading,
    scale: Lang,
    decision: &Decision,
) -> Vec<Chosen> {
    // A comparison of figures asks how much or whether, or names a figure or a year: "which
    // cities do tourists visit more" compares nothing the facts count.
    let shape = &part.shape;
    let of_figures = matches!(shape.asks, Asks::HowMany | Asks::YesNo | Asks::When)
        || !shape.figures.is_empty()
        || !part.analysis.years.is_empty();
    if !shape.compares || !of_figures || part.resolved.known() < SOLE_MIN_TERMS {
        return Vec::new();
    }
    let taken = match decision {
        Decision::Answer(chosen) if figures_given(base, chosen) >= 2 => return Vec::new(),
        Decision::Answer(chosen) => Some(chosen),
        _ => None,
    };
    let scored = base.index.search_resolved(&part.analysis, &part.resolved);
    let best = scored.first().map_or(0.0, |s| s.score);
    let close: Vec<Scored> = scored
        .iter()
        .take_while(|s| s.score >= suggest_threshold(scale) && best - s.score <= COMPARED_RUNNER_UP)
        .copied()
        .collect();
    // Two periods, two figures or a growth rate say the comparison is within one series.
    let in_series = part.analysis.years.len() >= 2 || shape.figures.len() >= 2 || shape.growth;
    let within = close.iter().filter(|_| in_series).find_map(|&s| {
        let chosen = answer_with(base, part, s).ok()?;
        (chosen.comparison.is_some()).then_some(chosen)
    });
    if let Some(chosen) = within {
        return vec![chosen];
    }
    let by_period = match decision {
        Decision::NoPeriod { scored: target, .. } => {
            period_sides(base, part, scale, &scored, *target)
        }
        _ => Vec::new(),
    };
    if !by_period.is_empty() {
        return by_period;
    }
    let sides = two_sides(base, part, &close, taken);
    if !sides.is_empty() {
        return sides;
    }
    parted_sides(base, part, scale)
}

/// A comparison parted where a word stands between its sides ("the record trade volume" |
/// "the goal the presidents set"), each side looked up on its own words: the two figures of
/// the first parting whose sides find different figures. A side's words are few, so each
/// takes the best of its candidates that states a figure.
fn parted_sides(base: Base, part: &PartReading, scale: Lang) -> Vec<Chosen> {
    // Each parting costs two lookups: a long part is a story, not two sides.
    if part.analysis.terms.len() > SIDE_MAX_TERMS {
        return Vec::new();
    }
    let lang = part.analysis.lang;
    let dates = part.shape.compares_dates;
    let side = |text: &str| {
        let mut reading = super::read::reading_of(base.index, text, lang);
        reading.shape.compares = false;
        reading.shape.claim = None;
        reading.shape.asks = side_asks(&part.shape);
        let scored = base
            .index
            .search_resolved(&reading.analysis, &reading.resolved);
        let best = scored.first().map_or(0.0, |s| s.score);
        let close: Vec<Scored> = scored
            .iter()
            .take(SIDE_CANDIDATES)
            .take_while(|s| s.score >= suggest_threshold(scale))
            .copied()
            .collect();
        // A side names one figure of a series more often than a person or a meeting that
        // mentions it: a close series is taken first.
        let series = close.iter().filter(|s| {
            base.knowledge.intents[s.intent].series && best - s.score <= SIDE_SERIES_RUNNER_UP
        });
        let mut found: Vec<Chosen> = Vec::new();
        for &s in series.chain(close.iter()) {
            if found.len() == SIDE_CHOICES {
                break;
            }
            if found.iter().any(|f| f.scored.intent == s.intent) {
                continue;
            }
            let Some(chosen) = answer_with(base, &reading, s).ok() else {
                continue;
            };
            if value_fact(base, &chosen, dates).is_some() {
                found.push(chosen);
            }
        }
        found
    };
    for (left, right) in compare_sides(&part.shape.text, lang) {
        let (firsts, seconds) = (side(&left), side(&right));
        // Each side's best first; where both find the same, one side's next best: words
        // that name the topic of both ("visa-free: one stay vs the total in 180 days") may
        // stand on one side only. A claim's "more than" compares the claim with the facts,
        // not two topics, and takes each side's best alone.
        let tries = if part.shape.claim.is_some() { 1 } else { 3 };
        for (i, j) in [(0, 0), (1, 0), (0, 1)].into_iter().take(tries) {
            let (Some(first), Some(second)) = (firsts.get(i), seconds.get(j)) else {
                continue;
            };
            let Some((first, second)) = alike(base, first.clone(), second.clone(), dates) else {
                continue;
            };
            let same = first.scored.intent == second.scored.intent && first.facts == second.facts;
            if !same {
                return vec![first, second];
            }
        }
    }
    Vec::new()
}

/// How many candidates of each side a parting tries: its best, and the next where both sides
/// find the same fact.
const SIDE_CHOICES: usize = 2;

/// Two sides cut to one fact each: the first two figures in the same unit where there are
/// such (2023's trade in dollars against the goal in dollars, not its growth in percent),
/// else each side's first figure or date.
fn alike(base: Base, first: Chosen, second: Chosen, dates: bool) -> Option<(Chosen, Chosen)> {
    let unit = |side: &Chosen, fact: usize| {
        let values = base.values.of(side.scored.intent, fact);
        match (values.figure, values.dollars, values.percent) {
            (false, _, _) => None,
            (true, Some(_), _) => Some(Unit::Dollars),
            (true, None, Some(_)) => Some(Unit::Percent),
            (true, None, None) => Some(Unit::Other),
        }
    };
    let pair = (!dates).then(|| {
        first.facts.iter().find_map(|&a| {
            let wanted = unit(&first, a)?;
            let b = second
                .facts
                .iter()
                .find(|&&b| unit(&second, b) == Some(wanted))?;
            Some((a, *b))
        })
    });
    match pair.flatten() {
        Some((a, b)) => Some((one_fact(first, a), one_fact(second, b))),
        None => Some((
            value_side(base, first, dates)?,
            value_side(base, second, dates)?,
        )),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Dollars,
    Percent,
    Other,
}

/// The most terms a part parted into sides may have. The longest comparison in the written
/// development sets has 30.
const SIDE_MAX_TERMS: usize = 32;

/// How many of a side's candidates are tried for a figure.
const SIDE_CANDIDATES: usize = 3;

/// How far under a side's best candidate a series may score and still be taken first.
const SIDE_SERIES_RUNNER_UP: f32 = 0.12;

/// A comparison whose best topic has no figure for the year named ("2022's trade against the
/// target") compares that topic's figure with the best topic that has one for the year, however
/// far below it scores: the year's figure is what the question names.
fn period_sides(
    base: Base,
    part: &PartReading,
    scale: Lang,
    scored: &[Scored],
    target: Scored,
) -> Vec<Chosen> {
    let sides = one_side_each(part);
    let first = answer_with(base, &sides.yearless, target).ok();
    let Some(first) = first.and_then(|side| figure_side(base, side)) else {
        return Vec::new();
    };
    let dated = scored
        .iter()
        .take_while(|s| s.score >= suggest_threshold(scale))
        .filter(|s| s.intent != target.intent)
        .find_map(|&s| figure_side(base, answer_with(base, &sides.dated, s).ok()?));
    match dated {
        Some(second) => vec![first, second],
        None => Vec::new(),
    }
}

/// A part read as one side of a comparison: a question of its own, with no comparison within
/// its series, for the period named or for none.
struct OneSide {
    dated: PartReading,
    yearless: PartReading,
}

fn one_side_each(part: &PartReading) -> OneSide {
    let dated = PartReading {
        shape: Part {
            compares: false,
            asks: side_asks(&part.shape),
            ..part.shape.clone()
        },
        ..part.clone()
    };
    let yearless = PartReading {
        analysis: crate::matching::Analysis {
            years: Vec::new(),
            ..part.analysis.clone()
        },
        ..dated.clone()
    };
    OneSide { dated, yearless }
}

/// A side's answer cut to its first fact that states a figure, if it has one.
fn figure_side(base: Base, side: Chosen) -> Option<Chosen> {
    let figure = first_fact(base, &side, |values| values.figure)?;
    Some(one_fact(side, figure))
}

/// A side cut to one of its facts, with no verdict: what a comparison gives of it.
fn one_fact(side: Chosen, fact: usize) -> Chosen {
    Chosen {
        facts: vec![fact],
        verdict: None,
        ..side
    }
}

/// The first of a side's facts whose values `holds` accepts.
fn first_fact(base: Base, side: &Chosen, holds: impl Fn(&FactValues) -> bool) -> Option<usize> {
    let intent = side.scored.intent;
    side.facts
        .iter()
        .copied()
        .find(|&f| holds(base.values.of(intent, f)))
}

/// One figure from each of the first two close candidates of different intents, for the
/// period the question names where the intent covers it (the target has no 2022); an answer
/// already given stays the first side, as it was chosen.
fn two_sides(
    base: Base,
    part: &PartReading,
    close: &[Scored],
    taken: Option<&Chosen>,
) -> Vec<Chosen> {
    let one_side = one_side_each(part);
    let mut sides: Vec<Chosen> = taken.into_iter().cloned().collect();
    for &candidate in close {
        if sides.len() == 2 {
            break;
        }
        if sides.iter().any(|c| c.scored.intent == candidate.intent) {
            continue;
        }
        let side = answer_with(base, &one_side.dated, candidate)
            .or_else(|_| answer_with(base, &one_side.yearless, candidate));
        let value = |side| match part.shape.compares_dates {
            true => value_side(base, side, true),
            false => figure_side(base, side),
        };
        if let Some(side) = side.ok().and_then(value) {
            sides.push(side);
        }
    }
    if sides.len() < 2 {
        sides.clear();
    }
    sides
}

/// What one side of a comparison asks: when it happened, where the comparison is of dates
/// ("how many years between the first pair and the capitals' friendship?").
fn side_asks(shape: &Part) -> Asks {
    match shape.compares_dates {
        true => Asks::When,
        false => shape.asks,
    }
}

/// A side's answer cut to its value fact (`value_fact`).
fn value_side(base: Base, side: Chosen, dates: bool) -> Option<Chosen> {
    let fact = value_fact(base, &side, dates)?;
    Some(one_fact(side, fact))
}

/// A side's first fact that states a figure, or failing that a date; its first that states a
/// date when `dates` are compared ("which pair came first?").
fn value_fact(base: Base, side: &Chosen, dates: bool) -> Option<usize> {
    let dated = || first_fact(base, side, |values| values.date);
    match dates {
        true => dated(),
        false => first_fact(base, side, |values| values.figure).or_else(dated),
    }
}

/// How many of the chosen facts state a figure.
fn figures_given(base: Base, chosen: &Chosen) -> usize {
    chosen
        .facts
        .iter()
        .filter(|&&f| base.values.of(chosen.scored.intent, f).figure)
        .count()
}

/// The first candidate that can answer among those `keep` accepts, scoring at least `floor`
/// and within `CLAIM_RUNNER_UP` of the best.
fn close_answer(
    base: Base,
    part: &PartReading,
    scored: &[Scored],
    floor: f32,
    keep: impl Fn(&Scored) -> bool,
) -> Option<Chosen> {
    let best = scored.first()?.score;
    scored
        .iter()
        .take_while(|s| s.score >= floor && best - s.score <= CLAIM_RUNNER_UP)
        .filter(|s| keep(s))
        .find_map(|&s| answer_with(base, part, s).ok())
}

/// A claim of a figure is checked against the close candidate that states that figure, if one
/// does: "30 days per entry, right?" is about the length of one stay, even where the limit of
/// 90 days in 180 shares more of its words. Candidates scoring under `floor` are not
/// considered.
fn claim_stated(base: Base, part: &PartReading, scored: &[Scored], floor: f32) -> Option<Chosen> {
    part.shape.claim.as_ref()?;
    close_answer(base, part, scored, floor, |s| {
        let all: Vec<usize> = (0..base.knowledge.intents[s.intent].facts.len()).collect();
        !stating_claim(base, &all, part, s.intent).is_empty()
    })
}

/// A "did you mean" whose first offer leaves little doubt is answered with it, provided the
/// question names nothing the lexicon marks as outside that topic and enough of its words are
/// known. Little doubt is:
/// - no other offer, or a lead of `SOLE_LEAD` over the next won with every word read as
///   written (a lead won through "mayor" read as "major" is no lead). Most such questions are
///   worded unlike our phrasings ("that big import fair", "workshp project") but point at one
///   intent only;
/// - or, for a question asking a date, a figure, a place or a person and stating no claim, no
///   other offer able to answer it ("哈萨克斯坦地盘有多大 全世界排第几" offers the land area's
///   rank beside topics that rank nothing). Measured on written-a..m: +17 in scope, −3 out of
///   scope; taking any lone offer that can answer, not only the first, gained +21 and lost 8.
fn clear_offer(base: Base, part: &PartReading, offers: &[Scored]) -> Option<Chosen> {
    let [first, rest @ ..] = offers else {
        return None;
    };
    let plain = !base.index.names_outside(&part.analysis, first.intent)
        && part.resolved.known() >= SOLE_MIN_TERMS;
    if !plain {
        return None;
    }
    let leads = rest
        .first()
        .is_none_or(|second| first.score - second.score >= SOLE_LEAD && part.resolved.as_written());
    let specific = !matches!(part.shape.asks, Asks::What | Asks::YesNo | Asks::Why);
    let only_holder = specific && part.shape.claim.is_none() && !rest.is_empty();
    if !leads && !only_holder {
        return None;
    }
    let chosen = answer_with(base, part, *first).ok()?;
    let alone = leads || !rest.iter().any(|&s| answer_with(base, part, s).is_ok());
    alone.then_some(chosen)
}

/// Whether `facts` of an intent bear a claim out: every figure and month it states is in them,
/// and no name or place it gives is one they do not name.
fn borne_out(
    base: Base,
    part: &PartReading,
    claim: &Claim,
    intent: usize,
    facts: &[usize],
) -> bool {
    let index = base.index;
    let lang = part.analysis.lang;
    let named = |name: &String| {
        let terms = index.analyze_as(name, lang).terms;
        terms
            .iter()
            .any(|t| index.names_elsewhere(t, lang, intent, facts))
    };
    bears_out(base, claim, facts, intent, lang)
        && !claim.names.iter().any(named)
        && !names_other_place(base, part, intent, facts)
}

/// The most facts a reply to a claim the first facts chosen do not bear out gives.
const CLAIM_FACTS: usize = 3;

/// The facts of one intent that answer a part, or why it cannot (no figure for the period
/// asked about, or none of the kind of value asked for).
fn answer_with(base: Base, part: &PartReading, scored: Scored) -> Result<Chosen, Decision> {
    let intent = &base.knowledge.intents[scored.intent];
    let in_period = facts_for_period(intent, &part.analysis);
    if in_period.is_empty() {
        let years = part.analysis.years.clone();
        return Err(Decision::NoPeriod { scored, years });
    }
    let facts = pick_facts(base, &in_period, part, scored);
    let holding: Vec<usize> = facts
        .iter()
        .copied()
        .filter(|&f| holds(base, scored.intent, f, &part.shape))
        .collect();
    if holding.is_empty() {
        let asks = part.shape.asks;
        return Err(Decision::NotStated { scored, asks });
    }
    let mut facts = if part.shape.compares { facts } else { holding };
    let mut verdict = part
        .shape
        .claim
        .as_ref()
        .map(|claim| borne_out(base, part, claim, scored.intent, &facts));
    // A claim the chosen facts do not bear out is checked against the whole topic, and a
    // wrong one is answered with more of it: the fact that corrects it ("a consulate in
    // Aktobe, not Shymkent") may not be the one its words matched best.
    if let (Some(false), Some(claim)) = (verdict, &part.shape.claim) {
        let whole: Vec<usize> = in_period
            .iter()
            .copied()
            .filter(|&f| holds(base, scored.intent, f, &part.shape))
            .collect();
        if borne_out(base, part, claim, scored.intent, &whole) {
            verdict = Some(true);
        }
        for f in whole {
            if !facts.contains(&f) && facts.len() < CLAIM_FACTS {
                facts.push(f);
            }
        }
    }
    let comparison = compare(base, scored.intent, &facts, &part.shape);
    Ok(Chosen {
        scored,
        facts,
        verdict,
        comparison,
    })
}

/// The facts of `intent` that answer for the period asked about: those covering a year named
/// in the question, or the newest when the question asks for the latest, or all. Only an
/// intent holding a series of dated figures is filtered; empty means no figure fits.
pub(crate) fn facts_for_period(
    intent: &Intent,
    analysis: &crate::matching::Analysis,
) -> Vec<usize> {
    let all: Vec<usize> = (0..intent.facts.len()).collect();
    let period = |f: usize| intent.facts[f].period.as_ref();
    if !intent.series {
        // A year before anything the intent reports ("trade partner in 2019") is a period the
        // articles do not cover; a later year still gets the facts, which stay true.
        let earliest = all
            .iter()
            .filter_map(|&f| period(f))
            .map(|p| p.start.year)
            .min();
        let all_before = |earliest: u16| {
            !analysis.years.is_empty() && analysis.years.iter().all(|&y| y < earliest)
        };
        if earliest.is_some_and(all_before) {
            return Vec::new();
        }
        return all;
    }
    if !analysis.years.is_empty() {
        return all
            .into_iter()
            .filter(|&f| {
                period(f).is_some_and(|p| analysis.years.iter().any(|&y| p.covers_year(y)))
            })
            .collect();
    }
    if analysis.wants_latest {
        return newest(intent, &all).into_iter().collect();
    }
    all
}

/// The fact with the newest period among `facts`.
fn newest(intent: &Intent, facts: &[usize]) -> Option<usize> {
    facts
        .iter()
        .copied()
        .filter(|&f| intent.facts[f].period.is_some())
        .max_by_key(|&f| intent.facts[f].period.as_ref().map(|p| p.end))
}

/// Among the facts for the period: in a series, one figure per year named, or for a
/// comparison the figure asked about and the one before it; otherwise the facts ranked by how
/// much of the question they hold.
fn pick_facts(base: Base, in_period: &[usize], part: &PartReading, scored: Scored) -> Vec<usize> {
    let intent_index = scored.intent;
    let intent = &base.knowledge.intents[intent_index];
    let years = &part.analysis.years;
    if part.shape.compares && intent.series {
        if let Some(pair) = compared(base, in_period, part, intent_index) {
            return pair;
        }
    }
    if intent.series && years.len() >= 2 {
        return one_per_year(intent, in_period, years);
    }
    let stating = stating_claim(base, in_period, part, intent_index);
    let candidates = if stating.is_empty() {
        in_period
    } else {
        &stating
    };
    let mut ranked = ranked_facts(base, candidates, part, intent_index);
    lead_with_matched(base, &mut ranked, candidates, part, scored);
    ranked
}

/// The fact through which the question matched its intent leads, when it holds the kind of
/// value asked for: "how big is the share of Chinese cars" matched the fact about the market
/// share, though another fact of the topic repeats more of its words.
fn lead_with_matched(
    base: Base,
    ranked: &mut Vec<usize>,
    candidates: &[usize],
    part: &PartReading,
    scored: Scored,
) {
    let Some(matched) = scored.fact.filter(|f| candidates.contains(f)) else {
        return;
    };
    let asks_value = !matches!(part.shape.asks, Asks::What | Asks::YesNo);
    if !asks_value || part.shape.claim.is_some() || ranked.first() == Some(&matched) {
        return;
    }
    if !holds(base, scored.intent, matched, &part.shape) {
        return;
    }
    ranked.retain(|&f| f != matched);
    ranked.insert(0, matched);
}

/// The facts that state a figure a claim makes ("23% of the market, right?"): what the claim
/// is about, however little else of the question their text holds.
fn stating_claim(base: Base, facts: &[usize], part: &PartReading, intent: usize) -> Vec<usize> {
    let Some(claim) = &part.shape.claim else {
        return Vec::new();
    };
    let figures: Vec<f64> = claim
        .numbers
        .iter()
        .copied()
        .filter(|&v| !year_like(v))
        .collect();
    stating(base, facts, &figures, part.analysis.lang, intent)
}

/// The facts among `facts` that state one of `figures`.
fn stating(base: Base, facts: &[usize], figures: &[f64], lang: Lang, intent: usize) -> Vec<usize> {
    facts
        .iter()
        .copied()
        .filter(|&f| figures.iter().any(|&v| states(base, (intent, f), lang, v)))
        .collect()
}

/// Whether a fact states a number, in English or in the question's language (where 24.2
/// billion may be 242亿).
fn states(base: Base, (intent, fact): (usize, usize), lang: Lang, value: f64) -> bool {
    let values = base.values.of(intent, fact);
    [Lang::En, lang].iter().any(|&l| {
        values.numbers[slot(l)]
            .iter()
            .any(|&s| (s - value).abs() < 1e-6)
    })
}

/// One figure per year named, the one for the longest stretch of it (the whole year rather
/// than its first ten months).
fn one_per_year(intent: &Intent, in_period: &[usize], years: &[u16]) -> Vec<usize> {
    let period = |f: usize| intent.facts[f].period.as_ref();
    let longest = |year: u16| {
        in_period
            .iter()
            .copied()
            .filter(|&f| period(f).is_some_and(|p| p.covers_year(year)))
            .max_by_key(|&f| period(f).map(|p| (p.end, std::cmp::Reverse(p.start))))
    };
    let mut picked: Vec<usize> = Vec::new();
    for &year in years {
        if let Some(f) = longest(year).filter(|f| !picked.contains(f)) {
            picked.push(f);
        }
    }
    picked
}

/// The figures a comparison in a series compares, among those of the kind compared (growth
/// rates when it asks how fast, else dollar amounts, where the series has two): the ones whose
/// values or years the question names, or, when it names one or none, that one (else the
/// latest) and the figure it is measured against.
fn compared(
    base: Base,
    in_period: &[usize],
    part: &PartReading,
    intent: usize,
) -> Option<Vec<usize>> {
    let series = &base.knowledge.intents[intent];
    let pool = compared_kind(base, intent, part.shape.growth);
    let candidates: Vec<usize> = in_period
        .iter()
        .copied()
        .filter(|f| pool.contains(f))
        .collect();
    let lang = part.analysis.lang;
    // A figure the question states is compared whatever period the rest of it names ("from
    // that 24.2bn record to what it was in 2023").
    let mut named = stating(base, &pool, &part.shape.figures, lang, intent);
    // Years the named figures do not already cover pick a figure each.
    let period = |f: usize| series.facts[f].period.as_ref();
    let covered = |year: u16, named: &[usize]| {
        named
            .iter()
            .any(|&f| period(f).is_some_and(|p| p.covers_year(year)))
    };
    let years: Vec<u16> = part
        .analysis
        .years
        .iter()
        .copied()
        .filter(|&y| !covered(y, &named))
        .collect();
    if named.len() + years.len() >= 2 {
        for f in one_per_year(series, &candidates, &years) {
            if !named.contains(&f) {
                named.push(f);
            }
        }
    }
    if named.len() >= 2 {
        return Some(named);
    }
    if named.is_empty() {
        if let Some(pair) = described_pair(base, part, intent, &candidates) {
            return Some(pair);
        }
    }
    let current = match (named.as_slice(), candidates.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], all) if all.len() == pool.len() => newest(series, all)?,
        _ => return None,
    };
    let other = counterpart(base, part, intent, current, &pool);
    Some(std::iter::once(current).chain(other).collect())
}

/// The two figures of a series a comparison describes without naming their values or years:
/// the two whose texts hold most of what sets them apart from the others ("in Shanghai" and
/// "in Astana", "the record" and "the ambassador's"), in the order of their periods. None
/// unless exactly two are described, or two stand well clear of the rest.
fn described_pair(
    base: Base,
    part: &PartReading,
    intent: usize,
    candidates: &[usize],
) -> Option<Vec<usize>> {
    if candidates.len() < 3 {
        return None;
    }
    // The words that make it a comparison ("больше", "higher") describe neither side.
    let lang = part.analysis.lang;
    let comparing = base
        .index
        .analyze_as(&compare_words(lang).join(" "), lang)
        .terms;
    let overlap = base
        .index
        .distinguishing_overlap(&part.resolved, intent, candidates, &comparing);
    let mut ranked: Vec<(usize, f32)> = candidates.iter().copied().zip(overlap).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (second, third) = (ranked[1].1, ranked[2].1);
    if second <= 0.0 || third * DESCRIBED_MARGIN > second {
        return None;
    }
    let series = &base.knowledge.intents[intent];
    let start = |f: usize| series.facts[f].period.as_ref().map(|p| p.start);
    let mut pair = vec![ranked[0].0, ranked[1].0];
    pair.sort_by_key(|&f| start(f));
    Some(pair)
}

/// The facts of a series a comparison can compare: those with a percentage when it asks how
/// fast something grew, else those with a dollar amount; all, where fewer than two have one.
fn compared_kind(base: Base, intent: usize, growth: bool) -> Vec<usize> {
    let count = base.knowledge.intents[intent].facts.len();
    let kind: Vec<usize> = (0..count)
        .filter(|&f| {
            let values = base.values.of(intent, f);
            if growth {
                values.percent.is_some()
            } else {
                values.dollars.is_some()
            }
        })
        .collect();
    if kind.len() >= 2 {
        kind
    } else {
        (0..count).collect()
    }
}

/// What a figure is compared with: among the figures before it (or, for the first, after
/// it), the one whose text holds most of the question ("the record year"), else the closest
/// in time.
fn counterpart(
    base: Base,
    part: &PartReading,
    intent: usize,
    current: usize,
    pool: &[usize],
) -> Option<usize> {
    let series = &base.knowledge.intents[intent];
    let start = |f: usize| series.facts[f].period.as_ref().map(|p| p.start);
    let at = start(current)?;
    let dated: Vec<usize> = pool
        .iter()
        .copied()
        .filter(|&f| f != current && start(f).is_some())
        .collect();
    let before: Vec<usize> = dated
        .iter()
        .copied()
        .filter(|&f| start(f) < Some(at))
        .collect();
    let side = if before.is_empty() { dated } else { before };
    let overlap = base
        .index
        .fact_overlap(&part.resolved, intent, series.facts.len());
    let closest = |&f: &usize| {
        let distance =
            start(f).map(|d| (i64::from(d.month_index()) - i64::from(at.month_index())).abs());
        (std::cmp::Reverse(distance), f)
    };
    let best_overlap = side.iter().map(|&f| overlap[f]).fold(0.0, f32::max);
    let pick = side
        .iter()
        .copied()
        .filter(|&f| best_overlap == 0.0 || overlap[f] == best_overlap);
    pick.max_by_key(closest)
}

/// The facts ranked by how much of the question their own text holds: a question that picks
/// out one fact gets it alone (if it holds the value asked for); a broad one gets them all,
/// the closest first.
fn ranked_facts(base: Base, in_period: &[usize], part: &PartReading, intent: usize) -> Vec<usize> {
    let count = base.knowledge.intents[intent].facts.len();
    let overlap = base.index.fact_overlap(&part.resolved, intent, count);
    let mut ranked = in_period.to_vec();
    ranked.sort_by(|&a, &b| overlap[b].total_cmp(&overlap[a]));
    match ranked.as_slice() {
        [top, next, ..]
            if overlap[*top] > overlap[*next] * LEAD_MARGIN
                && holds(base, intent, *top, &part.shape) =>
        {
            vec![*top]
        }
        _ => ranked,
    }
}

/// Whether a fact holds the kind of value a question asks for: a figure for "how many", a
/// date for "when" (a day, when the question wants the exact day), about travellers going the
/// way the question asks. Read from the English text, which every fact has.
fn holds(base: Base, intent: usize, fact: usize, shape: &Part) -> bool {
    let values = base.values.of(intent, fact);
    // Tourists from China are no answer to how many Kazakhs went to China, and neither is a
    // fact that counts no travellers at all (the visa rules' 30 days).
    let other_way = match (shape.travel, values.travel) {
        (Some(a), Some(b)) => a != b,
        (Some(_), None) => shape.counts_travellers,
        (None, _) => false,
    };
    if other_way {
        return false;
    }
    // How long crossing takes is not answered by the hours a checkpoint works.
    if shape.takes_time && !values.takes_time {
        return false;
    }
    match shape.asks {
        Asks::HowMany => values.figure && counts(base, intent, fact, shape),
        Asks::When if shape.exact_day => values.day,
        Asks::When => values.date,
        // "Where was growth higher?" compares; it asks no place.
        Asks::Where => values.place || shape.compares,
        _ => true,
    }
}

/// Whether a fact counts what a "how many" question counts: "how many minutes" is not
/// answered by a fact about hours. The word matches a term of the fact's text (synonyms
/// included: visitors are tourists) or its first letters, which survive endings and
/// abbreviations ("саг" for "сағат"). Units that facts write as symbols ("35%", "$41
/// billion") count only where a fact states them. Words that count anything ("people"),
/// words too short to compare and words the fact base never uses (but units of measure)
/// always count.
fn counts(base: Base, intent: usize, fact: usize, shape: &Part) -> bool {
    let Some(word) = &shape.counted else {
        return true;
    };
    let head: String = word.chars().take(COUNTED_PREFIX).collect();
    let any_unit = |list: &[&str]| list.iter().any(|unit| unit.starts_with(&head));
    let values = base.values.of(intent, fact);
    // A sum of money or a percentage is answered only by a fact that states one: "how many
    // dollars has China invested" is not answered by "one of the five biggest investors".
    if any_unit(DOLLAR_WORDS) {
        return values.dollars.is_some();
    }
    if any_unit(PERCENT_WORDS) {
        return values.percent.is_some();
    }
    let han = word.chars().any(is_han);
    if head.chars().count() < 3 && !han || any_unit(ANYTHING) {
        return true;
    }
    // Chinese runs words together: the counted word must stand in the fact's Chinese text.
    if han {
        let same = HAN_SAME.iter().find(|(a, _)| a == word).map(|&(_, b)| b);
        return values.words[slot(Lang::Zh)]
            .iter()
            .any(|w| w.contains(word.as_str()) || same.is_some_and(|b| w.contains(b)));
    }
    // A word the fact base never uses cannot tell one fact's count from another's, unless it
    // is a unit of measure: "сколько товарняков" is answered by the trains a fact counts,
    // "сколько тонн" by no fact that gives no tonnes.
    let terms = base.index.analyze_as(word, shape.lang).terms;
    if !terms.iter().any(|t| base.index.knows(t)) && !any_unit(UNITS) {
        return true;
    }
    let by_letters = [shape.lang, Lang::En].iter().any(|&lang| {
        values.words[slot(lang)]
            .iter()
            .any(|w| w.starts_with(&head))
    });
    by_letters || terms.iter().any(|t| base.index.fact_uses(t, intent, fact))
}

/// Counted words that any figure answers: "how many people came" is answered by "about 150
/// participants".
const ANYTHING: &[&str] = &[
    "people",
    "persons",
    "ppl",
    "folks",
    "человек",
    "людей",
    "народу",
    "адам",
];

/// Units of measure, by their first letters: a fact that gives none does not answer "how
/// many tonnes", whatever else it counts.
const UNITS: &[&str] = &[
    "tons",
    "tonnes",
    "тонн",
    "megawatts",
    "мегаватт",
    "gigawatts",
    "гигаватт",
    "kilowatts",
    "киловатт",
    "minutes",
    "минут",
    "hours",
    "часов",
    "сагат",
    "kilometres",
    "kilometers",
    "километров",
    "kilograms",
    "килограммов",
    "litres",
    "liters",
    "литров",
    "barrels",
    "баррелей",
    "cubic",
    "кубометров",
    "metres",
    "meters",
    "метров",
    "tenge",
    "тенге",
    "yuan",
    "юаней",
    "rubles",
    "рублей",
    "seconds",
    "секунд",
];

/// Chinese counted words that facts write another way ("30个日历日" counts days).
const HAN_SAME: &[(&str, &str)] = &[("天", "日"), ("日", "天"), ("趟", "列"), ("钟头", "小时")];

/// How many first letters of a counted word are compared.
const COUNTED_PREFIX: usize = 4;

/// Whether the facts bear out a claim: every figure and month it states is in them. A year the facts'
/// period covers counts as stated.
fn bears_out(base: Base, claim: &Claim, facts: &[usize], intent: usize, lang: Lang) -> bool {
    let chosen = || facts.iter().map(|&f| base.values.of(intent, f));
    let stated = |value: f64| {
        facts
            .iter()
            .any(|&f| states(base, (intent, f), lang, value))
    };
    let facts_of_intent = &base.knowledge.intents[intent].facts;
    let covered_year = |value: f64| {
        value.fract() == 0.0
            && year_like(value)
            && facts.iter().any(|&f| {
                facts_of_intent[f]
                    .period
                    .as_ref()
                    .is_some_and(|p| p.covers_year(value as u16))
            })
    };
    let month_stated = |month: &u8| {
        chosen().any(|v| {
            [Lang::En, lang]
                .iter()
                .any(|&l| v.months[slot(l)].contains(month))
        })
    };
    // A sum of money is borne out by the same sum, not by a percentage of that number.
    let sum_stated =
        |value: f64| !claim.sums.contains(&value) || chosen().any(|v| v.sums.contains(&value));
    let numbers_ok = claim
        .numbers
        .iter()
        .all(|&value| (stated(value) && sum_stated(value)) || covered_year(value));
    numbers_ok && claim.months.iter().all(month_stated)
}

/// Whether a claim names a place that none of the facts it is checked against names: "China
/// opens a consulate in Almaty" is checked against facts naming Xi'an and Aktobe.
fn names_other_place(base: Base, part: &PartReading, intent: usize, facts: &[usize]) -> bool {
    let named = |place: usize| {
        facts
            .iter()
            .any(|&f| base.values.of(intent, f).places.contains(&place))
    };
    base.values
        .places_in(&part.shape.text)
        .into_iter()
        .any(|place| !named(place))
}

/// For two figures of a series: which is higher, as (higher, lower). Growth rates are
/// compared when the question asks how fast; dollar amounts only over periods of the same
/// length (a whole year is not compared with five months of the next).
fn compare(base: Base, intent: usize, facts: &[usize], shape: &Part) -> Option<(usize, usize)> {
    let [a, b] = facts else {
        return None;
    };
    let series = &base.knowledge.intents[intent];
    if !series.series {
        return None;
    }
    let value = |f: usize| {
        let values = base.values.of(intent, f);
        if shape.growth {
            values.percent
        } else {
            values.dollars
        }
    };
    let months = |f: usize| series.facts[f].period.as_ref().map(Period::months);
    if !shape.growth && months(*a) != months(*b) {
        return None;
    }
    let (x, y) = (value(*a)?, value(*b)?);
    if (x - y).abs() < 1e-9 {
        return None;
    }
    Some(if x > y { (*a, *b) } else { (*b, *a) })
}
