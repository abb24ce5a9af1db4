//! Batch append and the head (M5).

use hogo_domain::testkit::SeededEntropy;
use hogo_ledger::{LedgerError, LedgerStore, ledger, verify_ledger};

use crate::common::{ledger_with, org, sample_entry};

/// M5: a batch gets consecutive sequences and each entry commits to the previous one.
#[test]
fn batch_append_chains_consecutive_entries() {
    let mut store = ledger_with(1, 5);
    let batch = (5..25).map(|i| sample_entry(org(1), i)).collect();
    let receipts = ledger::append(&mut store, org(1), batch, &SeededEntropy::new(1)).unwrap();
    let seqs: Vec<u64> = receipts.iter().map(|r| r.sequence).collect();
    assert_eq!(seqs, (5..25).collect::<Vec<_>>());
    let stored = store.entries(org(1), 4, 25).unwrap();
    for w in stored.windows(2) {
        assert_eq!(w[1].entry.prev_hash, w[0].hash);
    }
    assert_eq!(store.head(org(1)).unwrap().unwrap().last_hash, receipts[19].hash);
    verify_ledger(&store, org(1)).unwrap();
}

/// M5: appending to an organisation without a log is refused.
#[test]
fn append_without_log_is_refused() {
    let mut store = ledger_with(1, 1);
    let err =
        ledger::append(&mut store, org(3), vec![sample_entry(org(3), 0)], &SeededEntropy::new(1))
            .unwrap_err();
    assert_eq!(err, LedgerError::NoLog { organisation: org(3) });
}

/// M5: proofs beyond the log are refused with a typed error.
#[test]
fn proofs_beyond_the_log_are_refused() {
    let store = ledger_with(1, 4);
    assert!(matches!(
        ledger::prove_inclusion(&store, org(1), 4, 4),
        Err(LedgerError::OutOfRange { .. })
    ));
    assert!(matches!(
        ledger::prove_inclusion(&store, org(1), 0, 5),
        Err(LedgerError::OutOfRange { .. })
    ));
    assert!(matches!(
        ledger::prove_consistency(&store, org(1), 0, 4),
        Err(LedgerError::OutOfRange { .. })
    ));
    assert!(matches!(
        ledger::create_log(&mut store.clone(), org(1), "x", vec![]),
        Err(LedgerError::LogExists { .. })
    ));
}
