//! Journey 1: a clerk's year — collection with 本人確認, output for 法定調書 with the
//! manager's approval, retirement, years later disposal with certificates and a legal
//! hold — on the in-memory store. The journey itself lives in
//! [`hogo::store_suite::journeys`], generic over the store, so every adapter runs it too.

use hogo::store_suite::journeys::{self, Part};
use hogo::testkit::MemoryStore;

fn observe(store: &MemoryStore, part: Part) -> String {
    let snapshot = store.snapshot();
    match part {
        Part::Documents => format!("{:?}", snapshot.docs),
        Part::Vault => format!("{:?}", snapshot.vault),
    }
}

/// M7, M9: the same number on a second subject is refused; a wrong 本人確認 is refused
/// and stores nothing.
#[test]
fn collection_checks_uniqueness_and_verification() {
    journeys::collection_checks_uniqueness_and_verification(MemoryStore::new(), &observe);
}

/// M3 (Art. 6②), M8: output needs the manager's use approval where configured; the
/// recipient's copy never shows the number; an auditor is refused and the refusal logged.
#[test]
fn output_needs_approval_and_recipient_copies_hide_numbers() {
    journeys::output_needs_approval_and_recipient_copies_hide_numbers(MemoryStore::new());
}

/// M11, M9: after retirement the documents and the number fall due years later; disposal
/// on the clock's today shreds keys, writes entries and certificates; a legal hold with
/// a basis keeps its subject's number.
#[test]
fn disposal_after_retirement_with_certificate_and_hold() {
    journeys::disposal_after_retirement_with_certificate_and_hold(MemoryStore::new());
}

/// M7, invariant 4: a year-end batch with one bad row stores nothing; the fixed batch
/// stores every row in one transaction.
#[test]
fn batch_collection_is_all_or_nothing() {
    journeys::batch_collection_is_all_or_nothing(MemoryStore::new(), &observe);
}

/// M6, M8, invariant 4: a registration batch with one bad row stores and logs nothing;
/// the fixed batch registers every row with its own entry.
#[test]
fn batch_registration_is_all_or_nothing() {
    journeys::batch_registration_is_all_or_nothing(MemoryStore::new(), &observe);
}

/// M9, M11 (番号GL 第4-3-(3)B): an insurance document's period runs from 完結, and a
/// dependant's number stops being needed when the employee who declared them leaves.
#[test]
fn completion_and_dependants_follow_the_employee() {
    journeys::completion_and_dependants_follow_the_employee(MemoryStore::new());
}

/// M9, M11: on a database written before the dependants index, a retirement still finds
/// the dependant (by the subject records) and ends its need.
#[test]
fn dependants_follow_the_employee_in_an_older_database() {
    journeys::dependants_follow_the_employee_in_an_older_database(MemoryStore::new());
}

/// M11, P11 (doc 000 §11): with the approval switch on, nothing is disposed of until the
/// manager approves today's batch; the certificate names the approver.
#[test]
fn disposal_waits_for_the_managers_approval_when_required() {
    journeys::disposal_waits_for_the_managers_approval_when_required(MemoryStore::new());
}
