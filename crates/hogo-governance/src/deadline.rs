//! Report deadlines for incidents (M4; 通則GL 3-5-3-3・3-5-3-4; 番号GL 別添2).
//!
//! - **速報** (preliminary report): "速やかに" — the guidelines give about **3–5 days** from
//!   when any department knew. It is a target, not a statutory deadline, so the window is
//!   shown in calendar days and is not moved for holidays.
//! - **確報** (final report): within **30 days**, or **60 days** when the improper-purpose
//!   case is involved (APPI 規則7条3号 / H27 PPC規則5号 2条2号). No other case gets 60 days:
//!   要配慮, financial, >1,000 (APPI) and >100, unspecified-viewer, public-system (My Number)
//!   cases all get 30 days unless the improper-purpose case applies at the same time.
//! - **Counting**: the day of knowledge is **day 1** (通則GL 3-5-3-4), not the 民法 140条
//!   counting used for retention; weekends count.
//! - **Closed days**: a deadline on a Saturday, Sunday, national holiday or 12/29–1/3 moves
//!   forward to the first day that is none of these ([`crate::holiday`]).
//!
//! ```
//! use chrono::NaiveDate;
//! use hogo_governance::deadline::{ReportDeadlines, FinalPeriod};
//! let known = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
//! let d = ReportDeadlines::compute(known, FinalPeriod::Days30).unwrap();
//! assert_eq!(d.final_nominal, NaiveDate::from_ymd_opt(2025, 4, 30).unwrap());
//! assert_eq!(d.final_due, NaiveDate::from_ymd_opt(2025, 4, 30).unwrap());
//! ```

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::GovernanceError;
use crate::holiday::business_day_on_or_after;

/// The period for the 確報.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalPeriod {
    /// 30 days (every case but the improper-purpose one).
    Days30,
    /// 60 days (APPI 規則8条2項 / PPC規則5号 3条2項: the improper-purpose case).
    Days60,
}

impl FinalPeriod {
    /// The number of days.
    pub fn days(self) -> u64 {
        match self {
            Self::Days30 => 30,
            Self::Days60 => 60,
        }
    }
}

/// The first day of the 速報 window (day 3, counting the day of knowledge as day 1).
pub const PRELIMINARY_FROM_DAY: u64 = 3;
/// The last day of the 速報 window (day 5).
pub const PRELIMINARY_TO_DAY: u64 = 5;

/// The deadlines of one report to one authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDeadlines {
    /// The day any department knew (day 1).
    pub known_on: NaiveDate,
    /// The 速報 target window, first day (day 3).
    pub preliminary_from: NaiveDate,
    /// The 速報 target window, last day (day 5).
    pub preliminary_to: NaiveDate,
    /// The 確報 period.
    pub final_period: FinalPeriod,
    /// Day 30 or 60, before moving off closed days.
    pub final_nominal: NaiveDate,
    /// The 確報 deadline: [`Self::final_nominal`] moved to the first business day.
    pub final_due: NaiveDate,
}

/// Day `n` counting `day1` as day 1.
///
/// # Errors
/// [`GovernanceError::CalendarOutOfRange`] if the date overflows.
pub fn nth_day(day1: NaiveDate, n: u64) -> Result<NaiveDate, GovernanceError> {
    use chrono::Datelike;
    day1.checked_add_days(Days::new(n.saturating_sub(1)))
        .ok_or(GovernanceError::CalendarOutOfRange { year: day1.year() })
}

impl ReportDeadlines {
    /// Computes the deadlines for a case known on `known_on`.
    ///
    /// # Errors
    /// [`GovernanceError::CalendarOutOfRange`] when the deadline falls outside the
    /// holiday calendar.
    pub fn compute(known_on: NaiveDate, period: FinalPeriod) -> Result<Self, GovernanceError> {
        let final_nominal = nth_day(known_on, period.days())?;
        Ok(Self {
            known_on,
            preliminary_from: nth_day(known_on, PRELIMINARY_FROM_DAY)?,
            preliminary_to: nth_day(known_on, PRELIMINARY_TO_DAY)?,
            final_period: period,
            final_nominal,
            final_due: business_day_on_or_after(final_nominal)?,
        })
    }
}
