//! The storage port, [`LedgerStore`], and the rows it stores.
//!
//! The application layer hands out a `&mut dyn LedgerStore` borrowed from **one** database
//! transaction; the store never commits or rolls back on its own, so an access and its
//! log line are written together or not at all. Appending starts with
//! [`LedgerStore::lock_head`], which must lock the organisation's head row until the
//! transaction ends (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the transaction must
//! be `BEGIN IMMEDIATE`), so two writers can never fork the chain: the second waits, then
//! sees the first one's head. Every read and write is scoped to one organisation.

use hogo_domain::OrganisationId;
use serde::{Deserialize, Serialize};

use crate::checkpoint::VerifierKey;
use crate::entry::{Detail, Entry, Hash};
use crate::error::StorageError;

/// One organisation's log: its origin line and the keys its checkpoints may be signed
/// with (old keys stay listed after a rotation so old checkpoints still verify).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogConfig {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The checkpoint origin line, e.g. `"hogo.example/ledger/0190…"`; unique per log.
    pub origin: String,
    /// Keys whose signatures on this log's checkpoints are accepted.
    pub keys: Vec<VerifierKey>,
}

/// The head of one organisation's log: its size, the hash of its last entry, and the
/// right frontier of its Merkle tree (the roots of the perfect subtrees that make up
/// `size`, largest first; at most 64 hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The number of entries.
    pub size: u64,
    /// The hash of the last entry (all zero when empty).
    pub last_hash: Hash,
    /// The right frontier.
    pub frontier: Vec<Hash>,
}

impl Head {
    /// The head of an empty log.
    pub fn empty(organisation: OrganisationId) -> Self {
        Self { organisation, size: 0, last_hash: [0; 32], frontier: Vec::new() }
    }

    /// The Merkle root of the log at this head.
    pub fn root(&self) -> Hash {
        crate::merkle::root_from_frontier(&self.frontier)
    }
}

/// A stored entry: the columns an adapter may index (`entry`), the canonical bytes the
/// chain and tree commit to, and their leaf hash. Verification checks that all three agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// The decoded columns.
    pub entry: Entry,
    /// The canonical bytes ([`crate::encoding::encode`]).
    pub bytes: Vec<u8>,
    /// SHA-256(0x00 ‖ bytes).
    pub hash: Hash,
}

/// A completed Merkle subtree: the hash of leaves `index·2^level .. (index+1)·2^level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeNode {
    /// 0 for a leaf.
    pub level: u8,
    /// The index at that level.
    pub index: u64,
    /// The hash.
    pub hash: Hash,
}

/// A stored signed checkpoint (its C2SP note text and the size it commits to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCheckpoint {
    /// The tree size.
    pub size: u64,
    /// The signed note.
    pub note: String,
}

/// The ledger's storage port. Object-safe; all methods are scoped to one organisation.
///
/// Contract:
/// - handles live inside the caller's transaction and never commit on their own;
/// - [`lock_head`](Self::lock_head) locks the organisation's head until the transaction
///   ends, and appends ([`insert_entries`](Self::insert_entries),
///   [`put_nodes`](Self::put_nodes), [`put_head`](Self::put_head)) are only made while it is
///   held;
/// - entries, nodes and checkpoints are append-only: inserting an existing entry
///   sequence or checkpoint returns [`StorageError::Conflict`]; only details may be erased;
/// - error messages carry no personal data.
pub trait LedgerStore {
    /// The log's configuration, if the log exists.
    ///
    /// # Errors
    /// Backend failures.
    fn log_config(&self, organisation: OrganisationId) -> Result<Option<LogConfig>, StorageError>;

    /// Creates or replaces the log's configuration (adding a key after a rotation).
    ///
    /// # Errors
    /// Backend failures.
    fn put_log_config(&mut self, config: &LogConfig) -> Result<(), StorageError>;

    /// Reads the head **and locks it** until the transaction ends. Must be called before
    /// any append in the transaction.
    ///
    /// # Errors
    /// Backend failures (including lock timeouts, which the adapter may retry).
    fn lock_head(&mut self, organisation: OrganisationId) -> Result<Option<Head>, StorageError>;

    /// Reads the head without locking (proofs, verification, export).
    ///
    /// # Errors
    /// Backend failures.
    fn head(&self, organisation: OrganisationId) -> Result<Option<Head>, StorageError>;

    /// Writes the head (under the lock).
    ///
    /// # Errors
    /// Backend failures.
    fn put_head(&mut self, head: &Head) -> Result<(), StorageError>;

    /// Appends entries (consecutive sequences, under the lock).
    ///
    /// # Errors
    /// [`StorageError::Conflict`] if a sequence exists; backend failures.
    fn insert_entries(
        &mut self,
        organisation: OrganisationId,
        entries: &[StoredEntry],
    ) -> Result<(), StorageError>;

    /// The stored entries with positions `from..to`, in position order; fewer if the
    /// log is shorter.
    ///
    /// # Errors
    /// Backend failures.
    fn entries(
        &self,
        organisation: OrganisationId,
        from: u64,
        to: u64,
    ) -> Result<Vec<StoredEntry>, StorageError>;

    /// Stores completed subtree hashes (under the lock).
    ///
    /// # Errors
    /// Backend failures.
    fn put_nodes(
        &mut self,
        organisation: OrganisationId,
        nodes: &[TreeNode],
    ) -> Result<(), StorageError>;

    /// One stored subtree hash.
    ///
    /// # Errors
    /// Backend failures.
    fn node(
        &self,
        organisation: OrganisationId,
        level: u8,
        index: u64,
    ) -> Result<Option<Hash>, StorageError>;

    /// Stores the erasable detail of an entry.
    ///
    /// # Errors
    /// Backend failures.
    fn put_detail(
        &mut self,
        organisation: OrganisationId,
        sequence: u64,
        detail: &Detail,
    ) -> Result<(), StorageError>;

    /// The erasable detail of an entry, unless erased.
    ///
    /// # Errors
    /// Backend failures.
    fn detail(
        &self,
        organisation: OrganisationId,
        sequence: u64,
    ) -> Result<Option<Detail>, StorageError>;

    /// Erases the detail of an entry; `true` if there was one.
    ///
    /// # Errors
    /// Backend failures.
    fn erase_detail(
        &mut self,
        organisation: OrganisationId,
        sequence: u64,
    ) -> Result<bool, StorageError>;

    /// Stores a signed checkpoint.
    ///
    /// # Errors
    /// Backend failures.
    fn insert_checkpoint(
        &mut self,
        organisation: OrganisationId,
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), StorageError>;

    /// All stored checkpoints, oldest first.
    ///
    /// # Errors
    /// Backend failures.
    fn checkpoints(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<StoredCheckpoint>, StorageError>;

    /// The last checkpoint the auditor with key name `auditor` co-signed.
    ///
    /// # Errors
    /// Backend failures.
    fn auditor_checkpoint(
        &self,
        organisation: OrganisationId,
        auditor: &str,
    ) -> Result<Option<StoredCheckpoint>, StorageError>;

    /// Records the checkpoint the auditor just co-signed.
    ///
    /// # Errors
    /// Backend failures.
    fn put_auditor_checkpoint(
        &mut self,
        organisation: OrganisationId,
        auditor: &str,
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), StorageError>;
}
