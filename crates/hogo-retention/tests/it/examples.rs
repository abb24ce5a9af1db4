//! Worked examples for every document kind, each citing its rule and source
//! (legal-facts.md §2, §3, §4.3).

use hogo_retention::{
    CompletionReading, DisposalMonth, DocumentKind as K, EventKind as E, HoldingStatus,
    PeriodOverride, RetentionConfig, RetentionError, RetentionPeriod, Schedule,
};

use crate::{d, destroy_from, holding, on, plan_on};

/// M11, 雇用保険法施行規則143条 (4 years from 完結, 民法140条): 完結 2025-03-31 → kept through
/// 2029-03-31, destroy from 2029-04-01.
#[test]
fn employment_insurance_insured_four_years_from_completion() {
    let s = Schedule::statutory();
    let got = destroy_from(
        &s,
        K::EmploymentInsuranceInsured,
        &[(E::Completed, d(2025, 3, 31)), (E::Retired, d(2025, 3, 31))],
    );
    assert_eq!(got, Some(d(2029, 4, 1)));
    // 離職証明書 filed after the retirement: the later date (the procedure) counts.
    let got = destroy_from(
        &s,
        K::EmploymentInsuranceInsured,
        &[(E::Completed, d(2025, 4, 10)), (E::Retired, d(2025, 3, 31))],
    );
    assert_eq!(got, Some(d(2029, 4, 11)));
}

/// M9, 雇用保険法施行規則143条 and legal-facts §2 (「完結の日」 undefined): by default the later of
/// the procedure and 退職/資格喪失 counts; while the person is employed the end is open; the
/// procedure-date reading is configurable.
#[test]
fn insurance_completion_defaults_to_the_later_of_procedure_and_separation() {
    let s = Schedule::statutory();
    let h = holding(1, K::EmploymentInsuranceInsured);
    let events = [on(&h, E::Completed, d(2024, 4, 1))];
    let p = plan_on(&s, std::slice::from_ref(&h), &events, d(2030, 1, 1));
    assert_eq!(p.holdings[0].destroy_from, None);
    assert_eq!(p.holdings[0].disposal_month, DisposalMonth::Open);
    assert!(
        matches!(p.holdings[0].status, HoldingStatus::Open { waiting_for } if waiting_for.contains(&E::Retired))
    );

    let both = [(E::Completed, d(2024, 4, 1)), (E::Retired, d(2025, 3, 31))];
    assert_eq!(destroy_from(&s, K::EmploymentInsuranceInsured, &both), Some(d(2029, 4, 1)));
    let cfg = RetentionConfig {
        completion: [(K::EmploymentInsuranceInsured, CompletionReading::ProcedureDate)].into(),
        ..RetentionConfig::default()
    };
    let procedure = Schedule::configure(&cfg).unwrap();
    assert_eq!(destroy_from(&procedure, K::EmploymentInsuranceInsured, &both), Some(d(2028, 4, 2)));
}

/// M11, 雇用保険法施行規則143条 (other documents, 2 years from 完結).
#[test]
fn employment_insurance_other_two_years_from_completion() {
    let got = destroy_from(
        &Schedule::statutory(),
        K::EmploymentInsuranceOther,
        &[(E::Completed, d(2025, 3, 31)), (E::QualificationLost, d(2025, 3, 1))],
    );
    assert_eq!(got, Some(d(2027, 4, 1)));
}

/// M11, 健保則34条 / 厚年則28条 (2 years from 完結) and 民法143条②: 資格喪失 2024-02-28 → the
/// period starts 2024-02-29, the corresponding day 2026-02-29 does not exist, so the period
/// ends 2026-02-28 and destroy-from is 2026-03-01.
#[test]
fn health_pension_insurance_two_years_with_leap_day_start() {
    let got = destroy_from(
        &Schedule::statutory(),
        K::HealthPensionInsurance,
        &[(E::Completed, d(2024, 2, 20)), (E::QualificationLost, d(2024, 2, 28))],
    );
    assert_eq!(got, Some(d(2026, 3, 1)));
}

/// M11, 労災則51条 (3 years from 完結).
#[test]
fn workers_compensation_three_years_from_completion() {
    let got = destroy_from(
        &Schedule::statutory(),
        K::WorkersCompensation,
        &[(E::Completed, d(2025, 6, 30)), (E::Retired, d(2020, 1, 31))],
    );
    assert_eq!(got, Some(d(2028, 7, 1)));
}

/// M11, 雇用保険法施行規則143条 excludes 助成金 documents (each subsidy's own rules): no
/// default; the planner refuses to plan them and says why until the organisation sets a
/// period with its basis.
#[test]
fn employment_subsidy_is_not_planned_until_a_period_is_set() {
    let h = holding(1, K::EmploymentSubsidy);
    let events = [on(&h, E::Completed, d(2025, 3, 31))];
    let p = plan_on(&Schedule::statutory(), std::slice::from_ref(&h), &events, d(2040, 1, 1));
    let HoldingStatus::NotPlannable { error } = &p.holdings[0].status else {
        panic!("expected NotPlannable, got {:?}", p.holdings[0].status)
    };
    assert_eq!(*error, RetentionError::NoPeriodSet { kind: K::EmploymentSubsidy });
    assert!(error.to_string().contains("periods.employment_subsidy"));
    assert_eq!(p.not_plannable().count(), 1);
    assert_eq!(p.holdings[0].disposal_month, DisposalMonth::Open);

    let cfg = RetentionConfig {
        periods: [(
            K::EmploymentSubsidy,
            PeriodOverride {
                period: RetentionPeriod::years(5),
                basis: Some("キャリアアップ助成金 支給要領 (5年)".into()),
            },
        )]
        .into(),
        ..RetentionConfig::default()
    };
    let s = Schedule::configure(&cfg).unwrap();
    let p = plan_on(&s, std::slice::from_ref(&h), &events, d(2030, 4, 1));
    assert_eq!(p.holdings[0].destroy_from, Some(d(2030, 4, 1)));
    assert!(p.holdings[0].is_due());
}

/// M11, 所得税法施行規則76条の3: 令和6年分 扶養控除等申告書, 提出期限 in 2024 → 7 years run
/// 2025-01-11 – 2032-01-10, destroy from 2032-01-11. A 提出期限 that falls in the previous
/// calendar year shifts the year (legal-facts §2).
#[test]
fn dependent_deduction_declaration_seven_years_after_tenth_january() {
    let s = Schedule::statutory();
    let k = K::DependentDeductionDeclaration;
    assert_eq!(destroy_from(&s, k, &[(E::FilingDue, d(2024, 1, 10))]), Some(d(2032, 1, 11)));
    assert_eq!(destroy_from(&s, k, &[(E::FilingDue, d(2023, 12, 28))]), Some(d(2031, 1, 11)));
    // 従たる給与: the receipt date stands in for the 提出期限.
    assert_eq!(destroy_from(&s, k, &[(E::FilingDue, d(2024, 2, 29))]), Some(d(2032, 1, 11)));
}

/// M11, 所得税法203条 / 所基通203-3 (article to be confirmed): 退職所得の受給に関する申告書, 7
/// years counted as 76条の3.
#[test]
fn retirement_income_declaration_seven_years_counted_as_76_3() {
    let s = Schedule::statutory();
    assert_eq!(
        destroy_from(&s, K::RetirementIncomeDeclaration, &[(E::FilingDue, d(2025, 3, 31))]),
        Some(d(2033, 1, 11))
    );
    assert!(!s.rule(K::RetirementIncomeDeclaration).citation.confirmed);
}

/// M11, practice ceiling (no statutory period for the payer's copy; legal-facts §2 ⚠): 令和6年
/// 源泉徴収票, filed by 2025-01-31 → counted like 76条の3 → destroy from 2033-01-11.
#[test]
fn withholding_slip_copy_practice_ceiling_of_seven_years() {
    let s = Schedule::statutory();
    assert_eq!(
        destroy_from(&s, K::WithholdingSlipCopy, &[(E::FilingDue, d(2025, 1, 31))]),
        Some(d(2033, 1, 11))
    );
    assert_eq!(s.rule(K::WithholdingSlipCopy).basis, hogo_retention::PeriodBasis::PracticeCeiling);
}

/// M11, 所得税法225条 支払調書 (控えの保存期間の定めなし): practice ceiling of 7 years counted
/// like 76条の3 from the filing deadline (31 January of the following year).
#[test]
fn payment_record_copy_practice_ceiling_from_filing_deadline() {
    assert_eq!(
        destroy_from(
            &Schedule::statutory(),
            K::PaymentRecordCopy,
            &[(E::FilingDue, d(2026, 1, 31))]
        ),
        Some(d(2034, 1, 11))
    );
}

/// M11, practice (国民年金第3号被保険者関係届 控え: no period found; 2 years as 厚年則28条).
#[test]
fn national_pension_category3_two_years_as_pension_rules() {
    assert_eq!(
        destroy_from(
            &Schedule::statutory(),
            K::NationalPensionCategory3,
            &[(E::Completed, d(2025, 3, 31)), (E::QualificationLost, d(2025, 3, 31))]
        ),
        Some(d(2027, 4, 1))
    );
}

/// M11, PPC Q&A (no duty to keep 本人確認書類の写し): by default disposed of the day after
/// the verification is complete; never kept longer than the document it supported.
#[test]
fn identity_document_copy_goes_with_verification_and_never_outlives_its_document() {
    let s = Schedule::statutory();
    assert_eq!(
        destroy_from(&s, K::IdentityDocumentCopy, &[(E::Completed, d(2025, 5, 20))]),
        Some(d(2025, 5, 21))
    );
    // An organisation keeps copies 10 years (with a basis); the copy still goes with the
    // 扶養控除等申告書 it supported (destroy from 2033-01-11).
    let cfg = RetentionConfig {
        periods: [(
            K::IdentityDocumentCopy,
            PeriodOverride {
                period: RetentionPeriod::years(10),
                basis: Some("社内規程 第12条".into()),
            },
        )]
        .into(),
        ..RetentionConfig::default()
    };
    let s = Schedule::configure(&cfg).unwrap();
    let form = holding(1, K::DependentDeductionDeclaration);
    let mut copy = holding(2, K::IdentityDocumentCopy);
    copy.supports = Some(form.id);
    let events = [on(&form, E::FilingDue, d(2025, 1, 10)), on(&copy, E::Completed, d(2025, 1, 5))];
    let p = plan_on(&s, &[form, copy], &events, d(2025, 1, 5));
    assert_eq!(p.holdings[0].destroy_from, Some(d(2033, 1, 11)));
    assert_eq!(p.holdings[1].destroy_from, Some(d(2033, 1, 11)));
}

/// M9, M11: a copy whose document has no date yet goes by its own; when an event gives the
/// document an earlier date, the copy follows it (the ceiling brings it forward, to the
/// document's date and not before; the exception `adding_an_event_never_shortens_retention`
/// leaves to this test).
#[test]
fn a_copy_follows_the_document_it_supported_when_that_document_gets_its_date() {
    let s = Schedule::statutory();
    let form = holding(1, K::DependentDeductionDeclaration);
    let mut copy = holding(2, K::IdentityDocumentCopy);
    copy.supports = Some(form.id);
    let copied = on(&copy, E::Completed, d(2032, 1, 11));
    let hs = [form.clone(), copy];
    let p = plan_on(&s, &hs, &[copied], d(2039, 9, 17));
    assert_eq!(p.holdings[0].destroy_from, None, "the form waits for its filing");
    assert_eq!(p.holdings[1].destroy_from, Some(d(2032, 1, 12)), "the copy's own date");
    let filed = on(&form, E::FilingDue, d(2024, 3, 29));
    let p = plan_on(&s, &hs, &[copied, filed], d(2039, 9, 17));
    let form_date = p.holdings[0].destroy_from.expect("the form's period started");
    assert!(form_date < d(2032, 1, 12));
    assert_eq!(p.holdings[1].destroy_from, Some(form_date), "never after the form");
}

/// P11, 個人情報保護法22条 and 職業安定法指針: a job seeker's profile is due the day after the
/// registration period ends.
#[test]
fn job_seeker_profile_due_when_registration_ends() {
    let s = Schedule::statutory();
    let h = holding(1, K::JobSeekerProfile);
    let events = [on(&h, E::RegistrationEnded, d(2025, 6, 30))];
    let hs = [h];
    assert!(!plan_on(&s, &hs, &events, d(2025, 6, 30)).holdings[0].is_due());
    let p = plan_on(&s, &hs, &events, d(2025, 7, 1));
    assert!(p.holdings[0].is_due());
    assert_eq!(p.holdings[0].rule, hogo_domain::RuleId::P11);
}

/// P11, 職業安定法32条の15 (求職管理簿, 2 years after 完結 = the later of the end of the 求職
/// validity period and the last 紹介 result).
#[test]
fn placement_register_entry_two_years_after_later_of_registration_end_and_last_result() {
    let s = Schedule::statutory();
    let k = K::PlacementRegisterEntry;
    assert_eq!(destroy_from(&s, k, &[(E::RegistrationEnded, d(2025, 6, 30))]), Some(d(2027, 7, 1)));
    assert_eq!(
        destroy_from(
            &s,
            k,
            &[(E::RegistrationEnded, d(2025, 6, 30)), (E::Completed, d(2025, 8, 15))]
        ),
        Some(d(2027, 8, 16))
    );
    assert_eq!(destroy_from(&s, k, &[(E::Completed, d(2025, 8, 15))]), None);
}

/// M15, doc 003 Art. 40③ (訂正記録, 1 year from the correction) and 民法143条②.
#[test]
fn correction_record_one_year_from_correction() {
    let s = Schedule::statutory();
    assert_eq!(
        destroy_from(&s, K::CorrectionRecord, &[(E::Corrected, d(2025, 3, 31))]),
        Some(d(2026, 4, 1))
    );
    assert_eq!(
        destroy_from(&s, K::CorrectionRecord, &[(E::Corrected, d(2024, 2, 28))]),
        Some(d(2025, 3, 1))
    );
}

/// P3, 個人情報保護法施行規則21条1号 (1 year counted from the last provision, start day
/// counted): last provision 2026-03-10 → kept through 2027-03-09.
#[test]
fn provision_record_per_contract_one_year_counted_from_last_provision() {
    assert_eq!(
        destroy_from(
            &Schedule::statutory(),
            K::ProvisionRecordPerContract,
            &[(E::LastProvided, d(2026, 3, 10))]
        ),
        Some(d(2027, 3, 10))
    );
}

/// P3, 個人情報保護法施行規則21条2号 (3 years counted from the last provision) and 民法143条②:
/// last provision 2024-02-29 → 2027-02-29 does not exist → destroy from 2027-03-01.
#[test]
fn provision_record_consolidated_three_years_with_leap_day() {
    assert_eq!(
        destroy_from(
            &Schedule::statutory(),
            K::ProvisionRecordConsolidated,
            &[(E::LastProvided, d(2024, 2, 29))]
        ),
        Some(d(2027, 3, 1))
    );
}

/// P3, 個人情報保護法施行規則21条3号 (3 years from creation, the holding's `created` date).
#[test]
fn provision_record_three_years_from_creation() {
    let s = Schedule::statutory();
    let mut h = holding(1, K::ProvisionRecord);
    h.created = d(2025, 4, 1);
    let p = plan_on(&s, &[h], &[], d(2028, 4, 1));
    assert_eq!(p.holdings[0].destroy_from, Some(d(2028, 4, 1)));
    assert!(p.holdings[0].is_due());
}

/// P7, organisation policy (no statutory period): request case files 3 years after closing.
#[test]
fn request_case_file_three_years_policy() {
    let s = Schedule::statutory();
    assert_eq!(
        destroy_from(&s, K::RequestCaseFile, &[(E::Completed, d(2025, 3, 31))]),
        Some(d(2028, 4, 1))
    );
    assert_eq!(s.rule(K::RequestCaseFile).basis, hogo_retention::PeriodBasis::Policy);
}

/// M9: every kind of the issue has a rule with a citation, and every stable id parses back.
#[test]
fn every_kind_has_a_cited_rule_and_a_stable_id() {
    let s = Schedule::statutory();
    assert_eq!(s.rules().len(), 18);
    for rule in s.rules() {
        assert!(!rule.citation.law.is_empty(), "{:?}", rule.kind);
        assert_eq!(K::from_id(rule.kind.id()), Some(rule.kind));
        assert_eq!(rule.period.is_none(), rule.kind == K::EmploymentSubsidy);
    }
    for e in E::ALL {
        assert_eq!(E::from_id(e.id()), Some(e));
    }
}

/// M9 (late events move dates): a retirement recorded late on the subject moves the
/// insurance documents' date; an earlier duplicate is ignored.
#[test]
fn late_events_move_dates_and_earlier_duplicates_do_not_shorten() {
    use hogo_retention::{Event, EventScope};
    let s = Schedule::statutory();
    let h = holding(1, K::HealthPensionInsurance);
    let mut events = vec![
        on(&h, E::Completed, d(2024, 4, 1)),
        Event { scope: EventScope::Subject(h.subject), kind: E::Retired, date: d(2025, 3, 31) },
    ];
    let hs = [h.clone()];
    assert_eq!(
        plan_on(&s, &hs, &events, d(2025, 4, 1)).holdings[0].destroy_from,
        Some(d(2027, 4, 1))
    );
    events.push(Event {
        scope: EventScope::Subject(h.subject),
        kind: E::Retired,
        date: d(2025, 9, 30),
    });
    assert_eq!(
        plan_on(&s, &hs, &events, d(2025, 4, 1)).holdings[0].destroy_from,
        Some(d(2027, 10, 1))
    );
    events.push(Event {
        scope: EventScope::Subject(h.subject),
        kind: E::Retired,
        date: d(2020, 1, 1),
    });
    assert_eq!(
        plan_on(&s, &hs, &events, d(2025, 4, 1)).holdings[0].destroy_from,
        Some(d(2027, 10, 1))
    );
}
