//! The shared store suite (`hogo::store_suite`) on both stores, and the retry the
//! in-memory store does not do.

use std::cell::Cell;

use hogo::Error;
use hogo::testkit::MemoryStore;

use crate::{org, run, temp_store};

/// Invariant 1, M5, P9, M11, M14: the in-memory store passes the shared suite.
#[test]
fn memory_store_passes_the_shared_suite() {
    hogo::store_suite::run_all(MemoryStore::new);
}

/// Invariant 1, M5, P9, M11, M14: the SQLite store passes the shared suite.
#[test]
fn sqlite_store_passes_the_shared_suite() {
    let dirs = std::cell::RefCell::new(Vec::new());
    hogo::store_suite::run_all(|| {
        let (dir, store) = temp_store();
        dirs.borrow_mut().push(dir);
        store
    });
}

/// M13 (availability): a closure that reports `Busy` is run again, and its first
/// attempt's writes are rolled back.
#[test]
fn busy_closure_is_retried_from_a_clean_transaction() {
    let (_dir, store) = temp_store();
    let o = org(1);
    let attempts = Cell::new(0);
    let got = run(&store, o, |tx| {
        attempts.set(attempts.get() + 1);
        let n = attempts.get();
        tx.docs.put(o, "c", &format!("attempt{n}"), "{}")?;
        if n < 3 { Err(Error::Busy) } else { tx.docs.list(o, "c") }
    })
    .unwrap();
    assert_eq!(attempts.get(), 3);
    assert_eq!(got.len(), 1, "only the successful attempt's write is kept");
}
