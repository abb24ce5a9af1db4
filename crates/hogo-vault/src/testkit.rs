//! Test doubles (feature `testkit`): in-memory [`VaultStore`] and [`KekStore`] and a
//! seeded in-memory key provider. Cloning a [`MemVaultStore`] simulates a data backup.

use std::collections::{BTreeMap, HashMap};

use hogo_domain::testkit::SeededEntropy;
use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};

use crate::StoreError;
use crate::crypto::KeyMaterial;
use crate::keys::{DataKeyId, LocalKeyProvider};
use crate::store::{
    Bucket, BucketKekRecord, DataKeyRecord, IndexEntry, IndexRootRecord, IndexTag, KekState,
    KekStore, StoredRecord, VaultStore,
};

/// An in-memory key provider with one random root key drawn from a seed (tests only).
pub fn in_memory_key_provider(seed: u64) -> LocalKeyProvider {
    LocalKeyProvider::new(KeyMaterial::generate(&SeededEntropy::new(seed ^ 0x005e_ed0f_7007)))
}

/// An in-memory [`VaultStore`]. `Clone` = a data backup.
#[derive(Debug, Clone, Default)]
pub struct MemVaultStore {
    root: Option<IndexRootRecord>,
    keys: HashMap<DataKeyId, DataKeyRecord>,
    by_owner: HashMap<(OrganisationId, SubjectId, DataClass), DataKeyId>,
    records: BTreeMap<RecordId, StoredRecord>,
    by_key: HashMap<DataKeyId, Vec<RecordId>>,
    index: HashMap<IndexKey, Vec<RecordId>>,
    tags_of: HashMap<RecordId, Vec<IndexKey>>,
}

type IndexKey = (OrganisationId, String, u32, IndexTag);

impl MemVaultStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of wrapped data keys.
    pub fn data_key_count(&self) -> usize {
        self.keys.len()
    }
    /// Number of sealed records.
    pub fn record_count(&self) -> usize {
        self.records.len()
    }
    /// Every index entry's tag (for tests that check where tags go).
    pub fn index_tags(&self) -> Vec<IndexTag> {
        self.index.keys().map(|k| k.3).collect()
    }
}

impl VaultStore for MemVaultStore {
    fn index_root(&self) -> Result<Option<IndexRootRecord>, StoreError> {
        Ok(self.root.clone())
    }
    fn put_index_root(&mut self, root: IndexRootRecord) -> Result<(), StoreError> {
        self.root = Some(root);
        Ok(())
    }
    fn data_key(&self, id: DataKeyId) -> Result<Option<DataKeyRecord>, StoreError> {
        Ok(self.keys.get(&id).cloned())
    }
    fn data_key_for(
        &self,
        organisation: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<Option<DataKeyRecord>, StoreError> {
        Ok(self
            .by_owner
            .get(&(organisation, subject, class))
            .and_then(|id| self.keys.get(id))
            .cloned())
    }
    fn data_keys_in_bucket(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Vec<DataKeyRecord>, StoreError> {
        let mut v: Vec<_> = self
            .keys
            .values()
            .filter(|k| k.organisation == organisation && k.bucket == bucket)
            .cloned()
            .collect();
        v.sort_by_key(|k| k.id);
        Ok(v)
    }
    fn put_data_key(&mut self, key: DataKeyRecord) -> Result<(), StoreError> {
        self.by_owner.insert((key.organisation, key.subject, key.class), key.id);
        self.keys.insert(key.id, key);
        Ok(())
    }
    fn delete_data_key(&mut self, id: DataKeyId) -> Result<bool, StoreError> {
        match self.keys.remove(&id) {
            Some(k) => {
                self.by_owner.remove(&(k.organisation, k.subject, k.class));
                Ok(true)
            }
            None => Ok(false),
        }
    }
    fn record(&self, id: RecordId) -> Result<Option<StoredRecord>, StoreError> {
        Ok(self.records.get(&id).cloned())
    }
    fn put_record(&mut self, record: StoredRecord) -> Result<(), StoreError> {
        let id = record.context.record;
        if let Some(old) = self.records.insert(id, record.clone())
            && let Some(v) = self.by_key.get_mut(&old.data_key)
        {
            v.retain(|r| *r != id);
        }
        self.by_key.entry(record.data_key).or_default().push(id);
        Ok(())
    }
    fn records_under_key(&self, key: DataKeyId) -> Result<Vec<RecordId>, StoreError> {
        Ok(self.by_key.get(&key).cloned().unwrap_or_default())
    }
    fn delete_record(&mut self, id: RecordId) -> Result<bool, StoreError> {
        for k in self.tags_of.remove(&id).unwrap_or_default() {
            if let Some(ids) = self.index.get_mut(&k) {
                ids.retain(|r| *r != id);
                if ids.is_empty() {
                    self.index.remove(&k);
                }
            }
        }
        match self.records.remove(&id) {
            Some(old) => {
                if let Some(v) = self.by_key.get_mut(&old.data_key) {
                    v.retain(|r| *r != id);
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }
    fn put_index_entry(&mut self, entry: IndexEntry) -> Result<(), StoreError> {
        let key = (entry.organisation, entry.field, entry.key_version, entry.tag);
        let ids = self.index.entry(key.clone()).or_default();
        if !ids.contains(&entry.record) {
            ids.push(entry.record);
            self.tags_of.entry(entry.record).or_default().push(key);
        }
        Ok(())
    }
    fn index_candidates(
        &self,
        organisation: OrganisationId,
        field: &str,
        key_version: u32,
        tag: IndexTag,
    ) -> Result<Vec<RecordId>, StoreError> {
        Ok(self
            .index
            .get(&(organisation, field.to_owned(), key_version, tag))
            .cloned()
            .unwrap_or_default())
    }
}

/// An in-memory [`KekStore`].
#[derive(Debug, Clone, Default)]
pub struct MemKekStore {
    keks: BTreeMap<(OrganisationId, Bucket), BucketKekRecord>,
}

impl MemKekStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl KekStore for MemKekStore {
    fn bucket_kek(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Option<BucketKekRecord>, StoreError> {
        Ok(self.keks.get(&(organisation, bucket)).cloned())
    }
    fn put_bucket_kek(&mut self, record: BucketKekRecord) -> Result<(), StoreError> {
        self.keks.insert((record.organisation, record.bucket), record);
        Ok(())
    }
    fn bucket_keks(&self) -> Result<Vec<BucketKekRecord>, StoreError> {
        Ok(self.keks.values().cloned().collect())
    }
    fn destroy_bucket_kek(
        &mut self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<bool, StoreError> {
        match self.keks.get_mut(&(organisation, bucket)) {
            Some(r) if matches!(r.state, KekState::Active(_)) => {
                r.state = KekState::Destroyed;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
