//! The [`LedgerStore`] handle: one log per organisation, scoped to the transaction's.
//!
//! `lock_head` needs no statement of its own: every transaction of this adapter is
//! `BEGIN IMMEDIATE`, which takes SQLite's write lock at once and holds it until commit
//! or rollback, so the head read under it cannot change until the transaction ends and
//! two writers can never fork the chain. Entries and tree nodes are append-only: a
//! sequence or node index that is not the next one is a [`StorageError::Conflict`], as
//! in the in-memory store.

use std::collections::HashMap;

use hogo_domain::OrganisationId;
use hogo_ledger::entry::{Detail, Entry, Hash};
use hogo_ledger::{
    Head, LedgerStore, LogConfig, SafeText, StorageError, StoredCheckpoint, StoredEntry, TreeNode,
};
use rusqlite::{OptionalExtension, params};

use crate::tx::{Fault, TxCtx, array, to_i64, to_u64};

fn err(f: Fault) -> StorageError {
    match f {
        Fault::Conflict(what) => StorageError::Conflict { what },
        other => StorageError::Backend { message: other.to_string() },
    }
}

/// The ledger handle of one transaction.
pub(crate) struct SqlLedger<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

impl SqlLedger<'_, '_> {
    fn scoped(&self, organisation: OrganisationId) -> Result<(), StorageError> {
        self.ctx.scope(organisation).map_err(err)
    }

    fn read_head(&self) -> Result<Option<Head>, Fault> {
        let c = self.ctx;
        let mut stmt = c.check(c.conn.prepare_cached(
            "SELECT size, last_hash, frontier FROM ledger_heads WHERE organisation = ?1",
        ))?;
        let row: Option<(i64, Vec<u8>, Vec<u8>)> = c.check(
            stmt.query_row([c.org_blob()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional(),
        )?;
        let Some((size, last, frontier)) = row else { return Ok(None) };
        if frontier.len() % 32 != 0 {
            return Err(Fault::Corrupt("ledger head"));
        }
        let frontier = frontier
            .chunks_exact(32)
            .map(|c| array::<32>(c.to_vec(), "ledger head"))
            .collect::<Result<Vec<Hash>, _>>()?;
        Ok(Some(Head {
            organisation: c.org,
            size: to_u64(size, "ledger head")?,
            last_hash: array(last, "ledger head")?,
            frontier,
        }))
    }

    fn checkpoint_rows(
        &self,
        sql: &str,
        auditor: Option<&str>,
    ) -> Result<Vec<StoredCheckpoint>, Fault> {
        let c = self.ctx;
        let mut stmt = c.check(c.conn.prepare_cached(sql))?;
        let map = |r: &rusqlite::Row<'_>| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?));
        let rows = match auditor {
            Some(a) => c.check(stmt.query_map(params![c.org_blob(), a], map))?,
            None => c.check(stmt.query_map(params![c.org_blob()], map))?,
        };
        c.check(rows.collect::<Result<Vec<_>, _>>())?
            .into_iter()
            .map(|(size, note)| Ok(StoredCheckpoint { size: to_u64(size, "checkpoint")?, note }))
            .collect()
    }
}

impl LedgerStore for SqlLedger<'_, '_> {
    fn log_config(&self, organisation: OrganisationId) -> Result<Option<LogConfig>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        let row: Option<(String, String)> = c
            .check(
                c.conn
                    .prepare_cached("SELECT origin, keys FROM ledger_logs WHERE organisation = ?1")
                    .and_then(|mut s| {
                        s.query_row([c.org_blob()], |r| Ok((r.get(0)?, r.get(1)?))).optional()
                    }),
            )
            .map_err(err)?;
        row.map(|(origin, keys)| {
            let keys = serde_json::from_str(&keys)
                .map_err(|_| err(Fault::Corrupt("ledger log configuration")))?;
            Ok(LogConfig { organisation, origin, keys })
        })
        .transpose()
    }

    fn put_log_config(&mut self, config: &LogConfig) -> Result<(), StorageError> {
        self.scoped(config.organisation)?;
        let c = self.ctx;
        let keys = serde_json::to_string(&config.keys)
            .map_err(|e| StorageError::Backend { message: format!("encode keys: {e}") })?;
        c.check(c.conn.execute(
            "INSERT INTO ledger_logs (organisation, origin, keys) VALUES (?1, ?2, ?3)
             ON CONFLICT (organisation) DO UPDATE SET origin = excluded.origin, keys = excluded.keys",
            params![c.org_blob(), config.origin, keys],
        ))
        .map_err(err)?;
        Ok(())
    }

    fn lock_head(&mut self, organisation: OrganisationId) -> Result<Option<Head>, StorageError> {
        // BEGIN IMMEDIATE already holds the write lock for the whole transaction.
        self.scoped(organisation)?;
        self.read_head().map_err(err)
    }

    fn head(&self, organisation: OrganisationId) -> Result<Option<Head>, StorageError> {
        self.scoped(organisation)?;
        self.read_head().map_err(err)
    }

    fn put_head(&mut self, head: &Head) -> Result<(), StorageError> {
        self.scoped(head.organisation)?;
        let c = self.ctx;
        let frontier: Vec<u8> = head.frontier.concat();
        c.check(c.conn.execute(
            "INSERT INTO ledger_heads (organisation, size, last_hash, frontier)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (organisation) DO UPDATE SET size = excluded.size,
                 last_hash = excluded.last_hash, frontier = excluded.frontier",
            params![c.org_blob(), to_i64(head.size), head.last_hash, frontier],
        ))
        .map_err(err)?;
        Ok(())
    }

    fn insert_entries(
        &mut self,
        organisation: OrganisationId,
        entries: &[StoredEntry],
    ) -> Result<(), StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        (|| {
            let first: i64 = c.check(c.conn.query_row(
                "SELECT COALESCE(MAX(sequence) + 1, 0) FROM ledger_entries WHERE organisation = ?1",
                [c.org_blob()],
                |r| r.get(0),
            ))?;
            let mut stmt = c.check(c.conn.prepare_cached(
                "INSERT INTO ledger_entries (organisation, sequence, subject, action, entry, bytes, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            ))?;
            for (e, next) in entries.iter().zip(first..) {
                let seq = to_i64(e.entry.sequence);
                if seq != next {
                    return Err(Fault::Conflict(format!("entry {}", e.entry.sequence)));
                }
                let json = serde_json::to_string(&e.entry)
                    .map_err(|x| Fault::Backend(format!("encode entry: {x}")))?;
                c.check(stmt.execute(params![
                    c.org_blob(),
                    seq,
                    e.entry.subject.as_ref().map(|s| s.as_bytes().to_vec()),
                    e.entry.action.id(),
                    json,
                    e.bytes,
                    e.hash,
                ]))
                .map_err(|f| match f {
                    Fault::Conflict(_) => Fault::Conflict(format!("entry {}", e.entry.sequence)),
                    f => f,
                })?;
            }
            Ok(())
        })()
        .map_err(err)
    }

    fn entries(
        &self,
        organisation: OrganisationId,
        from: u64,
        to: u64,
    ) -> Result<Vec<StoredEntry>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        (|| -> Result<Vec<StoredEntry>, Fault> {
            let mut stmt = c.check(c.conn.prepare_cached(
                "SELECT entry, bytes, hash FROM ledger_entries
                 WHERE organisation = ?1 AND sequence >= ?2 AND sequence < ?3
                 ORDER BY sequence",
            ))?;
            let rows =
                c.check(stmt.query_map(params![c.org_blob(), to_i64(from), to_i64(to)], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?))
                }))?;
            c.check(rows.collect::<Result<Vec<_>, _>>())?
                .into_iter()
                .map(|(json, bytes, hash)| {
                    let entry: Entry =
                        serde_json::from_str(&json).map_err(|_| Fault::Corrupt("ledger entry"))?;
                    Ok(StoredEntry { entry, bytes, hash: array(hash, "ledger entry hash")? })
                })
                .collect()
        })()
        .map_err(err)
    }

    fn put_nodes(
        &mut self,
        organisation: OrganisationId,
        nodes: &[TreeNode],
    ) -> Result<(), StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        (|| {
            let mut next: HashMap<u8, i64> = HashMap::new();
            let mut stmt = c.check(c.conn.prepare_cached(
                "INSERT INTO ledger_nodes (organisation, level, idx, hash) VALUES (?1, ?2, ?3, ?4)",
            ))?;
            for n in nodes {
                let expected = match next.get(&n.level) {
                    Some(v) => *v,
                    None => c.check(c.conn.query_row(
                        "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_nodes
                         WHERE organisation = ?1 AND level = ?2",
                        params![c.org_blob(), i64::from(n.level)],
                        |r| r.get(0),
                    ))?,
                };
                let what = || format!("tree node {}/{}", n.level, n.index);
                if to_i64(n.index) != expected {
                    return Err(Fault::Conflict(what()));
                }
                c.check(stmt.execute(params![
                    c.org_blob(),
                    i64::from(n.level),
                    to_i64(n.index),
                    n.hash
                ]))
                .map_err(|f| match f {
                    Fault::Conflict(_) => Fault::Conflict(what()),
                    f => f,
                })?;
                next.insert(n.level, expected + 1);
            }
            Ok(())
        })()
        .map_err(err)
    }

    fn node(
        &self,
        organisation: OrganisationId,
        level: u8,
        index: u64,
    ) -> Result<Option<Hash>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        let row: Option<Vec<u8>> = c
            .check(
                c.conn
                    .prepare_cached(
                        "SELECT hash FROM ledger_nodes
                         WHERE organisation = ?1 AND level = ?2 AND idx = ?3",
                    )
                    .and_then(|mut s| {
                        s.query_row(params![c.org_blob(), i64::from(level), to_i64(index)], |r| {
                            r.get(0)
                        })
                        .optional()
                    }),
            )
            .map_err(err)?;
        row.map(|h| array(h, "tree node").map_err(err)).transpose()
    }

    fn put_detail(
        &mut self,
        organisation: OrganisationId,
        sequence: u64,
        detail: &Detail,
    ) -> Result<(), StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT INTO ledger_details (organisation, sequence, salt, text) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (organisation, sequence) DO UPDATE SET salt = excluded.salt, text = excluded.text",
            params![c.org_blob(), to_i64(sequence), detail.salt(), detail.text().as_str()],
        ))
        .map_err(err)?;
        Ok(())
    }

    fn detail(
        &self,
        organisation: OrganisationId,
        sequence: u64,
    ) -> Result<Option<Detail>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        let row: Option<(Vec<u8>, String)> = c
            .check(
                c.conn
                    .prepare_cached(
                        "SELECT salt, text FROM ledger_details WHERE organisation = ?1 AND sequence = ?2",
                    )
                    .and_then(|mut s| {
                        s.query_row(params![c.org_blob(), to_i64(sequence)], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })
                        .optional()
                    }),
            )
            .map_err(err)?;
        row.map(|(salt, text)| {
            let salt = array::<16>(salt, "ledger detail").map_err(err)?;
            let text =
                SafeText::new("detail", text).map_err(|_| err(Fault::Corrupt("ledger detail")))?;
            Ok(Detail::new(salt, text))
        })
        .transpose()
    }

    fn erase_detail(
        &mut self,
        organisation: OrganisationId,
        sequence: u64,
    ) -> Result<bool, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        let n = c
            .check(c.conn.execute(
                "DELETE FROM ledger_details WHERE organisation = ?1 AND sequence = ?2",
                params![c.org_blob(), to_i64(sequence)],
            ))
            .map_err(err)?;
        Ok(n > 0)
    }

    fn insert_checkpoint(
        &mut self,
        organisation: OrganisationId,
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT INTO ledger_checkpoints (organisation, size, note) VALUES (?1, ?2, ?3)",
            params![c.org_blob(), to_i64(checkpoint.size), checkpoint.note],
        ))
        .map_err(err)?;
        Ok(())
    }

    fn checkpoints(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<StoredCheckpoint>, StorageError> {
        self.scoped(organisation)?;
        self.checkpoint_rows(
            "SELECT size, note FROM ledger_checkpoints WHERE organisation = ?1 ORDER BY id",
            None,
        )
        .map_err(err)
    }

    fn auditor_checkpoint(
        &self,
        organisation: OrganisationId,
        auditor: &str,
    ) -> Result<Option<StoredCheckpoint>, StorageError> {
        self.scoped(organisation)?;
        Ok(self
            .checkpoint_rows(
                "SELECT size, note FROM ledger_auditor_checkpoints
                 WHERE organisation = ?1 AND auditor = ?2",
                Some(auditor),
            )
            .map_err(err)?
            .pop())
    }

    fn put_auditor_checkpoint(
        &mut self,
        organisation: OrganisationId,
        auditor: &str,
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT INTO ledger_auditor_checkpoints (organisation, auditor, size, note)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (organisation, auditor) DO UPDATE SET size = excluded.size, note = excluded.note",
            params![c.org_blob(), auditor, to_i64(checkpoint.size), checkpoint.note],
        ))
        .map_err(err)?;
        Ok(())
    }
}
