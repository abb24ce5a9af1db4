//! The RFC 6962 / RFC 9162 Merkle tree: leaf = SHA-256(0x00 ‖ entry), node =
//! SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below the size.
//!
//! The tree is stored as *completed subtrees*: node (`level`, `index`) is the hash of
//! leaves `index·2^level .. (index+1)·2^level`, written once when its last leaf arrives,
//! plus the *right frontier* (the roots of the perfect subtrees that make up the current
//! size, largest first) kept in the head. An append hashes and writes O(1) amortised nodes
//! and reads none; a proof reads O(log n) nodes (at most one ragged right-edge subtree per
//! proof, itself O(log n) perfect nodes). Nothing rebuilds the tree from all leaves.
//!
//! Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 and consumes every element of the
//! proof: a proof that is too long, too short or has any wrong element fails.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::entry::Hash;
use crate::error::LedgerError;

/// RFC 6962 leaf hash: SHA-256(0x00 ‖ data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Adds the leaf number `size` (0-based) to a frontier, calling `on_node` for the leaf
/// and for every subtree it completes (level, index, hash), bottom-up.
pub fn push_leaf(
    frontier: &mut Vec<Hash>,
    size: u64,
    leaf: Hash,
    mut on_node: impl FnMut(u8, u64, &Hash),
) {
    on_node(0, size, &leaf);
    let mut cur = leaf;
    let mut idx = size;
    let mut level = 0u8;
    while idx & 1 == 1 {
        let Some(left) = frontier.pop() else { break };
        cur = node_hash(&left, &cur);
        idx >>= 1;
        level += 1;
        on_node(level, idx, &cur);
    }
    frontier.push(cur);
}

/// The root of the tree whose frontier is `frontier`.
pub fn root_from_frontier(frontier: &[Hash]) -> Hash {
    let mut it = frontier.iter().rev();
    let Some(last) = it.next() else { return empty_root() };
    let mut acc = *last;
    for f in it {
        acc = node_hash(f, &acc);
    }
    acc
}

fn largest_pow2_below(n: u64) -> u64 {
    // n >= 2
    1u64 << (63 - (n - 1).leading_zeros())
}

/// A source of stored completed-subtree hashes: `(level, index) -> hash`.
pub trait NodeSource {
    /// The stored node, or [`LedgerError::MissingNode`].
    ///
    /// # Errors
    /// Storage failures and missing nodes.
    fn node(&self, level: u8, index: u64) -> Result<Hash, LedgerError>;
}

impl<F: Fn(u8, u64) -> Result<Hash, LedgerError>> NodeSource for F {
    fn node(&self, level: u8, index: u64) -> Result<Hash, LedgerError> {
        self(level, index)
    }
}

/// MTH(D[lo..hi]) from stored completed subtrees (`hi` ≤ the stored tree's size).
///
/// # Errors
/// Missing nodes or storage failures.
pub fn subtree_hash(src: &dyn NodeSource, lo: u64, hi: u64) -> Result<Hash, LedgerError> {
    let n = hi - lo;
    if n == 0 {
        return Ok(empty_root());
    }
    if n.is_power_of_two() && lo.is_multiple_of(n) {
        let level = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
        return src.node(level, lo >> level);
    }
    let k = largest_pow2_below(n);
    let left = subtree_hash(src, lo, lo + k)?;
    let right = subtree_hash(src, lo + k, hi)?;
    Ok(node_hash(&left, &right))
}

/// An inclusion proof (RFC 9162 §2.1.3): the audit path of leaf `index` in the tree of
/// `tree_size` leaves, bottom-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// The leaf's position.
    pub index: u64,
    /// The tree size the proof is for.
    pub tree_size: u64,
    /// The sibling hashes, bottom-up.
    pub path: Vec<Hash>,
}

/// A consistency proof (RFC 9162 §2.1.4) that the tree of `new_size` extends the tree of
/// `old_size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    /// The old size.
    pub old_size: u64,
    /// The new size.
    pub new_size: u64,
    /// The proof hashes.
    pub path: Vec<Hash>,
}

/// Builds the inclusion proof of leaf `index` in the tree of `size` leaves.
///
/// # Errors
/// [`LedgerError::OutOfRange`] if `index >= size`; missing nodes.
pub fn prove_inclusion(
    src: &dyn NodeSource,
    index: u64,
    size: u64,
) -> Result<InclusionProof, LedgerError> {
    if index >= size {
        return Err(LedgerError::OutOfRange { field: "index", value: index, size });
    }
    let mut path = Vec::new();
    let (mut lo, mut hi, m) = (0u64, size, index);
    // Walk down, collecting siblings top-down; reverse at the end.
    while hi - lo > 1 {
        let k = largest_pow2_below(hi - lo);
        if m < lo + k {
            path.push(subtree_hash(src, lo + k, hi)?);
            hi = lo + k;
        } else {
            path.push(subtree_hash(src, lo, lo + k)?);
            lo += k;
        }
    }
    path.reverse();
    Ok(InclusionProof { index, tree_size: size, path })
}

/// Builds the consistency proof from `old_size` to `new_size` (RFC 9162 §2.1.4.1).
///
/// # Errors
/// [`LedgerError::OutOfRange`] unless `0 < old_size <= new_size`; missing nodes.
pub fn prove_consistency(
    src: &dyn NodeSource,
    old_size: u64,
    new_size: u64,
) -> Result<ConsistencyProof, LedgerError> {
    if old_size == 0 || old_size > new_size {
        return Err(LedgerError::OutOfRange { field: "old_size", value: old_size, size: new_size });
    }
    let mut path = Vec::new();
    if old_size < new_size {
        // SUBPROOF(m, D[lo:hi], b), iteratively; siblings collected top-down.
        let (mut lo, mut hi, mut m, mut b) = (0u64, new_size, old_size, true);
        loop {
            let n = hi - lo;
            if m == n {
                if !b {
                    path.push(subtree_hash(src, lo, hi)?);
                }
                break;
            }
            let k = largest_pow2_below(n);
            if m <= k {
                path.push(subtree_hash(src, lo + k, hi)?);
                hi = lo + k;
            } else {
                path.push(subtree_hash(src, lo, lo + k)?);
                lo += k;
                m -= k;
                b = false;
            }
        }
        path.reverse();
    }
    Ok(ConsistencyProof { old_size, new_size, path })
}

/// Why a proof failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("field `index`: leaf index is not below the tree size (M5)")]
    IndexOutOfRange,
    /// Sizes are not `0 < old <= new`.
    #[error("field `old_size`: sizes must satisfy 0 < old <= new (M5)")]
    BadSizes,
    /// The proof has more or fewer hashes than the sizes require.
    #[error("field `path`: proof has the wrong number of hashes (M5)")]
    WrongLength,
    /// The recomputed root differs from the expected root.
    #[error("field `root`: recomputed root does not match (M5)")]
    RootMismatch,
    /// The recomputed old root differs from the old checkpoint's root.
    #[error("field `old_root`: recomputed old root does not match (M5)")]
    OldRootMismatch,
}

/// Verifies that `leaf` is leaf `index` of the tree of `size` leaves with root `root`
/// (RFC 9162 §2.1.3.2). Every element of `path` is used.
///
/// # Errors
/// [`ProofError`].
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    path: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange);
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies that the tree (`new_size`, `new_root`) extends (`old_size`, `old_root`)
/// (RFC 9162 §2.1.4.2). Every element of `path` is used.
///
/// # Errors
/// [`ProofError`].
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    path: &[Hash],
) -> Result<(), ProofError> {
    if old_size == 0 || old_size > new_size {
        return Err(ProofError::BadSizes);
    }
    if old_size == new_size {
        if !path.is_empty() {
            return Err(ProofError::WrongLength);
        }
        if old_root != new_root {
            return Err(ProofError::RootMismatch);
        }
        return Ok(());
    }
    let owned: Vec<Hash>;
    let path: &[Hash] = if old_size.is_power_of_two() {
        owned = std::iter::once(*old_root).chain(path.iter().copied()).collect();
        &owned
    } else {
        path
    };
    let Some((first, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength);
    };
    let (mut fnode, mut snode) = (old_size - 1, new_size - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &fr != old_root {
        return Err(ProofError::OldRootMismatch);
    }
    if &sr != new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn build(n: u64) -> (HashMap<(u8, u64), Hash>, Vec<Hash>) {
        let mut nodes = HashMap::new();
        let mut frontier = Vec::new();
        for i in 0..n {
            push_leaf(&mut frontier, i, leaf_hash(&i.to_be_bytes()), |l, x, h| {
                nodes.insert((l, x), *h);
            });
        }
        (nodes, frontier)
    }

    /// M5: the empty-tree root is SHA-256("") as RFC 6962 defines it.
    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(empty_root()[..4], [0xe3, 0xb0, 0xc4, 0x42],);
    }

    /// M5: the frontier root equals the root recomputed from stored subtrees at every size.
    #[test]
    fn frontier_root_matches_stored_subtrees() {
        let (nodes, _) = build(70);
        for n in 1..=70u64 {
            let (_, frontier) = build(n);
            let src = |l: u8, i: u64| {
                nodes.get(&(l, i)).copied().ok_or(LedgerError::MissingNode { level: l, index: i })
            };
            assert_eq!(subtree_hash(&src, 0, n).unwrap(), root_from_frontier(&frontier));
        }
    }

    /// M5: a consistency proof that is one hash short or one hash long fails.
    #[test]
    fn consistency_proof_of_wrong_length_fails() {
        let (nodes, frontier) = build(21);
        let src = |l: u8, i: u64| {
            nodes.get(&(l, i)).copied().ok_or(LedgerError::MissingNode { level: l, index: i })
        };
        let old = subtree_hash(&src, 0, 6).unwrap();
        let new = root_from_frontier(&frontier);
        let p = prove_consistency(&src, 6, 21).unwrap();
        assert_eq!(verify_consistency(6, &old, 21, &new, &p.path), Ok(()));
        let mut long = p.path.clone();
        long.push([0; 32]);
        assert!(verify_consistency(6, &old, 21, &new, &long).is_err());
        assert!(verify_consistency(6, &old, 21, &new, &p.path[..p.path.len() - 1]).is_err());
    }
}
