//! Eight threads writing to one organisation at once (the shared check
//! [`hogo::store_suite::writers::eight_writers_lose_nothing`]), then SQLite's integrity
//! check.

use std::sync::Arc;

use crate::temp_store;

/// M5, M13: eight threads appending ledger entries and documents to one organisation in
/// many small transactions lose no write, never see "database is locked", and leave a
/// ledger with dense sequences and a file that passes `PRAGMA integrity_check`.
#[test]
fn eight_writers_lose_nothing_and_never_see_locked() {
    let (_dir, store) = temp_store();
    let store = Arc::new(store);
    hogo::store_suite::writers::eight_writers_lose_nothing(&store);
    store.integrity_check().unwrap();
}
