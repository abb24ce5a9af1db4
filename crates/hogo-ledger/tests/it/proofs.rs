//! Inclusion and consistency proofs from the stored tree (M5).

use hogo_ledger::merkle::{verify_consistency, verify_inclusion};
use hogo_ledger::{LedgerStore, ledger};
use proptest::prelude::*;

use crate::common::{ledger_with, org};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// M5: every inclusion proof of every leaf verifies, and fails for every other leaf.
    #[test]
    fn every_inclusion_proof_verifies_only_for_its_leaf(n in 1u64..48) {
        let store = ledger_with(1, n);
        let o = org(1);
        let root = ledger::root_at(&store, o, n).unwrap();
        let hashes: Vec<_> = store.entries(o, 0, n).unwrap().into_iter().map(|s| s.hash).collect();
        for i in 0..n {
            let p = ledger::prove_inclusion(&store, o, i, n).unwrap();
            prop_assert!(verify_inclusion(&hashes[i as usize], i, n, &p.path, &root).is_ok());
            for j in 0..n {
                if j != i {
                    prop_assert!(verify_inclusion(&hashes[j as usize], i, n, &p.path, &root).is_err());
                    prop_assert!(verify_inclusion(&hashes[i as usize], j, n, &p.path, &root).is_err());
                }
            }
        }
    }

    /// M5: consistency proofs between any two sizes verify, and changing any one element
    /// of the proof makes it fail (every element is checked).
    #[test]
    fn consistency_proofs_between_any_two_sizes_verify(n in 1u64..40) {
        let store = ledger_with(1, n);
        let o = org(1);
        let roots: Vec<_> = (0..=n).map(|m| ledger::root_at(&store, o, m).unwrap()).collect();
        for m in 1..=n {
            for k in m..=n {
                let p = ledger::prove_consistency(&store, o, m, k).unwrap();
                prop_assert!(verify_consistency(m, &roots[m as usize], k, &roots[k as usize], &p.path).is_ok());
                for e in 0..p.path.len() {
                    let mut bad = p.path.clone();
                    bad[e][0] ^= 1;
                    prop_assert!(verify_consistency(m, &roots[m as usize], k, &roots[k as usize], &bad).is_err());
                }
                if m < k {
                    prop_assert!(verify_consistency(m, &roots[k as usize], k, &roots[k as usize], &p.path).is_err() || roots[m as usize] == roots[k as usize]);
                }
            }
        }
    }
}

/// M5: proofs at old sizes read only stored nodes (nothing rebuilt from leaves) and
/// agree with the root the head had at that size.
#[test]
fn roots_at_old_sizes_match_heads_at_the_time() {
    let mut store = ledger_with(1, 0);
    let o = org(1);
    let entropy = hogo_domain::testkit::SeededEntropy::new(3);
    let mut heads = Vec::new();
    for i in 0..37 {
        ledger::append(&mut store, o, vec![crate::common::sample_entry(o, i)], &entropy).unwrap();
        heads.push(store.head(o).unwrap().unwrap());
    }
    for h in heads {
        assert_eq!(ledger::root_at(&store, o, h.size).unwrap(), h.root());
    }
}

/// M5: an append stores about two nodes per entry (leaf + completed subtrees), never more.
#[test]
fn append_stores_at_most_two_nodes_per_entry() {
    let store = ledger_with(1, 1000);
    assert!(store.node_count(org(1)) < 2 * 1000);
}
