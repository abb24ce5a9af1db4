//! Incident classification against both regimes, deadlines, report draft and notices (M4).

use chrono::NaiveDate;
use hogo_domain::{IncidentId, OrganisationId, SubjectId};
use hogo_governance::deadline::FinalPeriod;
use hogo_governance::incident::{
    AffectedCount, AsContractor, DataInvolved, Encryption, Exemption, Filing, Incident,
    IncidentKind, NoticeMethod, NoticeStatus, NoticeTracker, Regime, ReportDraft, ReportStage,
};
use hogo_governance::{FreeText, GovernanceError};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn incident(known: NaiveDate, kind: IncidentKind) -> Incident {
    Incident::new(
        IncidentId::from_uuid(Uuid::from_u128(1)),
        OrganisationId::from_uuid(Uuid::from_u128(2)),
        known,
        kind,
        FreeText::new("概要", "書類の紛失").unwrap(),
    )
}

fn cases(i: &Incident) -> Vec<(Regime, u8)> {
    i.classify().unwrap().findings.iter().map(|f| (f.regime, f.case)).collect()
}

/// M4 (APPI 規則7条1号): a leaked 扶養控除等申告書 showing disability status is 要配慮 and
/// reportable from one person, with a 30-day 確報.
#[test]
fn sensitive_data_leak_of_one_person_is_reportable_under_appi_case_1() {
    let mut i = incident(d(2025, 10, 10), IncidentKind::Leak);
    i.data =
        DataInvolved { my_number: true, sensitive: true, other: true, ..DataInvolved::default() };
    i.sensitive_examples = Some(FreeText::new("要配慮の例", "扶養控除等申告書の障害者欄").unwrap());
    i.affected = AffectedCount::Known(1);
    let c = i.classify().unwrap();
    assert!(c.reportable);
    assert_eq!(cases(&i), vec![(Regime::Appi, 1)]);
    assert!(c.effort_duty_only, "no My Number case: reporting there is an effort duty");
    assert_eq!(c.deadlines.len(), 1);
    assert_eq!(c.deadlines[0].deadlines.final_period, FinalPeriod::Days30);
    assert_eq!(c.deadlines[0].deadlines.final_due, d(2025, 11, 10));
    assert!(c.findings[0].citation.contains("7条1号"));
}

/// M4 (H27規則5号2条2号, 個情規則7条3号): theft is an improper purpose in both regimes and
/// gets a 60-day 確報; improper use of a number counts without any leak.
#[test]
fn improper_purpose_gives_sixty_days_in_both_regimes() {
    let mut i = incident(d(2025, 4, 2), IncidentKind::Leak);
    i.data.my_number = true;
    i.improper_purpose = true;
    i.affected = AffectedCount::Known(3);
    assert_eq!(cases(&i), vec![(Regime::MyNumber, 2), (Regime::Appi, 3)]);
    let c = i.classify().unwrap();
    for r in &c.deadlines {
        assert_eq!(r.deadlines.final_period, FinalPeriod::Days60);
        assert_eq!(r.deadlines.final_due, d(2025, 6, 2));
    }
    let mut u = incident(d(2025, 4, 2), IncidentKind::ImproperUse);
    u.data.my_number = true;
    u.improper_purpose = true;
    u.affected = AffectedCount::Known(1);
    assert_eq!(cases(&u), vec![(Regime::MyNumber, 2)], "no APPI case for use");
}

/// M4 (H27規則5号2条4号): more than 100 people, counting improper provision (19条) such as
/// unmasked numbers sent out; 100 exactly is not enough.
#[test]
fn more_than_100_people_is_reportable_under_my_number_case_4() {
    let mut i = incident(d(2025, 6, 2), IncidentKind::ImproperProvision);
    i.data.my_number = true;
    i.affected = AffectedCount::Known(100);
    assert!(cases(&i).is_empty());
    i.affected = AffectedCount::Known(101);
    assert_eq!(cases(&i), vec![(Regime::MyNumber, 4)]);
    // Unknown count goes by the maximum.
    i.affected = AffectedCount::Unknown { at_least: 20, at_most: 150 };
    assert_eq!(cases(&i), vec![(Regime::MyNumber, 4)]);
}

/// M4: a count that later passes 100 / 1,000 makes the case reportable from the day the
/// new count became known, and the deadlines count from that day.
#[test]
fn count_update_passing_a_threshold_starts_the_deadline_that_day() {
    let mut i = incident(d(2025, 6, 2), IncidentKind::Leak);
    i.data = DataInvolved { my_number: true, other: true, ..DataInvolved::default() };
    i.affected = AffectedCount::Known(40);
    assert!(!i.classify().unwrap().reportable);
    i.update_count(d(2025, 6, 9), AffectedCount::Known(120)).unwrap();
    i.update_count(d(2025, 6, 16), AffectedCount::Known(1_200)).unwrap();
    let c = i.classify().unwrap();
    assert_eq!(cases(&i), vec![(Regime::MyNumber, 4), (Regime::Appi, 4)]);
    assert_eq!(c.findings[0].reportable_from, d(2025, 6, 9));
    assert_eq!(c.findings[1].reportable_from, d(2025, 6, 16));
    assert_eq!(c.deadlines[0].deadlines.known_on, d(2025, 6, 9));
    assert_eq!(c.deadlines[0].deadlines.final_due, d(2025, 7, 8));
    assert_eq!(c.deadlines[1].deadlines.final_due, d(2025, 7, 15));
    assert_eq!(i.count_on(d(2025, 6, 10)), AffectedCount::Known(120));
    assert!(matches!(
        i.update_count(d(2025, 6, 1), AffectedCount::Known(1)),
        Err(GovernanceError::DateOrder { .. })
    ));
    assert!(matches!(
        i.update_count(d(2025, 6, 20), AffectedCount::Unknown { at_least: 9, at_most: 3 }),
        Err(GovernanceError::InvalidCount { .. })
    ));
}

/// M4 (規則2条 / 7条 括弧書): 高度な暗号化 with keys not leaked exempts 漏えい等; a leaked
/// key removes the exemption.
#[test]
fn high_level_encryption_exempts_unless_the_keys_leaked() {
    let mut i = incident(d(2025, 6, 2), IncidentKind::Loss);
    i.data = DataInvolved { my_number: true, sensitive: true, financial: true, other: true };
    i.affected = AffectedCount::Known(5_000);
    i.viewable_by_unspecified = true;
    i.encryption = Encryption::HighLevel { keys_leaked: false };
    let c = i.classify().unwrap();
    assert!(!c.reportable);
    assert_eq!(c.exemptions, vec![Exemption::HighLevelEncryption]);
    i.encryption = Encryption::HighLevel { keys_leaked: true };
    assert_eq!(
        cases(&i),
        vec![
            (Regime::MyNumber, 3),
            (Regime::MyNumber, 4),
            (Regime::Appi, 1),
            (Regime::Appi, 2),
            (Regime::Appi, 4)
        ]
    );
}

/// M4 (個情法26条1項ただし書): a 委託先 (e.g. a 社労士) that promptly notified its 委託元
/// is not the one to report.
#[test]
fn contractor_that_notified_its_principal_is_exempt() {
    let mut i = incident(d(2025, 6, 2), IncidentKind::Leak);
    i.data.my_number = true;
    i.improper_purpose = true;
    i.as_contractor = Some(AsContractor { notified_principal_on: None });
    assert!(i.classify().unwrap().reportable);
    i.as_contractor = Some(AsContractor { notified_principal_on: Some(d(2025, 6, 2)) });
    let c = i.classify().unwrap();
    assert!(!c.reportable);
    assert!(c.deadlines.is_empty());
    assert_eq!(c.exemptions, vec![Exemption::ContractorNotifiedPrincipal]);
}

/// M4 (個情規則7条3号 as amended 2024-04-01): data being acquired count only from that day.
#[test]
fn acquisition_stage_counts_only_from_april_2024() {
    let mut i = incident(d(2024, 3, 29), IncidentKind::Leak);
    i.data.other = true;
    i.improper_purpose = true;
    i.during_acquisition = true;
    assert!(cases(&i).is_empty());
    i.known_on = d(2024, 4, 1);
    assert_eq!(cases(&i), vec![(Regime::Appi, 3)]);
}

/// M4 (H27規則5号2条3号): a file exposed on the internet is reportable from one person.
#[test]
fn viewable_by_unspecified_people_is_my_number_case_3() {
    let mut i = incident(d(2025, 6, 2), IncidentKind::Leak);
    i.data.my_number = true;
    i.affected = AffectedCount::Known(1);
    i.viewable_by_unspecified = true;
    assert_eq!(cases(&i), vec![(Regime::MyNumber, 3)]);
}

/// M4: the report draft has the nine required items, in Japanese.
#[test]
fn report_draft_renders_the_nine_items() {
    let mut i = incident(d(2025, 10, 10), IncidentKind::Leak);
    i.data = DataInvolved { my_number: true, sensitive: true, ..DataInvolved::default() };
    i.affected = AffectedCount::Known(2);
    let c = i.classify().unwrap();
    let t = |s: &str| FreeText::new("項目", s).unwrap();
    let draft = ReportDraft {
        overview: t("扶養控除等申告書2名分を誤送付"),
        cause: t("宛先確認の不備"),
        secondary_damage: t("現時点でなし"),
        response_to_persons: t("本人へ書面で通知"),
        publication: t("公表予定なし"),
        prevention: t("ダブルチェックの徹底"),
        other: t("特になし"),
    };
    let text = draft.render_ja(&i, &c);
    for item in [
        "1. 概要",
        "2. 漏えい等が発生し",
        "3. 本人の数\n2名",
        "4. 原因",
        "5. 二次被害",
        "6. 本人への対応",
        "7. 公表",
        "8. 再発防止",
        "9. その他",
        "要配慮個人情報",
        "個情規則7条1号",
        "確報 2025-11-10",
    ] {
        assert!(text.contains(item), "missing {item} in\n{text}");
    }
}

/// M4: free-text fields refuse My Number-like numbers, also when read back from JSON.
#[test]
fn free_text_refuses_my_numbers() {
    let err = FreeText::new("概要", "番号 1234-5678-9018 を誤送付").unwrap_err();
    assert_eq!(err, GovernanceError::MyNumberInText { field: "概要".into() });
    assert!(!err.to_string().contains("9018"));
    assert!(err.to_string().contains("概要"));
    assert!(serde_json::from_str::<FreeText>("\"123456789018\"").is_err());
}

/// M4 (個情規則10条, 番号法29条の4②): notices are tracked per person for every regime due,
/// and the incident round-trips through JSON.
#[test]
fn notices_are_tracked_for_both_regimes() {
    let mut i = incident(d(2025, 6, 2), IncidentKind::Leak);
    i.data = DataInvolved { my_number: true, sensitive: true, ..DataInvolved::default() };
    i.improper_purpose = true;
    let c = i.classify().unwrap();
    let (a, b) =
        (SubjectId::from_uuid(Uuid::from_u128(10)), SubjectId::from_uuid(Uuid::from_u128(11)));
    let mut t = NoticeTracker::default();
    t.add_people(&c, [a, b, a]);
    assert_eq!(t.notices.len(), 2);
    assert_eq!(t.notices[0].regimes, vec![Regime::MyNumber, Regime::Appi]);
    t.record(a, NoticeStatus::Notified { on: d(2025, 6, 4), method: NoticeMethod::Letter })
        .unwrap();
    assert_eq!(t.pending(), vec![b]);
    i.record_filing(Filing {
        regime: Regime::MyNumber,
        stage: ReportStage::Preliminary,
        on: d(2025, 6, 4),
    })
    .unwrap();
    assert!(i.filed(Regime::MyNumber, ReportStage::Preliminary));
    let json = serde_json::to_string(&i).unwrap();
    let back: Incident = serde_json::from_str(&json).unwrap();
    assert_eq!(back, i);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn any_kind() -> impl Strategy<Value = IncidentKind> {
        prop_oneof![
            Just(IncidentKind::Leak),
            Just(IncidentKind::Loss),
            Just(IncidentKind::Damage),
            Just(IncidentKind::ImproperUse),
            Just(IncidentKind::ImproperProvision),
        ]
    }

    fn build(
        days: i64,
        kind: IncidentKind,
        count: u32,
        flags: (bool, bool, bool, bool, bool, bool),
    ) -> Incident {
        let mut i = incident(d(2020, 1, 1) + chrono::Duration::days(days), kind);
        i.data = DataInvolved {
            my_number: flags.0,
            sensitive: flags.1,
            financial: flags.2,
            other: true,
        };
        i.improper_purpose = flags.3;
        i.viewable_by_unspecified = flags.4;
        i.during_acquisition = flags.5;
        i.affected = AffectedCount::Known(count);
        i
    }

    proptest! {
        /// M4: more people affected never makes a reportable incident unreportable, and
        /// My Number case 4 applies exactly above 100 people.
        #[test]
        fn more_people_never_removes_a_report(
            days in 0i64..3000, kind in any_kind(), count in 0u32..3000, extra in 0u32..3000,
            flags in any::<(bool, bool, bool, bool, bool, bool)>(),
        ) {
            let small = build(days, kind, count, flags);
            let big = build(days, kind, count + extra, flags);
            let (a, b) = (small.classify().unwrap(), big.classify().unwrap());
            prop_assert!(!a.reportable || b.reportable);
            let case4 = a.findings.iter().any(|f| f.regime == Regime::MyNumber && f.case == 4);
            prop_assert_eq!(case4, flags.0 && count > 100);
        }

        /// M4: every finding is reportable from the day of knowledge or later, and each
        /// regime's 確報 is due at least 30 days (60 for the improper-purpose case) on.
        #[test]
        fn deadlines_never_precede_knowledge(
            days in 0i64..3000, kind in any_kind(), count in 0u32..3000, later in 0u32..3000,
            flags in any::<(bool, bool, bool, bool, bool, bool)>(),
        ) {
            let mut i = build(days, kind, count, flags);
            i.update_count(i.known_on + chrono::Duration::days(7), AffectedCount::Known(later)).unwrap();
            let c = i.classify().unwrap();
            for f in &c.findings {
                prop_assert!(f.reportable_from >= i.known_on);
            }
            for r in &c.deadlines {
                let min = if c.findings.iter().any(|f| f.regime == r.regime && f.improper_purpose) { 59 } else { 29 };
                prop_assert!((r.deadlines.final_due - i.known_on).num_days() >= min);
                prop_assert!(r.deadlines.final_due >= r.deadlines.preliminary_to);
            }
        }
    }
}
