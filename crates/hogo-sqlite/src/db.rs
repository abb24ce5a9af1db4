//! Opening the database: pragmas, migrations with a version table (for the data file and,
//! with its own list, the key file), a small connection pool, online backup, integrity
//! check and [`is_busy`]. The writing transaction with retry on `SQLITE_BUSY` is
//! [`SqliteStore::transact`](crate::SqliteStore).
//!
//! Pragmas and why:
//! - `journal_mode=WAL` — readers never block the writer; one fsync per commit.
//! - `synchronous=FULL` — a commit survives power loss. The ledger is evidence: with
//!   `NORMAL`, WAL commits since the last checkpoint may vanish on power loss, and a
//!   vanished ledger entry next to a surviving vault write would break invariant 2.
//! - `secure_delete=ON` — deleted wrapped keys and envelopes are overwritten with zeros,
//!   so an early erasure leaves no remnant in the file's free pages.
//! - `foreign_keys=ON`, `busy_timeout=5000` — and on top, the whole transaction closure is
//!   retried with backoff when SQLite still answers BUSY, so clerks never see "database is locked".

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

/// A failure of the SQLite adapter.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqliteError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer hogo.
    #[error("database schema version {found} is newer than this program supports ({supported})")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// `PRAGMA integrity_check` found problems.
    #[error("integrity check failed: {0}")]
    Integrity(String),
    /// The key file is unusable (same path as the data file, loose permissions, I/O).
    #[error("key file: {0}")]
    KeyFile(String),
    /// The database stayed busy through every retry.
    #[error("database busy after {0} attempts")]
    Busy(u32),
}

/// A list of schema migrations: `(version, description, SQL)`, in order.
pub type Migrations = &'static [(i64, &'static str, &'static str)];

/// The data file's schema migrations, in order. Each runs once, inside one transaction,
/// and is recorded in `schema_migrations`.
pub const MIGRATIONS: Migrations =
    &[(1, "initial schema", include_str!("../migrations/0001_initial.sql"))];

/// The key file's schema migrations (its own `schema_migrations` table, in its own file).
pub const KEY_MIGRATIONS: Migrations =
    &[(1, "bucket KEKs", include_str!("../migrations/keys/0001_keys.sql"))];

/// The newest data-file schema version this build knows.
pub fn schema_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Sets the pragmas listed in the module docs on a fresh connection.
pub(crate) fn configure(conn: &Connection) -> Result<(), SqliteError> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Applies the data-file migrations the file has not seen yet; refuses a file written by a
/// newer schema ([`SqliteError::TooNew`]). Idempotent.
pub fn migrate(conn: &mut Connection) -> Result<i64, SqliteError> {
    migrate_with(conn, MIGRATIONS)
}

/// Applies the migrations of `list` the file has not seen yet (the data file's or the key
/// file's); refuses a file whose recorded version is newer than the list's last.
pub fn migrate_with(conn: &mut Connection, list: Migrations) -> Result<i64, SqliteError> {
    let newest = list.last().map_or(0, |m| m.0);
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        ) STRICT;",
    )?;
    // Read the version inside the writing transaction, so two processes opening the same
    // new file at once cannot both run a migration.
    for (version, description, sql) in list {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 =
            tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| {
                r.get(0)
            })?;
        if current > newest {
            return Err(SqliteError::TooNew { found: current, supported: newest });
        }
        if current < *version {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (?1, ?2)",
                rusqlite::params![version, description],
            )?;
        }
        tx.commit()?;
    }
    if list.is_empty() {
        let current: i64 =
            conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| {
                r.get(0)
            })?;
        if current > newest {
            return Err(SqliteError::TooNew { found: current, supported: newest });
        }
    }
    Ok(newest)
}

/// A small pool of connections to one file: each writer takes its own connection.
#[derive(Debug)]
pub struct Database {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Database {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, SqliteError> {
        let mut conn = Self::connect(path)?;
        migrate(&mut conn)?;
        Ok(Self { path: path.to_owned(), idle: Mutex::new(vec![conn]) })
    }

    /// Opens one more configured connection to `path` (not pooled).
    pub(crate) fn connect(path: &Path) -> Result<Connection, SqliteError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        Ok(conn)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes a connection from the pool (or opens one), runs `f`, puts it back.
    pub fn with_connection<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> T,
    ) -> Result<T, SqliteError> {
        let pooled = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => Self::connect(&self.path)?,
        };
        let out = f(&mut conn);
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(conn);
        Ok(out)
    }

    /// Copies the live database to `dest` as one consistent snapshot (`VACUUM INTO`, safe
    /// while others write; the copy has no free pages holding deleted data). Key files are
    /// separate and are not included: back them up apart.
    pub fn backup_to(&self, dest: &Path) -> Result<(), SqliteError> {
        let dest = dest.to_string_lossy().into_owned();
        self.with_connection(|conn| {
            conn.execute("VACUUM INTO ?1", [dest])?;
            Ok::<(), SqliteError>(())
        })?
    }

    /// Runs `PRAGMA integrity_check` and `foreign_key_check`.
    pub fn integrity_check(&self) -> Result<(), SqliteError> {
        self.with_connection(|conn| {
            let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if result != "ok" {
                return Err(SqliteError::Integrity(result));
            }
            let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
            let bad = stmt.query_map([], |r| r.get::<_, String>(0))?.count();
            if bad > 0 {
                return Err(SqliteError::Integrity(format!("{bad} foreign-key violations")));
            }
            Ok(())
        })?
    }
}

/// Whether an error is SQLite's BUSY / LOCKED, which the caller retries.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
