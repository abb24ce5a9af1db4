//! Range export as JSON Lines, verified offline (M5).

use hogo_ledger::{VerifyError, export, ledger, verify_export};

use crate::common::{auditor, ledger_with, org, signer};

fn exported(from: u64, to: u64) -> String {
    let mut store = ledger_with(1, 30);
    let cp = ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    export(&store, org(1), from, to, &cp).unwrap()
}

/// M5: an export of any range verifies offline against the trusted log key.
#[test]
fn export_of_a_range_verifies_offline() {
    for (from, to) in [(0, 30), (0, 1), (7, 19), (29, 30)] {
        let text = exported(from, to);
        let s = verify_export(&text, &[signer(1).verifier_key()]).unwrap();
        assert_eq!(s.entries.len() as u64, to - from);
        assert_eq!(s.entries[0].sequence, from);
    }
}

/// M5: an export signed by a key the auditor does not trust is refused.
#[test]
fn export_with_untrusted_key_is_refused() {
    let text = exported(0, 10);
    assert!(matches!(
        verify_export(&text, &[auditor().verifier_key()]),
        Err(VerifyError::Checkpoint { .. })
    ));
}

/// M5: a changed, dropped or reordered entry line is detected.
#[test]
fn tampered_export_is_refused() {
    let text = exported(3, 12);
    let key = [signer(1).verifier_key()];
    let lines: Vec<&str> = text.lines().collect();
    // Dropped last line (truncation).
    let dropped = lines[..lines.len() - 1].join("\n");
    assert!(verify_export(&dropped, &key).is_err());
    // Dropped middle line.
    let mut mid = lines.clone();
    mid.remove(4);
    assert!(verify_export(&mid.join("\n"), &key).is_err());
    // Reordered.
    let mut re = lines.clone();
    re.swap(2, 3);
    assert!(verify_export(&re.join("\n"), &key).is_err());
    // A changed byte in one entry's bytes (base64 char swapped).
    let mut changed = lines.clone();
    let l = changed[5].replacen("\"bytes\":\"AQ", "\"bytes\":\"AR", 1);
    assert_ne!(l, changed[5]);
    changed[5] = &l;
    assert!(verify_export(&changed.join("\n"), &key).is_err());
}
