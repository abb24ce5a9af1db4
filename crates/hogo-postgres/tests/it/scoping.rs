//! Organisation scoping on the PostgreSQL databases: the shared `hogo::store_suite::scoping` check.

/// M14, invariant 4: a record sealed for organisation A is absent through organisation
/// B's transaction even when B knows its ids, and B's handles refuse A's name.
#[test]
fn another_organisations_rows_are_invisible_and_its_name_is_refused() {
    let (_server, store) = crate::pg_or_skip!();
    hogo::store_suite::scoping::another_organisations_rows_are_invisible_and_its_name_is_refused(
        &store,
    );
}
