//! A failed closure leaves the data database exactly as it was (the shared check
//! [`hogo::store_suite::writers::failed_closure_leaves_every_row_unchanged`] over this
//! database's rows).

use crate::dump;

/// Invariant 1, M5, M11: a closure that writes through every handle and then returns
/// `Err` leaves every row of every table of the data database unchanged, and its
/// rolled-back shred leaves no KEK destruction pending.
#[test]
fn failed_closure_leaves_the_data_database_unchanged() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let store = hogo_postgres::PostgresStore::connect(&data, &keys).unwrap();
    hogo::store_suite::writers::failed_closure_leaves_every_row_unchanged(&store, &|| dump(&data));
    assert_eq!(store.pending_destructions().unwrap(), 0, "the rolled-back shred destroys nothing");
}
