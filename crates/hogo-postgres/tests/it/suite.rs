//! The shared store suite (`hogo::store_suite`) on PostgreSQL, and the retry.

use std::cell::Cell;

use hogo::Error;

use crate::{org, run};

/// Invariant 1, M5, P9, M11, M14: the PostgreSQL store passes the shared suite, unchanged.
#[test]
fn postgres_store_passes_the_shared_suite() {
    let Some(server) = crate::server_or_skip() else { return };
    hogo::store_suite::run_all(|| crate::fresh_store(&server));
}

/// M13 (availability): a closure that reports `Busy` is run again, and its first
/// attempt's writes are rolled back.
#[test]
fn busy_closure_is_retried_from_a_clean_transaction() {
    let (_server, store) = crate::pg_or_skip!();
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

/// Invariant 1: ids are ordered bytewise and `list_prefix` is an exact prefix range, as in
/// the other stores (the columns are `COLLATE "C"`, whatever the server's locale).
#[test]
fn document_order_and_prefix_ranges_are_bytewise() {
    let (_server, store) = crate::pg_or_skip!();
    let o = org(1);
    let ids = ["a", "B", "ab", "a-b", "a\u{10FFFE}", "b", "あ", "a_"];
    run(&store, o, |tx| {
        for id in ids {
            tx.docs.put(o, "c", id, &format!("\"{id}\""))?;
        }
        Ok(())
    })
    .unwrap();
    let mut sorted: Vec<&str> = ids.to_vec();
    sorted.sort_unstable();
    let want: Vec<String> = sorted.iter().map(|i| format!("\"{i}\"")).collect();
    assert_eq!(run(&store, o, |tx| tx.docs.list(o, "c")).unwrap(), want);
    let pre: Vec<String> =
        sorted.iter().filter(|i| i.starts_with('a')).map(|i| format!("\"{i}\"")).collect();
    assert_eq!(run(&store, o, |tx| tx.docs.list_prefix(o, "c", "a")).unwrap(), pre);
}
