//! # hogo-vault
//!
//! Envelope encryption of My Numbers and sensitive fields (P9, M13), a truncated blind
//! index, rotation by rewrap and crypto-shredding (M11, P11). A My Number exists in
//! plaintext only inside the vault, only for the moment a use case needs it.
//!
//! ```text
//! KeyProvider (root key, versions, one primary, min_decryption_version; wrap/unwrap only)
//!  ├─ index root (random, wrapped)  ─HKDF(org, field, ver)→ HMAC-SHA256 blind index, 16–24 bits
//!  └─ bucket KEK per (organisation, due month | open)   [KekStore: outside data backups]
//!       └─ data key per (organisation, subject, data class) + key-commitment tag [VaultStore]
//!            └─ AES-256-GCM envelope, associated data = (org, subject, class, table, field, record)
//! ```
//!
//! This is a core crate: no file, socket, clock or OS randomness. Randomness comes from
//! [`hogo_domain::Entropy`], ids from [`hogo_domain::IdGen`]; storage goes through the
//! object-safe [`VaultStore`] and [`KekStore`] ports, which never commit on their own.
//!
//! ```
//! use hogo_domain::testkit::{synthetic_number, SeededEntropy, SequentialIds};
//! use hogo_domain::{DataClass, IdGen};
//! use hogo_vault::testkit::{in_memory_key_provider, MemKekStore, MemVaultStore};
//! use hogo_vault::{Bucket, RecordContext, Vault, VaultConfig, VaultError};
//!
//! let (keys, entropy, ids) = (in_memory_key_provider(1), SeededEntropy::new(1), SequentialIds::new());
//! let vault = Vault::new(&keys, &entropy, &ids, VaultConfig::default())?;
//! let (mut store, mut kek) = (MemVaultStore::new(), MemKekStore::new());
//!
//! let ctx = RecordContext {
//!     organisation: ids.next(), subject: ids.next(), class: DataClass::MyNumber,
//!     table: "employees".into(), field: "my_number".into(), record: ids.next(),
//! };
//! let number = synthetic_number(7);
//! vault.put_number(&mut store, &mut kek, &ctx, &number)?;
//! assert_eq!(vault.open_number(&store, &kek, ctx.record)?, number);
//! assert_eq!(vault.find_number(&store, &kek, ctx.organisation, "my_number", &number)?.len(), 1);
//!
//! // Crypto-shred the open bucket: the report names ids, never a number.
//! let backup = store.clone();
//! let report = vault.shred_bucket(&mut store, &mut kek, ctx.organisation, Bucket::Open)?;
//! assert_eq!(report.records, vec![ctx.record]);
//! assert!(matches!(vault.open(&backup, &kek, ctx.record), Err(VaultError::BucketDestroyed { .. })));
//! # Ok::<(), VaultError>(())
//! ```

pub mod crypto;
pub mod envelope;
mod error;
pub mod keys;
pub mod store;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod vault;

pub use crypto::KeyMaterial;
pub use envelope::{Envelope, EnvelopeHeader, RecordContext, decode as decode_envelope};
pub use error::{StoreError, VaultError};
pub use keys::{
    Argon2Settings, DataKeyId, KeyId, KeyProvider, KeyVersion, LocalKeyProvider,
    PassphraseKeyProvider, WrappedKey, derive_root_key,
};
pub use store::{
    Bucket, BucketKekRecord, DataKeyRecord, DueMonth, IndexEntry, IndexRootRecord, IndexTag,
    KekState, KekStore, StoredRecord, VaultStore,
};
pub use vault::{
    DEFAULT_INDEX_BITS, DestroyedDataKey, ErasureReport, KeyMove, NumberMatch, OpenedDataKey,
    Plaintext, RekeyReport, RewrapReport, ShredReport, Vault, VaultConfig,
};
