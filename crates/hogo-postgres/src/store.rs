//! [`PostgresStore`]: the [`hogo::Store`] transaction port on a PostgreSQL data database
//! plus a separate key database.
//!
//! Each [`Store::transact`] call takes a pooled connection and opens one `READ COMMITTED`
//! transaction, then **takes a transaction-scoped advisory lock for the organisation**
//! (`pg_advisory_xact_lock(key(org))`) before running the closure — both in one round trip
//! (one simple query; the key is an integer formatted here, never caller text), which also
//! reads the organisation's settings document and blind-index root into the transaction's
//! cache (the private `tx` module's `Prefetched`). Why the lock at the start of every
//! transaction rather than around particular statements:
//!
//! - the application checks that a number is not already held (`find_number`: read the
//!   blind-index candidates, decrypt, compare) and then writes; under `READ COMMITTED`
//!   two transactions could both see "absent" and both write. The check and the write are
//!   in the same closure, so the lock must be held from before the check to the commit —
//!   and the adapter cannot know in advance which closure will check a number, so every
//!   transaction of the organisation takes it (the simplest correct choice; a lock per
//!   (organisation, index tag) would need the tag before the closure runs);
//! - it makes each organisation's transactions serial, which is what the SQLite adapter's
//!   `BEGIN IMMEDIATE` gives (there for the whole file, here per organisation: tenants do
//!   not wait on each other);
//! - the ledger head is additionally read with `SELECT … FOR UPDATE` in `lock_head`, so
//!   the chain cannot fork even for a writer that bypassed this adapter's lock.
//!
//! The lock is released by `COMMIT` / `ROLLBACK`. The closure is retried with a growing,
//! jittered backoff (at most [`MAX_ATTEMPTS`] times) when it returned [`Error::Busy`] or
//! when any statement failed with a serialization failure (`40001`) or a deadlock
//! (`40P01`) — possible on rows shared between organisations, such as staff accounts;
//! `COMMIT` itself is classified the same way.
//!
//! Within the transaction the handles cache what they read and buffer what they write
//! (the private `buffer` module); the buffer is sent in one statement before `COMMIT`, and a
//! failure there rolls back like a failure of the closure.
//!
//! After a commit that destroyed bucket KEKs, the destructions are applied to the key
//! database (see [`crate::keys`] for the two-database protocol).
//!
//! **Sync client**: the `postgres` crate drives its own small tokio runtime internally
//! and panics if called from inside another async runtime. Call this store from plain
//! threads (or `spawn_blocking`), never from an async task.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use hogo::store::{Settle, settle};
use hogo::{Error, Store, Tx};
use hogo_auth::TokenHash;
use hogo_domain::OrganisationId;

use crate::auth::PgAuth;
use crate::db::{MIGRATIONS, Manager, PgConn, PgError, Pool, describe, is_retryable, migrate_with};
use crate::docs::PgDocs;
use crate::keys::{KeyDb, PgKeks, apply_pending};
use crate::ledger::PgLedger;
use crate::tx::{Fault, OpenTx, TxCtx, begin_statements_state, uuid};
use crate::vault::PgVault;

/// How many times a busy transaction is attempted before [`Error::Busy`] is returned.
pub const MAX_ATTEMPTS: u32 = 50;

/// Connections the pool opens at most (per store).
pub const POOL_SIZE: u32 = 16;

/// hogo on PostgreSQL: every port on a data database, bucket KEKs in a separate key
/// database. `Send + Sync`: share one per process (e.g. in an `Arc`).
pub struct PostgresStore {
    pool: Pool,
    data_target: String,
    keys: KeyDb,
    #[cfg(feature = "testkit")]
    skip_key_step: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("data", &self.data_target)
            .field("keys", &self.keys.target())
            .finish_non_exhaustive()
    }
}

enum Attempt<T> {
    Done(T),
    Busy,
    /// The transaction could not begin for a reason that says nothing of the closure, so
    /// the attempt is repeated at once: the pooled connection was found closed (the
    /// server restarted, or closed an idle connection; it is dropped, not pooled again),
    /// or the session's begin statements were missing or already prepared (see
    /// `OpenTx::begin`).
    Again,
    Failed(Error),
}

fn storage(e: &postgres::Error) -> Error {
    Error::Storage(describe(e))
}

/// The connection is gone (closed, or the server is terminating it: SQLSTATE class 57P).
fn connection_lost(e: &postgres::Error) -> bool {
    e.is_closed() || e.code().is_some_and(|c| c.code().starts_with("57P"))
}

fn backoff(attempt: u32) {
    // 1 ms doubling to 64 ms, plus up to as much again of jitter so that retrying writers
    // spread out (RandomState is randomly seeded per process and per call).
    let base = 1u64 << attempt.min(6);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(attempt);
    let jitter = h.finish() % (base * 1000);
    std::thread::sleep(Duration::from_micros(base * 1000 + jitter));
}

/// The advisory-lock key of an organisation: its uuid folded to 64 bits, mixed with a
/// constant so that hogo's keys are unlikely to meet another application's. A collision
/// only makes two organisations wait on each other.
pub fn organisation_lock_key(org: OrganisationId) -> i64 {
    let b = org.as_bytes();
    let mut hi = [0u8; 8];
    let mut lo = [0u8; 8];
    hi.copy_from_slice(&b[..8]);
    lo.copy_from_slice(&b[8..]);
    let folded = u64::from_be_bytes(hi) ^ u64::from_be_bytes(lo) ^ 0x686f_676f_2d6f_7267;
    i64::from_be_bytes(folded.to_be_bytes())
}

impl PostgresStore {
    /// Connects to (and migrates) the data database at `data_url` and the key database at
    /// `key_url` (e.g. `postgres://hogo@db.example/hogo` and
    /// `postgres://hogo_keys@keys.example/hogo_keys`), then applies any KEK destruction a
    /// crash left pending.
    ///
    /// The two must be different databases (the same URL is refused). Keep the key
    /// database out of the data database's backups (see [`crate::keys`]).
    pub fn connect(data_url: &str, key_url: &str) -> Result<Self, PgError> {
        let data = Manager::new(data_url)?;
        let keys = Manager::for_key_database(key_url)?;
        if data.config().get_hosts() == keys.config().get_hosts()
            && data.config().get_ports() == keys.config().get_ports()
            && data.config().get_dbname() == keys.config().get_dbname()
        {
            return Err(PgError::KeyStore(
                "the key database must be a separate database from the data database".into(),
            ));
        }
        {
            let mut client = data.client()?;
            migrate_with(&mut client, MIGRATIONS)?;
        }
        let keys = KeyDb::connect(keys)?;
        let data_target = crate::db::target(data.config());
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(30))
            // No test query on every checkout: it was one more round trip per transaction
            // (≈ 16 % of a lookup's client CPU). A connection that has died while idle
            // fails its begin round trip instead, before anything ran, and the attempt is
            // repeated on a new connection (`Attempt::Again`).
            .test_on_check_out(false)
            .build(data)?;
        let store = Self {
            pool,
            data_target,
            keys,
            #[cfg(feature = "testkit")]
            skip_key_step: std::sync::atomic::AtomicBool::new(false),
        };
        store.apply_pending_destructions()?;
        Ok(store)
    }

    /// Takes a pooled data-database connection (maintenance; the ports go through
    /// [`Store::transact`]).
    pub fn connection(&self) -> Result<r2d2::PooledConnection<Manager>, PgError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` on the key database's connection (maintenance and tests).
    pub fn with_key_client<T>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> T,
    ) -> Result<T, PgError> {
        self.keys.with_client(f).map_err(|e| PgError::KeyStore(describe(&e)))
    }

    /// Applies KEK destructions recorded by committed transactions to the key database
    /// (done after every such commit and on connect; call it after an error was reported).
    /// Returns how many were applied.
    pub fn apply_pending_destructions(&self) -> Result<usize, PgError> {
        let mut conn = self.pool.get()?;
        apply_pending(&mut conn.client, &self.keys)
    }

    /// How many KEK destructions are recorded but not yet applied to the key database.
    pub fn pending_destructions(&self) -> Result<usize, PgError> {
        let mut conn = self.pool.get()?;
        let n: i64 = conn
            .client
            .query_one(
                "SELECT COUNT(*) FROM kek_pending_destruction WHERE applied_at IS NULL",
                &[],
            )?
            .get(0);
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Test fault injection: while `on`, commits skip the key-database step, as if the
    /// process died right after the data commit.
    #[cfg(feature = "testkit")]
    pub fn simulate_crash_before_key_step(&self, on: bool) {
        self.skip_key_step.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    fn key_step_enabled(&self) -> bool {
        #[cfg(feature = "testkit")]
        {
            !self.skip_key_step.load(std::sync::atomic::Ordering::SeqCst)
        }
        #[cfg(not(feature = "testkit"))]
        {
            true
        }
    }

    fn attempt<T>(
        &self,
        conn: &mut PgConn,
        organisation: OrganisationId,
        session: Option<&TokenHash>,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Attempt<T> {
        let PgConn { client, statements, begin_prepared } = conn;
        // Begun and locked in one round trip (see `OpenTx`).
        let lock = organisation_lock_key(organisation);
        let (tx, prefetched) =
            match OpenTx::begin(client, begin_prepared, lock, organisation, session) {
                Ok(tx) => tx,
                Err(e) if is_retryable(&e) => return Attempt::Busy,
                Err(e) if connection_lost(&e) => return Attempt::Again,
                // `begin` has set `begin_prepared` to what the session holds.
                Err(e) if begin_statements_state(&e).is_some() => return Attempt::Again,
                Err(e) => return Attempt::Failed(storage(&e)),
            };
        let ctx = TxCtx::new(tx, statements, organisation, &self.keys, prefetched);
        let result = {
            let mut vault = PgVault { ctx: &ctx };
            let mut keks = PgKeks { ctx: &ctx };
            let mut ledger = PgLedger { ctx: &ctx };
            let mut auth = PgAuth { ctx: &ctx };
            let mut docs = PgDocs { ctx: &ctx };
            let mut handles = Tx {
                organisation,
                vault: &mut vault,
                keks: &mut keks,
                ledger: &mut ledger,
                auth: &mut auth,
                docs: &mut docs,
            };
            f(&mut handles)
        };
        // The write buffer goes to the server before COMMIT (one statement).
        let result = match result {
            Ok(value) if !ctx.busy.get() => match ctx.flush() {
                Ok(()) => Ok(value),
                Err(Fault::Busy(_)) => Err(Error::Busy),
                Err(f) => Err(Error::Storage(f.to_string())),
            },
            other => other,
        };
        let (busy, destroyed) = (ctx.busy.get(), ctx.destroyed.get());
        let tx = ctx.into_transaction();
        match settle(result, busy) {
            Settle::Commit(value) => match tx.commit() {
                Ok(()) => {
                    if destroyed && self.key_step_enabled() {
                        // Step 2 of the key-database protocol. A failure leaves the rows
                        // pending: readers treat them as destroyed and `connect` re-applies.
                        let _ = apply_pending(client, &self.keys);
                    }
                    Attempt::Done(value)
                }
                Err(e) if is_retryable(&e) => Attempt::Busy,
                Err(e) => Attempt::Failed(storage(&e)),
            },
            Settle::Retry => {
                let _ = tx.rollback();
                Attempt::Busy
            }
            Settle::Fail(e) => {
                let _ = tx.rollback();
                Attempt::Failed(e)
            }
        }
    }
}

impl PostgresStore {
    /// The retry loop of [`Store::transact`] and [`Store::transact_with_session`].
    fn run<T>(
        &self,
        organisation: OrganisationId,
        session: Option<&TokenHash>,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        for attempt in 0..MAX_ATTEMPTS {
            let mut conn = self.pool.get().map_err(|e| Error::Storage(e.to_string()))?;
            match self.attempt(&mut conn, organisation, session, f) {
                Attempt::Done(v) => return Ok(v),
                Attempt::Failed(e) => return Err(e),
                Attempt::Busy => backoff(attempt),
                Attempt::Again => {
                    // A closed connection is not returned to the pool (`has_broken`). The
                    // first repeat is immediate; a server that keeps closing connections
                    // (restarting) is waited for like a busy one.
                    drop(conn);
                    if attempt > 0 {
                        backoff(attempt);
                    }
                }
            }
        }
        Err(Error::Busy)
    }
}

impl Store for PostgresStore {
    fn transact<T>(
        &self,
        organisation: OrganisationId,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.run(organisation, None, f)
    }

    /// Reads the session with the begin round trip (see the crate's `tx` module): one
    /// round trip less for every use case behind a sign-in.
    fn transact_with_session<T>(
        &self,
        organisation: OrganisationId,
        session: &TokenHash,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.run(organisation, Some(session), f)
    }

    fn organisations(&self) -> Result<Vec<OrganisationId>, Error> {
        let collection = hogo::docs::ORGANISATIONS.0;
        let mut conn = self.pool.get().map_err(|e| Error::Storage(e.to_string()))?;
        let rows = conn
            .client
            .query(
                "SELECT DISTINCT organisation FROM documents WHERE collection = $1
                 ORDER BY organisation",
                &[&collection],
            )
            .map_err(|e| if is_retryable(&e) { Error::Busy } else { storage(&e) })?;
        rows.iter()
            .map(|r| {
                let b: &[u8] = r.try_get(0).map_err(|e| storage(&e))?;
                uuid(b, "organisation id")
                    .map(OrganisationId::from_uuid)
                    .map_err(|f| Error::Storage(f.to_string()))
            })
            .collect()
    }
}
