//! The Japanese holiday calendar (国民の祝日に関する法律), implemented in the project
//! (`../shared/docs/crates.md` explains why no crate is used).
//!
//! Rules implemented, for the years [`RULE_YEARS`] (2000–2099):
//! - the fixed-date holidays with their historical changes: 天皇誕生日 12/23 until 2018,
//!   none in 2019, 2/23 from 2020; 昭和の日 4/29 and みどりの日 5/4 from 2007 (4/29 was
//!   みどりの日 before); 山の日 8/11 from 2016;
//! - the Happy Monday rules: 成人の日 and 体育の日/スポーツの日 on the 2nd Monday of
//!   January / October (from 2000), 海の日 and 敬老の日 on the 3rd Monday of July /
//!   September (from 2003; 7/20 and 9/15 before);
//! - 振替休日 (祝日法3条2項): before 2007 the Monday after a Sunday holiday; from 2007 the
//!   first following day that is not a 国民の祝日;
//! - 国民の休日 (3条3項): a day between two 国民の祝日 (before 2007, not a Sunday or a
//!   振替休日);
//! - 春分の日・秋分の日 from the published astronomical formula
//!   `floor(20.8431 + 0.242194 (Y − 1980) − floor((Y − 1980) / 4))` (秋分: 23.2488), valid
//!   for 1980–2099; the official dates are fixed each February for the next year by the
//!   国立天文台's 暦要項, so years after the last published one are a forecast;
//! - the one-off moves: 2019 (即位の日 5/1 and 即位礼正殿の儀 10/22, treated as 祝日, which
//!   makes 4/30 and 5/2 国民の休日), 2020 (海の日 7/23, スポーツの日 7/24, 山の日 8/10) and
//!   2021 (7/22, 7/23, 8/8).
//!
//! **Verified coverage**: [`VERIFIED_YEARS`] (2007–2027) are table-tested date by date
//! against the Cabinet Office's published list (内閣府「国民の祝日について」
//! `syukujitsu.csv`). Years 2000–2006 and 2028–2099 follow the same rules but are not
//! verified; a future law change or one-off move cannot be known here.
//!
//! ```
//! use chrono::NaiveDate;
//! use hogo_governance::holiday::{holiday, HolidayName};
//! let d = NaiveDate::from_ymd_opt(2026, 9, 22).unwrap();
//! assert_eq!(holiday(d).unwrap(), Some(HolidayName::CitizensHoliday));
//! ```

use std::ops::RangeInclusive;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::GovernanceError;

/// The years for which the rules are implemented; other years are refused.
pub const RULE_YEARS: RangeInclusive<i32> = 2000..=2099;

/// The years verified against the Cabinet Office's published list.
pub const VERIFIED_YEARS: RangeInclusive<i32> = 2007..=2027;

/// The name of a holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HolidayName {
    /// 元日 (1/1).
    NewYearsDay,
    /// 成人の日.
    ComingOfAgeDay,
    /// 建国記念の日 (2/11).
    FoundationDay,
    /// 天皇誕生日.
    EmperorsBirthday,
    /// 春分の日.
    VernalEquinoxDay,
    /// 昭和の日 (4/29, from 2007).
    ShowaDay,
    /// 憲法記念日 (5/3).
    ConstitutionDay,
    /// みどりの日 (4/29 until 2006, 5/4 from 2007).
    GreeneryDay,
    /// こどもの日 (5/5).
    ChildrensDay,
    /// 海の日.
    MarineDay,
    /// 山の日 (from 2016).
    MountainDay,
    /// 敬老の日.
    RespectForTheAgedDay,
    /// 秋分の日.
    AutumnalEquinoxDay,
    /// 体育の日 (until 2019).
    HealthAndSportsDay,
    /// スポーツの日 (from 2020).
    SportsDay,
    /// 文化の日 (11/3).
    CultureDay,
    /// 勤労感謝の日 (11/23).
    LabourThanksgivingDay,
    /// 即位の日 (2019-05-01, 平成31年法律第99号: treated as a 祝日).
    EnthronementDay,
    /// 即位礼正殿の儀の行われる日 (2019-10-22, treated as a 祝日).
    EnthronementCeremonyDay,
    /// 振替休日 (祝日法3条2項).
    SubstituteHoliday,
    /// 国民の休日 (祝日法3条3項).
    CitizensHoliday,
}

impl HolidayName {
    /// The Japanese name.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::NewYearsDay => "元日",
            Self::ComingOfAgeDay => "成人の日",
            Self::FoundationDay => "建国記念の日",
            Self::EmperorsBirthday => "天皇誕生日",
            Self::VernalEquinoxDay => "春分の日",
            Self::ShowaDay => "昭和の日",
            Self::ConstitutionDay => "憲法記念日",
            Self::GreeneryDay => "みどりの日",
            Self::ChildrensDay => "こどもの日",
            Self::MarineDay => "海の日",
            Self::MountainDay => "山の日",
            Self::RespectForTheAgedDay => "敬老の日",
            Self::AutumnalEquinoxDay => "秋分の日",
            Self::HealthAndSportsDay => "体育の日",
            Self::SportsDay => "スポーツの日",
            Self::CultureDay => "文化の日",
            Self::LabourThanksgivingDay => "勤労感謝の日",
            Self::EnthronementDay => "即位の日",
            Self::EnthronementCeremonyDay => "即位礼正殿の儀の行われる日",
            Self::SubstituteHoliday => "振替休日",
            Self::CitizensHoliday => "国民の休日",
        }
    }

    /// Whether this is a 国民の祝日 (or a day treated as one), as opposed to a 休日
    /// made by 3条2項・3項.
    pub fn is_national_holiday(self) -> bool {
        !matches!(self, Self::SubstituteHoliday | Self::CitizensHoliday)
    }
}

impl std::fmt::Display for HolidayName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// One holiday: a date and its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Holiday {
    /// The date.
    pub date: NaiveDate,
    /// The name.
    pub name: HolidayName,
}

fn check_year(year: i32) -> Result<(), GovernanceError> {
    if RULE_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(GovernanceError::CalendarOutOfRange { year })
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn nth_monday(year: i32, month: u32, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n)
}

/// The day of March of 春分 (`autumn = false`) or of September of 秋分, by the published
/// formula for 1980–2099 (integer arithmetic in millionths of a day).
fn equinox_day(year: i32, autumn: bool) -> u32 {
    let y = i64::from(year - 1980);
    let base: i64 = if autumn { 23_248_800 } else { 20_843_100 };
    let day = (base + 242_194 * y).div_euclid(1_000_000) - y.div_euclid(4);
    u32::try_from(day).unwrap_or(0)
}

/// The 国民の祝日 (and days treated as such) of `year`, sorted, without 振替休日 and
/// 国民の休日.
fn national_holidays(year: i32) -> Vec<Holiday> {
    use HolidayName as H;
    let mut v: Vec<(Option<NaiveDate>, HolidayName)> = vec![
        (ymd(year, 1, 1), H::NewYearsDay),
        (nth_monday(year, 1, 2), H::ComingOfAgeDay),
        (ymd(year, 2, 11), H::FoundationDay),
        (ymd(year, 3, equinox_day(year, false)), H::VernalEquinoxDay),
        (ymd(year, 5, 3), H::ConstitutionDay),
        (ymd(year, 5, 5), H::ChildrensDay),
        (ymd(year, 9, equinox_day(year, true)), H::AutumnalEquinoxDay),
        (ymd(year, 11, 3), H::CultureDay),
        (ymd(year, 11, 23), H::LabourThanksgivingDay),
    ];
    if year <= 2018 {
        v.push((ymd(year, 12, 23), H::EmperorsBirthday));
    } else if year >= 2020 {
        v.push((ymd(year, 2, 23), H::EmperorsBirthday));
    }
    if year >= 2007 {
        v.push((ymd(year, 4, 29), H::ShowaDay));
        v.push((ymd(year, 5, 4), H::GreeneryDay));
    } else {
        v.push((ymd(year, 4, 29), H::GreeneryDay));
    }
    let marine = match year {
        2020 => ymd(2020, 7, 23),
        2021 => ymd(2021, 7, 22),
        y if y >= 2003 => nth_monday(y, 7, 3),
        y => ymd(y, 7, 20),
    };
    v.push((marine, H::MarineDay));
    let aged = if year >= 2003 { nth_monday(year, 9, 3) } else { ymd(year, 9, 15) };
    v.push((aged, H::RespectForTheAgedDay));
    match year {
        2020 => v.push((ymd(2020, 7, 24), H::SportsDay)),
        2021 => v.push((ymd(2021, 7, 23), H::SportsDay)),
        y if y >= 2022 => v.push((nth_monday(y, 10, 2), H::SportsDay)),
        y => v.push((nth_monday(y, 10, 2), H::HealthAndSportsDay)),
    }
    match year {
        2020 => v.push((ymd(2020, 8, 10), H::MountainDay)),
        2021 => v.push((ymd(2021, 8, 8), H::MountainDay)),
        y if y >= 2016 => v.push((ymd(y, 8, 11), H::MountainDay)),
        _ => {}
    }
    if year == 2019 {
        v.push((ymd(2019, 5, 1), H::EnthronementDay));
        v.push((ymd(2019, 10, 22), H::EnthronementCeremonyDay));
    }
    let mut out: Vec<Holiday> =
        v.into_iter().filter_map(|(d, name)| d.map(|date| Holiday { date, name })).collect();
    out.sort();
    out
}

/// Every holiday of `year` (国民の祝日, 振替休日 and 国民の休日), sorted by date.
///
/// # Errors
/// [`GovernanceError::CalendarOutOfRange`] outside [`RULE_YEARS`].
pub fn holidays_in_year(year: i32) -> Result<Vec<Holiday>, GovernanceError> {
    check_year(year)?;
    let national = national_holidays(year);
    let is_national = |d: NaiveDate| national.iter().any(|h| h.date == d);
    let mut out = national.clone();
    // 振替休日 (3条2項).
    for h in &national {
        if h.date.weekday() != Weekday::Sun {
            continue;
        }
        let mut d = h.date;
        while let Some(next) = d.checked_add_days(Days::new(1)) {
            d = next;
            if !is_national(d) {
                out.push(Holiday { date: d, name: HolidayName::SubstituteHoliday });
                break;
            }
            if year < 2007 {
                // Before 2007 only the Monday could be a 振替休日.
                break;
            }
        }
    }
    // 国民の休日 (3条3項).
    for h in &national {
        let (Some(mid), Some(after)) =
            (h.date.checked_add_days(Days::new(1)), h.date.checked_add_days(Days::new(2)))
        else {
            continue;
        };
        if !is_national(mid) && is_national(after) {
            let substitute =
                out.iter().any(|o| o.date == mid && o.name == HolidayName::SubstituteHoliday);
            if year >= 2007 {
                if !substitute {
                    out.push(Holiday { date: mid, name: HolidayName::CitizensHoliday });
                }
            } else if mid.weekday() != Weekday::Sun && !substitute {
                out.push(Holiday { date: mid, name: HolidayName::CitizensHoliday });
            }
        }
    }
    out.sort();
    out.dedup_by_key(|h| h.date);
    Ok(out)
}

/// The holiday on `date`, if any.
///
/// # Errors
/// [`GovernanceError::CalendarOutOfRange`] outside [`RULE_YEARS`].
pub fn holiday(date: NaiveDate) -> Result<Option<HolidayName>, GovernanceError> {
    Ok(holidays_in_year(date.year())?.into_iter().find(|h| h.date == date).map(|h| h.name))
}

/// Whether `date` is a 閉庁日 for deadline purposes (通則GL 3-5-3-4): a Saturday, a Sunday,
/// a holiday, or 12/29–1/3.
///
/// # Errors
/// [`GovernanceError::CalendarOutOfRange`] outside [`RULE_YEARS`].
pub fn is_non_business_day(date: NaiveDate) -> Result<bool, GovernanceError> {
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        check_year(date.year())?;
        return Ok(true);
    }
    let (m, d) = (date.month(), date.day());
    if (m == 12 && d >= 29) || (m == 1 && d <= 3) {
        check_year(date.year())?;
        return Ok(true);
    }
    Ok(holiday(date)?.is_some())
}

/// `date` itself if it is a business day, otherwise the first later day that is one.
///
/// # Errors
/// [`GovernanceError::CalendarOutOfRange`] if the search leaves [`RULE_YEARS`].
pub fn business_day_on_or_after(date: NaiveDate) -> Result<NaiveDate, GovernanceError> {
    let mut d = date;
    // The longest run of non-business days is well under 30 days.
    for _ in 0..30 {
        if !is_non_business_day(d)? {
            return Ok(d);
        }
        d = d
            .checked_add_days(Days::new(1))
            .ok_or(GovernanceError::CalendarOutOfRange { year: d.year() })?;
    }
    Err(GovernanceError::CalendarOutOfRange { year: d.year() })
}
