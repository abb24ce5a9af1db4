//! Eight clerks at once on one SQLite file through the application layer (issue 8): the
//! shared suite's check that no write is lost and no number is stored twice.

use hogo_sqlite::SqliteStore;

/// M7, M9, invariant 4: eight threads lose no write and store no duplicate number (the
/// shared `hogo::store_suite` check, on SQLite).
#[test]
fn eight_threads_lose_no_write_and_store_no_duplicate_number() {
    let dir = crate::temp_dir();
    let keys = crate::temp_dir();
    let store = SqliteStore::open(&dir.path().join("c.db"), &keys.path().join("c.keys")).unwrap();
    hogo::store_suite::eight_clerks_lose_no_write_and_store_no_duplicate_number(store);
}
