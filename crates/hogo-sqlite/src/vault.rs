//! The [`VaultStore`] handle: wrapped data keys, sealed records, blind-index tags and the
//! wrapped index root, all scoped to the transaction's organisation.
//!
//! The port's id-keyed methods (`data_key`, `record`, `records_under_key`,
//! `delete_record`, …) carry no organisation; this handle adds the transaction's to every
//! query, so a record of organisation A is simply absent through organisation B's
//! handle. Writes for another organisation are refused. The index root is kept per
//! organisation (each tenant gets its own random root).

use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};
use hogo_vault::{
    Bucket, DataKeyId, DataKeyRecord, IndexEntry, IndexRootRecord, IndexTag, KeyId, KeyVersion,
    RecordContext, StoreError, StoredRecord, VaultStore, WrappedKey,
};
use rusqlite::{OptionalExtension, Row, params};

use crate::tx::{Fault, TxCtx, array, to_u32, uuid};

fn err(f: Fault) -> StoreError {
    match f {
        Fault::Busy(_) => StoreError::Busy,
        Fault::Corrupt(what) => StoreError::Corrupt { what },
        other => StoreError::Backend { message: other.to_string() },
    }
}

/// The vault handle of one transaction.
pub(crate) struct SqlVault<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

const DATA_KEY_COLUMNS: &str =
    "id, version, subject, class, bucket, kek, wrapped, commitment FROM vault_data_keys";
const RECORD_COLUMNS: &str =
    "id, subject, class, table_name, field, data_key, envelope FROM vault_records";

type RawDataKey = ([u8; 16], i64, [u8; 16], String, String, [u8; 16], Vec<u8>, Vec<u8>);
type RawRecord = ([u8; 16], [u8; 16], String, String, String, [u8; 16], Vec<u8>);

fn raw_data_key(r: &Row<'_>) -> rusqlite::Result<RawDataKey> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

fn raw_record(r: &Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

impl SqlVault<'_, '_> {
    fn data_key_from(&self, raw: RawDataKey) -> Result<DataKeyRecord, Fault> {
        let (id, version, subject, class, bucket, kek, wrapped, commitment) = raw;
        Ok(DataKeyRecord {
            id: DataKeyId(uuid(id)),
            version: to_u32(version, "data key")?,
            organisation: self.ctx.org,
            subject: SubjectId::from_uuid(uuid(subject)),
            class: DataClass::from_id(&class).ok_or(Fault::Corrupt("data key class"))?,
            bucket: Bucket::from_id(&bucket).ok_or(Fault::Corrupt("data key bucket"))?,
            kek: KeyId(uuid(kek)),
            wrapped,
            commitment: array(commitment, "data key commitment")?,
        })
    }

    fn record_from(&self, raw: RawRecord) -> Result<StoredRecord, Fault> {
        let (id, subject, class, table, field, data_key, envelope) = raw;
        Ok(StoredRecord {
            context: RecordContext {
                organisation: self.ctx.org,
                subject: SubjectId::from_uuid(uuid(subject)),
                class: DataClass::from_id(&class).ok_or(Fault::Corrupt("record class"))?,
                table,
                field,
                record: RecordId::from_uuid(uuid(id)),
            },
            data_key: DataKeyId(uuid(data_key)),
            envelope,
        })
    }

    fn data_keys_where(
        &self,
        clause: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<DataKeyRecord>, Fault> {
        let c = self.ctx;
        let sql = format!("SELECT {DATA_KEY_COLUMNS} WHERE organisation = ?1 AND {clause}");
        let mut stmt = c.check(c.conn.prepare_cached(&sql))?;
        let mut all: Vec<&dyn rusqlite::ToSql> = vec![c.org_blob()];
        all.extend_from_slice(args);
        let rows = c.check(stmt.query_map(all.as_slice(), raw_data_key))?;
        let raws = c.check(rows.collect::<Result<Vec<_>, _>>())?;
        raws.into_iter().map(|r| self.data_key_from(r)).collect()
    }

    fn put_record_row(&self, record: &StoredRecord) -> Result<(), Fault> {
        let c = self.ctx;
        let ctx = &record.context;
        c.scope(ctx.organisation)?;
        let mut stmt = c.check(c.conn.prepare_cached(
            "INSERT INTO vault_records
                 (organisation, id, subject, class, table_name, field, data_key, envelope)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (organisation, id) DO UPDATE SET
                 subject = excluded.subject, class = excluded.class,
                 table_name = excluded.table_name, field = excluded.field,
                 data_key = excluded.data_key, envelope = excluded.envelope",
        ))?;
        c.check(stmt.execute(params![
            c.org_blob(),
            ctx.record.as_bytes(),
            ctx.subject.as_bytes(),
            ctx.class.id(),
            ctx.table,
            ctx.field,
            record.data_key.0.as_bytes(),
            record.envelope,
        ]))?;
        Ok(())
    }

    fn put_index_row(&self, entry: &IndexEntry) -> Result<(), Fault> {
        let c = self.ctx;
        c.scope(entry.organisation)?;
        let mut stmt = c.check(c.conn.prepare_cached(
            "INSERT OR IGNORE INTO vault_index (organisation, field, key_version, tag, record)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        ))?;
        c.check(stmt.execute(params![
            c.org_blob(),
            entry.field,
            i64::from(entry.key_version),
            i64::from(entry.tag.0),
            entry.record.as_bytes(),
        ]))?;
        Ok(())
    }
}

impl VaultStore for SqlVault<'_, '_> {
    fn index_root(&self) -> Result<Option<IndexRootRecord>, StoreError> {
        let c = self.ctx;
        let row: Option<(i64, i64, i64, Vec<u8>)> = c
            .check(
                c.conn
                    .prepare_cached(
                        "SELECT version, bits, root_version, wrapped FROM vault_index_roots
                         WHERE organisation = ?1",
                    )
                    .and_then(|mut s| {
                        s.query_row([c.org_blob()], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                        })
                        .optional()
                    }),
            )
            .map_err(err)?;
        let Some((version, bits, root_version, bytes)) = row else { return Ok(None) };
        let corrupt = || StoreError::Corrupt { what: "index root" };
        Ok(Some(IndexRootRecord {
            version: u32::try_from(version).map_err(|_| corrupt())?,
            bits: u8::try_from(bits).map_err(|_| corrupt())?,
            wrapped: WrappedKey {
                version: KeyVersion(u32::try_from(root_version).map_err(|_| corrupt())?),
                bytes,
            },
        }))
    }

    fn put_index_root(&mut self, root: IndexRootRecord) -> Result<(), StoreError> {
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT INTO vault_index_roots (organisation, version, bits, root_version, wrapped)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (organisation) DO UPDATE SET version = excluded.version,
                 bits = excluded.bits, root_version = excluded.root_version,
                 wrapped = excluded.wrapped",
            params![
                c.org_blob(),
                i64::from(root.version),
                i64::from(root.bits),
                i64::from(root.wrapped.version.0),
                root.wrapped.bytes
            ],
        ))
        .map_err(err)?;
        Ok(())
    }

    fn data_key(&self, id: DataKeyId) -> Result<Option<DataKeyRecord>, StoreError> {
        Ok(self.data_keys_where("id = ?2", &[id.0.as_bytes()]).map_err(err)?.pop())
    }

    fn data_key_for(
        &self,
        organisation: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<Option<DataKeyRecord>, StoreError> {
        self.ctx.scope(organisation).map_err(err)?;
        Ok(self
            .data_keys_where("subject = ?2 AND class = ?3", &[subject.as_bytes(), &class.id()])
            .map_err(err)?
            .pop())
    }

    fn data_keys_in_bucket(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Vec<DataKeyRecord>, StoreError> {
        self.ctx.scope(organisation).map_err(err)?;
        // Ordered by id, as the in-memory store returns them.
        self.data_keys_where("bucket = ?2 ORDER BY id", &[&bucket.id()]).map_err(err)
    }

    fn put_data_key(&mut self, key: DataKeyRecord) -> Result<(), StoreError> {
        let c = self.ctx;
        c.scope(key.organisation).map_err(err)?;
        let mut stmt = c
            .check(c.conn.prepare_cached(
                "INSERT INTO vault_data_keys
                     (organisation, id, version, subject, class, bucket, kek, wrapped, commitment)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (organisation, id) DO UPDATE SET version = excluded.version,
                     subject = excluded.subject, class = excluded.class,
                     bucket = excluded.bucket, kek = excluded.kek,
                     wrapped = excluded.wrapped, commitment = excluded.commitment",
            ))
            .map_err(err)?;
        c.check(stmt.execute(params![
            c.org_blob(),
            key.id.0.as_bytes(),
            i64::from(key.version),
            key.subject.as_bytes(),
            key.class.id(),
            key.bucket.id(),
            key.kek.0.as_bytes(),
            key.wrapped,
            key.commitment,
        ]))
        .map_err(err)?;
        Ok(())
    }

    fn delete_data_key(&mut self, id: DataKeyId) -> Result<bool, StoreError> {
        let c = self.ctx;
        let n = c
            .check(c.conn.execute(
                "DELETE FROM vault_data_keys WHERE organisation = ?1 AND id = ?2",
                params![c.org_blob(), id.0.as_bytes()],
            ))
            .map_err(err)?;
        Ok(n > 0)
    }

    fn record(&self, id: RecordId) -> Result<Option<StoredRecord>, StoreError> {
        let c = self.ctx;
        let raw = c
            .check(
                c.conn
                    .prepare_cached(&format!(
                        "SELECT {RECORD_COLUMNS} WHERE organisation = ?1 AND id = ?2"
                    ))
                    .and_then(|mut s| {
                        s.query_row(params![c.org_blob(), id.as_bytes()], raw_record).optional()
                    }),
            )
            .map_err(err)?;
        raw.map(|r| self.record_from(r)).transpose().map_err(err)
    }

    fn put_record(&mut self, record: StoredRecord) -> Result<(), StoreError> {
        self.put_record_row(&record).map_err(err)
    }

    fn records_under_key(&self, key: DataKeyId) -> Result<Vec<RecordId>, StoreError> {
        let c = self.ctx;
        (|| {
            let mut stmt = c.check(c.conn.prepare_cached(
                "SELECT id FROM vault_records WHERE organisation = ?1 AND data_key = ?2
                 ORDER BY rowid",
            ))?;
            let rows =
                c.check(stmt.query_map(params![c.org_blob(), key.0.as_bytes()], |r| {
                    r.get::<_, [u8; 16]>(0)
                }))?;
            let ids = c.check(rows.collect::<Result<Vec<_>, _>>())?;
            Ok(ids.into_iter().map(|b| RecordId::from_uuid(uuid(b))).collect())
        })()
        .map_err(err)
    }

    fn delete_record(&mut self, id: RecordId) -> Result<bool, StoreError> {
        let c = self.ctx;
        let args = params![c.org_blob(), id.as_bytes()];
        c.check(
            c.conn.execute("DELETE FROM vault_index WHERE organisation = ?1 AND record = ?2", args),
        )
        .map_err(err)?;
        let n = c
            .check(
                c.conn
                    .execute("DELETE FROM vault_records WHERE organisation = ?1 AND id = ?2", args),
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
        (|| {
            let mut stmt = c.check(c.conn.prepare_cached(
                "SELECT record FROM vault_index
                 WHERE organisation = ?1 AND field = ?2 AND key_version = ?3 AND tag = ?4",
            ))?;
            let rows = c.check(stmt.query_map(
                params![c.org_blob(), field, i64::from(key_version), i64::from(tag.0)],
                |r| r.get::<_, [u8; 16]>(0),
            ))?;
            let ids = c.check(rows.collect::<Result<Vec<_>, _>>())?;
            Ok(ids.into_iter().map(|b| RecordId::from_uuid(uuid(b))).collect())
        })()
        .map_err(err)
    }

    fn put_records(&mut self, records: Vec<StoredRecord>) -> Result<(), StoreError> {
        records.iter().try_for_each(|r| self.put_record_row(r)).map_err(err)
    }

    fn put_index_entries(&mut self, entries: Vec<IndexEntry>) -> Result<(), StoreError> {
        entries.iter().try_for_each(|e| self.put_index_row(e)).map_err(err)
    }
}
