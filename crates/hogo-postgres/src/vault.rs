//! The [`VaultStore`] handle: wrapped data keys, sealed records, blind-index tags and the
//! wrapped index root, all scoped to the transaction's organisation.
//!
//! The port's id-keyed methods (`data_key`, `record`, `records_under_key`,
//! `delete_record`, …) carry no organisation; this handle adds the transaction's to every
//! query, so a record of organisation A is simply absent through organisation B's
//! handle. Writes for another organisation are refused. The index root is kept per
//! organisation (each tenant gets its own random root).
//!
//! Writes (data keys, records, index tags) are buffered and sent with the transaction's
//! other buffered writes in one statement ([`crate::buffer`]); data keys and the index
//! root are cached for the transaction; `record`, `records` and `index_candidates` see
//! the buffered rows; the other reads flush first.

use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};
use hogo_vault::{
    Bucket, DataKeyId, DataKeyRecord, IndexEntry, IndexRootRecord, IndexTag, KeyId, KeyVersion,
    RecordContext, StoreError, StoredRecord, VaultStore, WrappedKey,
};
use postgres::Row;

use crate::tx::{Fault, TxCtx, array, col, to_u32, uuid_col};

fn err(f: Fault) -> StoreError {
    match f {
        Fault::Busy(_) => StoreError::Busy,
        Fault::Corrupt(what) => StoreError::Corrupt { what },
        other => StoreError::Backend { message: other.to_string() },
    }
}

/// The vault handle of one transaction.
pub(crate) struct PgVault<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

const DATA_KEY_BY_ID: &str = "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
     FROM vault_data_keys WHERE organisation = $1 AND id = $2";
const DATA_KEY_BY_OWNER: &str =
    "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
     FROM vault_data_keys WHERE organisation = $1 AND subject = $2 AND class = $3";
const DATA_KEYS_IN_BUCKET: &str =
    "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
     FROM vault_data_keys WHERE organisation = $1 AND bucket = $2 ORDER BY id";

/// The text of the candidates query over the tags `$tags` yields (a row source of one
/// `bigint` column `t(tag)`).
macro_rules! candidates_over {
    ($tags:literal) => {
        concat!(
            "SELECT t.tag, i.record,
         r.id, r.subject, r.class, r.table_name, r.field, r.data_key, r.envelope,
         k.id, k.version, k.subject, k.class, k.bucket, k.kek, k.wrapped, k.commitment,
         b.kek, q.pending IS NOT NULL
     FROM ",
            $tags,
            "
     JOIN LATERAL (
         SELECT record FROM vault_index
         WHERE organisation = $1 AND field = $2 AND key_version = $3 AND tag = t.tag
         OFFSET 0) i ON true
     LEFT JOIN LATERAL (
         SELECT id, subject, class, table_name, field, data_key, envelope FROM vault_records
         WHERE organisation = $1 AND id = i.record LIMIT 1) r ON true
     LEFT JOIN LATERAL (
         SELECT id, version, subject, class, bucket, kek, wrapped, commitment
         FROM vault_data_keys
         WHERE organisation = $1 AND id = r.data_key LIMIT 1) k ON true
     LEFT JOIN LATERAL (
         SELECT kek FROM bucket_kek_refs
         WHERE organisation = $1 AND bucket = k.bucket LIMIT 1) b ON true
     LEFT JOIN LATERAL (
         SELECT 1 AS pending FROM kek_pending_destruction
         WHERE organisation = $1 AND bucket = k.bucket AND kek = b.kek LIMIT 1) q ON true"
        )
    };
}
/// Candidates of several tags with their records, data keys, and the current KEK id of
/// each data key's bucket with whether its destruction is pending (what
/// `bucket_kek` reads next to open the record). Every lookup is a `LATERAL` subquery on
/// a unique or leading key with plain equalities (`OFFSET 0` / `LIMIT 1` keep the planner
/// from pulling them up), so each is an index probe whatever the statistics: `tag =
/// ANY($4)` with `ORDER BY` was planned as a filter over every index entry of the field
/// (PostgreSQL < 17 keeps index order that way), and plain joins as hash joins over every
/// record and data key (measured: ≈ 2 000 blocks read per lookup at N = 2 000 instead of
/// ≈ 10). Unordered: the caller sorts.
pub(crate) const CANDIDATES: &str = candidates_over!("UNNEST($4::bigint[]) AS t(tag)");

/// [`CANDIDATES`] of one tag (a lookup by number): the same probes, but the planner knows
/// it is one row. Under PostgreSQL's plan caching (`auto`) a prepared statement keeps a
/// generic plan only when it costs about what the custom plans did; a generic plan of the
/// array form assumes ten tags, so each execution was planned again (≈ 60–140 µs of
/// server time per lookup); this form settles on its generic plan.
pub(crate) const CANDIDATES_OF_ONE: &str = candidates_over!("(VALUES ($4::bigint)) AS t(tag)");

const DATA_KEYS_BY_OWNERS: &str =
    "SELECT k.id, k.version, k.subject, k.class, k.bucket, k.kek, k.wrapped, k.commitment
     FROM UNNEST($2::bytea[], $3::text[]) AS u(subject, class)
     JOIN LATERAL (
         SELECT id, version, subject, class, bucket, kek, wrapped, commitment
         FROM vault_data_keys
         WHERE organisation = $1 AND subject = u.subject AND class = u.class LIMIT 1) k ON true";

const RECORD_BY_ID: &str = "SELECT id, subject, class, table_name, field, data_key, envelope
     FROM vault_records WHERE organisation = $1 AND id = $2";
const RECORDS_BY_IDS: &str = "SELECT id, subject, class, table_name, field, data_key, envelope
     FROM vault_records WHERE organisation = $1 AND id = ANY($2::bytea[])";

impl PgVault<'_, '_> {
    fn data_key_from(&self, r: &Row) -> Result<DataKeyRecord, Fault> {
        self.data_key_at(r, 0)
    }

    /// A data key from the eight columns of `r` starting at `at`.
    fn data_key_at(&self, r: &Row, at: usize) -> Result<DataKeyRecord, Fault> {
        const W: &str = "data key";
        Ok(DataKeyRecord {
            id: DataKeyId(uuid_col(r, at, W)?),
            version: to_u32(col(r, at + 1, W)?, W)?,
            organisation: self.ctx.org,
            subject: SubjectId::from_uuid(uuid_col(r, at + 2, W)?),
            class: DataClass::from_id(col(r, at + 3, W)?)
                .ok_or(Fault::Corrupt("data key class"))?,
            bucket: Bucket::from_id(col(r, at + 4, W)?).ok_or(Fault::Corrupt("data key bucket"))?,
            kek: KeyId(uuid_col(r, at + 5, W)?),
            wrapped: col(r, at + 6, W)?,
            commitment: array(col(r, at + 7, W)?, "data key commitment")?,
        })
    }

    fn record_from(&self, r: &Row) -> Result<StoredRecord, Fault> {
        self.record_at(r, 0)
    }

    /// A record from the seven columns of `r` starting at `at`.
    fn record_at(&self, r: &Row, at: usize) -> Result<StoredRecord, Fault> {
        const W: &str = "record";
        Ok(StoredRecord {
            context: RecordContext {
                organisation: self.ctx.org,
                subject: SubjectId::from_uuid(uuid_col(r, at + 1, W)?),
                class: DataClass::from_id(col(r, at + 2, W)?)
                    .ok_or(Fault::Corrupt("record class"))?,
                table: col(r, at + 3, W)?,
                field: col(r, at + 4, W)?,
                record: RecordId::from_uuid(uuid_col(r, at, W)?),
            },
            data_key: DataKeyId(uuid_col(r, at + 5, W)?),
            envelope: col(r, at + 6, W)?,
        })
    }

    /// The candidates of tags on the server, with their records and the records' data keys
    /// in the same round trip (the vault opens every candidate next: a false candidate of
    /// the truncated tag costs no further query), into the transaction's caches (records
    /// and keys only where it does not already know a newer version).
    fn server_candidates(
        &self,
        field: &str,
        key_version: u32,
        tags: &[IndexTag],
    ) -> Result<(), Fault> {
        let c = self.ctx;
        let wanted: Vec<i64> = tags.iter().map(|t| i64::from(t.0)).collect();
        let (org, version) = (c.org_blob(), i64::from(key_version));
        let rows = match wanted.as_slice() {
            [one] => c.query(CANDIDATES_OF_ONE, &[&org, &field, &version, one])?,
            _ => c.query(CANDIDATES, &[&org, &field, &version, &wanted])?,
        };
        let mut found: std::collections::HashMap<IndexTag, Vec<RecordId>> =
            tags.iter().map(|t| (*t, Vec::new())).collect();
        for r in &rows {
            let tag = u32::try_from(col::<i64>(r, 0, "index tag")?)
                .map(IndexTag)
                .map_err(|_| Fault::Corrupt("index tag"))?;
            let id = RecordId::from_uuid(uuid_col(r, 1, "record id")?);
            found.entry(tag).or_default().push(id);
            let has_record = col::<Option<&[u8]>>(r, 2, "record")?.is_some();
            let record = if has_record { Some(self.record_at(r, 2)?) } else { None };
            let key = if col::<Option<&[u8]>>(r, 9, "data key")?.is_some() {
                Some(self.data_key_at(r, 9)?)
            } else {
                None
            };
            let mut cache = c.cache.borrow_mut();
            cache.records_read.entry(id).or_insert(record);
            if let Some(k) = &key {
                // The bucket's current KEK reference as of now (the transaction holds its
                // organisation's lock: only its own writes change it, and they drop it).
                let kek = col::<Option<&[u8]>>(r, 17, "kek id")?
                    .map(|b| array::<16>(b, "kek id"))
                    .transpose()?;
                let pending: bool = col(r, 18, "kek id")?;
                cache.kek_refs.entry(k.bucket).or_insert(kek.map(|id| (id, pending)));
            }
            if let Some(k) = key {
                cache.key_owners.entry((k.subject, k.class)).or_insert(Some(k.id));
                cache.data_keys.entry(k.id).or_insert(Some(k));
            }
        }
        let mut cache = c.cache.borrow_mut();
        for (tag, ids) in found {
            cache.candidates.insert((field.to_owned(), key_version, tag), ids);
        }
        Ok(())
    }

    fn data_keys(
        &self,
        sql: &'static str,
        params: &crate::tx::Params<'_>,
    ) -> Result<Vec<DataKeyRecord>, Fault> {
        self.ctx.query(sql, params)?.iter().map(|r| self.data_key_from(r)).collect()
    }

    /// Caches a data key read from the server (or its absence for `owner`).
    fn remember(&self, owner: Option<(SubjectId, DataClass)>, key: Option<&DataKeyRecord>) {
        let mut cache = self.ctx.cache.borrow_mut();
        if let Some(k) = key {
            cache.data_keys.insert(k.id, Some(k.clone()));
            cache.key_owners.insert((k.subject, k.class), Some(k.id));
        } else if let Some(owner) = owner {
            cache.key_owners.insert(owner, None);
        }
    }

    /// Buffers a record (a second put of the same id replaces the first in place).
    fn buffer_record(&self, record: StoredRecord) -> Result<(), Fault> {
        self.ctx.scope(record.context.organisation)?;
        let mut cache = self.ctx.cache.borrow_mut();
        // The buffered version wins now; after a flush the server's row is the new one.
        cache.records_read.remove(&record.context.record);
        match cache.record_pos.get(&record.context.record) {
            Some(&i) => cache.records[i] = record,
            None => {
                let i = cache.records.len();
                cache.record_pos.insert(record.context.record, i);
                cache.records.push(record);
            }
        }
        Ok(())
    }

    fn buffer_index(&self, entries: Vec<IndexEntry>) -> Result<(), Fault> {
        for e in &entries {
            self.ctx.scope(e.organisation)?;
        }
        self.ctx.cache.borrow_mut().index.extend(entries);
        Ok(())
    }
}

impl VaultStore for PgVault<'_, '_> {
    fn index_root(&self) -> Result<Option<IndexRootRecord>, StoreError> {
        let c = self.ctx;
        if let Some(root) = &c.cache.borrow().index_root {
            return Ok(root.clone());
        }
        let row = c
            .opt(
                "SELECT version, bits, root_version, wrapped FROM vault_index_roots
                 WHERE organisation = $1",
                &[&c.org_blob()],
            )
            .map_err(err)?;
        let root = match row {
            None => None,
            Some(r) => {
                let corrupt = || StoreError::Corrupt { what: "index root" };
                let get = |i| col::<i64>(&r, i, "index root").map_err(err);
                Some(IndexRootRecord {
                    version: u32::try_from(get(0)?).map_err(|_| corrupt())?,
                    bits: u8::try_from(get(1)?).map_err(|_| corrupt())?,
                    wrapped: WrappedKey {
                        version: KeyVersion(u32::try_from(get(2)?).map_err(|_| corrupt())?),
                        bytes: col(&r, 3, "index root").map_err(err)?,
                    },
                })
            }
        };
        c.cache.borrow_mut().index_root = Some(root.clone());
        Ok(root)
    }

    fn put_index_root(&mut self, root: IndexRootRecord) -> Result<(), StoreError> {
        let c = self.ctx;
        c.exec(
            "INSERT INTO vault_index_roots (organisation, version, bits, root_version, wrapped)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (organisation) DO UPDATE SET version = excluded.version,
                 bits = excluded.bits, root_version = excluded.root_version,
                 wrapped = excluded.wrapped",
            &[
                &c.org_blob(),
                &i64::from(root.version),
                &i64::from(root.bits),
                &i64::from(root.wrapped.version.0),
                &root.wrapped.bytes,
            ],
        )
        .map_err(err)?;
        c.cache.borrow_mut().index_root = Some(Some(root));
        Ok(())
    }

    fn data_key(&self, id: DataKeyId) -> Result<Option<DataKeyRecord>, StoreError> {
        let c = self.ctx;
        if let Some(known) = c.cache.borrow().data_keys.get(&id) {
            return Ok(known.clone());
        }
        let key = self
            .data_keys(DATA_KEY_BY_ID, &[&c.org_blob(), &id.0.as_bytes().as_slice()])
            .map_err(err)?
            .pop();
        match &key {
            Some(k) => self.remember(None, Some(k)),
            None => {
                c.cache.borrow_mut().data_keys.insert(id, None);
            }
        }
        Ok(key)
    }

    fn data_key_for(
        &self,
        organisation: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<Option<DataKeyRecord>, StoreError> {
        let c = self.ctx;
        c.scope(organisation).map_err(err)?;
        {
            let cache = c.cache.borrow();
            match cache.key_owners.get(&(subject, class)) {
                Some(None) => return Ok(None),
                Some(Some(id)) => {
                    if let Some(known) = cache.data_keys.get(id) {
                        return Ok(known.clone());
                    }
                }
                None => {}
            }
        }
        let key = self
            .data_keys(
                DATA_KEY_BY_OWNER,
                &[&c.org_blob(), &subject.as_bytes().as_slice(), &class.id()],
            )
            .map_err(err)?
            .pop();
        self.remember(Some((subject, class)), key.as_ref());
        Ok(key)
    }

    fn data_keys_in_bucket(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Vec<DataKeyRecord>, StoreError> {
        let c = self.ctx;
        c.scope(organisation).map_err(err)?;
        c.flush().map_err(err)?;
        // Ordered by id, as the in-memory store returns them.
        self.data_keys(DATA_KEYS_IN_BUCKET, &[&c.org_blob(), &bucket.id()]).map_err(err)
    }

    fn put_data_key(&mut self, key: DataKeyRecord) -> Result<(), StoreError> {
        let c = self.ctx;
        c.scope(key.organisation).map_err(err)?;
        {
            let mut cache = c.cache.borrow_mut();
            let owner = (key.subject, key.class);
            if let Some(Some(other)) = cache.key_owners.get(&owner)
                && *other != key.id
                && cache.data_keys.get(other).is_some_and(Option::is_some)
            {
                // The (organisation, subject, class) unique index, checked before buffering.
                return Err(err(Fault::Conflict("data key of this subject and class".into())));
            }
            if let Some(Some(old)) = cache.data_keys.get(&key.id) {
                let old_owner = (old.subject, old.class);
                if old_owner != owner {
                    cache.key_owners.insert(old_owner, None);
                }
            }
            cache.key_owners.insert(owner, Some(key.id));
            if cache.keys_dirty_set.insert(key.id) {
                cache.keys_dirty.push(key.id);
            }
            cache.data_keys.insert(key.id, Some(key));
        }
        c.maybe_flush().map_err(err)
    }

    fn delete_data_key(&mut self, id: DataKeyId) -> Result<bool, StoreError> {
        let c = self.ctx;
        c.flush().map_err(err)?;
        {
            let mut cache = c.cache.borrow_mut();
            if let Some(Some(old)) = cache.data_keys.insert(id, None) {
                cache.key_owners.insert((old.subject, old.class), None);
            }
        }
        let n = c
            .exec(
                "DELETE FROM vault_data_keys WHERE organisation = $1 AND id = $2",
                &[&c.org_blob(), &id.0.as_bytes().as_slice()],
            )
            .map_err(err)?;
        Ok(n > 0)
    }

    fn record(&self, id: RecordId) -> Result<Option<StoredRecord>, StoreError> {
        let c = self.ctx;
        {
            let cache = c.cache.borrow();
            if let Some(&i) = cache.record_pos.get(&id) {
                return Ok(cache.records.get(i).cloned());
            }
            if let Some(known) = cache.records_read.get(&id) {
                return Ok(known.clone());
            }
        }
        let row = c.opt(RECORD_BY_ID, &[&c.org_blob(), &id.as_bytes().as_slice()]).map_err(err)?;
        row.map(|r| self.record_from(&r)).transpose().map_err(err)
    }

    fn put_record(&mut self, record: StoredRecord) -> Result<(), StoreError> {
        self.buffer_record(record).map_err(err)?;
        self.ctx.maybe_flush().map_err(err)
    }

    fn records_under_key(&self, key: DataKeyId) -> Result<Vec<RecordId>, StoreError> {
        let c = self.ctx;
        c.flush().map_err(err)?;
        c.query(
            "SELECT id FROM vault_records WHERE organisation = $1 AND data_key = $2 ORDER BY seq",
            &[&c.org_blob(), &key.0.as_bytes().as_slice()],
        )
        .and_then(|rows| {
            rows.iter().map(|r| uuid_col(r, 0, "record id").map(RecordId::from_uuid)).collect()
        })
        .map_err(err)
    }

    fn delete_record(&mut self, id: RecordId) -> Result<bool, StoreError> {
        let c = self.ctx;
        c.flush().map_err(err)?;
        {
            let mut cache = c.cache.borrow_mut();
            cache.records_read.insert(id, None);
            // Its index rows go too: forget the candidates read so far.
            cache.candidates.clear();
        }
        let id = id.as_bytes().as_slice();
        c.exec(
            "DELETE FROM vault_index WHERE organisation = $1 AND record = $2",
            &[&c.org_blob(), &id],
        )
        .map_err(err)?;
        let n = c
            .exec(
                "DELETE FROM vault_records WHERE organisation = $1 AND id = $2",
                &[&c.org_blob(), &id],
            )
            .map_err(err)?;
        Ok(n > 0)
    }

    fn put_index_entry(&mut self, entry: IndexEntry) -> Result<(), StoreError> {
        self.buffer_index(vec![entry]).map_err(err)?;
        self.ctx.maybe_flush().map_err(err)
    }

    fn index_candidates(
        &self,
        organisation: OrganisationId,
        field: &str,
        key_version: u32,
        tag: IndexTag,
    ) -> Result<Vec<RecordId>, StoreError> {
        let c = self.ctx;
        c.scope(organisation).map_err(err)?;
        let key = (field.to_owned(), key_version, tag);
        let cached = c.cache.borrow().candidates.get(&key).cloned();
        match cached {
            Some(found) => Ok(found),
            None => self
                .server_candidates(field, key_version, &[tag])
                .map(|()| c.cache.borrow().candidates.get(&key).cloned().unwrap_or_default()),
        }
        .map(|mut found| {
            // This transaction's buffered entries for the same tag, merged in.
            found.extend(
                c.cache
                    .borrow()
                    .index
                    .iter()
                    .filter(|e| e.field == field && e.key_version == key_version && e.tag == tag)
                    .map(|e| e.record),
            );
            found.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            found.dedup();
            found
        })
        .map_err(err)
    }

    fn put_records(&mut self, records: Vec<StoredRecord>) -> Result<(), StoreError> {
        for r in records {
            self.buffer_record(r).map_err(err)?;
        }
        self.ctx.maybe_flush().map_err(err)
    }

    fn records(&self, ids: &[RecordId]) -> Result<Vec<Option<StoredRecord>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let c = self.ctx;
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        {
            let cache = c.cache.borrow();
            for id in ids {
                if let Some(r) = cache.record_pos.get(id).and_then(|&i| cache.records.get(i)) {
                    found.insert(*id, r.clone());
                }
            }
        }
        let wanted: Vec<&[u8]> = ids
            .iter()
            .filter(|i| !found.contains_key(*i))
            .map(|i| i.as_bytes().as_slice())
            .collect();
        let rows = if wanted.is_empty() {
            Vec::new()
        } else {
            c.query(RECORDS_BY_IDS, &[&c.org_blob(), &wanted]).map_err(err)?
        };
        for r in &rows {
            let rec = self.record_from(r).map_err(err)?;
            found.insert(rec.context.record, rec);
        }
        Ok(ids.iter().map(|i| found.get(i).cloned()).collect())
    }

    fn put_index_entries(&mut self, entries: Vec<IndexEntry>) -> Result<(), StoreError> {
        self.buffer_index(entries).map_err(err)?;
        self.ctx.maybe_flush().map_err(err)
    }

    fn prefetch_data_keys(
        &self,
        organisation: OrganisationId,
        owners: &[(SubjectId, DataClass)],
    ) -> Result<(), StoreError> {
        let c = self.ctx;
        c.scope(organisation).map_err(err)?;
        let wanted: Vec<(SubjectId, DataClass)> = {
            let cache = c.cache.borrow();
            let mut seen = std::collections::HashSet::new();
            owners
                .iter()
                .copied()
                .filter(|o| !cache.key_owners.contains_key(o) && seen.insert(*o))
                .collect()
        };
        if wanted.is_empty() {
            return Ok(());
        }
        let subjects: Vec<&[u8]> = wanted.iter().map(|(s, _)| s.as_bytes().as_slice()).collect();
        let classes: Vec<&str> = wanted.iter().map(|(_, k)| k.id()).collect();
        let keys = self
            .data_keys(DATA_KEYS_BY_OWNERS, &[&c.org_blob(), &subjects, &classes])
            .map_err(err)?;
        let mut cache = c.cache.borrow_mut();
        for owner in wanted {
            cache.key_owners.entry(owner).or_insert(None);
        }
        for k in keys {
            // A version this transaction already knows (buffered) is newer.
            if !cache.data_keys.contains_key(&k.id) {
                cache.key_owners.insert((k.subject, k.class), Some(k.id));
                cache.data_keys.insert(k.id, Some(k));
            }
        }
        Ok(())
    }

    fn prefetch_index_candidates(
        &self,
        organisation: OrganisationId,
        field: &str,
        key_version: u32,
        tags: &[IndexTag],
    ) -> Result<(), StoreError> {
        let c = self.ctx;
        c.scope(organisation).map_err(err)?;
        let wanted: Vec<IndexTag> = {
            let cache = c.cache.borrow();
            let mut seen = std::collections::HashSet::new();
            tags.iter()
                .copied()
                .filter(|t| {
                    !cache.candidates.contains_key(&(field.to_owned(), key_version, *t))
                        && seen.insert(*t)
                })
                .collect()
        };
        if wanted.is_empty() {
            return Ok(());
        }
        self.server_candidates(field, key_version, &wanted).map_err(err)
    }
}
