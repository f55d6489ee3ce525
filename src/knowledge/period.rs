//! Calendar dates and periods as the fact base writes them: `2023`, `2023-11`, `2023-11-10`,
//! or a range `2023-01..2023-10`. A period is a closed span of days, so a year in a question can
//! be tested against it, and the newest of several figures can be picked by its end.

use std::fmt;

use super::model::Lang;

/// A day, or the first/last day of a month or year, depending on how precisely it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date's month counted from year zero, so that months subtract across years.
    pub fn month_index(&self) -> u32 {
        u32::from(self.year) * 12 + u32::from(self.month)
    }
}

/// How precisely a date was written; used to print it back the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    Year,
    Month,
    Day,
}

/// A closed span of days with the precision it was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Date,
    start_precision: Precision,
    end_precision: Precision,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses one date; returns its first and last day and its precision.
fn parse_date(text: &str) -> Result<(Date, Date, Precision), String> {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |part: &str, what: &str| -> Result<u16, String> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || part.len() > 4 {
            return Err(format!(
                "bad date \"{text}\": {what} \"{part}\" is not a number"
            ));
        }
        part.parse::<u16>()
            .map_err(|_| format!("bad date \"{text}\": {what} \"{part}\" is not a number"))
    };
    if parts.is_empty() || parts.len() > 3 || parts[0].len() != 4 {
        return Err(format!(
            "bad date \"{text}\": expected YYYY, YYYY-MM or YYYY-MM-DD"
        ));
    }
    let year = number(parts[0], "year")?;
    if !(1900..=2100).contains(&year) {
        return Err(format!("bad date \"{text}\": year {year} is out of range"));
    }
    if parts.len() == 1 {
        let first = Date {
            year,
            month: 1,
            day: 1,
        };
        let last = Date {
            year,
            month: 12,
            day: 31,
        };
        return Ok((first, last, Precision::Year));
    }
    let month = number(parts[1], "month")?;
    if parts[1].len() != 2 || !(1..=12).contains(&month) {
        return Err(format!("bad date \"{text}\": month must be 01 to 12"));
    }
    let month = month as u8;
    let last_day = days_in_month(year, month);
    if parts.len() == 2 {
        let first = Date {
            year,
            month,
            day: 1,
        };
        let last = Date {
            year,
            month,
            day: last_day,
        };
        return Ok((first, last, Precision::Month));
    }
    let day = number(parts[2], "day")?;
    if parts[2].len() != 2 || day == 0 || day > u16::from(last_day) {
        return Err(format!(
            "bad date \"{text}\": day must be 01 to {last_day:02} in that month"
        ));
    }
    let date = Date {
        year,
        month,
        day: day as u8,
    };
    Ok((date, date, Precision::Day))
}

impl Period {
    /// Parses `DATE` or `DATE..DATE`; the error says what is wrong with the text.
    pub fn parse(text: &str) -> Result<Period, String> {
        let text = text.trim();
        let (from, to) = match text.split_once("..") {
            Some((from, to)) => (from.trim(), to.trim()),
            None => (text, text),
        };
        let (start, _, start_precision) = parse_date(from)?;
        let (_, end, end_precision) = parse_date(to)?;
        if end < start {
            return Err(format!(
                "bad date \"{text}\": the range ends before it starts"
            ));
        }
        Ok(Period {
            start,
            end,
            start_precision,
            end_precision,
        })
    }

    /// How many calendar months the period spans, counting partial ones.
    pub fn months(&self) -> u32 {
        self.end
            .month_index()
            .saturating_sub(self.start.month_index())
            + 1
    }

    /// Whether any day of `year` lies in this period.
    pub fn covers_year(&self, year: u16) -> bool {
        self.start.year <= year && year <= self.end.year
    }

    fn is_single(&self) -> bool {
        self.start_precision == self.end_precision
            && match self.start_precision {
                Precision::Year => self.start.year == self.end.year,
                Precision::Month => {
                    (self.start.year, self.start.month) == (self.end.year, self.end.month)
                }
                Precision::Day => self.start == self.end,
            }
    }
}

/// Month names per language: English, Russian (nominative, genitive), Kazakh.
const RU_MONTHS: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];
const RU_MONTHS_OF: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const KK_MONTHS: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];

/// One date as a reader of `lang` writes it; `year` says whether to show the year.
fn date_label(lang: Lang, date: Date, precision: Precision, year: bool) -> String {
    let m = usize::from(date.month) - 1;
    let (y, d) = (date.year, date.day);
    match (lang, precision, year) {
        (_, Precision::Year, _) => match lang {
            Lang::Zh => format!("{y}年"),
            Lang::Ru => format!("{y} год"),
            Lang::Kk => format!("{y} жыл"),
            Lang::En => y.to_string(),
        },
        (Lang::En, Precision::Month, true) => format!("{} {y}", MONTHS[m]),
        (Lang::En, Precision::Month, false) => MONTHS[m].to_owned(),
        (Lang::En, Precision::Day, true) => format!("{d} {} {y}", MONTHS[m]),
        (Lang::En, Precision::Day, false) => format!("{d} {}", MONTHS[m]),
        (Lang::Ru, Precision::Month, true) => format!("{} {y}", RU_MONTHS[m]),
        (Lang::Ru, Precision::Month, false) => RU_MONTHS[m].to_owned(),
        (Lang::Ru, Precision::Day, true) => format!("{d} {} {y}", RU_MONTHS_OF[m]),
        (Lang::Ru, Precision::Day, false) => format!("{d} {}", RU_MONTHS_OF[m]),
        (Lang::Kk, Precision::Month, true) => format!("{y} жылғы {}", KK_MONTHS[m]),
        (Lang::Kk, Precision::Month, false) => KK_MONTHS[m].to_owned(),
        (Lang::Kk, Precision::Day, true) => format!("{y} жылғы {d} {}", KK_MONTHS[m]),
        (Lang::Kk, Precision::Day, false) => format!("{d} {}", KK_MONTHS[m]),
        (Lang::Zh, Precision::Month, true) => format!("{y}年{}月", m + 1),
        (Lang::Zh, Precision::Month, false) => format!("{}月", m + 1),
        (Lang::Zh, Precision::Day, true) => format!("{y}年{}月{d}日", m + 1),
        (Lang::Zh, Precision::Day, false) => format!("{}月{d}日", m + 1),
    }
}

impl Period {
    /// The period as a reader of `lang` writes it: `January–May 2024`, `январь–май 2024`,
    /// `2024 жылғы қаңтар–мамыр`, `2024年1月–5月`.
    pub fn label(&self, lang: Lang) -> String {
        if self.is_single() {
            return date_label(lang, self.start, self.start_precision, true);
        }
        let same_year = self.start.year == self.end.year && self.start_precision != Precision::Year;
        // Kazakh and Chinese put the year first, so a shared year goes with the start.
        let year_first = matches!(lang, Lang::Kk | Lang::Zh);
        let start = date_label(
            lang,
            self.start,
            self.start_precision,
            !same_year || year_first,
        );
        let end = date_label(
            lang,
            self.end,
            self.end_precision,
            !same_year || !year_first,
        );
        format!("{start}–{end}")
    }
}

impl fmt::Display for Period {
    /// The English label.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_labels_periods() {
        let cases = [
            ("2022", "2022"),
            ("2023-11", "November 2023"),
            ("2023-11-10", "10 November 2023"),
            ("2024-01..2024-05", "January–May 2024"),
            ("2023-11-10..2024-03", "10 November 2023–March 2024"),
            ("2026..2030", "2026–2030"),
        ];
        for (text, label) in cases {
            let period = Period::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(period.to_string(), label, "{text}");
        }
    }

    #[test]
    fn labels_periods_in_every_language() {
        let cases = [
            ("2024-01..2024-05", Lang::Ru, "январь–май 2024"),
            ("2023-11-10", Lang::Ru, "10 ноября 2023"),
            ("2024-01..2024-05", Lang::Kk, "2024 жылғы қаңтар–мамыр"),
            ("2023-11-10", Lang::Kk, "2023 жылғы 10 қараша"),
            ("2024-01..2024-05", Lang::Zh, "2024年1月–5月"),
            ("2023-11-10", Lang::Zh, "2023年11月10日"),
            ("2022", Lang::Zh, "2022年"),
            ("2023-11-10..2024-03", Lang::Zh, "2023年11月10日–2024年3月"),
        ];
        for (text, lang, label) in cases {
            assert_eq!(
                Period::parse(text).unwrap().label(lang),
                label,
                "{text} in {lang}"
            );
        }
    }

    #[test]
    fn rejects_bad_dates() {
        for text in [
            "2023-13",
            "2023-02-30",
            "23-01",
            "2023-1",
            "2024-05..2024-01",
            "",
            "soon",
            "2023-11-10-1",
        ] {
            assert!(Period::parse(text).is_err(), "{text} should be rejected");
        }
        assert!(Period::parse("2024-02-29").is_ok());
    }

    #[test]
    fn covers_years_inclusively() {
        let period = Period::parse("2023-11-10..2024-03").unwrap();
        assert!(period.covers_year(2023) && period.covers_year(2024));
        assert!(!period.covers_year(2022) && !period.covers_year(2025));
    }
}
