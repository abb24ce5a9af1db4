//! Errors of the vault and of its storage ports.
//!
//! Every message names the field or key at fault and the rule (P9 encryption, M11
//! disposal, M13 technical measures). No error ever carries plaintext, a key or a number.

use hogo_domain::{OrganisationId, RecordId, SubjectId};

use crate::keys::{DataKeyId, KeyId, KeyVersion};
use crate::store::Bucket;

/// A storage adapter failed. Adapters map their driver errors onto these variants; the
/// application layer retries [`StoreError::Busy`] and rolls the transaction back on any.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database is locked or a serialization conflict occurred; the caller may retry.
    #[error("vault store: busy or serialization conflict, retry the transaction (M13)")]
    Busy,
    /// A stored row could not be decoded (damaged or written by an unknown version).
    #[error("vault store: stored {what} is corrupt (M13)")]
    Corrupt {
        /// Which kind of row.
        what: &'static str,
    },
    /// Any other backend failure; the message must never contain personal data.
    #[error("vault store: backend failure: {message} (M13)")]
    Backend {
        /// The driver's message (no personal data).
        message: String,
    },
}

/// Why a vault operation failed. No variant carries plaintext or key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// A storage port failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The envelope is shorter than its fixed header plus tag.
    #[error("envelope: truncated, {len} bytes is shorter than the minimum {min} (P9, M13)")]
    EnvelopeTruncated {
        /// Bytes given.
        len: usize,
        /// The minimum envelope length.
        min: usize,
    },
    /// The envelope's format version byte is not one this vault reads.
    #[error("envelope.format: unsupported format version {version} (P9)")]
    UnsupportedFormat {
        /// The format byte found.
        version: u8,
    },
    /// The envelope's algorithm id is not one this vault reads.
    #[error("envelope.algorithm: unsupported algorithm id {id} (P9)")]
    UnsupportedAlgorithm {
        /// The algorithm byte found.
        id: u8,
    },
    /// The envelope's ciphertext or tag was altered (authentication failed).
    #[error("envelope: ciphertext or tag altered, authentication failed (P9, M13)")]
    EnvelopeAltered,
    /// The envelope was sealed for another organisation, subject, table, field, record or
    /// data class: a ciphertext moved to another row.
    #[error(
        "envelope: associated data does not match (organisation, subject, table, field, record or data class differ) (P9, M13)"
    )]
    WrongAssociatedData,
    /// The envelope names a data key version other than the stored one.
    #[error(
        "envelope.key_version: data key {key} is at version {expected}, envelope says {found} (M13)"
    )]
    WrongKeyVersion {
        /// The data key.
        key: DataKeyId,
        /// The stored version.
        expected: u32,
        /// The version in the envelope.
        found: u32,
    },
    /// A wrapped key names a root key version the provider does not hold.
    #[error("root_key.version: unknown root key version {version} (M13)")]
    UnknownRootKeyVersion {
        /// The version named by the wrapping.
        version: KeyVersion,
    },
    /// A wrapped key uses a root key version below `min_decryption_version`.
    #[error(
        "root_key.version: version {version} is below min_decryption_version {min}; rewrap first (M13)"
    )]
    RootKeyVersionRetired {
        /// The version named by the wrapping.
        version: KeyVersion,
        /// The provider's minimum decryption version.
        min: KeyVersion,
    },
    /// `min_decryption_version` cannot be raised above the primary or lowered.
    #[error(
        "root_key.min_decryption_version: {requested} is not between the current {current} and the primary {primary} (M13)"
    )]
    InvalidMinDecryptionVersion {
        /// The requested minimum.
        requested: KeyVersion,
        /// The current minimum.
        current: KeyVersion,
        /// The primary version.
        primary: KeyVersion,
    },
    /// This key provider cannot make a new version by itself (e.g. a passphrase provider
    /// needs a new passphrase).
    #[error("root_key: this key provider cannot rotate without new input (M13)")]
    RotationUnsupported,
    /// A wrapped key failed to unwrap: altered, or wrapped for another context.
    #[error("{what}: wrapped key altered or bound to another context, unwrap failed (M13)")]
    UnwrapFailed {
        /// Which key (`bucket_kek`, `data_key`, `index_root`).
        what: &'static str,
    },
    /// The retention bucket's KEK was crypto-shredded: everything under it is gone.
    #[error("bucket_kek: bucket {bucket} of organisation {organisation} was destroyed (M11, P11)")]
    BucketDestroyed {
        /// The organisation.
        organisation: OrganisationId,
        /// The bucket.
        bucket: Bucket,
    },
    /// A data key names a bucket that has no KEK in the key store (the key store was not
    /// restored with the data, or was lost).
    #[error(
        "bucket_kek: no KEK for bucket {bucket} of organisation {organisation} in the key store (M13)"
    )]
    BucketKeyMissing {
        /// The organisation.
        organisation: OrganisationId,
        /// The bucket.
        bucket: Bucket,
    },
    /// The data key is absent: erased early (or never created).
    #[error("data_key: data key {key} is destroyed or absent (M11)")]
    DataKeyDestroyed {
        /// The data key named by the envelope.
        key: DataKeyId,
    },
    /// The data key's key-commitment tag does not match its unwrapped material.
    #[error("data_key.commitment: key-commitment check failed for data key {key} (M13)")]
    KeyCommitmentMismatch {
        /// The data key.
        key: DataKeyId,
    },
    /// No sealed record has this id.
    #[error("record: no sealed record {record} (M13)")]
    RecordNotFound {
        /// The record id.
        record: RecordId,
    },
    /// The blind-index width is outside 16–24 bits.
    #[error("index.bits: {bits} is outside the allowed 16–24 bits (P9)")]
    IndexBits {
        /// The requested width.
        bits: u8,
    },
    /// The number is already held by another subject of the organisation.
    #[error("my_number: this number is already registered for subject {subject} (M7, M13)")]
    NumberAlreadyHeld {
        /// The subject that holds it.
        subject: SubjectId,
    },
    /// A decrypted record that should hold a My Number does not.
    #[error("record {record}: decrypted value is not a valid My Number (M13)")]
    NotAMyNumber {
        /// The record id.
        record: RecordId,
    },
    /// A key id appears twice where one was expected (store inconsistency).
    #[error("bucket_kek: key {key} does not match the stored bucket KEK (M13)")]
    KekMismatch {
        /// The KEK id named by the data key.
        key: KeyId,
    },
    /// Passphrase key derivation failed (bad parameters or salt too short).
    #[error("root_key.passphrase: Argon2id key derivation failed: {reason} (M13)")]
    KeyDerivation {
        /// What argon2 reported (no secret).
        reason: String,
    },
    /// The AEAD refused to encrypt (input too long).
    #[error("envelope: plaintext too long to seal (P9)")]
    SealFailed,
}
