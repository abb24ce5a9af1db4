//! Retention periods and how Japanese law counts them (民法140条, 143条; 所得税法施行規則
//! 76条の3).
//!
//! The result of counting is always the **destroy-from** date: the first day on which the
//! retention period has ended, so the planner may dispose of the thing from that day on.
//!
//! chrono's month arithmetic clamps a missing day to the last day of the month
//! (`2024-02-29 + 12 months = 2025-02-28`). Under 民法143条② the *period* ends on that last
//! day, so the destroy-from date is the **1st of the next month** (2025-03-01). This module
//! does the arithmetic itself; see [`corresponding_day_or_next`].

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A retention period (保存期間), counted in whole months (years are 12 months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "PeriodRepr", into = "PeriodRepr")]
pub struct RetentionPeriod {
    months: u32,
}

/// The serialised form: `{ "years": 4 }`, `{ "years": 1, "months": 6 }`.
#[derive(Serialize, Deserialize)]
struct PeriodRepr {
    #[serde(default)]
    years: u32,
    #[serde(default)]
    months: u32,
}

impl From<PeriodRepr> for RetentionPeriod {
    fn from(r: PeriodRepr) -> Self {
        Self { months: r.years.saturating_mul(12).saturating_add(r.months) }
    }
}

impl From<RetentionPeriod> for PeriodRepr {
    fn from(p: RetentionPeriod) -> Self {
        Self { years: p.months / 12, months: p.months % 12 }
    }
}

impl RetentionPeriod {
    /// No period: disposal is due the day the start rule says (e.g. the day after the
    /// registration period ends, P11).
    pub const ZERO: Self = Self { months: 0 };

    /// `n` years.
    pub const fn years(n: u32) -> Self {
        Self { months: n.saturating_mul(12) }
    }

    /// `n` months.
    pub const fn months(n: u32) -> Self {
        Self { months: n }
    }

    /// The length in months.
    pub const fn in_months(self) -> u32 {
        self.months
    }
}

impl std::fmt::Display for RetentionPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m) = (self.months / 12, self.months % 12);
        match (y, m) {
            (0, 0) => f.write_str("0年 (none)"),
            (y, 0) => write!(f, "{y}年 ({y} years)"),
            (0, m) => write!(f, "{m}か月 ({m} months)"),
            (y, m) => write!(f, "{y}年{m}か月 ({y} years {m} months)"),
        }
    }
}

/// How a rule's wording counts its period from the start event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountingMode {
    /// 「…から N 年」: the start day is not counted (民法140条), so the period starts the
    /// day after the event: destroy-from = (event + 1 day) + N.
    /// Example: 完結 2025-03-31, 4 years → kept through 2029-03-31, destroy from 2029-04-01.
    FromDayAfter,
    /// 「…から起算して N 年」: the start day is counted: destroy-from = event + N.
    /// Example: last provision 2026-03-10, 1 year → kept through 2027-03-09, destroy from
    /// 2027-03-10 (個人情報保護法施行規則21条).
    FromEventDay,
    /// 所得税法施行規則76条の3: 「提出期限の属する年の翌年1月10日の翌日から7年を経過する日まで」.
    /// The period starts on 11 January of the year after the year containing the event
    /// (the 提出期限) and that day is counted: destroy-from = 11 January (year + 1) + N.
    /// Example: 提出期限 in 2024, 7 years → 2025-01-11 – 2032-01-10, destroy from 2032-01-11.
    TaxArticle76_3,
}

impl CountingMode {
    /// The first day of the period for an event on `event`, or `None` past the calendar.
    pub fn period_start(self, event: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::FromDayAfter => event.checked_add_days(Days::new(1)),
            Self::FromEventDay => Some(event),
            Self::TaxArticle76_3 => NaiveDate::from_ymd_opt(event.year().checked_add(1)?, 1, 11),
        }
    }

    /// The destroy-from date: the first day after the period of `period` counted from
    /// `event` in this mode. `None` only past the end of the calendar.
    pub fn destroy_from(self, event: NaiveDate, period: RetentionPeriod) -> Option<NaiveDate> {
        corresponding_day_or_next(self.period_start(event)?, period.in_months())
    }

    /// The wording the mode follows, for messages and reports.
    pub fn wording(self) -> &'static str {
        match self {
            Self::FromDayAfter => "「…から N 年」初日不算入 (民法140条, 143条)",
            Self::FromEventDay => "「…から起算して N 年」初日算入 (民法143条)",
            Self::TaxArticle76_3 => {
                "「翌年1月10日の翌日から7年を経過する日まで」(所得税法施行規則76条の3)"
            }
        }
    }
}

/// The day `months` months after `start` that has the same day of the month (起算日に応当する
/// 日, 民法143条②), i.e. the day after the period ends. Where that day does not exist in the
/// target month (31st, or 29 February in a common year), the period ends on the last day of
/// the target month, so the result is the **1st of the following month**.
///
/// ```
/// use chrono::NaiveDate;
/// use hogo_retention::period::corresponding_day_or_next;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(corresponding_day_or_next(d(2024, 2, 29), 12), Some(d(2025, 3, 1)));
/// assert_eq!(corresponding_day_or_next(d(2024, 2, 29), 48), Some(d(2028, 2, 29)));
/// ```
pub fn corresponding_day_or_next(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    let index = i64::from(start.year()) * 12 + i64::from(start.month0()) + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month0 = u32::try_from(index.rem_euclid(12)).ok()?;
    match NaiveDate::from_ymd_opt(year, month0 + 1, start.day()) {
        Some(day) => Some(day),
        None => {
            // 民法143条②ただし書: no corresponding day → the period ends on the last day of
            // that month; destroy-from is the first day of the next month.
            let (ny, nm) =
                if month0 == 11 { (year.checked_add(1)?, 1) } else { (year, month0 + 2) };
            NaiveDate::from_ymd_opt(ny, nm, 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// M9, 民法143条②: where the corresponding day does not exist the period ends on the last
    /// day of that month, so destroy-from is the 1st of the next month — not chrono's clamp.
    #[test]
    fn missing_corresponding_day_moves_to_first_of_next_month() {
        let cases = [
            // (start, months, destroy-from)
            (d(2024, 2, 29), 12, d(2025, 3, 1)),
            (d(2024, 2, 29), 48, d(2028, 2, 29)),
            (d(2024, 2, 29), 24, d(2026, 3, 1)),
            (d(2025, 1, 31), 1, d(2025, 3, 1)),
            (d(2025, 3, 31), 1, d(2025, 5, 1)),
            (d(2025, 8, 31), 3, d(2025, 12, 1)),
            (d(2025, 10, 31), 13, d(2026, 12, 1)),
            (d(2025, 12, 31), 2, d(2026, 3, 1)),
            (d(2025, 4, 1), 48, d(2029, 4, 1)),
            (d(2025, 12, 15), 1, d(2026, 1, 15)),
        ];
        for (start, months, want) in cases {
            assert_eq!(corresponding_day_or_next(start, months), Some(want), "{start} + {months}m");
        }
        // The clamp chrono does is one day too early here.
        let clamped = d(2024, 2, 29).checked_add_months(chrono::Months::new(12)).unwrap();
        assert_eq!(clamped, d(2025, 2, 28));
        assert_ne!(corresponding_day_or_next(d(2024, 2, 29), 12), Some(clamped));
    }

    /// M9, 民法140条: 「から N 年」 does not count the event day.
    #[test]
    fn from_day_after_skips_the_event_day() {
        let m = CountingMode::FromDayAfter;
        assert_eq!(m.destroy_from(d(2025, 3, 31), RetentionPeriod::years(4)), Some(d(2029, 4, 1)));
        // Event on 28 Feb 2024 → period starts 29 Feb 2024 → ends 28 Feb 2025 → 1 March.
        assert_eq!(m.destroy_from(d(2024, 2, 28), RetentionPeriod::years(1)), Some(d(2025, 3, 1)));
        assert_eq!(m.destroy_from(d(2024, 2, 29), RetentionPeriod::years(1)), Some(d(2025, 3, 1)));
        assert_eq!(m.destroy_from(d(2025, 6, 30), RetentionPeriod::ZERO), Some(d(2025, 7, 1)));
    }

    /// P3, 個人情報保護法施行規則21条: 「起算して」 counts the event day.
    #[test]
    fn from_event_day_counts_the_event_day() {
        let m = CountingMode::FromEventDay;
        assert_eq!(m.destroy_from(d(2026, 3, 10), RetentionPeriod::years(1)), Some(d(2027, 3, 10)));
        assert_eq!(m.destroy_from(d(2024, 2, 29), RetentionPeriod::years(1)), Some(d(2025, 3, 1)));
        assert_eq!(m.destroy_from(d(2024, 2, 29), RetentionPeriod::years(4)), Some(d(2028, 2, 29)));
    }

    /// M9, 所得税法施行規則76条の3: seven years from the day after 10 January of the year after
    /// the year containing the 提出期限.
    #[test]
    fn tax_article_counts_from_eleventh_of_january_next_year() {
        let m = CountingMode::TaxArticle76_3;
        for due in [d(2024, 1, 1), d(2024, 2, 29), d(2024, 12, 31)] {
            assert_eq!(m.destroy_from(due, RetentionPeriod::years(7)), Some(d(2032, 1, 11)));
        }
    }

    /// The period's display names both languages (clerks read it in error messages).
    #[test]
    fn period_displays_bilingually() {
        assert_eq!(RetentionPeriod::years(4).to_string(), "4年 (4 years)");
        assert_eq!(RetentionPeriod::months(18).to_string(), "1年6か月 (1 years 6 months)");
    }
}
