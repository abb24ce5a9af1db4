//! Per-port conformance on the PostgreSQL databases: the shared `hogo::store_suite::conformance`
//! scripts, run against the in-memory ports.

use hogo::store_suite::conformance;

/// P9, M13: the vault handle answers every call exactly as `MemVaultStore`.
#[test]
fn vault_handle_mirrors_the_in_memory_vault_store() {
    let (_server, store) = crate::pg_or_skip!();
    conformance::vault_handle_mirrors_the_in_memory_vault_store(&store);
}

/// M11, M13: the KEK handle (key store + pending destructions) answers every call exactly as `MemKekStore`.
#[test]
fn kek_handle_mirrors_the_in_memory_kek_store() {
    let (_server, store) = crate::pg_or_skip!();
    conformance::kek_handle_mirrors_the_in_memory_kek_store(&store);
}

/// M5: the ledger handle answers every call exactly as `InMemoryLedgerStore`.
#[test]
fn ledger_handle_mirrors_the_in_memory_ledger_store() {
    let (_server, store) = crate::pg_or_skip!();
    conformance::ledger_handle_mirrors_the_in_memory_ledger_store(&store);
}

/// P10, M13, M14: the auth handle answers every call exactly as `MemoryAuthStore`.
#[test]
fn auth_handle_mirrors_the_in_memory_auth_store() {
    let (_server, store) = crate::pg_or_skip!();
    conformance::auth_handle_mirrors_the_in_memory_auth_store(&store);
}

/// Invariant 1: the document handle answers every call exactly as `MemoryDocuments`.
#[test]
fn document_handle_mirrors_the_in_memory_documents() {
    let (_server, store) = crate::pg_or_skip!();
    conformance::document_handle_mirrors_the_in_memory_documents(&store);
}
