//! The tree agrees with `ct-merkle` (an independent RFC 6962 implementation) on roots and
//! proofs, and with the RFC's definition of the empty tree (M5).

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof as CtConsistency, InclusionProof as CtInclusion, RootHash};
use hogo_ledger::merkle::{self, NodeSource, verify_consistency, verify_inclusion};
use hogo_ledger::{Hash, LedgerError};
use sha2::Sha256;
use std::collections::HashMap;

struct Nodes(HashMap<(u8, u64), Hash>);

impl NodeSource for Nodes {
    fn node(&self, level: u8, index: u64) -> Result<Hash, LedgerError> {
        self.0.get(&(level, index)).copied().ok_or(LedgerError::MissingNode { level, index })
    }
}

fn build(n: u64) -> (Nodes, Vec<Hash>, MemoryBackedTree<Sha256, Vec<u8>>) {
    let mut nodes = HashMap::new();
    let mut frontier = Vec::new();
    let mut ct = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    for i in 0..n {
        let data = format!("leaf {i}").into_bytes();
        merkle::push_leaf(&mut frontier, i, merkle::leaf_hash(&data), |l, x, h| {
            nodes.insert((l, x), *h);
        });
        ct.push(data);
    }
    (Nodes(nodes), frontier, ct)
}

fn flat(path: &[Hash]) -> Vec<u8> {
    path.iter().flatten().copied().collect()
}

/// M5: roots equal ct-merkle's for every size 1..=80.
#[test]
fn roots_match_ct_merkle() {
    for n in 1..=80 {
        let (_, frontier, ct) = build(n);
        assert_eq!(merkle::root_from_frontier(&frontier)[..], ct.root().as_bytes()[..], "size {n}");
    }
}

/// M5: inclusion proofs are byte-identical to ct-merkle's, and each library verifies the
/// other's.
#[test]
fn inclusion_proofs_match_ct_merkle() {
    for n in 1..=40u64 {
        let (nodes, frontier, ct) = build(n);
        let root = merkle::root_from_frontier(&frontier);
        for i in 0..n {
            let ours = merkle::prove_inclusion(&nodes, i, n).unwrap();
            let theirs = ct.prove_inclusion(usize::try_from(i).unwrap());
            assert_eq!(flat(&ours.path), theirs.as_bytes(), "n={n} i={i}");
            let ct_root: &RootHash<Sha256> = &ct.root();
            ct_root
                .verify_inclusion(
                    &format!("leaf {i}").into_bytes(),
                    i,
                    &CtInclusion::from_bytes(flat(&ours.path)),
                )
                .unwrap();
            let leaf = merkle::leaf_hash(format!("leaf {i}").as_bytes());
            verify_inclusion(&leaf, i, n, &ours.path, &root).unwrap();
        }
    }
}

/// M5: consistency proofs are byte-identical to ct-merkle's, and each library verifies the
/// other's.
#[test]
fn consistency_proofs_match_ct_merkle() {
    for n in 2..=40u64 {
        let (nodes, frontier, ct) = build(n);
        let root = merkle::root_from_frontier(&frontier);
        for m in 1..n {
            let (_, old_frontier, old_ct) = build(m);
            let old_root = merkle::root_from_frontier(&old_frontier);
            let ours = merkle::prove_consistency(&nodes, m, n).unwrap();
            let theirs = ct.prove_consistency(usize::try_from(n - m).unwrap());
            assert_eq!(flat(&ours.path), theirs.as_bytes(), "m={m} n={n}");
            ct.root()
                .verify_consistency(
                    &old_ct.root(),
                    &CtConsistency::try_from_bytes(flat(&ours.path)).unwrap(),
                )
                .unwrap();
            verify_consistency(m, &old_root, n, &root, &ours.path).unwrap();
        }
    }
}

/// M5: RFC 6962 §2.1: the hash of the empty tree is SHA-256 of the empty string, and a
/// one-leaf tree's root is its leaf hash SHA-256(0x00 ‖ d).
#[test]
fn rfc6962_base_cases() {
    assert_eq!(
        merkle::root_from_frontier(&[]),
        [
            0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f,
            0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
            0x78, 0x52, 0xb8, 0x55
        ]
    );
    // The empty leaf's hash: SHA-256(0x00) = 6e340b9c…
    assert_eq!(merkle::leaf_hash(b"")[..4], [0x6e, 0x34, 0x0b, 0x9c]);
}
