//! The holiday calendar against the Cabinet Office's published list (内閣府
//! `syukujitsu.csv`), every date of 2007–2027, plus the rules that feed M4 deadlines.

use chrono::{Datelike, NaiveDate};
use hogo_governance::GovernanceError;
use hogo_governance::holiday::{
    HolidayName, VERIFIED_YEARS, business_day_on_or_after, holiday, holidays_in_year,
    is_non_business_day,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Every date of the Cabinet Office's list, year by year ("M/D").
const CABINET_OFFICE: &[(i32, &[&str])] = &[
    (
        2007,
        &[
            "1/1", "1/8", "2/11", "2/12", "3/21", "4/29", "4/30", "5/3", "5/4", "5/5", "7/16",
            "9/17", "9/23", "9/24", "10/8", "11/3", "11/23", "12/23", "12/24",
        ],
    ),
    (
        2008,
        &[
            "1/1", "1/14", "2/11", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6", "7/21", "9/15",
            "9/23", "10/13", "11/3", "11/23", "11/24", "12/23",
        ],
    ),
    (
        2009,
        &[
            "1/1", "1/12", "2/11", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6", "7/20", "9/21",
            "9/22", "9/23", "10/12", "11/3", "11/23", "12/23",
        ],
    ),
    (
        2010,
        &[
            "1/1", "1/11", "2/11", "3/21", "3/22", "4/29", "5/3", "5/4", "5/5", "7/19", "9/20",
            "9/23", "10/11", "11/3", "11/23", "12/23",
        ],
    ),
    (
        2011,
        &[
            "1/1", "1/10", "2/11", "3/21", "4/29", "5/3", "5/4", "5/5", "7/18", "9/19", "9/23",
            "10/10", "11/3", "11/23", "12/23",
        ],
    ),
    (
        2012,
        &[
            "1/1", "1/2", "1/9", "2/11", "3/20", "4/29", "4/30", "5/3", "5/4", "5/5", "7/16",
            "9/17", "9/22", "10/8", "11/3", "11/23", "12/23", "12/24",
        ],
    ),
    (
        2013,
        &[
            "1/1", "1/14", "2/11", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6", "7/15", "9/16",
            "9/23", "10/14", "11/3", "11/4", "11/23", "12/23",
        ],
    ),
    (
        2014,
        &[
            "1/1", "1/13", "2/11", "3/21", "4/29", "5/3", "5/4", "5/5", "5/6", "7/21", "9/15",
            "9/23", "10/13", "11/3", "11/23", "11/24", "12/23",
        ],
    ),
    (
        2015,
        &[
            "1/1", "1/12", "2/11", "3/21", "4/29", "5/3", "5/4", "5/5", "5/6", "7/20", "9/21",
            "9/22", "9/23", "10/12", "11/3", "11/23", "12/23",
        ],
    ),
    (
        2016,
        &[
            "1/1", "1/11", "2/11", "3/20", "3/21", "4/29", "5/3", "5/4", "5/5", "7/18", "8/11",
            "9/19", "9/22", "10/10", "11/3", "11/23", "12/23",
        ],
    ),
    (
        2017,
        &[
            "1/1", "1/2", "1/9", "2/11", "3/20", "4/29", "5/3", "5/4", "5/5", "7/17", "8/11",
            "9/18", "9/23", "10/9", "11/3", "11/23", "12/23",
        ],
    ),
    (
        2018,
        &[
            "1/1", "1/8", "2/11", "2/12", "3/21", "4/29", "4/30", "5/3", "5/4", "5/5", "7/16",
            "8/11", "9/17", "9/23", "9/24", "10/8", "11/3", "11/23", "12/23", "12/24",
        ],
    ),
    (
        2019,
        &[
            "1/1", "1/14", "2/11", "3/21", "4/29", "4/30", "5/1", "5/2", "5/3", "5/4", "5/5",
            "5/6", "7/15", "8/11", "8/12", "9/16", "9/23", "10/14", "10/22", "11/3", "11/4",
            "11/23",
        ],
    ),
    (
        2020,
        &[
            "1/1", "1/13", "2/11", "2/23", "2/24", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6",
            "7/23", "7/24", "8/10", "9/21", "9/22", "11/3", "11/23",
        ],
    ),
    (
        2021,
        &[
            "1/1", "1/11", "2/11", "2/23", "3/20", "4/29", "5/3", "5/4", "5/5", "7/22", "7/23",
            "8/8", "8/9", "9/20", "9/23", "11/3", "11/23",
        ],
    ),
    (
        2022,
        &[
            "1/1", "1/10", "2/11", "2/23", "3/21", "4/29", "5/3", "5/4", "5/5", "7/18", "8/11",
            "9/19", "9/23", "10/10", "11/3", "11/23",
        ],
    ),
    (
        2023,
        &[
            "1/1", "1/2", "1/9", "2/11", "2/23", "3/21", "4/29", "5/3", "5/4", "5/5", "7/17",
            "8/11", "9/18", "9/23", "10/9", "11/3", "11/23",
        ],
    ),
    (
        2024,
        &[
            "1/1", "1/8", "2/11", "2/12", "2/23", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6",
            "7/15", "8/11", "8/12", "9/16", "9/22", "9/23", "10/14", "11/3", "11/4", "11/23",
        ],
    ),
    (
        2025,
        &[
            "1/1", "1/13", "2/11", "2/23", "2/24", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6",
            "7/21", "8/11", "9/15", "9/23", "10/13", "11/3", "11/23", "11/24",
        ],
    ),
    (
        2026,
        &[
            "1/1", "1/12", "2/11", "2/23", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6", "7/20",
            "8/11", "9/21", "9/22", "9/23", "10/12", "11/3", "11/23",
        ],
    ),
    (
        2027,
        &[
            "1/1", "1/11", "2/11", "2/23", "3/21", "3/22", "4/29", "5/3", "5/4", "5/5", "7/19",
            "8/11", "9/20", "9/23", "10/11", "11/3", "11/23",
        ],
    ),
];

fn parse(year: i32, md: &str) -> NaiveDate {
    let (m, day) = md.split_once('/').unwrap();
    d(year, m.parse().unwrap(), day.parse().unwrap())
}

/// The calendar gives exactly the Cabinet Office's dates for every verified year
/// (祝日法; needed for M4 deadlines).
#[test]
fn every_verified_year_matches_the_cabinet_office_list_exactly() {
    let years: Vec<i32> = CABINET_OFFICE.iter().map(|(y, _)| *y).collect();
    assert_eq!(years, VERIFIED_YEARS.collect::<Vec<_>>());
    for (year, dates) in CABINET_OFFICE {
        let expected: Vec<NaiveDate> = dates.iter().map(|md| parse(*year, md)).collect();
        let got: Vec<NaiveDate> =
            holidays_in_year(*year).unwrap().into_iter().map(|h| h.date).collect();
        assert_eq!(got, expected, "year {year}");
    }
}

/// No day outside the list is a holiday, day by day, in the verified years (祝日法).
#[test]
fn no_other_day_of_a_verified_year_is_a_holiday() {
    for (year, dates) in CABINET_OFFICE {
        let expected: Vec<NaiveDate> = dates.iter().map(|md| parse(*year, md)).collect();
        let mut day = d(*year, 1, 1);
        while day.year() == *year {
            assert_eq!(holiday(day).unwrap().is_some(), expected.contains(&day), "{day}");
            day = day.succ_opt().unwrap();
        }
    }
}

/// Names of the changed and one-off holidays (祝日法 and the 2019–2021 special laws).
#[test]
fn names_follow_the_historical_changes_and_one_off_moves() {
    use HolidayName as H;
    let cases = [
        (d(2018, 12, 23), H::EmperorsBirthday),
        (d(2020, 2, 23), H::EmperorsBirthday),
        (d(2019, 5, 1), H::EnthronementDay),
        (d(2019, 4, 30), H::CitizensHoliday),
        (d(2019, 5, 2), H::CitizensHoliday),
        (d(2019, 10, 22), H::EnthronementCeremonyDay),
        (d(2019, 10, 14), H::HealthAndSportsDay),
        (d(2020, 7, 24), H::SportsDay),
        (d(2021, 7, 23), H::SportsDay),
        (d(2020, 8, 10), H::MountainDay),
        (d(2021, 8, 8), H::MountainDay),
        (d(2021, 8, 9), H::SubstituteHoliday),
        (d(2021, 7, 22), H::MarineDay),
        (d(2007, 4, 29), H::ShowaDay),
        (d(2007, 5, 4), H::GreeneryDay),
        (d(2008, 5, 6), H::SubstituteHoliday),
        (d(2026, 9, 22), H::CitizensHoliday),
        (d(2027, 3, 21), H::VernalEquinoxDay),
        (d(2027, 3, 22), H::SubstituteHoliday),
    ];
    for (day, name) in cases {
        assert_eq!(holiday(day).unwrap(), Some(name), "{day}");
    }
    assert_eq!(holiday(d(2019, 12, 23)).unwrap(), None, "no 天皇誕生日 in 2019");
    assert_eq!(holiday(d(2020, 10, 12)).unwrap(), None, "スポーツの日 moved in 2020");
    assert_eq!(H::SubstituteHoliday.label_ja(), "振替休日");
}

/// The 2007 change of 振替休日: a Sunday holiday in a run of holidays moves the 休日 to
/// the first non-holiday (2008-05-06 for Sunday 5/4), which the old rule did not.
#[test]
fn substitute_holiday_follows_the_2007_rule() {
    assert_eq!(holiday(d(2008, 5, 6)).unwrap(), Some(HolidayName::SubstituteHoliday));
    // Before 2007: Sunday 2003-05-04 (国民の休日 rule excluded Sundays) gave no 5/6.
    assert_eq!(holiday(d(2003, 5, 6)).unwrap(), None);
    assert_eq!(holiday(d(2006, 1, 2)).unwrap(), Some(HolidayName::SubstituteHoliday));
}

/// Weekends, holidays and 12/29–1/3 are closed days for report deadlines (M4, 通則GL
/// 3-5-3-4); a deadline moves to the first business day.
#[test]
fn closed_days_include_weekends_holidays_and_year_end() {
    assert!(is_non_business_day(d(2025, 12, 29)).unwrap());
    assert!(is_non_business_day(d(2026, 1, 2)).unwrap());
    assert!(is_non_business_day(d(2025, 11, 24)).unwrap());
    assert!(is_non_business_day(d(2025, 11, 22)).unwrap());
    assert!(!is_non_business_day(d(2025, 11, 25)).unwrap());
    assert_eq!(business_day_on_or_after(d(2025, 12, 27)).unwrap(), d(2026, 1, 5));
    assert_eq!(business_day_on_or_after(d(2026, 5, 2)).unwrap(), d(2026, 5, 7));
}

/// Years outside the implemented rules are refused, not guessed (M4).
#[test]
fn years_outside_the_calendar_are_refused() {
    assert_eq!(
        holidays_in_year(1999).unwrap_err(),
        GovernanceError::CalendarOutOfRange { year: 1999 }
    );
    assert!(holiday(d(2100, 1, 1)).is_err());
    assert!(is_non_business_day(d(2100, 1, 2)).is_err());
}
