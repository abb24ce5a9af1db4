//! Verification as pure functions (they only read): [`verify_ledger`] checks a whole
//! log and reports the first broken position; inclusion and consistency proofs are
//! checked by [`crate::merkle::verify_inclusion`] and
//! [`crate::merkle::verify_consistency`]; exports by [`crate::export::verify_export`].

use hogo_domain::OrganisationId;

use crate::checkpoint::SignedCheckpoint;
use crate::encoding::{decode, encode};
use crate::entry::Hash;
use crate::error::StorageError;
use crate::merkle::{self, ProofError};
use crate::store::LedgerStore;

/// What is wrong with one stored entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryDefect {
    /// No entry is stored at this position although the head counts it.
    #[error("missing")]
    Missing,
    /// The canonical bytes do not decode.
    #[error("bytes do not decode: {0}")]
    Decode(&'static str),
    /// The bytes decode but re-encode differently.
    #[error("bytes are not canonical")]
    NotCanonical,
    /// A stored column differs from the canonical bytes.
    #[error("stored columns differ from the canonical bytes")]
    ColumnMismatch,
    /// The stored hash differs from SHA-256(0x00 ‖ bytes).
    #[error("stored hash differs from the bytes")]
    HashMismatch,
    /// The stored leaf node differs from the entry's hash.
    #[error("stored leaf node differs from the entry's hash")]
    LeafMismatch,
    /// The entry does not commit to the previous entry's hash.
    #[error("hash chain broken")]
    ChainBroken,
    /// The entry's sequence is not its position (deleted or reordered entries).
    #[error("sequence {0} at the wrong position")]
    Sequence(u64),
    /// The entry belongs to another organisation.
    #[error("entry of another organisation")]
    WrongOrganisation,
    /// The stored detail does not match the digest the entry commits to.
    #[error("detail does not match its digest")]
    DetailDigest,
    /// An entry is stored beyond the head's size.
    #[error("entry beyond the head")]
    BeyondHead,
}

/// A verification failure. Positions are 0-based entry sequences.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The first broken entry.
    #[error("entry {position}: {defect} (M5)")]
    Entry {
        /// The position.
        position: u64,
        /// What is wrong.
        defect: EntryDefect,
    },
    /// A stored subtree hash differs from the one recomputed from the entries.
    #[error("entry {position}: stored tree node level {level} index {index} does not match (M5)")]
    TreeNode {
        /// The first entry the node covers.
        position: u64,
        /// The node's level.
        level: u8,
        /// The node's index.
        index: u64,
    },
    /// The head disagrees with the entries.
    #[error("head: {reason} (M5)")]
    Head {
        /// What disagrees.
        reason: &'static str,
    },
    /// A checkpoint is malformed, unsigned, or commits to another root.
    #[error("checkpoint of size {size}: {reason} (M5)")]
    Checkpoint {
        /// The checkpoint's size.
        size: u64,
        /// What is wrong.
        reason: &'static str,
    },
    /// A proof failed.
    #[error("entry {position}: {error}")]
    Proof {
        /// The leaf (or old size) the proof is about.
        position: u64,
        /// Why.
        error: ProofError,
    },
    /// An export line is malformed or inconsistent.
    #[error("export line {line}: {reason} (M5)")]
    Export {
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// No log exists for the organisation.
    #[error("field `organisation`: no ledger for organisation {0} (M5)")]
    NoLog(OrganisationId),
    /// Reading storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries checked.
    pub entries: u64,
    /// Tree nodes checked.
    pub nodes: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Details present and checked (erased ones are skipped).
    pub details: u64,
    /// The root at the head.
    pub root: Hash,
}

/// How many entries [`verify_ledger`] reads at a time.
pub const VERIFY_CHUNK: u64 = 4096;

/// Verifies one organisation's whole log: for every entry, that the bytes decode
/// canonically, the stored columns and hash agree with them, the sequence matches the
/// position, the chain links, and its detail (if not erased) matches its digest; that
/// every stored tree node equals the one recomputed from the entries; that the head
/// agrees; and that every stored checkpoint is signed by a log key and commits to the
/// recomputed root at its size. Stops at the first broken position.
///
/// # Errors
/// The first [`VerifyError`].
pub fn verify_ledger(
    store: &dyn LedgerStore,
    organisation: OrganisationId,
) -> Result<VerifyReport, VerifyError> {
    let head = store.head(organisation)?.ok_or(VerifyError::NoLog(organisation))?;
    let config = store.log_config(organisation)?.ok_or(VerifyError::NoLog(organisation))?;
    let mut checkpoints = Vec::new();
    for c in store.checkpoints(organisation)? {
        let parsed = SignedCheckpoint::parse(&c.note)
            .map_err(|_| VerifyError::Checkpoint { size: c.size, reason: "malformed note" })?;
        if parsed.checkpoint.size != c.size {
            return Err(VerifyError::Checkpoint {
                size: c.size,
                reason: "stored size differs from the note",
            });
        }
        if parsed.checkpoint.origin != config.origin {
            return Err(VerifyError::Checkpoint {
                size: c.size,
                reason: "origin differs from the log's",
            });
        }
        if c.size > head.size {
            return Err(VerifyError::Checkpoint {
                size: c.size,
                reason: "larger than the log (truncated?)",
            });
        }
        parsed.verify_any(&config.keys)?;
        checkpoints.push(parsed.checkpoint);
    }
    checkpoints.sort_by_key(|c| c.size);
    let mut next_cp = 0usize;

    let mut frontier: Vec<Hash> = Vec::new();
    let mut prev: Hash = [0; 32];
    let mut nodes_checked = 0u64;
    let mut details = 0u64;
    let mut position = 0u64;
    let check_checkpoints = |size: u64, frontier: &[Hash], next: &mut usize| {
        while let Some(cp) = checkpoints.get(*next) {
            if cp.size != size {
                break;
            }
            if cp.root != merkle::root_from_frontier(frontier) {
                return Err(VerifyError::Checkpoint {
                    size,
                    reason: "root differs from the entries",
                });
            }
            *next += 1;
        }
        Ok(())
    };
    check_checkpoints(0, &frontier, &mut next_cp)?;
    while position < head.size {
        let to = head.size.min(position + VERIFY_CHUNK);
        let chunk = store.entries(organisation, position, to)?;
        for s in &chunk {
            let bad = |defect| VerifyError::Entry { position, defect };
            let e = decode(&s.bytes).map_err(|err| {
                bad(EntryDefect::Decode(match err {
                    crate::LedgerError::Decode { reason, .. } => reason,
                    crate::LedgerError::MyNumberInText { .. } => "text looks like a My Number",
                    _ => "invalid text",
                }))
            })?;
            if encode(&e) != s.bytes {
                return Err(bad(EntryDefect::NotCanonical));
            }
            if e.sequence != position {
                return Err(bad(EntryDefect::Sequence(e.sequence)));
            }
            if e != s.entry {
                return Err(bad(EntryDefect::ColumnMismatch));
            }
            if e.organisation != organisation {
                return Err(bad(EntryDefect::WrongOrganisation));
            }
            let hash = merkle::leaf_hash(&s.bytes);
            if hash != s.hash {
                return Err(bad(EntryDefect::HashMismatch));
            }
            if e.prev_hash != prev {
                return Err(bad(EntryDefect::ChainBroken));
            }
            if let Some(digest) = e.detail_digest
                && let Some(d) = store.detail(organisation, position)?
            {
                if d.digest() != digest {
                    return Err(bad(EntryDefect::DetailDigest));
                }
                details += 1;
            }
            let mut node_err = None;
            merkle::push_leaf(&mut frontier, position, hash, |level, index, h| {
                if node_err.is_some() {
                    return;
                }
                nodes_checked += 1;
                match store.node(organisation, level, index) {
                    Ok(Some(stored)) if &stored == h => {}
                    Ok(_) if level == 0 => {
                        node_err = Some(bad(EntryDefect::LeafMismatch));
                    }
                    Ok(_) => {
                        node_err =
                            Some(VerifyError::TreeNode { position: index << level, level, index });
                    }
                    Err(err) => node_err = Some(VerifyError::Storage(err)),
                }
            });
            if let Some(err) = node_err {
                return Err(err);
            }
            prev = hash;
            position += 1;
            check_checkpoints(position, &frontier, &mut next_cp)?;
        }
        if position < to {
            return Err(VerifyError::Entry { position, defect: EntryDefect::Missing });
        }
    }
    if !store.entries(organisation, head.size, head.size + 1)?.is_empty() {
        return Err(VerifyError::Entry { position: head.size, defect: EntryDefect::BeyondHead });
    }
    if head.last_hash != prev {
        return Err(VerifyError::Head { reason: "last hash differs from the last entry" });
    }
    if head.frontier != frontier {
        return Err(VerifyError::Head { reason: "frontier differs from the entries" });
    }
    if next_cp != checkpoints.len() {
        return Err(VerifyError::Checkpoint {
            size: head.size,
            reason: "checkpoint size not reached",
        });
    }
    Ok(VerifyReport {
        entries: head.size,
        nodes: nodes_checked,
        checkpoints: checkpoints.len() as u64,
        details,
        root: merkle::root_from_frontier(&frontier),
    })
}
