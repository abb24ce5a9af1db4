//! The My Number rule (番号GL 第4-3-(3)B; M9, M11): a number is due only when no affair needs
//! it and every period of every document carrying it has ended.

use hogo_domain::Affair;
use hogo_retention::{
    AffairNeed, DisposalMonth, DocumentKind as K, EventKind as E, NumberStatus, PlanInput,
    Schedule, plan,
};

use crate::{d, holding, on, org, subject};

/// M9, 番号GL 第4-3-(3)B (continuing employment may keep the number year to year): while the
/// employment continues the number is never due, even if every document has expired.
#[test]
fn number_is_not_due_while_employment_continues() {
    let s = Schedule::statutory();
    let h = holding(1, K::DependentDeductionDeclaration);
    let events = [on(&h, E::FilingDue, d(2016, 1, 10))];
    let needs = [AffairNeed {
        organisation: org(),
        subject: subject(1),
        affair: Affair::WithholdingSlip,
        until: None,
    }];
    let hs = [h];
    let p = plan(
        &s,
        &PlanInput {
            holdings: &hs,
            events: &events,
            holds: &[],
            needs: &needs,
            today: d(2030, 1, 1),
        },
    );
    assert!(p.holdings[0].is_due(), "the expired form itself is due");
    assert_eq!(
        p.numbers[0].status,
        NumberStatus::Needed { affairs: vec![Affair::WithholdingSlip] }
    );
    assert_eq!(p.numbers[0].disposal_month, DisposalMonth::Open);
}

/// M11, 番号GL 第4-3-(3)B (continuing land lease; one-off payees after the 支払調書 work and
/// period): when the lease ends the number is due the day after, once documents expired.
#[test]
fn number_is_due_after_the_affair_ends_and_every_period_ended() {
    let s = Schedule::statutory();
    let h = holding(1, K::PaymentRecordCopy);
    let events = [on(&h, E::FilingDue, d(2016, 1, 31))]; // destroy from 2024-01-11
    let needs = [AffairNeed {
        organisation: org(),
        subject: subject(1),
        affair: Affair::RealEstateRentPaymentRecord,
        until: Some(d(2025, 3, 31)),
    }];
    let hs = [h];
    let at = |today| {
        plan(&s, &PlanInput { holdings: &hs, events: &events, holds: &[], needs: &needs, today })
    };
    assert!(!at(d(2025, 3, 31)).numbers[0].is_due());
    let p = at(d(2025, 4, 1));
    assert_eq!(p.numbers[0].due_from, Some(d(2025, 4, 1)));
    assert!(p.numbers[0].is_due());
}

/// M11, 番号GL 第4-3-(3)B: the number waits for the **last** document carrying it; the rest of
/// an expired record may go first.
#[test]
fn number_waits_for_every_document_carrying_it() {
    let s = Schedule::statutory();
    let form = holding(1, K::DependentDeductionDeclaration);
    let insurance = holding(2, K::HealthPensionInsurance);
    let events = [
        on(&form, E::FilingDue, d(2017, 1, 10)), // destroy from 2025-01-11
        on(&insurance, E::Completed, d(2025, 3, 31)),
        on(&insurance, E::QualificationLost, d(2025, 3, 31)), // destroy from 2027-04-01
    ];
    let hs = [form, insurance];
    let p = plan(
        &s,
        &PlanInput { holdings: &hs, events: &events, holds: &[], needs: &[], today: d(2026, 1, 1) },
    );
    assert!(p.holdings[0].is_due());
    assert_eq!(p.numbers[0].status, NumberStatus::Retained);
    assert_eq!(p.numbers[0].due_from, Some(d(2027, 4, 1)));
    assert_eq!(p.numbers[0].disposal_month, DisposalMonth::Month { year: 2027, month: 4 });
    assert_eq!(p.next_due.as_ref().unwrap().numbers, vec![hs[0].subject]);
}

/// M11: a document whose end is unknown keeps the number open; a subsidy document with no
/// period makes the number unplannable until a period is set.
#[test]
fn number_is_open_while_a_carrying_document_is_open() {
    let s = Schedule::statutory();
    let h = holding(1, K::EmploymentInsuranceInsured);
    let events = [on(&h, E::Completed, d(2020, 4, 1))];
    let hs = [h];
    let p = plan(
        &s,
        &PlanInput { holdings: &hs, events: &events, holds: &[], needs: &[], today: d(2030, 1, 1) },
    );
    assert_eq!(p.numbers[0].status, NumberStatus::Open);
    let sub = [holding(2, K::EmploymentSubsidy)];
    let p = plan(
        &s,
        &PlanInput { holdings: &sub, events: &[], holds: &[], needs: &[], today: d(2030, 1, 1) },
    );
    assert_eq!(p.numbers[0].status, NumberStatus::NotPlannable);
}

/// P11: job-seeker data carries no My Number, so it makes no number plan.
#[test]
fn job_seeker_data_has_no_number_plan() {
    let s = Schedule::statutory();
    let hs = [holding(1, K::JobSeekerProfile)];
    let p = plan(
        &s,
        &PlanInput { holdings: &hs, events: &[], holds: &[], needs: &[], today: d(2030, 1, 1) },
    );
    assert!(p.numbers.is_empty());
}
