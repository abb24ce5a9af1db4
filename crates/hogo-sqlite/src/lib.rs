//! # hogo-sqlite
//!
//! The embedded default store of hogo: every port of the [`hogo::Store`] transaction
//! (vault, ledger, auth, documents) on **one SQLite data file**, and the retention-bucket
//! KEKs in a **separate key file** that data backups never contain.
//!
//! - [`SqliteStore::open`]`(data, keys)` creates or migrates both files (schema version
//!   table, refuses a newer schema) and finishes any KEK destruction a crash left pending.
//! - [`Store::transact`](hogo::Store::transact) runs a closure in one `BEGIN IMMEDIATE`
//!   transaction: all handles borrow it, commit on `Ok`, roll back on `Err`, retry on busy
//!   ([`store`]).
//! - Pragmas (WAL, `synchronous=FULL` for the ledger's durability, `secure_delete`,
//!   foreign keys, busy timeout) and why: [`db`].
//! - The two-file protocol for bucket KEKs and how to back each file up: [`keys`].
//! - Backups: [`SqliteStore::backup_to`] (data, no KEK) and
//!   [`SqliteStore::backup_keys_to`] (keys, kept apart); [`SqliteStore::integrity_check`].
//!
//! Every organisation-scoped table leads with the organisation id and every query of the
//! vault, KEK, ledger and document handles is limited to the transaction's organisation
//! (a query naming another one is refused). Ids are 16-byte BLOBs, tables are `STRICT`.
//!
//! ```
//! use hogo::docs::DocumentStore;
//! use hogo::{Store, Tx};
//! use hogo_domain::OrganisationId;
//! use hogo_sqlite::SqliteStore;
//!
//! let dir = tempfile::tempdir()?;
//! let store = SqliteStore::open(&dir.path().join("hogo.db"), &dir.path().join("keys.db"))?;
//! let org = OrganisationId::from_uuid(uuid::Uuid::from_u128(1));
//!
//! store.transact(org, &mut |tx: &mut Tx<'_>| tx.docs.put(org, "organisation", "settings", "{}"))?;
//! let body = store.transact(org, &mut |tx: &mut Tx<'_>| tx.docs.get(org, "organisation", "settings"))?;
//! assert_eq!(body.as_deref(), Some("{}"));
//! assert_eq!(store.organisations()?, vec![org]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod auth;
pub mod db;
mod docs;
pub mod keys;
mod ledger;
pub mod store;
mod tx;
mod vault;

pub use db::SqliteError;
pub use store::{MAX_ATTEMPTS, SqliteStore};
