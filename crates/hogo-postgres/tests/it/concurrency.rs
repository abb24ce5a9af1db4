//! Eight threads writing to one organisation at once (the shared check
//! [`hogo::store_suite::writers::eight_writers_lose_nothing`]).

/// M5, M13: eight threads appending ledger entries and documents to one organisation in
/// many small transactions lose no write and leave a ledger with dense sequences.
#[test]
fn eight_writers_lose_nothing_and_never_see_locked() {
    let (_server, store) = crate::pg_or_skip!();
    hogo::store_suite::writers::eight_writers_lose_nothing(&std::sync::Arc::new(store));
}
