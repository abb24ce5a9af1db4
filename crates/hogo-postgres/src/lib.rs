//! # hogo-postgres
//!
//! hogo on PostgreSQL, for organisations that outgrow one file (a payroll bureau or a
//! 社労士 firm serving many client companies): every port of the [`hogo::Store`]
//! transaction (vault, ledger, auth, documents) on a **data database**, and the
//! retention-bucket KEKs in a **separate key database** that data backups never contain.
//! Plain PostgreSQL SQL only (no extension), so PostgreSQL-compatible engines can serve it.
//!
//! - [`PostgresStore::connect`]`(data_url, key_url)` migrates both databases (schema
//!   version table, refuses a newer schema) and finishes any KEK destruction a crash left
//!   pending. Connections come from an r2d2 pool.
//! - [`Store::transact`](hogo::Store::transact) runs a closure in one `READ COMMITTED`
//!   transaction holding the organisation's advisory lock; the ledger head is read
//!   `FOR UPDATE`; the closure is retried on `40001` / `40P01` ([`store`]).
//! - The two-database protocol for bucket KEKs and how to back each up: [`keys`].
//! - Migrations, the pool and error classification: [`db`].
//!
//! **Synchronous**: this crate uses the sync `postgres` client, which must not be called
//! from inside an async runtime (it would panic). Use plain threads, or
//! `spawn_blocking` from async code.
//!
//! Every organisation-scoped table leads with the organisation id and every query of the
//! vault, KEK, ledger and document handles is limited to the transaction's organisation
//! (a query naming another one is refused). Ids are 16-byte `BYTEA`.
//!
//! Durability: a commit returns once PostgreSQL has flushed it to its WAL (keep the
//! server's `synchronous_commit = on` and `fsync = on`, the defaults): the ledger is
//! evidence, as with SQLite's `synchronous=FULL`.
//!
//! ```no_run
//! use hogo::docs::DocumentStore;
//! use hogo::{Store, Tx};
//! use hogo_domain::OrganisationId;
//! use hogo_postgres::PostgresStore;
//!
//! let store = PostgresStore::connect(
//!     "postgres://hogo@localhost/hogo",
//!     "postgres://hogo_keys@localhost/hogo_keys",
//! )?;
//! let org = OrganisationId::from_uuid(uuid::Uuid::from_u128(1));
//! store.transact(org, &mut |tx: &mut Tx<'_>| tx.docs.put(org, "organisation", "settings", "{}"))?;
//! let body = store.transact(org, &mut |tx: &mut Tx<'_>| tx.docs.get(org, "organisation", "settings"))?;
//! assert_eq!(body.as_deref(), Some("{}"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod auth;
mod buffer;
pub mod db;
mod docs;
pub mod keys;
mod ledger;
pub mod store;
mod tx;
mod vault;

pub use db::PgError;

/// A throwaway cluster for tests and benchmarks (`testkit` feature only).
#[cfg(feature = "testkit")]
pub mod cluster;

/// Statement texts for the plan tests (`testkit` feature only).
#[cfg(feature = "testkit")]
#[doc(hidden)]
pub mod testkit {
    /// The blind-index candidates query (parameters: organisation, field, key version,
    /// tags).
    pub const CANDIDATES_SQL: &str = crate::vault::CANDIDATES;
    /// The candidates query of one tag (a lookup by number), for plan tests.
    pub const CANDIDATES_OF_ONE_SQL: &str = crate::vault::CANDIDATES_OF_ONE;
    /// The batch document read by ids (parameters: organisation, collection, ids).
    pub const DOCUMENTS_BY_IDS_SQL: &str = crate::docs::BY_IDS;
    /// The batch document read by id prefixes (parameters: organisation, collection,
    /// lower bounds, upper bounds).
    pub const DOCUMENTS_BY_PREFIXES_SQL: &str = crate::docs::BY_PREFIXES;
}
pub use store::{MAX_ATTEMPTS, POOL_SIZE, PostgresStore, organisation_lock_key};
