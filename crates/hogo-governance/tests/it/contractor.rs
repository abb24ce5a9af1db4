//! Contractors: selection checks, clauses, 再委託 chain, hearings, deletion proof (M14).

use chrono::NaiveDate;
use hogo_domain::{Affair, AffairSet, CorporateNumber, StaffId};
use hogo_governance::contractor::{
    AntiSocialItem, CheckRecord, ContractClause, Contractor, ContractorRegistry, DeletionProof,
    EndHandling, Hearing, HearingKind, Permission, SelectionCheck,
};
use hogo_governance::ids::ContractorId;
use hogo_governance::{FreeText, GovernanceError};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn rec() -> CheckRecord {
    CheckRecord { on: d(2025, 3, 1), by: StaffId::from_uuid(Uuid::from_u128(7)), note: None }
}

fn first_affair() -> Affair {
    AffairSet::all().iter().next().unwrap()
}

fn contractor(n: u128, parent: Option<ContractorId>) -> Contractor {
    let mut c = Contractor::new(
        ContractorId::from_uuid(Uuid::from_u128(n)),
        FreeText::new("名称", format!("委託先{n}")).unwrap(),
        None,
        AffairSet::default().with(first_affair()),
        d(2025, 3, 1),
    );
    c.parent = parent;
    c
}

fn complete(c: &mut Contractor) {
    for check in SelectionCheck::ALL {
        c.record_check(check, rec());
    }
    for item in AntiSocialItem::ALL {
        c.record_anti_social(item, rec());
    }
    for clause in ContractClause::ALL {
        c.record_clause(clause, rec());
    }
}

/// M14 (Art. 35③④): a contractor missing one clause cannot receive data; with every check,
/// 反社 item and clause recorded it can, for its contracted affairs only.
#[test]
fn contractor_missing_one_clause_cannot_receive_data() {
    let mut c = contractor(1, None);
    assert!(!c.may_receive_data());
    complete(&mut c);
    assert!(c.may_receive_data());
    assert!(c.may_handle(first_affair()));
    c.clauses.remove(&ContractClause::OnSiteInspection);
    assert!(!c.may_receive_data());
    assert_eq!(c.missing().clauses, vec![ContractClause::OnSiteInspection]);
    complete(&mut c);
    c.anti_social.remove(&AntiSocialItem::FundsOrFavours);
    assert!(!c.may_receive_data(), "反社 item (iv) missing");
}

/// M14: the labels are those of doc 003 Art. 35.
#[test]
fn checks_and_clauses_carry_the_rule_book_labels() {
    assert_eq!(SelectionCheck::Facilities.label_ja(), "設備");
    assert_eq!(ContractClause::Confidentiality.label_ja(), "秘密保持義務に関する規定");
    assert!(AntiSocialItem::OfficersAssociated.label_ja().starts_with("(ⅴ)"));
}

/// M14 (Art. 36①): a 再委託 without permission is refused at depth 2; with permission it is
/// registered, and the chain may receive data only if every level may.
#[test]
fn subcontracting_without_permission_is_refused_at_depth_2() {
    let mut reg = ContractorRegistry::default();
    let mut top = contractor(1, None);
    complete(&mut top);
    let top_id = top.id;
    reg.register(top).unwrap();
    let sub = contractor(2, Some(top_id));
    let err = reg.register(sub.clone()).unwrap_err();
    assert!(matches!(err, GovernanceError::SubcontractNotPermitted { depth: 2, .. }));
    assert!(err.to_string().contains("36条"));
    let mut sub = sub;
    sub.permission =
        Some(Permission { on: d(2025, 3, 2), by: StaffId::from_uuid(Uuid::from_u128(7)) });
    complete(&mut sub);
    reg.register(sub).unwrap();
    let sub_id = ContractorId::from_uuid(Uuid::from_u128(2));
    assert_eq!(reg.depth(sub_id), Some(2));
    assert!(reg.chain_may_receive_data(sub_id));
    // Depth 3 without permission is refused as well.
    assert!(matches!(
        reg.register(contractor(3, Some(sub_id))),
        Err(GovernanceError::SubcontractNotPermitted { depth: 3, .. })
    ));
    // A gap higher up blocks the whole chain.
    reg.get_mut(top_id).unwrap().checks.remove(&SelectionCheck::NotAntiSocial);
    assert!(!reg.chain_may_receive_data(sub_id));
    // Unknown parent.
    assert!(matches!(
        reg.register(contractor(4, Some(ContractorId::from_uuid(Uuid::from_u128(99))))),
        Err(GovernanceError::NotRegistered { .. })
    ));
}

/// M14 (Art. 35⑤): the September hearing is due each year; overdue after 30 September; an
/// ad hoc hearing does not replace it.
#[test]
fn yearly_hearing_is_due_each_september() {
    let mut c = contractor(1, None);
    complete(&mut c);
    let due = c.hearing_due(d(2025, 8, 1)).unwrap();
    assert_eq!((due.year, due.due, due.overdue), (2025, d(2025, 9, 30), false));
    assert!(c.hearing_due(d(2025, 10, 1)).unwrap().overdue);
    let staff = StaffId::from_uuid(Uuid::from_u128(7));
    c.record_hearing(Hearing {
        on: d(2025, 9, 10),
        kind: HearingKind::AdHoc,
        by: staff,
        notes: FreeText::new("所見", "臨時確認").unwrap(),
    })
    .unwrap();
    assert!(c.hearing_due(d(2025, 10, 1)).unwrap().overdue);
    c.record_hearing(Hearing {
        on: d(2025, 9, 20),
        kind: HearingKind::Yearly,
        by: staff,
        notes: FreeText::new("所見", "問題なし").unwrap(),
    })
    .unwrap();
    assert_eq!(c.hearing_due(d(2025, 10, 1)), None);
    let next = c.hearing_due(d(2026, 10, 1)).unwrap();
    assert_eq!((next.year, next.overdue), (2026, true));
}

/// M14, M5⑤: at contract end (never before the registration) data are deleted or returned,
/// the deletion proof is recorded, and an ended contractor can no longer receive data.
#[test]
fn contract_end_needs_the_deletion_proof() {
    let mut c = contractor(1, None);
    c.corporate_number = Some(CorporateNumber::parse("7000012050002").unwrap());
    complete(&mut c);
    assert!(matches!(
        c.record_deletion_proof(DeletionProof {
            received_on: d(2025, 5, 1),
            description: FreeText::new("証明", "削除証明書").unwrap(),
        }),
        Err(GovernanceError::NotRegistered { .. })
    ));
    let registered = c.registered_on;
    assert!(
        matches!(
            c.end_contract(registered - chrono::Duration::days(1), EndHandling::Deletion),
            Err(GovernanceError::DateOrder { earliest, .. }) if earliest == registered
        ),
        "M14: a contract cannot end before the contractor was registered"
    );
    assert!(c.end.is_none(), "a refused end changes nothing");
    c.end_contract(d(2026, 3, 31), EndHandling::Deletion).unwrap();
    assert!(!c.may_receive_data());
    assert!(c.awaiting_deletion_proof());
    assert_eq!(c.hearing_due(d(2026, 10, 1)), None);
    assert!(matches!(
        c.record_deletion_proof(DeletionProof {
            received_on: d(2026, 3, 1),
            description: FreeText::new("証明", "削除証明書").unwrap(),
        }),
        Err(GovernanceError::DateOrder { .. })
    ));
    c.record_deletion_proof(DeletionProof {
        received_on: d(2026, 4, 10),
        description: FreeText::new("証明", "削除証明書（2026-04-08付）").unwrap(),
    })
    .unwrap();
    assert!(!c.awaiting_deletion_proof());
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<Contractor>(&json).unwrap(), c);
}
