//! [`SqliteStore`]: the [`hogo::Store`] transaction port on one SQLite data file plus a
//! separate key file.
//!
//! Each [`Store::transact`] call takes a pooled connection, opens `BEGIN IMMEDIATE` (the
//! write lock, held to the end: this is what makes the ledger's `lock_head` a lock),
//! builds the five handles over the same transaction, runs the closure, then commits on
//! `Ok` and rolls back on `Err`. The whole closure is retried with a growing, jittered
//! backoff (at most [`MAX_ATTEMPTS`] times) when it returned [`Error::Busy`] or when any
//! handle saw `SQLITE_BUSY` / `SQLITE_LOCKED` during the attempt (a shared flag, since
//! not every port's error type can say "busy"); `BEGIN` and `COMMIT` themselves are
//! retried the same way. So clerks never see "database is locked": at worst, after every
//! attempt, [`Error::Busy`].
//!
//! After a commit that destroyed bucket KEKs, the destructions are applied to the key
//! file (see [`crate::keys`] for the two-file protocol).

use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::time::Duration;

use hogo::store::{Settle, settle};
use hogo::{Error, Store, Tx};
use hogo_domain::OrganisationId;
use rusqlite::{Connection, TransactionBehavior};

use crate::auth::SqlAuth;
use crate::db::{Database, SqliteError, is_busy};
use crate::docs::{SqlDocs, app_err};
use crate::keys::{KeyFile, SqlKeks, apply_pending};
use crate::ledger::SqlLedger;
use crate::tx::{TxCtx, uuid};
use crate::vault::SqlVault;

/// How many times a busy transaction is attempted before [`Error::Busy`] is returned.
pub const MAX_ATTEMPTS: u32 = 50;

/// The embedded default store: every port on one SQLite data file, bucket KEKs in a
/// separate key file. `Send + Sync`: share one per process (e.g. in an `Arc`).
pub struct SqliteStore {
    db: Database,
    keys: KeyFile,
    #[cfg(feature = "testkit")]
    skip_key_step: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("data", &self.db.path())
            .field("keys", &self.keys.path())
            .finish_non_exhaustive()
    }
}

enum Attempt<T> {
    Done(T),
    Busy,
    Failed(Error),
}

fn storage(e: &rusqlite::Error) -> Error {
    Error::Storage(e.to_string())
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

impl SqliteStore {
    /// Opens (creating and migrating if needed) the data file at `data_path` and the key
    /// file at `key_store_path` (created with mode 0600; an existing one readable by
    /// others is refused), then applies any KEK destruction a crash left pending.
    ///
    /// The two paths must differ. Put the key file where data backups do not reach (see
    /// [`crate::keys`]).
    pub fn open(data_path: &Path, key_store_path: &Path) -> Result<Self, SqliteError> {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
        if abs(data_path) == abs(key_store_path) {
            return Err(SqliteError::KeyFile(
                "the key file must be a separate file from the data file".into(),
            ));
        }
        let db = Database::open(data_path)?;
        let keys = KeyFile::open(key_store_path)?;
        let store = Self {
            db,
            keys,
            #[cfg(feature = "testkit")]
            skip_key_step: std::sync::atomic::AtomicBool::new(false),
        };
        store.apply_pending_destructions()?;
        Ok(store)
    }

    /// The data file's path.
    pub fn data_path(&self) -> &Path {
        self.db.path()
    }

    /// The key file's path.
    pub fn key_store_path(&self) -> &Path {
        self.keys.path()
    }

    /// The data file's connection pool (maintenance; the ports go through
    /// [`Store::transact`]).
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Copies the data file to `dest` (`VACUUM INTO`: one consistent snapshot, safe while
    /// others write, no free pages). It holds **no bucket KEK**: back the key file up
    /// apart with [`SqliteStore::backup_keys_to`].
    pub fn backup_to(&self, dest: &Path) -> Result<(), SqliteError> {
        self.db.backup_to(dest)
    }

    /// Copies the key file to `dest`. Keep key-file backups apart from data backups, on
    /// their own short rotation: an old one still holds KEKs shredded since.
    pub fn backup_keys_to(&self, dest: &Path) -> Result<(), SqliteError> {
        Ok(self.keys.backup_to(dest)?)
    }

    /// `PRAGMA integrity_check` and `foreign_key_check` on the data file, and
    /// `integrity_check` on the key file.
    pub fn integrity_check(&self) -> Result<(), SqliteError> {
        self.db.integrity_check()?;
        let result: String = self
            .keys
            .with_connection(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0)))?;
        if result != "ok" {
            return Err(SqliteError::Integrity(format!("key file: {result}")));
        }
        Ok(())
    }

    /// Applies KEK destructions recorded by committed transactions to the key file (done
    /// after every such commit and on open; call it after an error was reported).
    /// Returns how many were applied.
    pub fn apply_pending_destructions(&self) -> Result<usize, SqliteError> {
        self.db.with_connection(|conn| apply_pending(conn, &self.keys))?
    }

    /// How many KEK destructions are recorded but not yet applied to the key file.
    pub fn pending_destructions(&self) -> Result<usize, SqliteError> {
        self.db
            .with_connection(|conn| {
                conn.query_row("SELECT COUNT(*) FROM kek_pending_destruction", [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| usize::try_from(n).unwrap_or(0))
            })?
            .map_err(SqliteError::from)
    }

    /// Test fault injection: while `on`, commits skip the key-file step, as if the
    /// process died right after the main commit.
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
        conn: &mut Connection,
        organisation: OrganisationId,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Attempt<T> {
        let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) if is_busy(&e) => return Attempt::Busy,
            Err(e) => return Attempt::Failed(storage(&e)),
        };
        let (result, busy, destroyed) = {
            let ctx = TxCtx::new(&tx, organisation, &self.keys);
            let result = {
                let mut vault = SqlVault { ctx: &ctx };
                let mut keks = SqlKeks { ctx: &ctx };
                let mut ledger = SqlLedger { ctx: &ctx };
                let mut auth = SqlAuth { ctx: &ctx };
                let mut docs = SqlDocs { ctx: &ctx };
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
            (result, ctx.busy.get(), ctx.destroyed.get())
        };
        match settle(result, busy) {
            Settle::Commit(value) => match tx.commit() {
                Ok(()) => {
                    if destroyed && self.key_step_enabled() {
                        // Step 2 of the key-file protocol. A failure leaves the rows
                        // pending: readers treat them as destroyed and `open` re-applies.
                        let _ = apply_pending(conn, &self.keys);
                    }
                    Attempt::Done(value)
                }
                Err(e) if is_busy(&e) => Attempt::Busy,
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

impl Store for SqliteStore {
    fn transact<T>(
        &self,
        organisation: OrganisationId,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        for attempt in 0..MAX_ATTEMPTS {
            let outcome = self
                .db
                .with_connection(|conn| self.attempt(conn, organisation, f))
                .map_err(|e| Error::Storage(e.to_string()))?;
            match outcome {
                Attempt::Done(v) => return Ok(v),
                Attempt::Failed(e) => return Err(e),
                Attempt::Busy => backoff(attempt),
            }
        }
        Err(Error::Busy)
    }

    fn organisations(&self) -> Result<Vec<OrganisationId>, Error> {
        let collection = hogo::docs::ORGANISATIONS.0;
        self.db
            .with_connection(|conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT DISTINCT organisation FROM documents WHERE collection = ?1
                     ORDER BY organisation",
                )?;
                let rows = stmt.query_map([collection], |r| r.get::<_, [u8; 16]>(0))?;
                rows.map(|r| r.map(|b| OrganisationId::from_uuid(uuid(b))))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| Error::Storage(e.to_string()))?
            .map_err(|e| {
                if is_busy(&e) {
                    app_err(crate::tx::Fault::Busy(e.to_string()))
                } else {
                    storage(&e)
                }
            })
    }
}
