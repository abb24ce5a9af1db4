//! What one transaction remembers between statements: **caches** of rows it has read or
//! written, and a **write buffer** of inserts and upserts sent to the server together, in
//! **one** statement, before the transaction's next read that the caches cannot answer
//! and before `COMMIT` ([`TxCtx::flush`]).
//!
//! Why this is safe: every transaction holds its organisation's advisory lock from its
//! first statement to its end (see [`crate::store`]), and every row cached here is
//! scoped to that organisation, so no other transaction of this adapter changes these
//! rows meanwhile; the ledger head is additionally locked `FOR UPDATE` before it is cached
//! as locked. Reads see the transaction's own buffered writes: a cache lookup answers
//! first (documents, data keys, records, ledger details), range reads merge the buffer
//! into the server's rows (document prefixes, blind-index candidates), and every other
//! read flushes first. Deletes are never buffered: they drop the row from the buffer and
//! run at once. A flush that finds a ledger entry or tree node already present reports
//! a conflict, as the unbuffered insert did, and the transaction rolls back.
//!
//! Nothing cached is plaintext of a sealed value: records and data keys stay sealed and
//! wrapped, and bucket KEKs are cached in their wrapped form only.
//!
//! The flush also writes the ledger head row's next positions (see [`crate::ledger`]) and
//! the session touches [`crate::auth`] buffers (an `UPDATE` of the last-seen time and idle
//! expiry only; a session that is gone by then fails the flush).
//!
//! Round trips saved per collected number (measured in `docs/benchmarks.md`): the data-key and
//! index-root lookups repeated within a batch, the bucket-KEK reads (two data-database
//! queries and one key-database query each), the ledger's next sequence / node index
//! probes, and one statement per written row. Per lookup by number: the session touch's
//! `UPDATE`, and the bucket's KEK reference (read with the blind-index candidates).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, OnceLock, PoisonError};

use hogo_domain::{DataClass, SubjectId};
use hogo_ledger::entry::Detail;
use hogo_ledger::{Head, StoredEntry, TreeNode};
use hogo_vault::{
    Bucket, BucketKekRecord, DataKeyId, DataKeyRecord, IndexEntry, IndexRootRecord, StoredRecord,
};

use postgres::types::ToSql;

use crate::tx::{Fault, TxCtx, col, to_i64};

/// Buffered rows past which a write flushes on its own (bounds the memory of a huge batch).
pub(crate) const FLUSH_AT: usize = 20_000;

/// The caches and write buffer of one transaction (one attempt: a retry starts empty).
#[derive(Default)]
pub(crate) struct TxCache {
    // ---- documents: (collection, id) -> body, or known absent.
    pub(crate) docs: BTreeMap<(String, String), Option<String>>,
    /// Documents put and not yet flushed (their body is in `docs`).
    pub(crate) docs_dirty: BTreeSet<(String, String)>,
    /// Collections read whole: `docs` holds every document of them.
    pub(crate) docs_complete: HashSet<String>,
    /// Id prefixes read whole, by collection: `docs` holds every document under them.
    pub(crate) prefixes_complete: HashSet<(String, String)>,

    // ---- vault
    pub(crate) index_root: Option<Option<IndexRootRecord>>,
    pub(crate) data_keys: HashMap<DataKeyId, Option<DataKeyRecord>>,
    pub(crate) key_owners: HashMap<(SubjectId, DataClass), Option<DataKeyId>>,
    /// Data keys put and not yet flushed, in order (their record is in `data_keys`).
    pub(crate) keys_dirty: Vec<DataKeyId>,
    pub(crate) keys_dirty_set: HashSet<DataKeyId>,
    /// Records put and not yet flushed, in insertion order (`records_under_key` order).
    pub(crate) records: Vec<StoredRecord>,
    pub(crate) record_pos: HashMap<hogo_domain::RecordId, usize>,
    pub(crate) index: Vec<IndexEntry>,
    /// Records read from the server (`None`: absent), for `record`.
    pub(crate) records_read: HashMap<hogo_domain::RecordId, Option<StoredRecord>>,
    /// Blind-index candidates read from the server, by (field, key version, tag); the
    /// buffered entries are merged in on every read.
    pub(crate) candidates: HashMap<(String, u32, hogo_vault::IndexTag), Vec<hogo_domain::RecordId>>,

    // ---- auth: accounts and memberships read with a session or written by this
    // transaction (accounts are shared between organisations: cached only for the
    // transaction, as a read at the moment of the session's read).
    pub(crate) accounts: HashMap<hogo_domain::StaffId, Option<hogo_auth::StaffAccount>>,
    pub(crate) memberships:
        HashMap<(hogo_domain::OrganisationId, hogo_domain::StaffId), Option<hogo_auth::Membership>>,

    /// The session the transaction was begun for (`Store::transact_with_session`), read
    /// with the begin (`None` inside: no such session); taken by the first `session` read
    /// of that token hash, dropped by any session write before it.
    pub(crate) begin_session: Option<(hogo_auth::TokenHash, Option<crate::auth::SessionRead>)>,
    /// Sessions as this transaction last read or wrote them, by token hash.
    pub(crate) sessions: HashMap<hogo_auth::TokenHash, hogo_auth::Session>,
    /// Session touches buffered (last seen, idle expiry), by token hash: an
    /// `update_session` that changes nothing else of the session as this transaction knows
    /// it is written at the flush, with those two columns only ([`crate::auth`]).
    pub(crate) touches: BTreeMap<hogo_auth::TokenHash, (String, String)>,

    // ---- bucket KEKs (wrapped), by bucket.
    pub(crate) keks: HashMap<Bucket, Option<BucketKekRecord>>,
    /// The current KEK id of a bucket and whether its destruction is pending (`None`: no
    /// KEK), read with blind-index candidates ([`crate::vault`]) before `keks` knows the
    /// bucket; dropped by every write of this transaction to the bucket's KEK rows.
    pub(crate) kek_refs: HashMap<Bucket, Option<([u8; 16], bool)>>,

    // ---- ledger
    /// The head as this transaction knows it (`Some(None)`: no head row yet).
    pub(crate) head: Option<Option<Head>>,
    /// The head row is locked `FOR UPDATE` by this transaction.
    pub(crate) head_locked: bool,
    pub(crate) head_dirty: bool,
    /// The next entry sequence and next node index per level, once read.
    pub(crate) next_seq: Option<i64>,
    pub(crate) next_idx: Option<HashMap<u8, i64>>,
    pub(crate) entries: Vec<StoredEntry>,
    pub(crate) nodes: Vec<TreeNode>,
    pub(crate) details: BTreeMap<i64, Detail>,
}

impl TxCache {
    /// The session read with the begin, if it was read for `hash` and nothing has
    /// replaced it since (`Some(None)`: read, and absent).
    pub(crate) fn take_begin_session(
        &mut self,
        hash: &hogo_auth::TokenHash,
    ) -> Option<Option<crate::auth::SessionRead>> {
        match self.begin_session.take() {
            Some((h, read)) if h == *hash => Some(read),
            other => {
                self.begin_session = other;
                None
            }
        }
    }

    /// Rows waiting in the write buffer.
    pub(crate) fn pending(&self) -> usize {
        self.docs_dirty.len()
            + self.keys_dirty.len()
            + self.records.len()
            + self.index.len()
            + self.entries.len()
            + self.nodes.len()
            + self.details.len()
            + self.touches.len()
            + usize::from(self.head_dirty)
    }
}

/// The parts of the flush statement: one data-modifying CTE per table over `UNNEST` of
/// array parameters, with the parameters it reads (`$1`, the organisation, is shared; the
/// ranges are disjoint). [`flush_statement`] joins the parts a flush needs.
const FLUSH_PARTS: [(&str, std::ops::RangeInclusive<usize>, &str); 10] = [
    (
        "d",
        2..=4,
        "INSERT INTO documents (organisation, collection, id, body)
       SELECT $1, u.c, u.i, u.b FROM UNNEST($2::text[], $3::text[], $4::text[]) AS u(c, i, b)
       ON CONFLICT (organisation, collection, id) DO UPDATE SET body = excluded.body
       RETURNING 1",
    ),
    (
        "k",
        5..=12,
        "INSERT INTO vault_data_keys
           (organisation, id, version, subject, class, bucket, kek, wrapped, commitment)
       SELECT $1, u.id, u.version, u.subject, u.class, u.bucket, u.kek, u.wrapped, u.commitment
       FROM UNNEST($5::bytea[], $6::bigint[], $7::bytea[], $8::text[], $9::text[],
                   $10::bytea[], $11::bytea[], $12::bytea[])
            AS u(id, version, subject, class, bucket, kek, wrapped, commitment)
       ON CONFLICT (organisation, id) DO UPDATE SET version = excluded.version,
           subject = excluded.subject, class = excluded.class, bucket = excluded.bucket,
           kek = excluded.kek, wrapped = excluded.wrapped, commitment = excluded.commitment
       RETURNING 1",
    ),
    (
        "r",
        13..=19,
        "INSERT INTO vault_records
           (organisation, id, subject, class, table_name, field, data_key, envelope)
       SELECT $1, u.id, u.subject, u.class, u.table_name, u.field, u.data_key, u.envelope
       FROM UNNEST($13::bytea[], $14::bytea[], $15::text[], $16::text[], $17::text[],
                   $18::bytea[], $19::bytea[]) WITH ORDINALITY
            AS u(id, subject, class, table_name, field, data_key, envelope, n)
       ORDER BY u.n
       ON CONFLICT (organisation, id) DO UPDATE SET
           subject = excluded.subject, class = excluded.class,
           table_name = excluded.table_name, field = excluded.field,
           data_key = excluded.data_key, envelope = excluded.envelope
       RETURNING 1",
    ),
    (
        "x",
        20..=23,
        "INSERT INTO vault_index (organisation, field, key_version, tag, record)
       SELECT $1, u.field, u.key_version, u.tag, u.record
       FROM UNNEST($20::text[], $21::bigint[], $22::bigint[], $23::bytea[])
            AS u(field, key_version, tag, record)
       ON CONFLICT DO NOTHING
       RETURNING 1",
    ),
    (
        "e",
        24..=29,
        "INSERT INTO ledger_entries (organisation, sequence, subject, action, entry, bytes, hash)
       SELECT $1, u.sequence, u.subject, u.action, u.entry, u.bytes, u.hash
       FROM UNNEST($24::bigint[], $25::bytea[], $26::text[], $27::text[], $28::bytea[],
                   $29::bytea[]) AS u(sequence, subject, action, entry, bytes, hash)
       ON CONFLICT DO NOTHING
       RETURNING 1",
    ),
    (
        "n",
        30..=32,
        "INSERT INTO ledger_nodes (organisation, level, idx, hash)
       SELECT $1, u.level, u.idx, u.hash
       FROM UNNEST($30::bigint[], $31::bigint[], $32::bytea[]) AS u(level, idx, hash)
       ON CONFLICT DO NOTHING
       RETURNING 1",
    ),
    (
        "t",
        33..=35,
        "INSERT INTO ledger_details (organisation, sequence, salt, text)
       SELECT $1, u.sequence, u.salt, u.text
       FROM UNNEST($33::bigint[], $34::bytea[], $35::text[]) AS u(sequence, salt, text)
       ON CONFLICT (organisation, sequence) DO UPDATE SET salt = excluded.salt,
           text = excluded.text
       RETURNING 1",
    ),
    (
        "h",
        36..=40,
        "INSERT INTO ledger_heads (organisation, size, last_hash, frontier, next_sequence,
                           next_index)
       SELECT $1, $36::bigint, $37::bytea, $38::bytea, $39::bigint, $40::bigint[]
       ON CONFLICT (organisation) DO UPDATE SET size = excluded.size,
           last_hash = excluded.last_hash, frontier = excluded.frontier,
           next_sequence = COALESCE(excluded.next_sequence, ledger_heads.next_sequence),
           next_index = COALESCE(excluded.next_index, ledger_heads.next_index)
       RETURNING 1",
    ),
    (
        "p",
        44..=45,
        "UPDATE ledger_heads SET next_sequence = $44::bigint, next_index = $45::bigint[]
       WHERE organisation = $1
       RETURNING 1",
    ),
    (
        "s",
        41..=43,
        "UPDATE auth_sessions AS a SET (last_seen_at, idle_expires_at) = (
           SELECT u.seen, u.idle
           FROM UNNEST($41::bytea[], $42::text[], $43::text[]) AS u(token_hash, seen, idle)
           WHERE u.token_hash = a.token_hash LIMIT 1)
       WHERE a.token_hash = ANY($41::bytea[])
       RETURNING 1",
    ),
];

/// Parameters of the whole statement (`$1` .. `$45`).
const FLUSH_PARAMS: usize = 45;

/// The flush statement of the parts in `mask` (bit i: `FLUSH_PARTS[i]`), parameters
/// renumbered consecutively in part order: only the tables a flush writes are planned and
/// executed (a lookup's flush writes four of the ten; each shape is a prepared statement of
/// its own, with its own cached plan). It
/// returns how many ledger entries, tree nodes and session touches were written (the
/// entries and nodes are append-only: fewer than buffered is a conflict), then the other
/// rows. Built once per shape (at most 2^10, a few hundred bytes each) and kept for the
/// process, so that the connection's statement cache can hold it.
fn flush_statement(mask: u16) -> &'static str {
    static SHAPES: OnceLock<Mutex<HashMap<u16, &'static str>>> = OnceLock::new();
    let mut shapes =
        SHAPES.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
    shapes.entry(mask).or_insert_with(|| Box::leak(build_flush(mask).into_boxed_str()))
}

fn build_flush(mask: u16) -> String {
    let included: Vec<&(&str, std::ops::RangeInclusive<usize>, &str)> =
        FLUSH_PARTS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|p| p.1).collect();
    let mut renumber: HashMap<usize, usize> = HashMap::from([(1, 1)]);
    for (_, params, _) in &included {
        for old in params.clone() {
            let next = renumber.len() + 1;
            renumber.insert(old, next);
        }
    }
    let ctes: Vec<String> = included
        .iter()
        .map(|(name, _, sql)| format!(" {name} AS ({})", renumbered(sql, &renumber)))
        .collect();
    let has = |name: &str| included.iter().any(|p| p.0 == name);
    let count = |name: &str| {
        if has(name) { format!("(SELECT COUNT(*) FROM {name})") } else { "0::bigint".to_owned() }
    };
    let rest: Vec<String> =
        ["d", "k", "r", "x", "t", "h", "p"].into_iter().filter(|n| has(n)).map(count).collect();
    let rest = if rest.is_empty() { "0::bigint".to_owned() } else { rest.join(" + ") };
    // `$1` named in every shape (the session touches alone do not use it), so that its
    // type is known.
    format!(
        "WITH\n{}\n SELECT {}, {}, {}, {rest} WHERE $1::bytea IS NOT NULL",
        ctes.join(",\n"),
        count("e"),
        count("n"),
        count("s")
    )
}

/// `sql` with every `$n` replaced by `$renumber[n]`.
fn renumbered(sql: &str, renumber: &HashMap<usize, usize>) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>().ok().and_then(|n| renumber.get(&n)) {
            Some(new) => out.push_str(&new.to_string()),
            None => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

impl TxCtx<'_> {
    /// Sends every buffered write to the server in one statement (no round trip when the
    /// buffer is empty). Called before `COMMIT` and before any read the caches cannot
    /// answer.
    pub(crate) fn flush(&self) -> Result<(), Fault> {
        let mut cache = self.cache.borrow_mut();
        if cache.pending() == 0 {
            return Ok(());
        }
        let c = &mut *cache;

        let doc_rows: Vec<(&str, &str, &str)> = c
            .docs_dirty
            .iter()
            .filter_map(|k| {
                c.docs.get(k).and_then(|b| b.as_deref()).map(|b| (k.0.as_str(), k.1.as_str(), b))
            })
            .collect();
        let d_coll: Vec<&str> = doc_rows.iter().map(|r| r.0).collect();
        let d_id: Vec<&str> = doc_rows.iter().map(|r| r.1).collect();
        let d_body: Vec<&str> = doc_rows.iter().map(|r| r.2).collect();

        let keys: Vec<&DataKeyRecord> = c
            .keys_dirty
            .iter()
            .filter_map(|id| c.data_keys.get(id).and_then(Option::as_ref))
            .collect();
        let k_id: Vec<&[u8]> = keys.iter().map(|k| k.id.0.as_bytes().as_slice()).collect();
        let k_version: Vec<i64> = keys.iter().map(|k| i64::from(k.version)).collect();
        let k_subject: Vec<&[u8]> = keys.iter().map(|k| k.subject.as_bytes().as_slice()).collect();
        let k_class: Vec<&str> = keys.iter().map(|k| k.class.id()).collect();
        let k_bucket: Vec<String> = keys.iter().map(|k| k.bucket.id()).collect();
        let k_kek: Vec<&[u8]> = keys.iter().map(|k| k.kek.0.as_bytes().as_slice()).collect();
        let k_wrapped: Vec<&[u8]> = keys.iter().map(|k| k.wrapped.as_slice()).collect();
        let k_commitment: Vec<&[u8]> = keys.iter().map(|k| k.commitment.as_slice()).collect();

        let rec = &c.records;
        let r_id: Vec<&[u8]> = rec.iter().map(|r| r.context.record.as_bytes().as_slice()).collect();
        let r_subject: Vec<&[u8]> =
            rec.iter().map(|r| r.context.subject.as_bytes().as_slice()).collect();
        let r_class: Vec<&str> = rec.iter().map(|r| r.context.class.id()).collect();
        let r_table: Vec<&str> = rec.iter().map(|r| r.context.table.as_str()).collect();
        let r_field: Vec<&str> = rec.iter().map(|r| r.context.field.as_str()).collect();
        let r_key: Vec<&[u8]> = rec.iter().map(|r| r.data_key.0.as_bytes().as_slice()).collect();
        let r_envelope: Vec<&[u8]> = rec.iter().map(|r| r.envelope.as_slice()).collect();

        let idx = &c.index;
        let x_field: Vec<&str> = idx.iter().map(|e| e.field.as_str()).collect();
        let x_version: Vec<i64> = idx.iter().map(|e| i64::from(e.key_version)).collect();
        let x_tag: Vec<i64> = idx.iter().map(|e| i64::from(e.tag.0)).collect();
        let x_record: Vec<&[u8]> = idx.iter().map(|e| e.record.as_bytes().as_slice()).collect();

        let ent = &c.entries;
        let e_seq: Vec<i64> = ent.iter().map(|e| to_i64(e.entry.sequence)).collect();
        let e_subject: Vec<Option<&[u8]>> =
            ent.iter().map(|e| e.entry.subject.as_ref().map(|s| s.as_bytes().as_slice())).collect();
        let e_action: Vec<&str> = ent.iter().map(|e| e.entry.action.id()).collect();
        let e_json: Vec<String> = ent
            .iter()
            .map(|e| serde_json::to_string(&e.entry))
            .collect::<Result<_, _>>()
            .map_err(|x| Fault::Backend(format!("encode entry: {x}")))?;
        let e_bytes: Vec<&[u8]> = ent.iter().map(|e| e.bytes.as_slice()).collect();
        let e_hash: Vec<&[u8]> = ent.iter().map(|e| e.hash.as_slice()).collect();

        let n_level: Vec<i64> = c.nodes.iter().map(|n| i64::from(n.level)).collect();
        let n_idx: Vec<i64> = c.nodes.iter().map(|n| to_i64(n.index)).collect();
        let n_hash: Vec<&[u8]> = c.nodes.iter().map(|n| n.hash.as_slice()).collect();

        let t_seq: Vec<i64> = c.details.keys().copied().collect();
        let t_salt: Vec<&[u8]> = c.details.values().map(|d| d.salt().as_slice()).collect();
        let t_text: Vec<&str> = c.details.values().map(|d| d.text().as_str()).collect();

        let head = c.head.as_ref().and_then(Option::as_ref).filter(|_| c.head_dirty);
        let h_size: Option<i64> = head.map(|h| to_i64(h.size));
        let h_last: Option<&[u8]> = head.map(|h| h.last_hash.as_slice());
        let h_frontier: Option<Vec<u8>> = head.map(|h| h.frontier.concat());
        // The next positions, when this transaction knows them (it read them before any
        // append): written with the head, or alone when only entries or nodes go out.
        let (p_seq, p_idx) = match (c.next_seq, &c.next_idx) {
            (Some(seq), Some(idx)) => (Some(seq), Some(dense_levels(idx))),
            _ => (None, None),
        };

        let s_hash: Vec<&[u8]> = c.touches.keys().map(|h| h.as_bytes().as_slice()).collect();
        let s_seen: Vec<&str> = c.touches.values().map(|t| t.0.as_str()).collect();
        let s_idle: Vec<&str> = c.touches.values().map(|t| t.1.as_str()).collect();

        let all: [&(dyn ToSql + Sync); FLUSH_PARAMS] = [
            &self.org_blob(),
            &d_coll,
            &d_id,
            &d_body,
            &k_id,
            &k_version,
            &k_subject,
            &k_class,
            &k_bucket,
            &k_kek,
            &k_wrapped,
            &k_commitment,
            &r_id,
            &r_subject,
            &r_class,
            &r_table,
            &r_field,
            &r_key,
            &r_envelope,
            &x_field,
            &x_version,
            &x_tag,
            &x_record,
            &e_seq,
            &e_subject,
            &e_action,
            &e_json,
            &e_bytes,
            &e_hash,
            &n_level,
            &n_idx,
            &n_hash,
            &t_seq,
            &t_salt,
            &t_text,
            &h_size,
            &h_last,
            &h_frontier,
            &p_seq,
            &p_idx,
            &s_hash,
            &s_seen,
            &s_idle,
            &p_seq,
            &p_idx,
        ];
        let wanted = [
            !d_coll.is_empty(),
            !keys.is_empty(),
            !rec.is_empty(),
            !idx.is_empty(),
            !ent.is_empty(),
            !c.nodes.is_empty(),
            !t_seq.is_empty(),
            h_size.is_some(),
            // The positions alone, when entries or nodes go out without the head.
            h_size.is_none() && p_seq.is_some() && (!ent.is_empty() || !c.nodes.is_empty()),
            !s_hash.is_empty(),
        ];
        let mask = wanted.iter().enumerate().fold(0u16, |m, (i, w)| m | (u16::from(*w) << i));
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![all[0]];
        for ((_, range, _), w) in FLUSH_PARTS.iter().zip(wanted) {
            if w {
                params.extend(range.clone().map(|n| all[n - 1]));
            }
        }
        let row = if mask == 0 {
            // Nothing to send (e.g. only puts of documents deleted since).
            None
        } else {
            Some(self.query(flush_statement(mask), &params)?)
        };
        if let Some(rows) = row {
            let row = rows.first().ok_or(Fault::Corrupt("flush result"))?;
            let entries: i64 = col(row, 0, "flush result")?;
            let nodes: i64 = col(row, 1, "flush result")?;
            if usize::try_from(entries).ok() != Some(c.entries.len()) {
                return Err(Fault::Conflict("ledger entry".into()));
            }
            if usize::try_from(nodes).ok() != Some(c.nodes.len()) {
                return Err(Fault::Conflict("tree node".into()));
            }
            let sessions: i64 = col(row, 2, "flush result")?;
            if usize::try_from(sessions).ok() != Some(c.touches.len()) {
                return Err(Fault::Backend("session not found".into()));
            }
        }
        c.docs_dirty.clear();
        c.keys_dirty.clear();
        c.keys_dirty_set.clear();
        c.records.clear();
        c.record_pos.clear();
        c.index.clear();
        c.entries.clear();
        c.nodes.clear();
        c.details.clear();
        c.touches.clear();
        c.head_dirty = false;
        Ok(())
    }

    /// Flushes when the buffer has grown past [`FLUSH_AT`] rows.
    pub(crate) fn maybe_flush(&self) -> Result<(), Fault> {
        if self.cache.borrow().pending() >= FLUSH_AT { self.flush() } else { Ok(()) }
    }
}

/// The next node index of levels 0, 1, … as long as they are known without a gap (the
/// head row's `next_index`; a level past its end is read from `ledger_nodes` when needed).
fn dense_levels(next: &HashMap<u8, i64>) -> Vec<i64> {
    (0..=u8::MAX).map_while(|level| next.get(&level).copied()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `$n` a statement names.
    fn named(sql: &str) -> BTreeSet<usize> {
        sql.split('$')
            .skip(1)
            .filter_map(|r| {
                r.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
            })
            .collect()
    }

    /// Invariant 1 (the flush writes what was buffered): every shape of the flush statement
    /// names its parameters `$1 ..= $k` without a gap, `k` being 1 plus the parameters of
    /// its parts (so the values [`TxCtx::flush`] passes line up), and holds exactly its parts.
    #[test]
    fn every_flush_shape_numbers_its_parameters_consecutively() {
        for mask in 1u16..(1 << FLUSH_PARTS.len()) {
            let sql = build_flush(mask);
            let parts: Vec<_> =
                FLUSH_PARTS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).collect();
            let k = 1 + parts.iter().map(|(_, p)| p.1.clone().count()).sum::<usize>();
            assert_eq!(named(&sql), (1..=k).collect(), "mask {mask:#b}:\n{sql}");
            for (i, (name, _, _)) in FLUSH_PARTS.iter().enumerate() {
                let cte = format!(" {name} AS (");
                assert_eq!(sql.contains(&cte), mask & (1 << i) != 0, "mask {mask:#b}: {name}");
            }
        }
        assert_eq!(named(&build_flush((1 << FLUSH_PARTS.len()) - 1)).len(), FLUSH_PARAMS);
    }
}
