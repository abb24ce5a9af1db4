//! Legal holds: a hold wins over deletion, but keeps a My Number only with a legal basis.

use hogo_domain::{HoldId, OrganisationId, StaffId};
use hogo_retention::{
    DisposalMonth, DocumentKind as K, EventKind as E, HoldScope, HoldingStatus, LegalHold,
    NumberStatus, PlanInput, RetentionError, Schedule, plan,
};
use uuid::Uuid;

use crate::{d, holding, on, org, subject};

fn hold(scope: HoldScope) -> LegalHold {
    LegalHold::new(
        HoldId::from_uuid(Uuid::from_u128(77)),
        org(),
        "2025(ワ)第123号",
        "元従業員との訴訟の証拠保全",
        StaffId::from_uuid(Uuid::from_u128(5)),
        scope,
        d(2029, 1, 1),
    )
    .expect("a valid hold")
}

/// M11 / P11 (Purview: holds win over deletion): a due holding under an active hold is held,
/// not due, with the hold named; after release it is due again.
#[test]
fn active_hold_wins_over_deletion_until_released() {
    let s = Schedule::statutory();
    let h = holding(1, K::CorrectionRecord);
    let events = [on(&h, E::Corrected, d(2025, 3, 31))];
    let mut x = hold(HoldScope { subjects: vec![h.subject], kinds: vec![] });
    let hs = [h];
    let held = plan(
        &s,
        &PlanInput {
            holdings: &hs,
            events: &events,
            holds: std::slice::from_ref(&x),
            needs: &[],
            today: d(2029, 6, 1),
        },
    );
    assert_eq!(
        held.holdings[0].status,
        HoldingStatus::Held { holds: vec![x.id()], period_ended: true, number_kept: false }
    );
    assert_eq!(held.holdings[0].disposal_month, DisposalMonth::Open);
    assert_eq!(held.held().count(), 1);
    x.release(d(2029, 7, 1)).unwrap();
    let after = plan(
        &s,
        &PlanInput {
            holdings: &hs,
            events: &events,
            holds: std::slice::from_ref(&x),
            needs: &[],
            today: d(2029, 7, 1),
        },
    );
    assert!(after.holdings[0].is_due());
}

/// M11, 番号法20条: a hold without a legal basis keeps the record but the My Number is still
/// due on time; with a basis it keeps the number too.
#[test]
fn hold_keeps_my_number_only_with_a_legal_basis() {
    let s = Schedule::statutory();
    let h = holding(1, K::DependentDeductionDeclaration);
    let events = [on(&h, E::FilingDue, d(2020, 1, 10))];
    let x = hold(HoldScope { subjects: vec![], kinds: vec![K::DependentDeductionDeclaration] });
    let hs = [h];
    let today = d(2029, 6, 1);
    let p = plan(
        &s,
        &PlanInput {
            holdings: &hs,
            events: &events,
            holds: std::slice::from_ref(&x),
            needs: &[],
            today,
        },
    );
    assert!(matches!(p.holdings[0].status, HoldingStatus::Held { number_kept: false, .. }));
    assert!(p.numbers[0].is_due(), "{:?}", p.numbers[0]);

    let x = x.with_my_number_basis("民事訴訟法223条 文書提出命令").unwrap();
    let p = plan(
        &s,
        &PlanInput {
            holdings: &hs,
            events: &events,
            holds: std::slice::from_ref(&x),
            needs: &[],
            today,
        },
    );
    assert!(matches!(p.holdings[0].status, HoldingStatus::Held { number_kept: true, .. }));
    assert_eq!(p.numbers[0].status, NumberStatus::Held { holds: vec![x.id()] });
    assert_eq!(p.numbers[0].disposal_month, DisposalMonth::Open);
}

/// M11: a hold covers only its organisation, subjects and kinds.
#[test]
fn hold_covers_only_its_scope() {
    let h = holding(1, K::CorrectionRecord);
    let x = hold(HoldScope { subjects: vec![subject(2)], kinds: vec![] });
    assert!(!x.covers(&h));
    let x = hold(HoldScope { subjects: vec![], kinds: vec![K::RequestCaseFile] });
    assert!(!x.covers(&h));
    let other = LegalHold::new(
        HoldId::from_uuid(Uuid::from_u128(78)),
        OrganisationId::from_uuid(Uuid::from_u128(0xB)),
        "n",
        "r",
        StaffId::from_uuid(Uuid::from_u128(5)),
        HoldScope::default(),
        d(2020, 1, 1),
    )
    .unwrap();
    assert!(!other.covers(&h));
    assert!(hold(HoldScope::default()).covers(&h));
}

/// M11: a hold needs a name and a reason, a My Number basis is never blank, and it cannot be
/// released before it starts.
#[test]
fn hold_fields_are_validated() {
    let new = |name: &str, reason: &str| {
        LegalHold::new(
            HoldId::from_uuid(Uuid::from_u128(1)),
            org(),
            name,
            reason,
            StaffId::from_uuid(Uuid::from_u128(5)),
            HoldScope::default(),
            d(2029, 1, 1),
        )
    };
    assert_eq!(new(" ", "r").unwrap_err(), RetentionError::HoldFieldMissing { field: "name" });
    assert_eq!(new("n", "").unwrap_err(), RetentionError::HoldFieldMissing { field: "reason" });
    let h = new("n", "r").unwrap();
    assert!(h.clone().with_my_number_basis("").is_err());
    let mut h = h;
    assert!(matches!(
        h.release(d(2028, 1, 1)),
        Err(RetentionError::HoldReleasedBeforeStart { .. })
    ));
    assert!(h.is_active_on(d(2029, 1, 1)) && !h.is_active_on(d(2028, 12, 31)));
    assert!(RetentionError::HoldFieldMissing { field: "name" }.to_string().contains("必須項目"));
}
