//! Integration tests of the SQLite store: the shared store suite (memory and SQLite),
//! per-port conformance with the in-memory implementations, rollback, concurrency, the
//! key-file protocol, backups and migrations.

// Reason: helpers outside `#[test]` functions are test code too (clippy.toml allows
// unwrap in tests); ids and seeds in fixtures are small.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

mod app_concurrency;
mod concurrency;
mod conformance;
#[cfg(feature = "testkit")]
mod crash;
mod keys;
mod migrations;
mod rollback;
mod scoping;
mod suite;

use std::path::Path;

use hogo::{Error, Store, Tx};
use hogo_domain::OrganisationId;
use hogo_sqlite::SqliteStore;
use tempfile::TempDir;

/// A fresh temporary folder. Under `HOGO_KEEP_TEST_FILES=DIR` (set by `cargo xtask ci`)
/// it is made inside DIR and kept, so the leak scan reads every database, WAL and key
/// file the tests left (issue 14 ①).
pub(crate) fn temp_dir() -> TempDir {
    match std::env::var_os("HOGO_KEEP_TEST_FILES") {
        Some(root) => {
            std::fs::create_dir_all(&root).unwrap();
            tempfile::Builder::new()
                .prefix("hogo-sqlite-test-")
                .disable_cleanup(true)
                .tempdir_in(root)
                .unwrap()
        }
        None => tempfile::tempdir().unwrap(),
    }
}

/// A fresh store in its own temporary folder (the folder lives as long as the guard).
pub(crate) fn temp_store() -> (TempDir, SqliteStore) {
    let dir = temp_dir();
    let store = open_in(dir.path());
    (dir, store)
}

/// Opens the store of a folder (`data.db` + `keys.db`).
pub(crate) fn open_in(dir: &Path) -> SqliteStore {
    SqliteStore::open(&dir.join("data.db"), &dir.join("keys.db")).unwrap()
}

/// Runs a closure in a transaction.
pub(crate) fn run<T>(
    store: &impl Store,
    org: OrganisationId,
    mut f: impl FnMut(&mut Tx<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    store.transact(org, &mut f)
}

/// Every row of every table of a SQLite file, as sorted text lines.
pub(crate) fn dump(path: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> =
                (0..n).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out.sort();
    out
}

/// An organisation id for tests.
pub(crate) fn org(n: u128) -> OrganisationId {
    OrganisationId::from_uuid(uuid::Uuid::from_u128(0xb000 + n))
}
