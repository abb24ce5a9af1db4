//! Connecting: the connection pool (r2d2 over the sync `postgres` client, with a
//! per-connection prepared-statement cache), migrations with a version table (for the data
//! database and, with its own list, the key database), and error classification
//! ([`is_retryable`]).
//!
//! Migrations run each in one transaction (PostgreSQL DDL is transactional) under a
//! transaction-scoped advisory lock, so two processes connecting to a new database at once
//! cannot both run one; a database whose recorded version is newer than this build's is
//! refused ([`PgError::TooNew`]).

use std::collections::HashMap;
use std::str::FromStr;

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Statement};

/// A failure of the PostgreSQL adapter. Messages never hold row contents: database
/// errors are reported by SQLSTATE and primary message only (never `DETAIL`, which can
/// quote key values).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PgError {
    /// PostgreSQL reported an error.
    #[error("postgres: {0}")]
    Postgres(String),
    /// The connection pool failed (no connection within the timeout).
    #[error("connection pool: {0}")]
    Pool(String),
    /// The connection string does not parse.
    #[error("connection string: {0}")]
    Config(String),
    /// The database was written by a newer hogo.
    #[error("database schema version {found} is newer than this program supports ({supported})")]
    TooNew {
        /// Version found in the database.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The key database is unusable (same as the data database, unreachable).
    #[error("key database: {0}")]
    KeyStore(String),
}

impl From<postgres::Error> for PgError {
    fn from(e: postgres::Error) -> Self {
        Self::Postgres(describe(&e))
    }
}

impl From<r2d2::Error> for PgError {
    fn from(e: r2d2::Error) -> Self {
        Self::Pool(e.to_string())
    }
}

/// A driver error as text without row contents: SQLSTATE and primary message for database
/// errors (never `DETAIL`), the driver's text otherwise.
pub(crate) fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

/// Whether an error is a serialization failure (`40001`) or a deadlock (`40P01`): the
/// transaction is retried.
pub fn is_retryable(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// Whether an error is a unique / primary-key violation (`23505`).
pub(crate) fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// A list of schema migrations: `(version, description, SQL)`, in order.
pub type Migrations = &'static [(i64, &'static str, &'static str)];

/// The data database's schema migrations, in order. Each runs once, inside one
/// transaction, and is recorded in `schema_migrations`.
pub const MIGRATIONS: Migrations = &[
    (1, "initial schema", include_str!("../migrations/0001_initial.sql")),
    (
        2,
        "documents_collection index on (collection, organisation, id)",
        include_str!("../migrations/0002_documents_collection_index.sql"),
    ),
    (
        3,
        "ledger_heads keeps the next entry sequence and next node index per level",
        include_str!("../migrations/0003_ledger_head_positions.sql"),
    ),
    (
        4,
        "documents keyed by (collection, organisation, id), one index instead of two",
        include_str!("../migrations/0004_documents_key_order.sql"),
    ),
    (
        5,
        "vault indexes led by the looked-up column, organisation after it (safe generic plans)",
        include_str!("../migrations/0005_vault_indexes_led_by_the_looked_up_column.sql"),
    ),
    (
        6,
        "KEK destructions stay recorded after they are applied (applied_at)",
        include_str!("../migrations/0006_kek_destructions_kept.sql"),
    ),
];

/// The key database's schema migrations (its own `schema_migrations` table).
pub const KEY_MIGRATIONS: Migrations =
    &[(1, "bucket KEKs", include_str!("../migrations/keys/0001_keys.sql"))];

/// The advisory-lock key migrations take (a constant: "hogo" + "migr").
const MIGRATION_LOCK: i64 = 0x686f_676f_6d69_6772;

/// The newest data-database schema version this build knows.
pub fn schema_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Applies the migrations of `list` the database has not seen yet; refuses a database
/// whose recorded version is newer than the list's last. Idempotent.
pub fn migrate_with(client: &mut Client, list: Migrations) -> Result<i64, PgError> {
    let newest = list.last().map_or(0, |m| m.0);
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version     BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
        );",
    )?;
    let current: i64 =
        tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?.get(0);
    if current > newest {
        return Err(PgError::TooNew { found: current, supported: newest });
    }
    for (version, description, sql) in list {
        if current < *version {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                &[version, description],
            )?;
        }
    }
    tx.commit()?;
    Ok(newest)
}

/// A pooled connection: the client and the statements prepared on it.
pub struct PgConn {
    pub(crate) client: Client,
    pub(crate) statements: HashMap<&'static str, Statement>,
    /// The begin round trip's reads are prepared on this session (SQL `PREPARE`, see
    /// `crate::tx::OpenTx::begin`).
    pub(crate) begin_prepared: bool,
}

impl std::fmt::Debug for PgConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConn").field("prepared", &self.statements.len()).finish_non_exhaustive()
    }
}

impl PgConn {
    /// The underlying client (maintenance and tests).
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// The r2d2 connection manager: plain TCP or unix-socket connections (`NoTls`; put TLS in
/// front with a local proxy or use a unix socket) with a statement cache per connection.
#[derive(Clone)]
pub struct Manager {
    config: Config,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager").field("target", &target(&self.config)).finish_non_exhaustive()
    }
}

/// Where a configuration points, for Debug and messages (never the password).
pub(crate) fn target(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(s) => s.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .collect();
    format!("{}/{}", hosts.join(","), config.get_dbname().unwrap_or(""))
}

impl Manager {
    /// A manager for a connection string (`postgres://user@host:port/db` or key=value).
    pub fn new(url: &str) -> Result<Self, PgError> {
        let mut config = Config::from_str(url).map_err(|e| PgError::Config(e.to_string()))?;
        // PostgreSQL's default plan caching (`plan_cache_mode = auto`): a cached prepared
        // statement runs on a generic plan once that costs no more than its custom plans,
        // and keeps it until its table is next analyzed. What keeps those generic plans
        // index probes is the schema, version 5 (`migrations/0005_…`): the vault's indexes
        // lead with the column their statements look up, `organisation` after it (only
        // `vault_index`'s primary key still leads with it, and the candidates query binds
        // it four columns deep), so the index a generic plan can enter binds the
        // statement's selective column even on an empty, never-analyzed table. Up to
        // version 4 every vault table had a second index led by `organisation`; PostgreSQL
        // 15's generic plans on empty tables (a new database's first calls) took it and
        // filtered the tenant's rows, O(n) per call until autovacuum analyzed, and this
        // adapter forced a custom plan for every execution. The test
        // `lookup_statements_have_index_probe_generic_plans_before_and_after_analyze`
        // (`tests/it/migrations.rs`) checks the generic plans of the lookup path's
        // statements on empty, unanalyzed and analyzed tables: a statement or index added
        // to these tables belongs in it.
        //
        // Measured (`pg_stat_statements`, 500 lookups by number after an import, on a
        // 2-core VM): server planning per lookup 510 µs with forced custom plans on version
        // 4, 89 µs with `auto` on version 5 at 10 000 numbers; 466 and 202 µs at 2 000,
        // where `auto` still planned the candidates query per call (≈ 145 µs: its custom
        // plans, which know there is one tag, cost less than a generic plan assuming ten).
        // The blocks read per statement did not grow (the candidates: 18 → 15 per lookup).
        // Since then a lookup of one tag uses a one-row shape (`vault::CANDIDATES_OF_ONE`)
        // and the begin round trip `EXECUTE`s statements prepared once per session
        // (`tx::prepare_begin`): planning per lookup ≈ 2 µs at 10 000 and 100 000.
        //
        // `bytea_output=hex`: the begin round trip reads the session as text
        // (`tx::Columns` for simple-query rows); it is PostgreSQL's default, set here so a
        // server configured otherwise does not make that read fall back to its own round
        // trip.
        //
        // And no JIT: every statement here is short, and a batch read whose row estimate
        // is high (a range per prefix over `UNNEST`, `DocumentStore::prefetch_prefixes`)
        // crosses `jit_above_cost`: measured 10 ms of compiling for a 1 000-prefix read
        // that runs in 4 ms.
        const OPTIONS: &str = "-c jit=off -c bytea_output=hex";
        let options = match config.get_options() {
            Some(o) => format!("{o} {OPTIONS}"),
            None => OPTIONS.to_owned(),
        };
        config.options(&options);
        Ok(Self { config })
    }

    /// A manager for the key database, with PostgreSQL's defaults (plan caching `auto`, as
    /// [`Manager::new`] since schema version 5; JIT left as the server has it). Its one
    /// table, `bucket_keks`, has one index, the primary key, and every read names the
    /// whole key, so a generic plan is the same primary-key probe whatever the statistics;
    /// a custom plan only cost a planning (≈ 35–60 µs of server time) per KEK read.
    pub(crate) fn for_key_database(url: &str) -> Result<Self, PgError> {
        let config = Config::from_str(url).map_err(|e| PgError::Config(e.to_string()))?;
        Ok(Self { config })
    }

    /// The parsed configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens one unpooled client.
    pub fn client(&self) -> Result<Client, PgError> {
        Ok(self.config.connect(NoTls)?)
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConn, postgres::Error> {
        let client = self.config.connect(NoTls)?;
        Ok(PgConn { client, statements: HashMap::new(), begin_prepared: false })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}

/// The pool type.
pub type Pool = r2d2::Pool<Manager>;
