//! # hogo-ledger
//!
//! The tamper-evident 取扱記録 (doc 003 Art. 9, **M5**; provision records of doc 000 §3,
//! **P3**) and the 特定個人情報管理台帳 (Art. 10, **M6**).
//!
//! - **One log per organisation**, with its own origin, sequence, head, checkpoints and
//!   signing key, so one client company's auditor never sees another's entries.
//! - **Entries** ([`Entry`]) are a closed set of typed [`Action`]s. They hold ids, stable
//!   codes and scanned [`SafeText`] only: no type can hold a `MyNumber`, and free text with
//!   a My-Number-like run (12 digits, valid check digit) is refused
//!   ([`LedgerError::MyNumberInText`]). Erasable personal detail is kept beside the entry
//!   and only its salted digest is committed.
//! - **Canonical encoding** ([`encoding`]), versioned and length-prefixed.
//! - **Integrity**: a hash chain *and* an RFC 6962/9162 Merkle tree stored as completed
//!   subtrees plus the right frontier ([`merkle`]); inclusion and consistency proofs.
//! - **Checkpoints** in C2SP signed-note form, Ed25519, through the [`CheckpointSigner`]
//!   port; auditor co-signatures after a consistency check ([`ledger::cosign`]).
//! - **Verification** as pure functions ([`verify_ledger`], [`merkle::verify_inclusion`],
//!   [`merkle::verify_consistency`], [`export::verify_export`]).
//! - The **register** ([`Register`]).
//!
//! Storage is the [`LedgerStore`] port: the application hands out a
//! `&mut dyn LedgerStore` borrowed from one database transaction; appends lock the
//! organisation's head. This crate does no I/O and reads no clock or randomness: time comes
//! in the entries, salts through the [`Entropy`](hogo_domain::Entropy) port, keys through
//! the signer port.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use hogo_domain::testkit::{synthetic_number, SeededEntropy};
//! use hogo_domain::{Actor, OrganisationId, Role, StaffId, SubjectId};
//! use hogo_ledger::memory::InMemoryLedgerStore;
//! use hogo_ledger::{Action, Ed25519Signer, LedgerError, NewEntry, ledger, verify_ledger};
//! use uuid::Uuid;
//!
//! let org = OrganisationId::from_uuid(Uuid::from_u128(1));
//! let clerk = Actor::new(StaffId::from_uuid(Uuid::from_u128(2)), org, Role::NumberClerk);
//! let signer = Ed25519Signer::from_seed("hogo.example/org1", zeroize::Zeroizing::new([7; 32]))?;
//! let mut store = InMemoryLedgerStore::new(); // in production: borrowed from a transaction
//! ledger::create_log(&mut store, org, "hogo.example/org1", vec![signer.verifier_key()])?;
//!
//! let now = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
//! let entry = NewEntry::new(now, org, (&clerk).into(), Action::Acquisition)
//!     .with_subject(SubjectId::from_uuid(Uuid::from_u128(3)))
//!     .with_note("扶養控除等申告書で取得")?;
//! ledger::append(&mut store, org, vec![entry], &SeededEntropy::new(1))?;
//!
//! // A My Number in free text is refused, and the error does not repeat it.
//! let n = synthetic_number(1);
//! let err = NewEntry::new(now, org, (&clerk).into(), Action::Use)
//!     .with_note(&format!("番号 {}", n.expose()))
//!     .unwrap_err();
//! assert!(matches!(err, LedgerError::MyNumberInText { field: "note" }));
//!
//! let cp = ledger::checkpoint(&mut store, org, &signer)?;
//! assert!(cp.to_note().starts_with("hogo.example/org1\n1\n"));
//! assert_eq!(verify_ledger(&store, org)?.entries, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod checkpoint;
pub mod encoding;
pub mod entry;
pub mod error;
pub mod export;
pub mod ledger;
#[cfg(feature = "testkit")]
pub mod memory;
pub mod merkle;
pub mod register;
pub mod store;
pub mod text;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointSigner, Ed25519Signer, SignedCheckpoint, VerifierKey};
pub use entry::{
    Action, ActionGroup, ActorRef, Detail, Entry, Hash, NewEntry, ObjectRef, Outcome, Scope,
};
pub use error::{LedgerError, StorageError};
pub use export::{ExportSummary, export, verify_export};
pub use ledger::Receipt;
pub use merkle::{ConsistencyProof, InclusionProof, ProofError};
pub use register::{
    AccessGrant, DeletionStatus, NumberFile, NumberFileState, Register, RegisterRow,
};
pub use store::{Head, LedgerStore, LogConfig, StoredCheckpoint, StoredEntry, TreeNode};
pub use text::{DocumentKind, SafeText};
pub use verify::{EntryDefect, VerifyError, VerifyReport, verify_ledger};
