//! The status list: what is overdue or due soon (M4, M14, P6, P8, M16).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use hogo_domain::{AffairSet, IncidentId, OrganisationId, Role, StaffId};
use hogo_governance::FreeText;
use hogo_governance::complaint::Complaint;
use hogo_governance::contractor::{Contractor, ContractorRegistry, EndHandling};
use hogo_governance::ids::{ComplaintId, ContractorId, TrainingId};
use hogo_governance::incident::{
    AffectedCount, Filing, Incident, IncidentKind, Regime, ReportStage,
};
use hogo_governance::review::{ChecklistItem, ItemResult, SelfInspection};
use hogo_governance::status::{GovernancePolicy, StatusInputs, StatusKind, status};
use hogo_governance::training::{CourseKind, Trainee, TrainingSession};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// M4, M14, P6, P8, M16: one list across incidents, hearings, deletion proofs, trainings,
/// complaints and review, bilingual, sorted, and only what is overdue or due soon.
#[test]
fn status_lists_overdue_and_due_soon_items() {
    let today = d(2025, 10, 6);
    let mut inc = Incident::new(
        IncidentId::from_uuid(Uuid::from_u128(1)),
        OrganisationId::from_uuid(Uuid::from_u128(2)),
        d(2025, 10, 1),
        IncidentKind::Leak,
        FreeText::new("概要", "USBメモリの紛失").unwrap(),
    );
    inc.data.my_number = true;
    inc.improper_purpose = true;
    inc.affected = AffectedCount::Known(3);
    inc.record_filing(Filing {
        regime: Regime::MyNumber,
        stage: ReportStage::Preliminary,
        on: d(2025, 10, 3),
    })
    .unwrap();

    let mut reg = ContractorRegistry::default();
    let mut c1 = Contractor::new(
        ContractorId::from_uuid(Uuid::from_u128(3)),
        FreeText::new("名称", "給与計算センター").unwrap(),
        None,
        AffairSet::all(),
        d(2024, 1, 10),
    );
    let mut c2 = c1.clone();
    c2.id = ContractorId::from_uuid(Uuid::from_u128(4));
    c2.end_contract(d(2025, 3, 31), EndHandling::Deletion).unwrap();
    c1.hearings.clear();
    reg.register(c1).unwrap();
    reg.register(c2).unwrap();

    let clerk = StaffId::from_uuid(Uuid::from_u128(5));
    let roster = [Trainee {
        staff: clerk,
        role: Role::NumberClerk,
        placement_responsible: false,
        undertaking_signed_on: Some(d(2024, 1, 10)),
    }];
    let sessions = [TrainingSession {
        id: TrainingId::from_uuid(Uuid::from_u128(6)),
        held_on: d(2024, 10, 15),
        kind: CourseKind::Handler,
        title: FreeText::new("研修名", "年次研修").unwrap(),
        attendees: BTreeSet::from([clerk]),
    }];
    let complaints = [Complaint::new(
        ComplaintId::from_uuid(Uuid::from_u128(7)),
        d(2025, 9, 1),
        "窓口の対応",
        clerk,
    )
    .unwrap()];
    let mut insp = SelfInspection::new(d(2025, 4, 1), clerk);
    for item in ChecklistItem::ALL {
        insp.record(item, ItemResult::Satisfied);
    }
    let inspections = [insp];

    let inputs = StatusInputs {
        incidents: std::slice::from_ref(&inc),
        contractors: Some(&reg),
        roster: &roster,
        sessions: &sessions,
        complaints: &complaints,
        inspections: &inspections,
    };
    let items = status(today, &inputs, &GovernancePolicy::default()).unwrap();
    let kinds: Vec<StatusKind> = items.iter().map(|i| i.kind).collect();
    // APPI 速報 still open (My Number one filed); both 確報 are 60 days away: not listed.
    assert_eq!(kinds.iter().filter(|k| **k == StatusKind::IncidentPreliminary).count(), 1);
    assert!(!kinds.contains(&StatusKind::IncidentFinal));
    assert!(kinds.contains(&StatusKind::ContractorHearing));
    assert!(kinds.contains(&StatusKind::ContractorDeletionProof));
    assert!(kinds.contains(&StatusKind::Training), "due 2025-10-15: soon");
    assert!(kinds.contains(&StatusKind::Complaint));
    assert!(!kinds.contains(&StatusKind::Review), "next review 2026-04-01");
    let hearing = items.iter().find(|i| i.kind == StatusKind::ContractorHearing).unwrap();
    assert!(hearing.overdue);
    assert_eq!(hearing.due, Some(d(2024, 9, 30)));
    assert!(hearing.message_ja.contains("9月ヒアリング"));
    assert!(hearing.message_en.contains("September"));
    let training = items.iter().find(|i| i.kind == StatusKind::Training).unwrap();
    assert!(!training.overdue);
    // Undated first, then by date.
    let dated: Vec<NaiveDate> = items.iter().filter_map(|i| i.due).collect();
    assert!(dated.windows(2).all(|w| w[0] <= w[1]));
    assert!(items[0].due.is_none());
    // Late in November the 確報 come due.
    let later = status(d(2025, 11, 25), &inputs, &GovernancePolicy::default()).unwrap();
    assert_eq!(later.iter().filter(|i| i.kind == StatusKind::IncidentFinal).count(), 2);
}
