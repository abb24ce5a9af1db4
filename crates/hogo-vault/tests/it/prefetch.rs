//! The batch hint `Vault::prefetch_numbers`: it names exactly the blind-index tags the
//! lookups that follow read (so an adapter's prefetched candidates are the ones used),
//! and changes no answer.

use std::cell::RefCell;

use hogo_domain::testkit::synthetic_number;
use hogo_domain::{DataClass, MyNumber, OrganisationId, RecordId, SubjectId};
use hogo_vault::testkit::MemVaultStore;
use hogo_vault::{
    Bucket, DataKeyId, DataKeyRecord, IndexEntry, IndexRootRecord, IndexTag, StoreError,
    StoredRecord, VaultStore,
};

use crate::Fx;

/// A `MemVaultStore` that records the tags prefetched and the tags looked up.
struct Recording<'a> {
    inner: &'a mut MemVaultStore,
    prefetched: RefCell<Vec<IndexTag>>,
    looked_up: RefCell<Vec<IndexTag>>,
}

impl VaultStore for Recording<'_> {
    fn index_root(&self) -> Result<Option<IndexRootRecord>, StoreError> {
        self.inner.index_root()
    }
    fn put_index_root(&mut self, root: IndexRootRecord) -> Result<(), StoreError> {
        self.inner.put_index_root(root)
    }
    fn data_key(&self, id: DataKeyId) -> Result<Option<DataKeyRecord>, StoreError> {
        self.inner.data_key(id)
    }
    fn data_key_for(
        &self,
        organisation: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<Option<DataKeyRecord>, StoreError> {
        self.inner.data_key_for(organisation, subject, class)
    }
    fn data_keys_in_bucket(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Vec<DataKeyRecord>, StoreError> {
        self.inner.data_keys_in_bucket(organisation, bucket)
    }
    fn put_data_key(&mut self, key: DataKeyRecord) -> Result<(), StoreError> {
        self.inner.put_data_key(key)
    }
    fn delete_data_key(&mut self, id: DataKeyId) -> Result<bool, StoreError> {
        self.inner.delete_data_key(id)
    }
    fn record(&self, id: RecordId) -> Result<Option<StoredRecord>, StoreError> {
        self.inner.record(id)
    }
    fn put_record(&mut self, record: StoredRecord) -> Result<(), StoreError> {
        self.inner.put_record(record)
    }
    fn records_under_key(&self, key: DataKeyId) -> Result<Vec<RecordId>, StoreError> {
        self.inner.records_under_key(key)
    }
    fn delete_record(&mut self, id: RecordId) -> Result<bool, StoreError> {
        self.inner.delete_record(id)
    }
    fn put_index_entry(&mut self, entry: IndexEntry) -> Result<(), StoreError> {
        self.inner.put_index_entry(entry)
    }
    fn index_candidates(
        &self,
        organisation: OrganisationId,
        field: &str,
        key_version: u32,
        tag: IndexTag,
    ) -> Result<Vec<RecordId>, StoreError> {
        self.looked_up.borrow_mut().push(tag);
        self.inner.index_candidates(organisation, field, key_version, tag)
    }
    fn prefetch_index_candidates(
        &self,
        _organisation: OrganisationId,
        _field: &str,
        _key_version: u32,
        tags: &[IndexTag],
    ) -> Result<(), StoreError> {
        self.prefetched.borrow_mut().extend_from_slice(tags);
        Ok(())
    }
}

/// P9, M7: the tags a batch prefetches are exactly those its lookups then read (stored
/// numbers and an absent one alike), and before the organisation's first number (no
/// index root) the hint is not passed on at all.
#[test]
fn prefetch_names_the_tags_the_lookups_read() {
    let mut fx = Fx::new(61);
    let org = fx.org();
    let rows: Vec<_> = (0..20u64)
        .map(|i| (fx.ctx(org, fx.subject(), DataClass::MyNumber), synthetic_number(i)))
        .collect();
    let (vault, store, kek) = fx.parts();
    let mut rec =
        Recording { inner: store, prefetched: RefCell::default(), looked_up: RefCell::default() };
    let absent = synthetic_number(999);
    vault.prefetch_numbers(&rec, org, "my_number", &[&absent]).unwrap();
    assert!(rec.prefetched.borrow().is_empty(), "no index root yet: nothing to prefetch");
    let items: Vec<_> = rows.iter().map(|(c, n)| (c.clone(), n)).collect();
    vault.put_numbers_batch(&mut rec, kek, &items).unwrap();
    rec.looked_up.borrow_mut().clear();
    let mut numbers: Vec<&MyNumber> = rows.iter().map(|(_, n)| n).collect();
    numbers.push(&absent);
    vault.prefetch_numbers(&rec, org, "my_number", &numbers).unwrap();
    for (c, n) in &rows {
        let found = vault.find_number(&rec, kek, org, "my_number", n).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].subject, c.subject);
    }
    assert!(vault.find_number(&rec, kek, org, "my_number", &absent).unwrap().is_empty());
    assert_eq!(*rec.prefetched.borrow(), *rec.looked_up.borrow());
}
