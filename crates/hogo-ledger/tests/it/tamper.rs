//! Whole-ledger verification detects every kind of tampering (M5) and reports the first
//! broken position.

use hogo_ledger::{EntryDefect, LedgerStore, VerifyError, ledger, verify_ledger};
use proptest::prelude::*;

use crate::common::{ledger_with, org, signer};

fn position(err: &VerifyError) -> Option<u64> {
    match err {
        VerifyError::Entry { position, .. } | VerifyError::TreeNode { position, .. } => {
            Some(*position)
        }
        _ => None,
    }
}

/// M5: an untouched ledger with checkpoints and details verifies.
#[test]
fn untouched_ledger_verifies() {
    let mut store = ledger_with(1, 50);
    ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    let r = verify_ledger(&store, org(1)).unwrap();
    assert_eq!(r.entries, 50);
    assert_eq!(r.checkpoints, 1);
    assert!(r.details > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// M5: any single-byte change of any stored entry's bytes is detected at that entry.
    #[test]
    fn single_byte_change_is_detected(n in 2u64..40, pick in any::<prop::sample::Index>(), byte in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let mut store = ledger_with(1, n);
        let i = pick.index(usize::try_from(n).unwrap());
        let entries = store.entries_mut(org(1)).unwrap();
        let b = byte.index(entries[i].bytes.len());
        entries[i].bytes[b] ^= xor;
        let err = verify_ledger(&store, org(1)).unwrap_err();
        prop_assert_eq!(position(&err), Some(i as u64), "{}", err);
    }

    /// M5: deleting any stored entry is detected at its position.
    #[test]
    fn deletion_is_detected(n in 2u64..40, pick in any::<prop::sample::Index>()) {
        let mut store = ledger_with(1, n);
        let i = pick.index(usize::try_from(n).unwrap());
        store.entries_mut(org(1)).unwrap().remove(i);
        let err = verify_ledger(&store, org(1)).unwrap_err();
        prop_assert_eq!(position(&err), Some(i as u64), "{}", err);
    }

    /// M5: swapping any two stored entries is detected at the first of them.
    #[test]
    fn reordering_is_detected(n in 2u64..40, a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        let mut store = ledger_with(1, n);
        let len = usize::try_from(n).unwrap();
        let (i, j) = (a.index(len), b.index(len));
        prop_assume!(i != j);
        store.entries_mut(org(1)).unwrap().swap(i, j);
        let err = verify_ledger(&store, org(1)).unwrap_err();
        prop_assert_eq!(position(&err), Some(i.min(j) as u64), "{}", err);
    }

    /// M5: truncating the stored entries is detected at the first missing position.
    #[test]
    fn truncation_is_detected(n in 2u64..40, keep in any::<prop::sample::Index>()) {
        let mut store = ledger_with(1, n);
        let t = keep.index(usize::try_from(n).unwrap());
        store.entries_mut(org(1)).unwrap().truncate(t);
        let err = verify_ledger(&store, org(1)).unwrap_err();
        prop_assert_eq!(err, VerifyError::Entry { position: t as u64, defect: EntryDefect::Missing });
    }

    /// M5: any single-byte change of any stored tree node is detected.
    #[test]
    fn tree_node_change_is_detected(n in 2u64..40, level in any::<prop::sample::Index>(), idx in any::<prop::sample::Index>(), byte in 0usize..32, xor in 1u8..=255) {
        let mut store = ledger_with(1, n);
        let levels = store.levels_mut(org(1)).unwrap();
        let l = level.index(levels.len());
        let row = &mut levels[l];
        let k = idx.index(row.len());
        row[k][byte] ^= xor;
        let err = verify_ledger(&store, org(1)).unwrap_err();
        let expected = u64::try_from(k).unwrap() << l;
        prop_assert_eq!(position(&err), Some(expected), "{}", err);
    }
}

/// M5: a stored column that disagrees with the canonical bytes is detected.
#[test]
fn column_change_is_detected() {
    let mut store = ledger_with(1, 10);
    store.entries_mut(org(1)).unwrap()[4].entry.action = hogo_ledger::Action::SignOut;
    assert_eq!(
        verify_ledger(&store, org(1)).unwrap_err(),
        VerifyError::Entry { position: 4, defect: EntryDefect::ColumnMismatch }
    );
}

/// M5: a forged checkpoint (changed size or root) fails its signature.
#[test]
fn forged_checkpoint_is_detected() {
    let mut store = ledger_with(1, 10);
    ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    let cps = store.checkpoints_mut(org(1)).unwrap();
    cps[0].note = cps[0].note.replacen("\n10\n", "\n9\n", 1);
    cps[0].size = 9;
    assert!(matches!(verify_ledger(&store, org(1)), Err(VerifyError::Checkpoint { .. })));
}

/// M5: truncating entries *and* rewriting the head is caught by an earlier signed
/// checkpoint that is larger than the log.
#[test]
fn truncation_below_a_checkpoint_is_detected() {
    let mut store = ledger_with(1, 10);
    ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    let mut head = store.head(org(1)).unwrap().unwrap();
    store.entries_mut(org(1)).unwrap().truncate(8);
    head.size = 8;
    store.put_head(&head).unwrap();
    assert!(matches!(verify_ledger(&store, org(1)), Err(VerifyError::Checkpoint { size: 10, .. })));
}

/// M5: erasing a detail keeps the ledger verifiable; changing a kept detail does not.
#[test]
fn erased_detail_still_verifies_but_changed_detail_fails() {
    let mut store = ledger_with(1, 14);
    // entry 1 has a detail (i % 6 == 1)
    assert!(store.detail(org(1), 1).unwrap().is_some());
    assert!(ledger::erase_detail(&mut store, org(1), 1).unwrap());
    assert!(store.detail(org(1), 1).unwrap().is_none());
    verify_ledger(&store, org(1)).unwrap();
    let other = store.detail(org(1), 7).unwrap().unwrap();
    let forged = hogo_ledger::Detail::new(
        *other.salt(),
        hogo_ledger::SafeText::new("detail", "別人").unwrap(),
    );
    store.put_detail(org(1), 7, &forged).unwrap();
    assert_eq!(
        verify_ledger(&store, org(1)).unwrap_err(),
        VerifyError::Entry { position: 7, defect: EntryDefect::DetailDigest }
    );
}
