//! The complaint register (P8) and the self-inspection checklist (doc 003 Art. 45, M16).

use chrono::NaiveDate;
use hogo_domain::StaffId;
use hogo_governance::complaint::{Complaint, ComplaintPolicy, ComplaintStatus};
use hogo_governance::ids::ComplaintId;
use hogo_governance::review::{ChecklistItem, ItemResult, SelfInspection, next_review_due};
use hogo_governance::{FreeText, GovernanceError};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// P8: a complaint has a named handler, a status and an answer; the answer target is the
/// organisation's own (day of receipt = day 1); numbers are refused in the text.
#[test]
fn complaints_are_registered_handled_and_answered() {
    let handler = StaffId::from_uuid(Uuid::from_u128(1));
    let id = ComplaintId::from_uuid(Uuid::from_u128(2));
    assert!(matches!(
        Complaint::new(id, d(2025, 6, 2), " ", handler),
        Err(GovernanceError::EmptyText { .. })
    ));
    assert!(matches!(
        Complaint::new(id, d(2025, 6, 2), "番号 123456789018 が見えた", handler),
        Err(GovernanceError::MyNumberInText { .. })
    ));
    let mut c = Complaint::new(id, d(2025, 6, 2), "利用目的の説明がない", handler).unwrap();
    assert_eq!(c.due(ComplaintPolicy::default()), Some(d(2025, 6, 15)));
    c.start();
    assert_eq!(c.status, ComplaintStatus::InProgress);
    assert!(c.answer(d(2025, 6, 1), "説明しました").is_err());
    c.answer(d(2025, 6, 5), "利用目的を書面で説明しました").unwrap();
    assert_eq!(c.due(ComplaintPolicy::default()), None);
    assert_eq!(c.status.label_ja(), "回答済");
}

/// Art. 45 (M16): the checklist includes the measures software cannot enforce, every item
/// gets a result, and the next review is due a year after the last complete inspection.
#[test]
fn self_inspection_covers_physical_and_technical_measures() {
    for needle in [
        "施錠できるキャビネット",
        "セキュリティワイヤー",
        "間仕切り",
        "ウイルス対策ソフト",
        "ファイアウォール",
        "ログ",
    ] {
        assert!(
            ChecklistItem::ALL.iter().any(|i| i.is_manual() && i.label_ja().contains(needle)),
            "{needle}"
        );
    }
    let by = StaffId::from_uuid(Uuid::from_u128(1));
    let mut s = SelfInspection::new(d(2025, 3, 1), by);
    for item in ChecklistItem::ALL {
        s.record(item, ItemResult::Satisfied);
    }
    s.record(
        ChecklistItem::SecurityWires,
        ItemResult::NotSatisfied {
            action: FreeText::new("改善措置", "ワイヤーを購入し固定する").unwrap(),
        },
    );
    assert!(s.is_complete());
    assert_eq!(s.failures(), vec![ChecklistItem::SecurityWires]);
    let partial = SelfInspection::new(d(2025, 9, 1), by);
    assert_eq!(partial.missing_items().len(), ChecklistItem::ALL.len());
    assert_eq!(next_review_due(&[s, partial], 12), Some(d(2026, 3, 1)));
    assert_eq!(next_review_due(&[], 12), None);
}
