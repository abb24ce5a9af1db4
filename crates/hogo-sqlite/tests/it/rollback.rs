//! A failed closure leaves the data file exactly as it was (the shared check
//! [`hogo::store_suite::writers::failed_closure_leaves_every_row_unchanged`] over this
//! file's rows).

use crate::{dump, temp_store};

/// Invariant 1, M5, M11: a closure that writes through every handle and then returns
/// `Err` leaves every table of the data file unchanged, and its rolled-back shred leaves
/// no KEK destruction pending.
#[test]
fn failed_closure_leaves_the_data_file_unchanged() {
    let (dir, store) = temp_store();
    let path = dir.path().join("data.db");
    hogo::store_suite::writers::failed_closure_leaves_every_row_unchanged(&store, &|| dump(&path));
    assert_eq!(store.pending_destructions().unwrap(), 0, "the rolled-back shred destroys nothing");
}
