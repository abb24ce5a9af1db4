//! The vault's storage ports: [`VaultStore`] (wrapped data keys, envelopes, index tags,
//! the wrapped index root) and, **separately**, [`KekStore`] (the retention-bucket KEKs).
//!
//! # For embedders: keep the two apart
//! Crypto-shredding reaches backups only if **data backups never contain the bucket
//! KEKs**. Put the [`KekStore`] in its own location (a separate SQLite file, schema or
//! KMS) that is excluded from data backups and backed up — if at all — on its own short
//! rotation. Restoring an old data backup next to the *current* key store then cannot
//! revive a shredded bucket, because its KEK is a tombstone there.
//!
//! Both traits are object-safe. The application layer hands out `&mut dyn VaultStore` and
//! `&mut dyn KekStore` borrowed from one database transaction: **no method commits on
//! its own**; a failed use case rolls everything back.

use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};

use crate::StoreError;
use crate::envelope::RecordContext;
use crate::keys::{DataKeyId, KeyId, WrappedKey};

/// A calendar month in which data falls due (JST), e.g. 2031-04.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DueMonth {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl DueMonth {
    /// The month of a due date.
    pub fn of(date: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        Self { year: date.year(), month: date.month() }
    }
}

/// A retention bucket of one organisation: one KEK per bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    /// Data whose end date is not known yet (a current employee's number).
    Open,
    /// Data that falls due in this month.
    Due(DueMonth),
}

impl Bucket {
    /// The stable id (`open` or `YYYY-MM`) used in associated data and storage.
    pub fn id(&self) -> String {
        self.to_string()
    }

    /// Parses [`Bucket::id`].
    pub fn from_id(id: &str) -> Option<Self> {
        if id == "open" {
            return Some(Self::Open);
        }
        let (y, m) = id.split_once('-')?;
        let month: u32 = m.parse().ok()?;
        (1..=12).contains(&month).then_some(())?;
        Some(Self::Due(DueMonth { year: y.parse().ok()?, month }))
    }
}

impl std::fmt::Display for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Open => f.write_str("open"),
            Self::Due(m) => write!(f, "{:04}-{:02}", m.year, m.month),
        }
    }
}

/// The state of a bucket KEK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KekState {
    /// Usable: the wrapped KEK.
    Active(WrappedKey),
    /// Crypto-shredded: only a tombstone remains (the adapter overwrote the material).
    Destroyed,
}

/// A row of the [`KekStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketKekRecord {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The bucket.
    pub bucket: Bucket,
    /// The KEK's id.
    pub kek: KeyId,
    /// Active (wrapped by the root key) or destroyed.
    pub state: KekState,
}

/// A wrapped data key: per (organisation, subject, data class), wrapped by its bucket KEK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataKeyRecord {
    /// The data key's id (in every envelope it sealed).
    pub id: DataKeyId,
    /// Its version (1 for now).
    pub version: u32,
    /// The organisation.
    pub organisation: OrganisationId,
    /// The subject.
    pub subject: SubjectId,
    /// The data class.
    pub class: DataClass,
    /// The retention bucket whose KEK wraps it.
    pub bucket: Bucket,
    /// That KEK's id.
    pub kek: KeyId,
    /// `nonce ‖ ciphertext ‖ tag` under the bucket KEK.
    pub wrapped: Vec<u8>,
    /// Key-commitment tag, checked on unwrap.
    pub commitment: [u8; 16],
}

/// A sealed record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// Where it belongs (its associated data).
    pub context: RecordContext,
    /// The data key that sealed it.
    pub data_key: DataKeyId,
    /// The envelope bytes.
    pub envelope: Vec<u8>,
}

/// A truncated blind-index tag (16–24 significant bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexTag(pub u32);

/// A row of the blind index. It never leaves the vault's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The indexed field.
    pub field: String,
    /// The index key version.
    pub key_version: u32,
    /// The tag.
    pub tag: IndexTag,
    /// The record it points to.
    pub record: RecordId,
}

/// The wrapped random blind-index root key, and the index's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRootRecord {
    /// Index key version (bumped when the index is rebuilt under a new root).
    pub version: u32,
    /// Tag width in bits (16–24), fixed when the root is created.
    pub bits: u8,
    /// The root, wrapped by the root key.
    pub wrapped: WrappedKey,
}

/// Storage of wrapped data keys, envelopes, blind-index tags and the index root. Lives in
/// the data database. Methods never commit.
pub trait VaultStore {
    /// The wrapped index root, if created.
    fn index_root(&self) -> Result<Option<IndexRootRecord>, StoreError>;
    /// Stores (or replaces, on rewrap) the wrapped index root.
    fn put_index_root(&mut self, root: IndexRootRecord) -> Result<(), StoreError>;

    /// A data key by id.
    fn data_key(&self, id: DataKeyId) -> Result<Option<DataKeyRecord>, StoreError>;
    /// The data key of (organisation, subject, class).
    fn data_key_for(
        &self,
        organisation: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<Option<DataKeyRecord>, StoreError>;
    /// Every data key in a bucket.
    fn data_keys_in_bucket(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Vec<DataKeyRecord>, StoreError>;
    /// Inserts or replaces (by id) a data key.
    fn put_data_key(&mut self, key: DataKeyRecord) -> Result<(), StoreError>;
    /// Deletes a wrapped data key (the adapter uses secure delete). Whether it existed.
    fn delete_data_key(&mut self, id: DataKeyId) -> Result<bool, StoreError>;

    /// A sealed record.
    fn record(&self, id: RecordId) -> Result<Option<StoredRecord>, StoreError>;
    /// Inserts or replaces a sealed record.
    fn put_record(&mut self, record: StoredRecord) -> Result<(), StoreError>;
    /// Ids of the records sealed under a data key.
    fn records_under_key(&self, key: DataKeyId) -> Result<Vec<RecordId>, StoreError>;
    /// Deletes a record and its index entries. Whether it existed.
    fn delete_record(&mut self, id: RecordId) -> Result<bool, StoreError>;

    /// Adds a blind-index entry.
    fn put_index_entry(&mut self, entry: IndexEntry) -> Result<(), StoreError>;
    /// Record ids whose tag matches (the candidates to decrypt and compare).
    fn index_candidates(
        &self,
        organisation: OrganisationId,
        field: &str,
        key_version: u32,
        tag: IndexTag,
    ) -> Result<Vec<RecordId>, StoreError>;

    /// Inserts many records (bulk import). Adapters may override with one prepared statement.
    fn put_records(&mut self, records: Vec<StoredRecord>) -> Result<(), StoreError> {
        records.into_iter().try_for_each(|r| self.put_record(r))
    }
    /// Fetches many records, in order.
    fn records(&self, ids: &[RecordId]) -> Result<Vec<Option<StoredRecord>>, StoreError> {
        ids.iter().map(|id| self.record(*id)).collect()
    }
    /// Inserts many index entries.
    fn put_index_entries(&mut self, entries: Vec<IndexEntry>) -> Result<(), StoreError> {
        entries.into_iter().try_for_each(|e| self.put_index_entry(e))
    }

    /// A hint before a batch (e.g. a year-end import): the data keys of these owners will
    /// be read next. An adapter that caches per transaction may load them in one round
    /// trip; it changes no answer. The default does nothing.
    fn prefetch_data_keys(
        &self,
        organisation: OrganisationId,
        owners: &[(SubjectId, DataClass)],
    ) -> Result<(), StoreError> {
        let _ = (organisation, owners);
        Ok(())
    }

    /// A hint before a batch: the candidates of these tags (and their records) will be
    /// read next. An adapter that caches per transaction may load them in one round trip;
    /// it changes no answer. The default does nothing.
    fn prefetch_index_candidates(
        &self,
        organisation: OrganisationId,
        field: &str,
        key_version: u32,
        tags: &[IndexTag],
    ) -> Result<(), StoreError> {
        let _ = (organisation, field, key_version, tags);
        Ok(())
    }
}

/// Storage of retention-bucket KEKs, in a location **left out of data backups** (see the
/// module doc). Methods never commit.
pub trait KekStore {
    /// The KEK row of a bucket (active or a tombstone).
    fn bucket_kek(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Option<BucketKekRecord>, StoreError>;
    /// Inserts or replaces (by organisation and bucket) a KEK row.
    fn put_bucket_kek(&mut self, record: BucketKekRecord) -> Result<(), StoreError>;
    /// Every KEK row (for rewrap after a root rotation).
    fn bucket_keks(&self) -> Result<Vec<BucketKekRecord>, StoreError>;
    /// Overwrites the KEK's material and leaves a [`KekState::Destroyed`] tombstone. The
    /// adapter must make the old bytes unrecoverable (secure delete + WAL checkpoint).
    fn destroy_bucket_kek(
        &mut self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<bool, StoreError>;
}
