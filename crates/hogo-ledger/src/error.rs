//! The crate's errors: [`LedgerError`] for building, appending, proving and signing, and
//! [`StorageError`] for the storage port. Verification failures are in
//! [`crate::verify::VerifyError`]. No message ever carries the refused text, so a My
//! Number that was refused never reaches a log through an error.

use hogo_domain::OrganisationId;

/// An error of the storage port ([`crate::LedgerStore`]). Adapters map their database
/// errors into it at the seam; the message must never hold personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// A row that must be unique already exists (e.g. two writers appended the same
    /// sequence because the head was not locked).
    #[error("storage: {what} already exists (M5: the ledger is append-only)")]
    Conflict {
        /// What collided, e.g. `"entry 41"`.
        what: String,
    },
    /// The backend failed (I/O, busy, serialization failure); the adapter may retry the
    /// whole transaction.
    #[error("storage: backend failure: {message}")]
    Backend {
        /// The backend's own description, free of personal data.
        message: String,
    },
}

/// An error of the ledger's operations (not of verification).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A free-text field holds a run of twelve digits with a valid check digit: it looks
    /// like a My Number and is refused. The text itself is never repeated.
    #[error(
        "field `{field}`: text looks like a My Number (12 digits with a valid check digit) and is refused (M5, M6)"
    )]
    MyNumberInText {
        /// The refused field.
        field: &'static str,
    },
    /// A text field is empty, too long, or holds a control character.
    #[error("field `{field}`: {reason} (M5)")]
    InvalidText {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An entry of a batch names another organisation than the log it is appended to.
    #[error(
        "field `organisation`: entry for another organisation than log {log} (M5: one log per organisation)"
    )]
    WrongOrganisation {
        /// The log's organisation.
        log: OrganisationId,
    },
    /// No log was created for this organisation.
    #[error("field `organisation`: no ledger for organisation {organisation} (M5)")]
    NoLog {
        /// The organisation.
        organisation: OrganisationId,
    },
    /// A log already exists for this organisation.
    #[error("field `organisation`: a ledger already exists for organisation {organisation} (M5)")]
    LogExists {
        /// The organisation.
        organisation: OrganisationId,
    },
    /// A position or tree size lies outside the ledger.
    #[error("field `{field}`: {value} is outside the ledger of size {size} (M5)")]
    OutOfRange {
        /// Which argument.
        field: &'static str,
        /// Its value.
        value: u64,
        /// The ledger's size.
        size: u64,
    },
    /// A tree node the proof needs is not in storage.
    #[error("field `tree`: stored node level {level} index {index} is missing (M5)")]
    MissingNode {
        /// The node's level (0 = leaf).
        level: u8,
        /// The node's index at that level.
        index: u64,
    },
    /// A stored entry that should exist does not.
    #[error("field `sequence`: entry {sequence} is missing (M5)")]
    MissingEntry {
        /// The sequence number.
        sequence: u64,
    },
    /// Bytes do not decode as a canonical entry, note or export line.
    #[error("field `{field}`: cannot decode: {reason} (M5)")]
    Decode {
        /// What was being decoded.
        field: &'static str,
        /// Why it failed.
        reason: &'static str,
    },
    /// The checkpoint signer failed.
    #[error("field `signer`: signing failed: {reason} (M5)")]
    Signer {
        /// The signer's reason, free of secret material.
        reason: String,
    },
    /// An auditor refuses to co-sign: the new checkpoint does not verify or does not extend
    /// the last one the auditor saw.
    #[error("field `checkpoint`: auditor refuses to co-sign: {reason} (M5)")]
    CosignRefused {
        /// Why.
        reason: String,
    },
    /// The 管理台帳 could not be built.
    #[error("field `{field}`: register: {reason} (M6)")]
    Register {
        /// The field.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The storage port failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}
