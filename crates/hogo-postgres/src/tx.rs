//! The context every handle of one transaction borrows: the open `postgres` transaction
//! (in a `RefCell`: the ports read through `&self`), the connection's statement cache, the
//! organisation it is scoped to, the key database, and the flags the retry loop reads
//! after the closure returns (a handle saw a serialization failure or deadlock; the
//! transaction recorded KEK destructions to apply after commit), and the transaction's
//! caches and write buffer ([`crate::buffer`]).
//!
//! Also the small codecs shared by the handles (uuids as 16-byte `BYTEA`, times as RFC 3339
//! text) and [`Fault`], the adapter's error before it is mapped into each port's type.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use hogo_auth::TokenHash;
use hogo_domain::OrganisationId;
use hogo_ledger::Head;
use hogo_vault::{IndexRootRecord, KeyVersion, WrappedKey};
use postgres::types::{FromSql, ToSql};
use postgres::{Client, Row, SimpleQueryMessage, SimpleQueryRow, Statement};
use uuid::Uuid;

use crate::auth::SessionRead;
use crate::buffer::TxCache;
use crate::db::{describe, is_retryable, is_unique_violation};
use crate::keys::KeyDb;

/// Statement parameters.
pub(crate) type Params<'p> = [&'p (dyn ToSql + Sync)];

/// An adapter failure before it is mapped into a port's error type. Messages never hold
/// row contents (see [`describe`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Serialization failure or deadlock: the transaction is retried.
    Busy(String),
    /// A unique key already exists.
    Conflict(String),
    /// A stored row does not decode.
    Corrupt(&'static str),
    /// Anything else (including a query for another organisation than the handle's).
    Backend(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Busy(m) => write!(f, "busy: {m}"),
            Self::Conflict(m) => write!(f, "{m} already exists"),
            Self::Corrupt(what) => write!(f, "stored {what} is corrupt"),
            Self::Backend(m) => f.write_str(m),
        }
    }
}

/// A transaction open on a pooled connection, begun and locked for its organisation in
/// **one** round trip: `START TRANSACTION ISOLATION LEVEL READ COMMITTED` and
/// `pg_advisory_xact_lock(key)` sent together as one simple query, with three reads most
/// transactions make next (see [`Prefetched`]). Everything in that text is formatted by
/// this adapter from an integer, the organisation's id in hex and constants — never
/// caller text (the session's token hash, when the transaction is begun for one, is hex
/// of the hash too). Dropped without [`OpenTx::commit`] or [`OpenTx::rollback`] (an error
/// path, a panic in the closure), it rolls back, so a connection never goes back to the
/// pool inside a transaction.
pub(crate) struct OpenTx<'c> {
    client: &'c mut Client,
    open: bool,
}

/// The rows the begin round trip reads after the lock is held (so they are as current as
/// any later read of the transaction, and only this transaction's own writes can change
/// them before it ends): the organisation's settings document, which nearly every use case
/// reads first, its blind-index root, which every number lookup and collection reads, and
/// its ledger head, locked `FOR UPDATE` with its next positions, since every use case
/// appends a ledger entry (the advisory lock already serialises the organisation, so the
/// row lock adds no waiting); and, for a transaction begun for a session
/// (`Store::transact_with_session`), that session with its account and membership, which
/// the use case resolves first. Each costs one index probe on the server (the statements
/// are prepared once per database session, see [`prepare_begin`]) and saves the round trip
/// of its own read; a transaction that reads none of them pays the probes only. `None`:
/// not known (absent rows are `Some(None)`).
#[derive(Default)]
pub(crate) struct Prefetched {
    pub(crate) settings: Option<Option<String>>,
    pub(crate) index_root: Option<Option<IndexRootRecord>>,
    /// The head, locked, and its kept next positions (`None` when the row keeps none).
    pub(crate) head: Option<Option<(Head, Option<Positions>)>>,
    /// The session the transaction was begun for, with its account and membership
    /// (`Store::transact_with_session`).
    pub(crate) session: Option<(TokenHash, Option<SessionRead>)>,
}

/// The next entry sequence and the next node index per level kept in the head row.
pub(crate) type Positions = (i64, HashMap<u8, i64>);

/// A ledger head from its text columns (size, last hash and frontier in hex, next
/// sequence, next indexes comma-separated); `None` if any column does not decode (the
/// ledger's own read then reports it).
fn head_text(row: &SimpleQueryRow, org: OrganisationId) -> Option<(Head, Option<Positions>)> {
    let int = |s: &str| s.parse::<i64>().ok();
    let head =
        crate::ledger::head_of(org, int(row.get(0)?)?, &unhex(row.get(1)?)?, &unhex(row.get(2)?)?)
            .ok()?;
    let per_level = match row.get(4) {
        Some("") => Some(Vec::new()),
        Some(list) => Some(list.split(',').map(int).collect::<Option<Vec<i64>>>()?),
        None => None,
    };
    let seq = match row.get(3) {
        Some(t) => Some(int(t)?),
        None => None,
    };
    let positions = crate::ledger::positions_of(seq, per_level).ok()?;
    Some((head, positions))
}

/// The collection and id of the organisation's settings document (`hogo::docs`).
pub(crate) const SETTINGS: (&str, &str) = (hogo::docs::ORGANISATIONS.0, "settings");

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// An index root from its text columns (version, bits, root version, wrapped in hex).
fn index_root_text(row: &SimpleQueryRow) -> Option<IndexRootRecord> {
    let int = |i: usize| row.get(i).and_then(|v| v.parse::<u32>().ok());
    Some(IndexRootRecord {
        version: int(0)?,
        bits: u8::try_from(int(1)?).ok()?,
        wrapped: WrappedKey { version: KeyVersion(int(2)?), bytes: unhex(row.get(3)?)? },
    })
}

/// The begin round trip's statements, prepared once per session with SQL `PREPARE` (sent
/// in front of the session's first begin, in the same round trip). A simple query carries
/// no bind parameters, but it can `EXECUTE` a prepared statement: each read of the begin is
/// then parsed and planned once per session instead of once per transaction (measured:
/// parsing, analysing and planning the four statements of the text was ≈ 10 % of the
/// server's time per lookup by number).
fn prepare_begin() -> String {
    BEGIN_STATEMENTS
        .iter()
        .map(|(name, types, sql)| format!("PREPARE {name}({types}) AS {sql}; "))
        .collect()
}

/// The statements [`prepare_begin`] prepares, in order — name, parameter types, text (each
/// completes with its own message).
const BEGIN_STATEMENTS: [(&str, &str, &str); 5] = [
    ("hogo_begin_lock", "bigint", "SELECT pg_advisory_xact_lock($1)"),
    (
        "hogo_begin_settings",
        "bytea, text, text",
        "SELECT body FROM documents WHERE organisation = $1 AND collection = $2 AND id = $3",
    ),
    (
        "hogo_begin_index_root",
        "bytea",
        "SELECT version, bits, root_version, encode(wrapped, 'hex') FROM vault_index_roots \
         WHERE organisation = $1",
    ),
    (
        "hogo_begin_head",
        "bytea",
        "SELECT size, encode(last_hash, 'hex'), encode(frontier, 'hex'), next_sequence, \
                array_to_string(next_index, ',') FROM ledger_heads \
         WHERE organisation = $1 FOR UPDATE",
    ),
    ("hogo_begin_session", "bytea", crate::auth::SESSION_ACCOUNT_MEMBERSHIP),
];
const PREPARED_AT_BEGIN: i64 = BEGIN_STATEMENTS.len() as i64;

/// Drops whichever of the begin statements the session still has (one statement each, errors
/// ignored: rare, after a begin found one missing), so that the next begin prepares all.
fn forget_begin_statements(client: &mut Client) {
    for (name, _, _) in BEGIN_STATEMENTS {
        let _ = client.batch_execute(&format!("DEALLOCATE {name}"));
    }
}

/// What a failed begin says of the session's [`prepare_begin`] statements: `Some(false)`
/// when one is missing (SQLSTATE 26000, e.g. after a `DEALLOCATE` on a maintenance
/// checkout), `Some(true)` when they were there already (42P05: an earlier begin failed
/// after preparing them). [`OpenTx::begin`] sets its `prepared` flag accordingly (after
/// dropping the remaining ones in the first case) and the caller begins again.
pub(crate) fn begin_statements_state(e: &postgres::Error) -> Option<bool> {
    match e.code().map(postgres::error::SqlState::code) {
        Some("26000") => Some(false),
        Some("42P05") => Some(true),
        _ => None,
    }
}

impl<'c> OpenTx<'c> {
    /// Starts a `READ COMMITTED` transaction holding the advisory lock `lock_key` and reads
    /// what [`Prefetched`] lists for `org` — and the session stored under `session`, when
    /// given. `prepared`: whether [`prepare_begin`] has run on this database session (it
    /// is sent first, and `prepared` set, when not).
    pub(crate) fn begin(
        client: &'c mut Client,
        prepared: &mut bool,
        lock_key: i64,
        org: OrganisationId,
        session: Option<&TokenHash>,
    ) -> Result<(Self, Prefetched), postgres::Error> {
        // The guard exists before the first byte is sent: a lock that fails (deadlock,
        // cancel) leaves an aborted transaction behind, which the drop rolls back.
        let tx = Self { client, open: true };
        let org_id = org;
        let org = hex(org.as_bytes());
        let (collection, id) = SETTINGS;
        // Constants of this crate and of `hogo::docs`: plain identifiers, no quoting needed.
        debug_assert!(
            [collection, id]
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        );
        let prepare = if *prepared { String::new() } else { prepare_begin() };
        // The token hash (never the token) in hex, formatted here like the organisation.
        let read_session = session.map_or_else(String::new, |h| {
            format!("; EXECUTE hogo_begin_session(decode('{}', 'hex'))", hex(h.as_bytes()))
        });
        let sent = tx.client.simple_query(&format!(
            "{prepare}START TRANSACTION ISOLATION LEVEL READ COMMITTED; \
             EXECUTE hogo_begin_lock({lock_key}); \
             EXECUTE hogo_begin_settings(decode('{org}', 'hex'), '{collection}', '{id}'); \
             EXECUTE hogo_begin_index_root(decode('{org}', 'hex')); \
             EXECUTE hogo_begin_head(decode('{org}', 'hex')){read_session}"
        ));
        let messages = match sent {
            Ok(messages) => messages,
            Err(e) => {
                match begin_statements_state(&e) {
                    Some(false) => {
                        // Out of the failed transaction first: DEALLOCATE would be refused.
                        let mut tx = tx;
                        tx.open = false;
                        let _ = tx.client.batch_execute("ROLLBACK");
                        forget_begin_statements(tx.client);
                        *prepared = false;
                    }
                    Some(true) => *prepared = true,
                    None => {}
                }
                return Err(e);
            }
        };
        *prepared = true;
        let mut pre = Prefetched {
            settings: Some(None),
            index_root: Some(None),
            head: Some(None),
            session: session.map(|h| (*h, None)),
        };
        // Statements complete in order: the PREPAREs (when sent), then 0 START, 1 the lock,
        // 2 settings, 3 the index root, 4 the ledger head, 5 the session (when asked).
        let mut statement = if prepare.is_empty() { 0 } else { -PREPARED_AT_BEGIN };
        for m in &messages {
            match m {
                SimpleQueryMessage::CommandComplete(_) => statement += 1,
                SimpleQueryMessage::Row(row) if statement == 2 => {
                    pre.settings = row.get(0).map(|b| Some(b.to_owned()));
                }
                SimpleQueryMessage::Row(row) if statement == 3 => {
                    // A row that does not decode is left to the vault's own read to report.
                    pre.index_root = index_root_text(row).map(Some);
                }
                SimpleQueryMessage::Row(row) if statement == 4 => {
                    // Likewise for the ledger's own read (`lock_head`).
                    pre.head = head_text(row, org_id).map(Some);
                }
                SimpleQueryMessage::Row(row) if statement == 5 => {
                    // Likewise for the auth handle's own read (`session`).
                    pre.session = match (session, crate::auth::session_read(row)) {
                        (Some(h), Ok(read)) => Some((*h, Some(read))),
                        _ => None,
                    };
                }
                _ => {}
            }
        }
        if statement != if session.is_some() { 6 } else { 5 } {
            pre = Prefetched::default();
        }
        Ok((tx, pre))
    }

    /// Commits (the lock is released with it).
    pub(crate) fn commit(mut self) -> Result<(), postgres::Error> {
        self.open = false;
        self.client.batch_execute("COMMIT")
    }

    /// Rolls back (the lock is released with it).
    pub(crate) fn rollback(mut self) -> Result<(), postgres::Error> {
        self.open = false;
        self.client.batch_execute("ROLLBACK")
    }
}

impl Drop for OpenTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

/// Everything the handles of one transaction share.
pub(crate) struct TxCtx<'c> {
    tx: RefCell<OpenTx<'c>>,
    statements: RefCell<&'c mut HashMap<&'static str, Statement>>,
    /// The organisation every organisation-scoped query is limited to.
    pub(crate) org: OrganisationId,
    /// The bucket-KEK database.
    pub(crate) keys: &'c KeyDb,
    /// A handle saw 40001/40P01 during this attempt: retry it whatever the closure says.
    pub(crate) busy: Cell<bool>,
    /// The transaction recorded KEK destructions: apply them to the key database after commit.
    pub(crate) destroyed: Cell<bool>,
    /// Rows read or written by this transaction, and its write buffer ([`crate::buffer`]).
    pub(crate) cache: RefCell<TxCache>,
}

impl<'c> TxCtx<'c> {
    pub(crate) fn new(
        tx: OpenTx<'c>,
        statements: &'c mut HashMap<&'static str, Statement>,
        org: OrganisationId,
        keys: &'c KeyDb,
        prefetched: Prefetched,
    ) -> Self {
        let mut cache = TxCache::default();
        if let Some(settings) = prefetched.settings {
            cache.docs.insert((SETTINGS.0.to_owned(), SETTINGS.1.to_owned()), settings);
        }
        cache.index_root = prefetched.index_root;
        cache.begin_session = prefetched.session;
        if let Some(head) = prefetched.head {
            cache.head_locked = true;
            cache.head = Some(head.as_ref().map(|(h, _)| h.clone()));
            if let Some((_, Some((seq, idx)))) = head {
                cache.next_seq = Some(seq);
                cache.next_idx = Some(idx);
            }
        }
        Self {
            tx: RefCell::new(tx),
            statements: RefCell::new(statements),
            org,
            keys,
            busy: Cell::new(false),
            destroyed: Cell::new(false),
            cache: RefCell::new(cache),
        }
    }

    /// The open transaction, to commit or roll back.
    pub(crate) fn into_transaction(self) -> OpenTx<'c> {
        self.tx.into_inner()
    }

    /// The organisation as stored (16 bytes).
    pub(crate) fn org_blob(&self) -> &[u8] {
        self.org.as_bytes()
    }

    fn statement(&self, sql: &'static str) -> Result<Statement, Fault> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = self.check(self.tx.borrow_mut().client.prepare(sql))?;
        self.statements.borrow_mut().insert(sql, s.clone());
        Ok(s)
    }

    /// Runs a (cached, prepared) query.
    pub(crate) fn query(&self, sql: &'static str, params: &Params<'_>) -> Result<Vec<Row>, Fault> {
        let s = self.statement(sql)?;
        self.check(self.tx.borrow_mut().client.query(&s, params))
    }

    /// Runs a query expected to return at most one row.
    pub(crate) fn opt(&self, sql: &'static str, params: &Params<'_>) -> Result<Option<Row>, Fault> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs a (cached, prepared) statement; returns the rows affected.
    pub(crate) fn exec(&self, sql: &'static str, params: &Params<'_>) -> Result<u64, Fault> {
        let s = self.statement(sql)?;
        self.check(self.tx.borrow_mut().client.execute(&s, params))
    }

    /// Maps a driver result, remembering a retryable failure for the retry loop.
    pub(crate) fn check<T>(&self, r: Result<T, postgres::Error>) -> Result<T, Fault> {
        r.map_err(|e| self.fault(&e))
    }

    /// Classifies a driver error, remembering a retryable failure for the retry loop.
    pub(crate) fn fault(&self, e: &postgres::Error) -> Fault {
        if is_retryable(e) {
            self.busy.set(true);
            Fault::Busy(describe(e))
        } else if is_unique_violation(e) {
            Fault::Conflict("row".into())
        } else {
            Fault::Backend(describe(e))
        }
    }

    /// Refuses a query for another organisation than the transaction's.
    pub(crate) fn scope(&self, organisation: OrganisationId) -> Result<(), Fault> {
        if organisation == self.org {
            Ok(())
        } else {
            Err(Fault::Backend(format!(
                "organisation scoping: this transaction is for organisation {}, not {}",
                self.org.as_uuid(),
                organisation.as_uuid()
            )))
        }
    }
}

/// Reads column `i` of a row; a type mismatch is a corrupt row.
pub(crate) fn col<'a, T: FromSql<'a>>(
    row: &'a Row,
    i: usize,
    what: &'static str,
) -> Result<T, Fault> {
    row.try_get(i).map_err(|_| Fault::Corrupt(what))
}

/// The columns of a result row as the extended protocol returns them (binary, [`Row`]) or
/// a simple query (text, [`SimpleQueryRow`]: `BYTEA` as `\x` and hex, booleans `t` / `f`),
/// so that one decoder serves a row read either way. A value that does not decode is a
/// corrupt row.
pub(crate) trait Columns {
    fn text(&self, i: usize, what: &'static str) -> Result<Option<&str>, Fault>;
    fn bytes(&self, i: usize, what: &'static str) -> Result<Option<Vec<u8>>, Fault>;
    fn int(&self, i: usize, what: &'static str) -> Result<Option<i64>, Fault>;
    fn flag(&self, i: usize, what: &'static str) -> Result<Option<bool>, Fault>;

    /// A 16-byte id column that must be present.
    fn id(&self, i: usize, what: &'static str) -> Result<Uuid, Fault> {
        uuid(&need(self.bytes(i, what)?, what)?, what)
    }
}

/// A column that must not be NULL.
pub(crate) fn need<T>(value: Option<T>, what: &'static str) -> Result<T, Fault> {
    value.ok_or(Fault::Corrupt(what))
}

impl Columns for Row {
    fn text(&self, i: usize, what: &'static str) -> Result<Option<&str>, Fault> {
        col(self, i, what)
    }
    fn bytes(&self, i: usize, what: &'static str) -> Result<Option<Vec<u8>>, Fault> {
        Ok(col::<Option<&[u8]>>(self, i, what)?.map(<[u8]>::to_vec))
    }
    fn int(&self, i: usize, what: &'static str) -> Result<Option<i64>, Fault> {
        col(self, i, what)
    }
    fn flag(&self, i: usize, what: &'static str) -> Result<Option<bool>, Fault> {
        col(self, i, what)
    }
}

impl Columns for SimpleQueryRow {
    fn text(&self, i: usize, what: &'static str) -> Result<Option<&str>, Fault> {
        self.try_get(i).map_err(|_| Fault::Corrupt(what))
    }
    fn bytes(&self, i: usize, what: &'static str) -> Result<Option<Vec<u8>>, Fault> {
        self.text(i, what)?
            .map(|t| t.strip_prefix("\\x").and_then(unhex).ok_or(Fault::Corrupt(what)))
            .transpose()
    }
    fn int(&self, i: usize, what: &'static str) -> Result<Option<i64>, Fault> {
        self.text(i, what)?.map(|t| t.parse().map_err(|_| Fault::Corrupt(what))).transpose()
    }
    fn flag(&self, i: usize, what: &'static str) -> Result<Option<bool>, Fault> {
        self.text(i, what)?
            .map(|t| match t {
                "t" => Ok(true),
                "f" => Ok(false),
                _ => Err(Fault::Corrupt(what)),
            })
            .transpose()
    }
}

/// A uuid from a 16-byte `BYTEA`.
pub(crate) fn uuid(bytes: &[u8], what: &'static str) -> Result<Uuid, Fault> {
    Uuid::from_slice(bytes).map_err(|_| Fault::Corrupt(what))
}

/// Reads a 16-byte id column.
pub(crate) fn uuid_col(row: &Row, i: usize, what: &'static str) -> Result<Uuid, Fault> {
    uuid(col::<&[u8]>(row, i, what)?, what)
}

/// An `i64` column from a `u64` (positions and sizes beyond `i64::MAX` saturate).
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A `u64` from an `i64` column (negative values are corrupt).
pub(crate) fn to_u64(v: i64, what: &'static str) -> Result<u64, Fault> {
    u64::try_from(v).map_err(|_| Fault::Corrupt(what))
}

/// A `u32` from an `i64` column.
pub(crate) fn to_u32(v: i64, what: &'static str) -> Result<u32, Fault> {
    u32::try_from(v).map_err(|_| Fault::Corrupt(what))
}

/// A time as stored: RFC 3339, UTC, exact precision.
pub(crate) fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A stored time.
pub(crate) fn parse_time(s: &str, what: &'static str) -> Result<DateTime<Utc>, Fault> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|_| Fault::Corrupt(what))
}

/// A fixed-size array from a `BYTEA` column.
pub(crate) fn array<const N: usize>(v: &[u8], what: &'static str) -> Result<[u8; N], Fault> {
    <[u8; N]>::try_from(v).map_err(|_| Fault::Corrupt(what))
}
