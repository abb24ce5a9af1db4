//! Eight clerks at once on one PostgreSQL data database through the application layer
//! (issue 8): the shared suite's check that no write is lost and no number is stored twice.

/// M7, M9, invariant 4: eight threads lose no write and store no duplicate number (the
/// shared `hogo::store_suite` check, on PostgreSQL; uniqueness is checked under the
/// organisation's advisory lock).
#[test]
fn eight_threads_lose_no_write_and_store_no_duplicate_number() {
    let (_server, store) = crate::pg_or_skip!();
    hogo::store_suite::eight_clerks_lose_no_write_and_store_no_duplicate_number(store);
}
