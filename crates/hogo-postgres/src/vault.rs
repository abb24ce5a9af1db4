//! The [`VaultStore`] handle: wrapped data keys, sealed records, blind-index tags and the
//! wrapped index root, all scoped to the transaction's organisation.
//!
//! The port's id-keyed methods (`data_key`, `record`, `records_under_key`,
//! `delete_record`, …) carry no organisation; this handle adds the transaction's to every
//! query, so a record of organisation A is simply absent through organisation B's
//! handle. Writes for another organisation are refused. The index root is kept per
//! organisation (each tenant gets its own random root).
//!
//! Batches (`put_records`, `put_index_entries`, `records`) are one statement each over
//! `UNNEST` of array parameters: one round trip per batch, which is what makes bulk
//! import fast on a server.

use std::collections::HashSet;

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

const PUT_RECORD: &str = "INSERT INTO vault_records
         (organisation, id, subject, class, table_name, field, data_key, envelope)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (organisation, id) DO UPDATE SET
         subject = excluded.subject, class = excluded.class,
         table_name = excluded.table_name, field = excluded.field,
         data_key = excluded.data_key, envelope = excluded.envelope";

const PUT_RECORDS: &str = "INSERT INTO vault_records
         (organisation, id, subject, class, table_name, field, data_key, envelope)
     SELECT $1, u.id, u.subject, u.class, u.table_name, u.field, u.data_key, u.envelope
     FROM UNNEST($2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::bytea[],
                 $8::bytea[]) WITH ORDINALITY
          AS u(id, subject, class, table_name, field, data_key, envelope, n)
     ORDER BY u.n
     ON CONFLICT (organisation, id) DO UPDATE SET
         subject = excluded.subject, class = excluded.class,
         table_name = excluded.table_name, field = excluded.field,
         data_key = excluded.data_key, envelope = excluded.envelope";

const PUT_INDEX: &str = "INSERT INTO vault_index (organisation, field, key_version, tag, record)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";

const PUT_INDEX_MANY: &str =
    "INSERT INTO vault_index (organisation, field, key_version, tag, record)
     SELECT $1, u.field, u.key_version, u.tag, u.record
     FROM UNNEST($2::text[], $3::bigint[], $4::bigint[], $5::bytea[])
          AS u(field, key_version, tag, record)
     ON CONFLICT DO NOTHING";

const DATA_KEY_BY_ID: &str = "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
     FROM vault_data_keys WHERE organisation = $1 AND id = $2";
const DATA_KEY_BY_OWNER: &str =
    "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
     FROM vault_data_keys WHERE organisation = $1 AND subject = $2 AND class = $3";
const DATA_KEYS_IN_BUCKET: &str =
    "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
     FROM vault_data_keys WHERE organisation = $1 AND bucket = $2 ORDER BY id";

const RECORD_BY_ID: &str = "SELECT id, subject, class, table_name, field, data_key, envelope
     FROM vault_records WHERE organisation = $1 AND id = $2";
const RECORDS_BY_IDS: &str = "SELECT id, subject, class, table_name, field, data_key, envelope
     FROM vault_records WHERE organisation = $1 AND id = ANY($2::bytea[])";

impl PgVault<'_, '_> {
    fn data_key_from(&self, r: &Row) -> Result<DataKeyRecord, Fault> {
        const W: &str = "data key";
        Ok(DataKeyRecord {
            id: DataKeyId(uuid_col(r, 0, W)?),
            version: to_u32(col(r, 1, W)?, W)?,
            organisation: self.ctx.org,
            subject: SubjectId::from_uuid(uuid_col(r, 2, W)?),
            class: DataClass::from_id(col(r, 3, W)?).ok_or(Fault::Corrupt("data key class"))?,
            bucket: Bucket::from_id(col(r, 4, W)?).ok_or(Fault::Corrupt("data key bucket"))?,
            kek: KeyId(uuid_col(r, 5, W)?),
            wrapped: col(r, 6, W)?,
            commitment: array(col(r, 7, W)?, "data key commitment")?,
        })
    }

    fn record_from(&self, r: &Row) -> Result<StoredRecord, Fault> {
        const W: &str = "record";
        Ok(StoredRecord {
            context: RecordContext {
                organisation: self.ctx.org,
                subject: SubjectId::from_uuid(uuid_col(r, 1, W)?),
                class: DataClass::from_id(col(r, 2, W)?).ok_or(Fault::Corrupt("record class"))?,
                table: col(r, 3, W)?,
                field: col(r, 4, W)?,
                record: RecordId::from_uuid(uuid_col(r, 0, W)?),
            },
            data_key: DataKeyId(uuid_col(r, 5, W)?),
            envelope: col(r, 6, W)?,
        })
    }

    fn data_keys(
        &self,
        sql: &'static str,
        params: &crate::tx::Params<'_>,
    ) -> Result<Vec<DataKeyRecord>, Fault> {
        self.ctx.query(sql, params)?.iter().map(|r| self.data_key_from(r)).collect()
    }

    fn put_record_row(&self, record: &StoredRecord) -> Result<(), Fault> {
        let c = self.ctx;
        let ctx = &record.context;
        c.scope(ctx.organisation)?;
        c.exec(
            PUT_RECORD,
            &[
                &c.org_blob(),
                &ctx.record.as_bytes().as_slice(),
                &ctx.subject.as_bytes().as_slice(),
                &ctx.class.id(),
                &ctx.table,
                &ctx.field,
                &record.data_key.0.as_bytes().as_slice(),
                &record.envelope,
            ],
        )?;
        Ok(())
    }

    fn put_index_row(&self, entry: &IndexEntry) -> Result<(), Fault> {
        let c = self.ctx;
        c.scope(entry.organisation)?;
        c.exec(
            PUT_INDEX,
            &[
                &c.org_blob(),
                &entry.field,
                &i64::from(entry.key_version),
                &i64::from(entry.tag.0),
                &entry.record.as_bytes().as_slice(),
            ],
        )?;
        Ok(())
    }

    fn put_records_batch(&self, records: &[StoredRecord]) -> Result<(), Fault> {
        let c = self.ctx;
        for r in records {
            c.scope(r.context.organisation)?;
        }
        let mut seen = HashSet::with_capacity(records.len());
        if !records.iter().all(|r| seen.insert(r.context.record)) {
            // The same record twice in one batch: one statement cannot update a row twice.
            return records.iter().try_for_each(|r| self.put_record_row(r));
        }
        let ids: Vec<&[u8]> =
            records.iter().map(|r| r.context.record.as_bytes().as_slice()).collect();
        let subjects: Vec<&[u8]> =
            records.iter().map(|r| r.context.subject.as_bytes().as_slice()).collect();
        let classes: Vec<&str> = records.iter().map(|r| r.context.class.id()).collect();
        let tables: Vec<&str> = records.iter().map(|r| r.context.table.as_str()).collect();
        let fields: Vec<&str> = records.iter().map(|r| r.context.field.as_str()).collect();
        let keys: Vec<&[u8]> = records.iter().map(|r| r.data_key.0.as_bytes().as_slice()).collect();
        let envelopes: Vec<&[u8]> = records.iter().map(|r| r.envelope.as_slice()).collect();
        c.exec(
            PUT_RECORDS,
            &[&c.org_blob(), &ids, &subjects, &classes, &tables, &fields, &keys, &envelopes],
        )?;
        Ok(())
    }

    fn put_index_batch(&self, entries: &[IndexEntry]) -> Result<(), Fault> {
        let c = self.ctx;
        for e in entries {
            c.scope(e.organisation)?;
        }
        let fields: Vec<&str> = entries.iter().map(|e| e.field.as_str()).collect();
        let versions: Vec<i64> = entries.iter().map(|e| i64::from(e.key_version)).collect();
        let tags: Vec<i64> = entries.iter().map(|e| i64::from(e.tag.0)).collect();
        let records: Vec<&[u8]> = entries.iter().map(|e| e.record.as_bytes().as_slice()).collect();
        c.exec(PUT_INDEX_MANY, &[&c.org_blob(), &fields, &versions, &tags, &records])?;
        Ok(())
    }
}

impl VaultStore for PgVault<'_, '_> {
    fn index_root(&self) -> Result<Option<IndexRootRecord>, StoreError> {
        let c = self.ctx;
        let row = c
            .opt(
                "SELECT version, bits, root_version, wrapped FROM vault_index_roots
                 WHERE organisation = $1",
                &[&c.org_blob()],
            )
            .map_err(err)?;
        let Some(r) = row else { return Ok(None) };
        let corrupt = || StoreError::Corrupt { what: "index root" };
        let get = |i| col::<i64>(&r, i, "index root").map_err(err);
        Ok(Some(IndexRootRecord {
            version: u32::try_from(get(0)?).map_err(|_| corrupt())?,
            bits: u8::try_from(get(1)?).map_err(|_| corrupt())?,
            wrapped: WrappedKey {
                version: KeyVersion(u32::try_from(get(2)?).map_err(|_| corrupt())?),
                bytes: col(&r, 3, "index root").map_err(err)?,
            },
        }))
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
        Ok(())
    }

    fn data_key(&self, id: DataKeyId) -> Result<Option<DataKeyRecord>, StoreError> {
        let c = self.ctx;
        Ok(self
            .data_keys(DATA_KEY_BY_ID, &[&c.org_blob(), &id.0.as_bytes().as_slice()])
            .map_err(err)?
            .pop())
    }

    fn data_key_for(
        &self,
        organisation: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<Option<DataKeyRecord>, StoreError> {
        let c = self.ctx;
        c.scope(organisation).map_err(err)?;
        Ok(self
            .data_keys(
                DATA_KEY_BY_OWNER,
                &[&c.org_blob(), &subject.as_bytes().as_slice(), &class.id()],
            )
            .map_err(err)?
            .pop())
    }

    fn data_keys_in_bucket(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Vec<DataKeyRecord>, StoreError> {
        let c = self.ctx;
        c.scope(organisation).map_err(err)?;
        // Ordered by id, as the in-memory store returns them.
        self.data_keys(DATA_KEYS_IN_BUCKET, &[&c.org_blob(), &bucket.id()]).map_err(err)
    }

    fn put_data_key(&mut self, key: DataKeyRecord) -> Result<(), StoreError> {
        let c = self.ctx;
        c.scope(key.organisation).map_err(err)?;
        c.exec(
            "INSERT INTO vault_data_keys
                 (organisation, id, version, subject, class, bucket, kek, wrapped, commitment)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (organisation, id) DO UPDATE SET version = excluded.version,
                 subject = excluded.subject, class = excluded.class,
                 bucket = excluded.bucket, kek = excluded.kek,
                 wrapped = excluded.wrapped, commitment = excluded.commitment",
            &[
                &c.org_blob(),
                &key.id.0.as_bytes().as_slice(),
                &i64::from(key.version),
                &key.subject.as_bytes().as_slice(),
                &key.class.id(),
                &key.bucket.id(),
                &key.kek.0.as_bytes().as_slice(),
                &key.wrapped,
                &key.commitment.as_slice(),
            ],
        )
        .map_err(err)?;
        Ok(())
    }

    fn delete_data_key(&mut self, id: DataKeyId) -> Result<bool, StoreError> {
        let c = self.ctx;
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
        let row = c.opt(RECORD_BY_ID, &[&c.org_blob(), &id.as_bytes().as_slice()]).map_err(err)?;
        row.map(|r| self.record_from(&r)).transpose().map_err(err)
    }

    fn put_record(&mut self, record: StoredRecord) -> Result<(), StoreError> {
        self.put_record_row(&record).map_err(err)
    }

    fn records_under_key(&self, key: DataKeyId) -> Result<Vec<RecordId>, StoreError> {
        let c = self.ctx;
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
        self.put_index_row(&entry).map_err(err)
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
        c.query(
            "SELECT record FROM vault_index
             WHERE organisation = $1 AND field = $2 AND key_version = $3 AND tag = $4
             ORDER BY record",
            &[&c.org_blob(), &field, &i64::from(key_version), &i64::from(tag.0)],
        )
        .and_then(|rows| {
            rows.iter().map(|r| uuid_col(r, 0, "record id").map(RecordId::from_uuid)).collect()
        })
        .map_err(err)
    }

    fn put_records(&mut self, records: Vec<StoredRecord>) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        self.put_records_batch(&records).map_err(err)
    }

    fn records(&self, ids: &[RecordId]) -> Result<Vec<Option<StoredRecord>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let c = self.ctx;
        let wanted: Vec<&[u8]> = ids.iter().map(|i| i.as_bytes().as_slice()).collect();
        let rows = c.query(RECORDS_BY_IDS, &[&c.org_blob(), &wanted]).map_err(err)?;
        let mut found = std::collections::HashMap::with_capacity(rows.len());
        for r in &rows {
            let rec = self.record_from(r).map_err(err)?;
            found.insert(rec.context.record, rec);
        }
        Ok(ids.iter().map(|i| found.get(i).cloned()).collect())
    }

    fn put_index_entries(&mut self, entries: Vec<IndexEntry>) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        self.put_index_batch(&entries).map_err(err)
    }
}
