//! The [`LedgerStore`] handle: one log per organisation, scoped to the transaction's.
//!
//! `lock_head` reads the head row with `SELECT … FOR UPDATE`: a second transaction that
//! wants the same head waits until the first commits or rolls back, then reads the new
//! head, so two writers never fork the chain. (Before the first append there is no head
//! row to lock; the per-organisation advisory lock every transaction takes at its start,
//! see [`crate::store`], covers that case and every other read-then-write.) Entries and
//! tree nodes are append-only: a sequence or node index that is not the next one is a
//! [`StorageError::Conflict`], as in the in-memory store; inserts use `ON CONFLICT DO
//! NOTHING` so that a conflict never aborts the PostgreSQL transaction under the closure.

use std::collections::HashMap;

use hogo_domain::OrganisationId;
use hogo_ledger::entry::{Detail, Entry, Hash};
use hogo_ledger::{
    Head, LedgerStore, LogConfig, SafeText, StorageError, StoredCheckpoint, StoredEntry, TreeNode,
};
use postgres::Row;

use crate::tx::{Fault, TxCtx, array, col, to_i64, to_u64};

fn err(f: Fault) -> StorageError {
    match f {
        Fault::Conflict(what) => StorageError::Conflict { what },
        other => StorageError::Backend { message: other.to_string() },
    }
}

/// The ledger handle of one transaction.
pub(crate) struct PgLedger<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

impl PgLedger<'_, '_> {
    fn scoped(&self, organisation: OrganisationId) -> Result<(), StorageError> {
        self.ctx.scope(organisation).map_err(err)
    }

    fn head_from(&self, row: Option<Row>) -> Result<Option<Head>, Fault> {
        let Some(r) = row else { return Ok(None) };
        const W: &str = "ledger head";
        let size: i64 = col(&r, 0, W)?;
        let last: &[u8] = col(&r, 1, W)?;
        let frontier: &[u8] = col(&r, 2, W)?;
        if !frontier.len().is_multiple_of(32) {
            return Err(Fault::Corrupt(W));
        }
        let frontier = frontier
            .chunks_exact(32)
            .map(|c| array::<32>(c, W))
            .collect::<Result<Vec<Hash>, _>>()?;
        Ok(Some(Head {
            organisation: self.ctx.org,
            size: to_u64(size, W)?,
            last_hash: array(last, W)?,
            frontier,
        }))
    }

    fn checkpoints_from(rows: &[Row]) -> Result<Vec<StoredCheckpoint>, Fault> {
        rows.iter()
            .map(|r| {
                Ok(StoredCheckpoint {
                    size: to_u64(col(r, 0, "checkpoint")?, "checkpoint")?,
                    note: col(r, 1, "checkpoint")?,
                })
            })
            .collect()
    }
}

impl LedgerStore for PgLedger<'_, '_> {
    fn log_config(&self, organisation: OrganisationId) -> Result<Option<LogConfig>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        let row = c
            .opt("SELECT origin, keys FROM ledger_logs WHERE organisation = $1", &[&c.org_blob()])
            .map_err(err)?;
        row.map(|r| {
            let origin: String = col(&r, 0, "ledger log configuration").map_err(err)?;
            let keys: &str = col(&r, 1, "ledger log configuration").map_err(err)?;
            let keys = serde_json::from_str(keys)
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
        c.exec(
            "INSERT INTO ledger_logs (organisation, origin, keys) VALUES ($1, $2, $3)
             ON CONFLICT (organisation) DO UPDATE SET origin = excluded.origin, keys = excluded.keys",
            &[&c.org_blob(), &config.origin, &keys],
        )
        .map_err(err)?;
        Ok(())
    }

    fn lock_head(&mut self, organisation: OrganisationId) -> Result<Option<Head>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        let row = c
            .opt(
                "SELECT size, last_hash, frontier FROM ledger_heads WHERE organisation = $1
                 FOR UPDATE",
                &[&c.org_blob()],
            )
            .map_err(err)?;
        self.head_from(row).map_err(err)
    }

    fn head(&self, organisation: OrganisationId) -> Result<Option<Head>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        let row = c
            .opt(
                "SELECT size, last_hash, frontier FROM ledger_heads WHERE organisation = $1",
                &[&c.org_blob()],
            )
            .map_err(err)?;
        self.head_from(row).map_err(err)
    }

    fn put_head(&mut self, head: &Head) -> Result<(), StorageError> {
        self.scoped(head.organisation)?;
        let c = self.ctx;
        let frontier: Vec<u8> = head.frontier.concat();
        c.exec(
            "INSERT INTO ledger_heads (organisation, size, last_hash, frontier)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (organisation) DO UPDATE SET size = excluded.size,
                 last_hash = excluded.last_hash, frontier = excluded.frontier",
            &[&c.org_blob(), &to_i64(head.size), &head.last_hash.as_slice(), &frontier],
        )
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
            // `ORDER BY … DESC LIMIT 1` rather than `MAX()`: one index entry read whatever
            // plan the statistics of a fast-growing table suggest.
            let rows = c.query(
                "SELECT sequence FROM ledger_entries WHERE organisation = $1
                 ORDER BY sequence DESC LIMIT 1",
                &[&c.org_blob()],
            )?;
            let first: i64 = match rows.first() {
                Some(r) => col::<i64>(r, 0, "ledger")? + 1,
                None => 0,
            };
            for (e, next) in entries.iter().zip(first..) {
                let seq = to_i64(e.entry.sequence);
                let conflict = || Fault::Conflict(format!("entry {}", e.entry.sequence));
                if seq != next {
                    return Err(conflict());
                }
                let json = serde_json::to_string(&e.entry)
                    .map_err(|x| Fault::Backend(format!("encode entry: {x}")))?;
                let subject = e.entry.subject.as_ref().map(|s| s.as_bytes().as_slice());
                let n = c.exec(
                    "INSERT INTO ledger_entries
                         (organisation, sequence, subject, action, entry, bytes, hash)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    &[
                        &c.org_blob(),
                        &seq,
                        &subject,
                        &e.entry.action.id(),
                        &json,
                        &e.bytes,
                        &e.hash.as_slice(),
                    ],
                )?;
                if n == 0 {
                    return Err(conflict());
                }
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
            c.query(
                "SELECT entry, bytes, hash FROM ledger_entries
                 WHERE organisation = $1 AND sequence >= $2 AND sequence < $3
                 ORDER BY sequence",
                &[&c.org_blob(), &to_i64(from), &to_i64(to)],
            )?
            .iter()
            .map(|r| {
                let json: &str = col(r, 0, "ledger entry")?;
                let entry: Entry =
                    serde_json::from_str(json).map_err(|_| Fault::Corrupt("ledger entry"))?;
                Ok(StoredEntry {
                    entry,
                    bytes: col(r, 1, "ledger entry")?,
                    hash: array(col(r, 2, "ledger entry hash")?, "ledger entry hash")?,
                })
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
            for n in nodes {
                let expected = match next.get(&n.level) {
                    Some(v) => *v,
                    None => {
                        // One index entry read (see `insert_entries`), not a scan of
                        // the level: measured 26 000 rows per append at 10 000 entries.
                        let rows = c.query(
                            "SELECT idx FROM ledger_nodes WHERE organisation = $1 AND level = $2
                             ORDER BY idx DESC LIMIT 1",
                            &[&c.org_blob(), &i64::from(n.level)],
                        )?;
                        match rows.first() {
                            Some(r) => col::<i64>(r, 0, "tree node")? + 1,
                            None => 0,
                        }
                    }
                };
                let what = || Fault::Conflict(format!("tree node {}/{}", n.level, n.index));
                if to_i64(n.index) != expected {
                    return Err(what());
                }
                let inserted = c.exec(
                    "INSERT INTO ledger_nodes (organisation, level, idx, hash)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    &[&c.org_blob(), &i64::from(n.level), &to_i64(n.index), &n.hash.as_slice()],
                )?;
                if inserted == 0 {
                    return Err(what());
                }
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
        let row = c
            .opt(
                "SELECT hash FROM ledger_nodes WHERE organisation = $1 AND level = $2 AND idx = $3",
                &[&c.org_blob(), &i64::from(level), &to_i64(index)],
            )
            .map_err(err)?;
        row.map(|r| col(&r, 0, "tree node").and_then(|h| array(h, "tree node")).map_err(err))
            .transpose()
    }

    fn put_detail(
        &mut self,
        organisation: OrganisationId,
        sequence: u64,
        detail: &Detail,
    ) -> Result<(), StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        c.exec(
            "INSERT INTO ledger_details (organisation, sequence, salt, text) VALUES ($1, $2, $3, $4)
             ON CONFLICT (organisation, sequence) DO UPDATE SET salt = excluded.salt, text = excluded.text",
            &[&c.org_blob(), &to_i64(sequence), &detail.salt().as_slice(), &detail.text().as_str()],
        )
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
        let row = c
            .opt(
                "SELECT salt, text FROM ledger_details WHERE organisation = $1 AND sequence = $2",
                &[&c.org_blob(), &to_i64(sequence)],
            )
            .map_err(err)?;
        row.map(|r| {
            let salt = col(&r, 0, "ledger detail").and_then(|s| array::<16>(s, "ledger detail"));
            let text: String = col(&r, 1, "ledger detail").map_err(err)?;
            let text =
                SafeText::new("detail", text).map_err(|_| err(Fault::Corrupt("ledger detail")))?;
            Ok(Detail::new(salt.map_err(err)?, text))
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
            .exec(
                "DELETE FROM ledger_details WHERE organisation = $1 AND sequence = $2",
                &[&c.org_blob(), &to_i64(sequence)],
            )
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
        c.exec(
            "INSERT INTO ledger_checkpoints (organisation, size, note) VALUES ($1, $2, $3)",
            &[&c.org_blob(), &to_i64(checkpoint.size), &checkpoint.note],
        )
        .map_err(err)?;
        Ok(())
    }

    fn checkpoints(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<StoredCheckpoint>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        c.query(
            "SELECT size, note FROM ledger_checkpoints WHERE organisation = $1 ORDER BY id",
            &[&c.org_blob()],
        )
        .and_then(|rows| Self::checkpoints_from(&rows))
        .map_err(err)
    }

    fn auditor_checkpoint(
        &self,
        organisation: OrganisationId,
        auditor: &str,
    ) -> Result<Option<StoredCheckpoint>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        Ok(c.query(
            "SELECT size, note FROM ledger_auditor_checkpoints
                 WHERE organisation = $1 AND auditor = $2",
            &[&c.org_blob(), &auditor],
        )
        .and_then(|rows| Self::checkpoints_from(&rows))
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
        c.exec(
            "INSERT INTO ledger_auditor_checkpoints (organisation, auditor, size, note)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (organisation, auditor) DO UPDATE SET size = excluded.size, note = excluded.note",
            &[&c.org_blob(), &auditor, &to_i64(checkpoint.size), &checkpoint.note],
        )
        .map_err(err)?;
        Ok(())
    }
}
