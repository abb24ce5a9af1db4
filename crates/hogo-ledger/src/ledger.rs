//! The ledger's operations on one organisation's log, each run inside the caller's
//! transaction through a `&mut dyn LedgerStore` (or `&dyn` for reads):
//! [`create_log`], [`append`] (a batch), [`checkpoint`], [`cosign`], [`prove_inclusion`],
//! [`prove_consistency`], [`root_at`] and [`erase_detail`].

use hogo_domain::{Entropy, OrganisationId};

use crate::checkpoint::{Checkpoint, CheckpointSigner, SignedCheckpoint, VerifierKey};
use crate::encoding::encode;
use crate::entry::{Detail, Entry, Hash, NewEntry};
use crate::error::LedgerError;
use crate::merkle::{self, ConsistencyProof, InclusionProof, NodeSource};
use crate::store::{Head, LedgerStore, LogConfig, StoredCheckpoint, StoredEntry, TreeNode};
use crate::text::check_text;

/// What an append returns for each entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The entry's position.
    pub sequence: u64,
    /// The entry's leaf hash.
    pub hash: Hash,
}

/// Creates the log of `organisation` with its origin line and checkpoint keys.
///
/// # Errors
/// [`LedgerError::LogExists`]; [`LedgerError::InvalidText`] for a bad origin; storage.
pub fn create_log(
    store: &mut dyn LedgerStore,
    organisation: OrganisationId,
    origin: &str,
    keys: Vec<VerifierKey>,
) -> Result<LogConfig, LedgerError> {
    check_text("origin", origin)?;
    if store.lock_head(organisation)?.is_some() || store.log_config(organisation)?.is_some() {
        return Err(LedgerError::LogExists { organisation });
    }
    let config = LogConfig { organisation, origin: origin.to_owned(), keys };
    store.put_log_config(&config)?;
    store.put_head(&Head::empty(organisation))?;
    Ok(config)
}

/// Adds a checkpoint key to the log (key rotation; old keys stay so old checkpoints verify).
///
/// # Errors
/// [`LedgerError::NoLog`]; storage.
pub fn add_key(
    store: &mut dyn LedgerStore,
    organisation: OrganisationId,
    key: VerifierKey,
) -> Result<(), LedgerError> {
    let mut config = store.log_config(organisation)?.ok_or(LedgerError::NoLog { organisation })?;
    if !config.keys.contains(&key) {
        config.keys.push(key);
    }
    store.put_log_config(&config)?;
    Ok(())
}

/// Appends a batch of entries to the organisation's log in the caller's transaction:
/// locks the head, assigns consecutive sequences, links each entry to the previous,
/// stores the canonical bytes, the leaf and completed subtree hashes, the erasable
/// details (salted from `entropy`) and the new head. Nothing is written if any entry is
/// refused.
///
/// # Errors
/// [`LedgerError::NoLog`], [`LedgerError::WrongOrganisation`]; storage.
pub fn append(
    store: &mut dyn LedgerStore,
    organisation: OrganisationId,
    batch: Vec<NewEntry>,
    entropy: &dyn Entropy,
) -> Result<Vec<Receipt>, LedgerError> {
    if let Some(_other) = batch.iter().find(|e| e.organisation != organisation) {
        return Err(LedgerError::WrongOrganisation { log: organisation });
    }
    let mut head = store.lock_head(organisation)?.ok_or(LedgerError::NoLog { organisation })?;
    let mut stored = Vec::with_capacity(batch.len());
    let mut nodes = Vec::with_capacity(batch.len() * 2 + 1);
    let mut details = Vec::new();
    let mut receipts = Vec::with_capacity(batch.len());
    for n in batch {
        let sequence = head.size;
        let detail = n.detail.map(|text| {
            let mut salt = [0u8; 16];
            entropy.fill(&mut salt);
            Detail::new(salt, text)
        });
        let entry = Entry {
            sequence,
            time: n.time,
            organisation,
            actor: n.actor,
            action: n.action,
            subject: n.subject,
            object: n.object,
            document_kind: n.document_kind,
            scope: n.scope,
            legal_basis: n.legal_basis,
            outcome: n.outcome,
            note: n.note,
            detail_digest: detail.as_ref().map(Detail::digest),
            prev_hash: head.last_hash,
        };
        let bytes = encode(&entry);
        let hash = merkle::leaf_hash(&bytes);
        merkle::push_leaf(&mut head.frontier, sequence, hash, |level, index, h| {
            nodes.push(TreeNode { level, index, hash: *h });
        });
        head.size += 1;
        head.last_hash = hash;
        if let Some(d) = detail {
            details.push((sequence, d));
        }
        receipts.push(Receipt { sequence, hash });
        stored.push(StoredEntry { entry, bytes, hash });
    }
    store.insert_entries(organisation, &stored)?;
    store.put_nodes(organisation, &nodes)?;
    for (sequence, d) in &details {
        store.put_detail(organisation, *sequence, d)?;
    }
    store.put_head(&head)?;
    Ok(receipts)
}

struct StoreNodes<'a> {
    store: &'a dyn LedgerStore,
    organisation: OrganisationId,
}

impl NodeSource for StoreNodes<'_> {
    fn node(&self, level: u8, index: u64) -> Result<Hash, LedgerError> {
        self.store
            .node(self.organisation, level, index)?
            .ok_or(LedgerError::MissingNode { level, index })
    }
}

fn head_of(store: &dyn LedgerStore, organisation: OrganisationId) -> Result<Head, LedgerError> {
    store.head(organisation)?.ok_or(LedgerError::NoLog { organisation })
}

/// The Merkle root of the log at `size` (≤ the current size), from O(log n) stored nodes.
///
/// # Errors
/// [`LedgerError::OutOfRange`]; missing nodes; storage.
pub fn root_at(
    store: &dyn LedgerStore,
    organisation: OrganisationId,
    size: u64,
) -> Result<Hash, LedgerError> {
    let head = head_of(store, organisation)?;
    if size > head.size {
        return Err(LedgerError::OutOfRange { field: "size", value: size, size: head.size });
    }
    if size == head.size {
        return Ok(head.root());
    }
    merkle::subtree_hash(&StoreNodes { store, organisation }, 0, size)
}

/// The inclusion proof of entry `index` in the tree of `tree_size` entries.
///
/// # Errors
/// [`LedgerError::OutOfRange`]; missing nodes; storage.
pub fn prove_inclusion(
    store: &dyn LedgerStore,
    organisation: OrganisationId,
    index: u64,
    tree_size: u64,
) -> Result<InclusionProof, LedgerError> {
    let head = head_of(store, organisation)?;
    if tree_size > head.size {
        return Err(LedgerError::OutOfRange {
            field: "tree_size",
            value: tree_size,
            size: head.size,
        });
    }
    merkle::prove_inclusion(&StoreNodes { store, organisation }, index, tree_size)
}

/// The consistency proof from `old_size` to `new_size`.
///
/// # Errors
/// [`LedgerError::OutOfRange`]; missing nodes; storage.
pub fn prove_consistency(
    store: &dyn LedgerStore,
    organisation: OrganisationId,
    old_size: u64,
    new_size: u64,
) -> Result<ConsistencyProof, LedgerError> {
    let head = head_of(store, organisation)?;
    if new_size > head.size {
        return Err(LedgerError::OutOfRange {
            field: "new_size",
            value: new_size,
            size: head.size,
        });
    }
    merkle::prove_consistency(&StoreNodes { store, organisation }, old_size, new_size)
}

/// Signs a checkpoint of the current head with the log's key and stores it.
///
/// # Errors
/// [`LedgerError::Signer`] if the signer's key is not one of the log's keys; storage.
pub fn checkpoint(
    store: &mut dyn LedgerStore,
    organisation: OrganisationId,
    signer: &dyn CheckpointSigner,
) -> Result<SignedCheckpoint, LedgerError> {
    let config = store.log_config(organisation)?.ok_or(LedgerError::NoLog { organisation })?;
    let key = VerifierKey::new(signer.key_name(), signer.public_key());
    if !config.keys.contains(&key) {
        return Err(LedgerError::Signer { reason: "key is not registered for this log".into() });
    }
    let head = head_of(store, organisation)?;
    let cp = Checkpoint { origin: config.origin, size: head.size, root: head.root() };
    let signed = SignedCheckpoint::sign(cp, signer)?;
    store.insert_checkpoint(
        organisation,
        &StoredCheckpoint { size: head.size, note: signed.to_note() },
    )?;
    Ok(signed)
}

/// An auditor co-signs the latest stored checkpoint, but only after checking that it is
/// signed by the log's key and that it extends (consistency proof, every element checked)
/// the last checkpoint this auditor co-signed. Stores the co-signed note and the auditor's
/// new state.
///
/// # Errors
/// [`LedgerError::CosignRefused`] if there is no checkpoint, a signature fails, the origin
/// differs, the log shrank, or the consistency proof fails; storage.
pub fn cosign(
    store: &mut dyn LedgerStore,
    organisation: OrganisationId,
    auditor: &dyn CheckpointSigner,
) -> Result<SignedCheckpoint, LedgerError> {
    let refuse = |reason: &str| LedgerError::CosignRefused { reason: reason.to_owned() };
    let config = store.log_config(organisation)?.ok_or(LedgerError::NoLog { organisation })?;
    let latest = store.checkpoints(organisation)?.pop().ok_or_else(|| refuse("no checkpoint"))?;
    let mut new = SignedCheckpoint::parse(&latest.note)?;
    new.verify_any(&config.keys).map_err(|e| refuse(&e.to_string()))?;
    if let Some(seen) = store.auditor_checkpoint(organisation, auditor.key_name())? {
        let old = SignedCheckpoint::parse(&seen.note)?;
        if old.checkpoint.origin != new.checkpoint.origin {
            return Err(refuse("origin differs from the last checkpoint seen"));
        }
        let (o, n) = (old.checkpoint.size, new.checkpoint.size);
        if o > n {
            return Err(refuse("the log is smaller than the last checkpoint seen"));
        }
        if o > 0 {
            let proof = prove_consistency(store, organisation, o, n)?;
            merkle::verify_consistency(
                o,
                &old.checkpoint.root,
                n,
                &new.checkpoint.root,
                &proof.path,
            )
            .map_err(|e| refuse(&e.to_string()))?;
        }
    }
    new.add_signature(auditor)?;
    let stored = StoredCheckpoint { size: new.checkpoint.size, note: new.to_note() };
    store.insert_checkpoint(organisation, &stored)?;
    store.put_auditor_checkpoint(organisation, auditor.key_name(), &stored)?;
    Ok(new)
}

/// Erases the personal detail kept beside entry `sequence`; the entry keeps its digest and
/// the ledger still verifies. Returns `true` if there was a detail.
///
/// # Errors
/// Storage.
pub fn erase_detail(
    store: &mut dyn LedgerStore,
    organisation: OrganisationId,
    sequence: u64,
) -> Result<bool, LedgerError> {
    Ok(store.erase_detail(organisation, sequence)?)
}
