//! Organisation configuration: overrides where the law is silent, never below a minimum nor
//! past a ceiling without a recorded basis; review mode and cadence.

use hogo_domain::RuleId;
use hogo_retention::{
    DisposalCadence, DocumentKind as K, EventKind as E, HoldingStatus, PeriodOverride,
    RetentionConfig, RetentionError, RetentionPeriod, ReviewMode, Schedule,
};

use crate::{d, holding, on, plan_on};

fn with_period(kind: K, years: u32, basis: Option<&str>) -> Result<Schedule, RetentionError> {
    Schedule::configure(&RetentionConfig {
        periods: [(
            kind,
            PeriodOverride { period: RetentionPeriod::years(years), basis: basis.map(Into::into) },
        )]
        .into(),
        ..RetentionConfig::default()
    })
}

/// M11, 雇用保険法施行規則143条: shortening a statutory minimum is refused with a typed error
/// citing the rule and the article, in both languages.
#[test]
fn shortening_below_statutory_minimum_is_refused() {
    let err = with_period(K::EmploymentInsuranceInsured, 3, Some("社長の指示")).unwrap_err();
    assert_eq!(
        err,
        RetentionError::BelowStatutoryMinimum {
            kind: K::EmploymentInsuranceInsured,
            minimum: RetentionPeriod::years(4),
            requested: RetentionPeriod::years(3),
            citation: "雇用保険法施行規則 143条".into(),
            rule: RuleId::M11,
        }
    );
    let msg = err.to_string();
    assert!(msg.contains("M11") && msg.contains("143条") && msg.contains("below"), "{msg}");
    // P3, 個情規則21条: provision records cannot be shortened either.
    assert!(matches!(
        with_period(K::ProvisionRecordConsolidated, 1, None),
        Err(RetentionError::BelowStatutoryMinimum { rule: RuleId::P3, .. })
    ));
}

/// M11 (practice ceiling for 支払調書 控え) and P11 (個情法22条 for job-seeker data): going past a
/// ceiling needs a recorded basis.
#[test]
fn extending_past_a_ceiling_needs_a_recorded_basis() {
    assert!(matches!(
        with_period(K::PaymentRecordCopy, 10, None),
        Err(RetentionError::AboveCeiling { rule: RuleId::M11, .. })
    ));
    assert!(matches!(
        with_period(K::JobSeekerProfile, 1, None),
        Err(RetentionError::AboveCeiling { rule: RuleId::P11, .. })
    ));
    let s = with_period(K::PaymentRecordCopy, 10, Some("税務調査対応 (国税通則法70条)")).unwrap();
    assert_eq!(s.rule(K::PaymentRecordCopy).period, Some(RetentionPeriod::years(10)));
    assert!(s.rule(K::PaymentRecordCopy).override_basis.is_some());
    // Shortening a ceiling is fine: the law is silent below it.
    assert!(with_period(K::PaymentRecordCopy, 5, None).is_ok());
}

/// M9/M11, 番号法20条: keeping a My Number document longer than its period needs a basis even
/// where the period is only practice.
#[test]
fn extending_a_my_number_document_needs_a_basis() {
    assert!(matches!(
        with_period(K::NationalPensionCategory3, 5, None),
        Err(RetentionError::ExtensionWithoutBasis { kind: K::NationalPensionCategory3, .. })
    ));
    assert!(matches!(
        with_period(K::DependentDeductionDeclaration, 10, None),
        Err(RetentionError::ExtensionWithoutBasis { .. })
    ));
    assert!(with_period(K::NationalPensionCategory3, 1, None).is_ok());
}

/// P7 (organisation policy where the law is silent): a policy period may go either way.
#[test]
fn policy_periods_are_free_where_the_law_is_silent() {
    assert!(with_period(K::RequestCaseFile, 5, None).is_ok());
    assert!(with_period(K::RequestCaseFile, 1, None).is_ok());
}

/// M11 (each subsidy's own rules): a subsidy period needs its basis; a blank basis is refused.
#[test]
fn subsidy_period_and_blank_basis_are_refused() {
    assert_eq!(
        with_period(K::EmploymentSubsidy, 5, None).unwrap_err(),
        RetentionError::SubsidyPeriodWithoutBasis { kind: K::EmploymentSubsidy }
    );
    assert!(matches!(
        with_period(K::EmploymentSubsidy, 5, Some("  ")),
        Err(RetentionError::EmptyBasis { .. })
    ));
}

/// M9: the 完結 reading applies only to insurance kinds; a yearly batch needs a real month.
#[test]
fn misplaced_completion_reading_and_bad_cadence_are_refused() {
    let cfg = RetentionConfig {
        completion: [(K::DependentDeductionDeclaration, Default::default())].into(),
        ..RetentionConfig::default()
    };
    assert!(matches!(
        Schedule::configure(&cfg),
        Err(RetentionError::CompletionReadingNotApplicable { .. })
    ));
    let cfg = RetentionConfig {
        cadence: DisposalCadence::Yearly { month: 13 },
        ..RetentionConfig::default()
    };
    assert_eq!(
        Schedule::configure(&cfg).unwrap_err(),
        RetentionError::InvalidCadence { month: 13 }
    );
}

/// The configuration reads the stable ids (what the CLI loads).
#[test]
fn configuration_reads_stable_ids() {
    let json = r#"{
        "periods": { "employment_subsidy": { "period": { "years": 5 }, "basis": "支給要領" } },
        "completion": { "health_pension_insurance": "procedure_date" },
        "review": { "job_seeker_profile": "manager_approval" },
        "cadence": { "every": "yearly", "month": 12 }
    }"#;
    let cfg: RetentionConfig = serde_json::from_str(json).unwrap();
    let s = Schedule::configure(&cfg).unwrap();
    assert_eq!(s.rule(K::EmploymentSubsidy).period, Some(RetentionPeriod::years(5)));
    assert_eq!(s.rule(K::JobSeekerProfile).review, ReviewMode::ManagerApproval);
    assert_eq!(s.cadence(), DisposalCadence::Yearly { month: 12 });
}

/// P11, doc 000 §11 (the 個人情報取扱責任者 confirms disposal): a kind set to manager approval
/// waits in the approval batch; others are disposed of automatically.
#[test]
fn manager_approval_kinds_wait_for_the_batch_approval() {
    let cfg = RetentionConfig {
        review: [(K::JobSeekerProfile, ReviewMode::ManagerApproval)].into(),
        ..RetentionConfig::default()
    };
    let s = Schedule::configure(&cfg).unwrap();
    let a = holding(1, K::JobSeekerProfile);
    let b = holding(2, K::CorrectionRecord);
    let events =
        [on(&a, E::RegistrationEnded, d(2025, 1, 31)), on(&b, E::Corrected, d(2024, 1, 31))];
    let p = plan_on(&s, &[a.clone(), b.clone()], &events, d(2025, 3, 1));
    assert_eq!(p.awaiting_approval().map(|h| h.holding).collect::<Vec<_>>(), vec![a.id]);
    assert_eq!(p.automatic().map(|h| h.holding).collect::<Vec<_>>(), vec![b.id]);
}

/// M11 (できるだけ速やかに; batch disposal allowed, legal-facts §2): the cadence gives the latest
/// acceptable disposal date, and a missed batch is flagged overdue.
#[test]
fn cadence_reports_latest_disposal_and_overdue() {
    let cfg = RetentionConfig { cadence: DisposalCadence::Monthly, ..RetentionConfig::default() };
    let s = Schedule::configure(&cfg).unwrap();
    let h = holding(1, K::CorrectionRecord);
    let events = [on(&h, E::Corrected, d(2025, 3, 31))];
    let hs = [h];
    let p = plan_on(&s, &hs, &events, d(2026, 4, 10));
    assert_eq!(
        p.holdings[0].status,
        HoldingStatus::Due {
            latest_disposal: d(2026, 4, 30),
            overdue: false,
            review: ReviewMode::Automatic
        }
    );
    let p = plan_on(&s, &hs, &events, d(2026, 5, 1));
    assert!(matches!(p.holdings[0].status, HoldingStatus::Due { overdue: true, .. }));
}

/// M11: the plan tells what falls due next.
#[test]
fn plan_reports_what_falls_due_next() {
    let s = Schedule::statutory();
    let a = holding(1, K::CorrectionRecord);
    let b = holding(2, K::CorrectionRecord);
    let c = holding(3, K::CorrectionRecord);
    let events = [
        on(&a, E::Corrected, d(2025, 3, 31)),
        on(&b, E::Corrected, d(2025, 5, 31)),
        on(&c, E::Corrected, d(2024, 1, 1)),
    ];
    let p = plan_on(&s, &[a.clone(), b, c], &events, d(2025, 12, 1));
    let next = p.next_due.unwrap();
    assert_eq!(next.date, d(2026, 4, 1));
    assert_eq!(next.holdings, vec![a.id]);
}
