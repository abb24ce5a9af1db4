//! The [`LedgerStore`] handle: one log per organisation, scoped to the transaction's.
//!
//! The head row is read with `SELECT … FOR UPDATE` — in the transaction's begin round trip
//! (`tx::Prefetched`), else by `lock_head` —: a second transaction that wants the same head
//! waits until the first commits or rolls back, then reads the new head, so two writers
//! never fork the chain. (Before the first append there is no head
//! row to lock; the per-organisation advisory lock every transaction takes at its start,
//! see [`crate::store`], covers that case and every other read-then-write.) Entries and
//! tree nodes are append-only: a sequence or node index that is not the next one is a
//! [`StorageError::Conflict`], as in the in-memory store. The next sequence and the next
//! node index of every level are kept in the head row (migration 0003) and read with it by
//! `lock_head` — one primary-key probe, whatever the log's size — then advanced by the
//! transaction's own appends and written back with the head at the flush (a head row that
//! does not know them, NULL, has them read from the tables once, one backward index probe
//! per level); entries, nodes, details and the head are
//! buffered and written with the transaction's other writes in one statement before the
//! next uncached read and before `COMMIT` ([`crate::buffer`]), with `ON CONFLICT DO
//! NOTHING` and a count of the rows inserted: a row already present is a conflict there
//! too, and the transaction rolls back. Once locked, the head is answered from the cache.

use hogo_domain::OrganisationId;
use hogo_ledger::entry::{Detail, Entry, Hash};
use hogo_ledger::{
    Head, LedgerStore, LogConfig, SafeText, StorageError, StoredCheckpoint, StoredEntry, TreeNode,
};
use postgres::Row;

use crate::tx::{Fault, Positions, TxCtx, array, col, to_i64, to_u64};

/// Tree levels whose next node index one query reads (a log of 2^64 entries has 65).
pub(crate) const LEVELS: u8 = 65;

/// A head from its columns (size, last hash, frontier of concatenated 32-byte hashes),
/// whichever protocol read them.
pub(crate) fn head_of(
    organisation: OrganisationId,
    size: i64,
    last: &[u8],
    frontier: &[u8],
) -> Result<Head, Fault> {
    const W: &str = "ledger head";
    if !frontier.len().is_multiple_of(32) {
        return Err(Fault::Corrupt(W));
    }
    let frontier =
        frontier.chunks_exact(32).map(|c| array::<32>(c, W)).collect::<Result<Vec<Hash>, _>>()?;
    Ok(Head { organisation, size: to_u64(size, W)?, last_hash: array(last, W)?, frontier })
}

/// The kept next positions (next sequence, next index per level) from the head row's
/// columns; `None` when the row keeps none (NULL).
pub(crate) fn positions_of(
    seq: Option<i64>,
    per_level: Option<Vec<i64>>,
) -> Result<Option<Positions>, Fault> {
    let (Some(seq), Some(per_level)) = (seq, per_level) else { return Ok(None) };
    if seq < 0 || per_level.len() > usize::from(LEVELS) || per_level.iter().any(|i| *i < 0) {
        return Err(Fault::Corrupt("ledger head"));
    }
    Ok(Some((seq, (0..LEVELS).zip(per_level).collect())))
}

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
        head_of(self.ctx.org, col(&r, 0, W)?, col(&r, 1, W)?, col(&r, 2, W)?).map(Some)
    }

    /// The next entry sequence and the next node index of every level, read once per
    /// transaction in one round trip (the newest row of each, by the primary key read
    /// backwards: one index entry per level, whatever the statistics say) and then kept
    /// up to date by this transaction's own appends.
    fn next_positions(&self) -> Result<Positions, Fault> {
        let c = self.ctx;
        {
            let cache = c.cache.borrow();
            if let (Some(seq), Some(idx)) = (cache.next_seq, &cache.next_idx) {
                return Ok((seq, idx.clone()));
            }
        }
        // Levels that can hold a node: a node of level L covers 2^L leaves, so none is
        // above log2(size) (one more for margin; a level above is read on its own).
        let levels = match &c.cache.borrow().head {
            Some(Some(head)) => u8::try_from(66 - head.size.leading_zeros()).unwrap_or(LEVELS),
            Some(None) | None => LEVELS,
        }
        .min(LEVELS);
        let row = c
            .opt(
                "SELECT (SELECT sequence FROM ledger_entries WHERE organisation = $1
                         ORDER BY sequence DESC LIMIT 1),
                        ARRAY(SELECT COALESCE((SELECT idx FROM ledger_nodes
                                               WHERE organisation = $1 AND level = l
                                               ORDER BY idx DESC LIMIT 1), -1)
                              FROM generate_series(0, $2::bigint) AS l ORDER BY l)",
                &[&c.org_blob(), &(i64::from(levels) - 1)],
            )?
            .ok_or(Fault::Corrupt("ledger"))?;
        let (next_seq, next_idx) = Self::positions_from(&row, 0)?;
        let mut cache = c.cache.borrow_mut();
        let seq = *cache.next_seq.get_or_insert(next_seq);
        let idx = cache.next_idx.get_or_insert(next_idx).clone();
        Ok((seq, idx))
    }

    /// `(next sequence, next index per level)` from the last sequence (column `at`) and
    /// the array of each level's last index, `-1` for none (column `at + 1`).
    fn positions_from(row: &Row, at: usize) -> Result<Positions, Fault> {
        let last: Option<i64> = col(row, at, "ledger")?;
        let per_level: Vec<i64> = col(row, at + 1, "tree node")?;
        let next_idx = (0..LEVELS).zip(per_level).map(|(level, last)| (level, last + 1)).collect();
        Ok((last.map_or(0, |s| s + 1), next_idx))
    }

    /// `(next sequence, next index per level)` as the head row keeps them (columns `at`
    /// and `at + 1`), or `None` when it does not know them (NULL: a head written before
    /// any append of this adapter version): [`Self::next_positions`] reads the tables then.
    fn stored_positions(row: &Row, at: usize) -> Result<Option<Positions>, Fault> {
        positions_of(col(row, at, "ledger head")?, col(row, at + 1, "ledger head")?)
    }

    /// The next node index of a level beyond those [`Self::next_positions`] reads.
    fn next_index_of(&self, level: u8) -> Result<i64, Fault> {
        let c = self.ctx;
        c.flush()?;
        let rows = c.query(
            "SELECT idx FROM ledger_nodes WHERE organisation = $1 AND level = $2
             ORDER BY idx DESC LIMIT 1",
            &[&c.org_blob(), &i64::from(level)],
        )?;
        Ok(match rows.first() {
            Some(r) => col::<i64>(r, 0, "tree node")? + 1,
            None => 0,
        })
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
        {
            let cache = c.cache.borrow();
            if cache.head_locked
                && let Some(head) = &cache.head
            {
                return Ok(head.clone());
            }
        }
        // The head, locked, with the next sequence and next node index of each level the
        // head row keeps (migration 0003): one primary-key probe whatever the log's size.
        let row = c
            .opt(
                "SELECT size, last_hash, frontier, next_sequence, next_index
                 FROM ledger_heads WHERE organisation = $1 FOR UPDATE",
                &[&c.org_blob()],
            )
            .map_err(err)?;
        let next = match &row {
            Some(r) => Self::stored_positions(r, 3).map_err(err)?,
            None => None,
        };
        let read = self.head_from(row).map_err(err)?;
        let mut cache = c.cache.borrow_mut();
        cache.head_locked = true;
        if let Some((seq, idx)) = next
            && cache.next_seq.is_none()
            && cache.next_idx.is_none()
        {
            cache.next_seq = Some(seq);
            cache.next_idx = Some(idx);
        }
        // A head this transaction put and has not flushed yet is newer than the row.
        if !cache.head_dirty {
            cache.head = Some(read);
        }
        Ok(cache.head.clone().flatten())
    }

    fn head(&self, organisation: OrganisationId) -> Result<Option<Head>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        if let Some(head) = &c.cache.borrow().head {
            return Ok(head.clone());
        }
        let row = c
            .opt(
                "SELECT size, last_hash, frontier FROM ledger_heads WHERE organisation = $1",
                &[&c.org_blob()],
            )
            .map_err(err)?;
        let head = self.head_from(row).map_err(err)?;
        c.cache.borrow_mut().head = Some(head.clone());
        Ok(head)
    }

    fn put_head(&mut self, head: &Head) -> Result<(), StorageError> {
        self.scoped(head.organisation)?;
        let c = self.ctx;
        {
            let mut cache = c.cache.borrow_mut();
            cache.head = Some(Some(head.clone()));
            cache.head_dirty = true;
        }
        c.maybe_flush().map_err(err)
    }

    fn insert_entries(
        &mut self,
        organisation: OrganisationId,
        entries: &[StoredEntry],
    ) -> Result<(), StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        (|| {
            let mut next = self.next_positions()?.0;
            for e in entries {
                if to_i64(e.entry.sequence) != next {
                    return Err(Fault::Conflict(format!("entry {}", e.entry.sequence)));
                }
                next += 1;
            }
            let mut cache = c.cache.borrow_mut();
            cache.next_seq = Some(next);
            cache.entries.extend_from_slice(entries);
            drop(cache);
            c.maybe_flush()
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
        c.flush().map_err(err)?;
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
            let mut next = self.next_positions()?.1;
            for n in nodes {
                let expected = match next.get(&n.level) {
                    Some(v) => *v,
                    None => self.next_index_of(n.level)?,
                };
                if to_i64(n.index) != expected {
                    return Err(Fault::Conflict(format!("tree node {}/{}", n.level, n.index)));
                }
                next.insert(n.level, expected + 1);
            }
            let mut cache = c.cache.borrow_mut();
            cache.next_idx = Some(next);
            cache.nodes.extend_from_slice(nodes);
            drop(cache);
            c.maybe_flush()
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
        c.flush().map_err(err)?;
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
        c.cache.borrow_mut().details.insert(to_i64(sequence), detail.clone());
        c.maybe_flush().map_err(err)
    }

    fn detail(
        &self,
        organisation: OrganisationId,
        sequence: u64,
    ) -> Result<Option<Detail>, StorageError> {
        self.scoped(organisation)?;
        let c = self.ctx;
        if let Some(d) = c.cache.borrow().details.get(&to_i64(sequence)) {
            return Ok(Some(d.clone()));
        }
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
        let buffered = c.cache.borrow_mut().details.remove(&to_i64(sequence)).is_some();
        let n = c
            .exec(
                "DELETE FROM ledger_details WHERE organisation = $1 AND sequence = $2",
                &[&c.org_blob(), &to_i64(sequence)],
            )
            .map_err(err)?;
        Ok(n > 0 || buffered)
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
