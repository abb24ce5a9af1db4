//! Checkpoints and auditor co-signatures (M5).

use hogo_ledger::{LedgerError, LedgerStore, SignedCheckpoint, ledger, verify_ledger};

use crate::common::{append_to, auditor, ledger_with, org, sample_entry, signer};

/// M5: a checkpoint is a C2SP signed note: origin, size, base64 root, blank line, em-dash
/// signature line with a 4-byte key id.
#[test]
fn checkpoint_is_a_c2sp_signed_note() {
    let mut store = ledger_with(1, 5);
    let cp = ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    let note = cp.to_note();
    let lines: Vec<&str> = note.lines().collect();
    assert_eq!(lines[0], "hogo.example/ledger/1");
    assert_eq!(lines[1], "5");
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with("\u{2014} hogo.example/ledger/1 "));
    assert_eq!(SignedCheckpoint::parse(&note).unwrap(), cp);
    cp.verify_with(&signer(1).verifier_key()).unwrap();
}

/// M5: a key that is not registered for the log cannot sign its checkpoints.
#[test]
fn foreign_key_cannot_sign_a_checkpoint() {
    let mut store = ledger_with(1, 5);
    assert!(matches!(
        ledger::checkpoint(&mut store, org(1), &signer(2)),
        Err(LedgerError::Signer { .. })
    ));
}

/// M5: the auditor co-signs after checking consistency with the last checkpoint it saw,
/// and the co-signed checkpoint verifies under both keys.
#[test]
fn auditor_cosigns_after_consistency_check() {
    let mut store = ledger_with(1, 6);
    ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    ledger::cosign(&mut store, org(1), &auditor()).unwrap();
    let e = hogo_domain::testkit::SeededEntropy::new(1);
    let more = (6..17).map(|i| sample_entry(org(1), i)).collect();
    ledger::append(&mut store, org(1), more, &e).unwrap();
    ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    let co = ledger::cosign(&mut store, org(1), &auditor()).unwrap();
    assert_eq!(co.checkpoint.size, 17);
    co.verify_with(&signer(1).verifier_key()).unwrap();
    co.verify_with(&auditor().verifier_key()).unwrap();
    assert_eq!(store.auditor_checkpoint(org(1), "auditor.example").unwrap().unwrap().size, 17);
    verify_ledger(&store, org(1)).unwrap();
}

/// M5: a split view (a log rewritten after the auditor saw it) is refused.
#[test]
fn auditor_refuses_a_rewritten_log() {
    let mut a = ledger_with(1, 6);
    ledger::checkpoint(&mut a, org(1), &signer(1)).unwrap();
    ledger::cosign(&mut a, org(1), &auditor()).unwrap();
    let seen = a.auditor_checkpoint(org(1), "auditor.example").unwrap().unwrap();

    // Another history of the same log, signed with the same key: entries differ.
    let mut b = hogo_ledger::memory::InMemoryLedgerStore::new();
    append_to(&mut b, 1, 0);
    let e = hogo_domain::testkit::SeededEntropy::new(9);
    let other = (100..110).map(|i| sample_entry(org(1), i)).collect();
    ledger::append(&mut b, org(1), other, &e).unwrap();
    ledger::checkpoint(&mut b, org(1), &signer(1)).unwrap();
    b.put_auditor_checkpoint(org(1), "auditor.example", &seen).unwrap();
    assert!(matches!(
        ledger::cosign(&mut b, org(1), &auditor()),
        Err(LedgerError::CosignRefused { .. })
    ));
}

/// M5: one log per organisation: logs do not share sequence, head, root or keys.
#[test]
fn each_organisation_has_its_own_log() {
    let mut store = ledger_with(1, 5);
    append_to(&mut store, 2, 3);
    assert_eq!(store.head(org(1)).unwrap().unwrap().size, 5);
    assert_eq!(store.head(org(2)).unwrap().unwrap().size, 3);
    let cp2 = ledger::checkpoint(&mut store, org(2), &signer(2)).unwrap();
    assert!(cp2.verify_with(&signer(1).verifier_key()).is_err());
    assert!(matches!(
        ledger::checkpoint(&mut store, org(2), &signer(1)),
        Err(LedgerError::Signer { .. })
    ));
    verify_ledger(&store, org(1)).unwrap();
    verify_ledger(&store, org(2)).unwrap();
}
