//! 速報/確報 deadlines (M4; 通則GL 3-5-3-4).

use chrono::NaiveDate;
use hogo_governance::deadline::{FinalPeriod, ReportDeadlines};
use hogo_governance::holiday::is_non_business_day;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// M4: day of knowledge = day 1; day 30 on a closed day moves to the next business day;
/// 60 days for the improper-purpose case (APPI case 3 / My Number case 2).
#[test]
fn final_report_deadline_table() {
    use FinalPeriod::{Days30, Days60};
    // (known on, period, day 30/60, due)
    let table = [
        // Friday 2025-10-10 before the 3-day weekend of スポーツの日 10/13: day 30 = Sat
        // 11/08 → Mon 11/10.
        (d(2025, 10, 10), Days30, d(2025, 11, 8), d(2025, 11, 10)),
        // Friday 2026-01-09 before 成人の日 1/12: day 30 = Sat 2/7 → Mon 2/9.
        (d(2026, 1, 9), Days30, d(2026, 2, 7), d(2026, 2, 9)),
        // Known 2025-09-25: day 60 = Sun 11/23 勤労感謝の日, Mon 11/24 振替休日 → Tue 11/25.
        (d(2025, 9, 25), Days60, d(2025, 11, 23), d(2025, 11, 25)),
        // Year end: known 2025-11-29, day 30 = Sun 12/28 → 12/29–1/3 closed, 1/4 Sun → Mon 1/5.
        (d(2025, 11, 29), Days30, d(2025, 12, 28), d(2026, 1, 5)),
        // Year end: day 30 = Tue 12/30 → Mon 2026-01-05.
        (d(2025, 12, 1), Days30, d(2025, 12, 30), d(2026, 1, 5)),
        // Case 2 → 60 days: known Wed 2025-04-02, day 60 = Sat 5/31 → Mon 6/2.
        (d(2025, 4, 2), Days60, d(2025, 5, 31), d(2025, 6, 2)),
        // Golden week: known 2026-04-05, day 30 = Mon 5/4 → Thu 5/7.
        (d(2026, 4, 5), Days30, d(2026, 5, 4), d(2026, 5, 7)),
        // Plain weekday: no move.
        (d(2025, 4, 1), Days30, d(2025, 4, 30), d(2025, 4, 30)),
    ];
    for (known, period, nominal, due) in table {
        let r = ReportDeadlines::compute(known, period).unwrap();
        assert_eq!(r.final_nominal, nominal, "{known} {period:?}");
        assert_eq!(r.final_due, due, "{known} {period:?}");
    }
}

/// M4: the 速報 window is shown as days 3–5 (about 3–5 days, "速やかに").
#[test]
fn preliminary_window_is_days_three_to_five() {
    let r = ReportDeadlines::compute(d(2025, 10, 10), FinalPeriod::Days30).unwrap();
    assert_eq!(r.preliminary_from, d(2025, 10, 12));
    assert_eq!(r.preliminary_to, d(2025, 10, 14));
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..365 * 70).prop_map(|n| d(2001, 1, 1) + chrono::Duration::days(n))
}

fn any_period() -> impl Strategy<Value = FinalPeriod> {
    prop_oneof![Just(FinalPeriod::Days30), Just(FinalPeriod::Days60)]
}

proptest! {
    /// M4: a 確報 deadline never falls on a closed day, and never before day 30/60.
    #[test]
    fn final_deadline_is_never_a_closed_day(known in any_date(), period in any_period()) {
        let r = ReportDeadlines::compute(known, period).unwrap();
        prop_assert!(!is_non_business_day(r.final_due).unwrap());
        prop_assert!(r.final_due >= r.final_nominal);
        prop_assert!((r.final_due - r.final_nominal).num_days() < 10);
    }

    /// M4: the 確報 deadline is never inside or before the 速報 window.
    #[test]
    fn final_deadline_comes_after_the_preliminary_window(known in any_date(), period in any_period()) {
        let r = ReportDeadlines::compute(known, period).unwrap();
        prop_assert!(r.preliminary_from <= r.preliminary_to);
        prop_assert!(r.final_due > r.preliminary_to);
    }

    /// M4: knowing later never moves a deadline earlier; 60 days is never earlier than 30.
    #[test]
    fn later_knowledge_never_moves_a_deadline_earlier(
        known in any_date(), later in 0i64..90, period in any_period()
    ) {
        let a = ReportDeadlines::compute(known, period).unwrap();
        let b = ReportDeadlines::compute(known + chrono::Duration::days(later), period).unwrap();
        prop_assert!(b.final_due >= a.final_due);
        prop_assert!(b.preliminary_to >= a.preliminary_to);
        let long = ReportDeadlines::compute(known, FinalPeriod::Days60).unwrap();
        let short = ReportDeadlines::compute(known, FinalPeriod::Days30).unwrap();
        prop_assert!(long.final_due >= short.final_due);
    }
}
