//! The transaction port. `Store::transact(org, |tx| …)` hands out every store as a
//! handle borrowed from **one** storage transaction: the vault, the bucket-KEK store, the
//! ledger, accounts and sessions, and the application's documents. No handle commits on
//! its own; the adapter commits when the closure returns `Ok`, rolls back on `Err`, and
//! retries the whole closure on busy / serialization failures.

use hogo_auth::{AuthStore, TokenHash};
use hogo_domain::OrganisationId;
use hogo_ledger::LedgerStore;
use hogo_vault::{KekStore, VaultStore};

use crate::Error;
use crate::docs::DocumentStore;

/// Every store of one transaction, scoped to one organisation.
pub struct Tx<'a> {
    /// The organisation the transaction is for; adapters scope every query to it.
    pub organisation: OrganisationId,
    /// Sealed records, wrapped data keys, index tags.
    pub vault: &'a mut dyn VaultStore,
    /// Bucket KEKs: kept apart from data backups (see `docs/security.md`).
    pub keks: &'a mut dyn KekStore,
    /// The organisation's tamper-evident log.
    pub ledger: &'a mut dyn LedgerStore,
    /// Staff accounts, memberships and sessions.
    pub auth: &'a mut dyn AuthStore,
    /// The application layer's own documents.
    pub docs: &'a mut dyn DocumentStore,
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx").field("organisation", &self.organisation).finish_non_exhaustive()
    }
}

/// A storage engine that runs closures in transactions.
pub trait Store: Send + Sync {
    /// Runs `f` in one transaction for `organisation`: commit on `Ok`, roll back on `Err`,
    /// retry on [`Error::Busy`] (and on the adapter's own busy signals).
    fn transact<T>(
        &self,
        organisation: OrganisationId,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error>;

    /// [`Store::transact`] for a closure whose first read is the session stored under
    /// `session` (every use case behind a sign-in resolves its session first): an adapter
    /// may read that session together with the transaction's begin and answer the
    /// closure's read from it. A hint only: the closure's reads see the same rows either
    /// way. The default ignores it.
    fn transact_with_session<T>(
        &self,
        organisation: OrganisationId,
        session: &TokenHash,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let _ = session;
        self.transact(organisation, f)
    }

    /// Every organisation known to the store.
    fn organisations(&self) -> Result<Vec<OrganisationId>, Error>;
}

/// What an adapter does with a transaction once the use case's closure returned: the one
/// rule every `Store` follows (invariant 4: all or nothing).
#[derive(Debug)]
pub enum Settle<T> {
    /// Commit and return the value.
    Commit(T),
    /// Roll back and run the closure again: the engine reported contention, possibly
    /// swallowed by the closure (a handle's busy error must never be followed by a commit).
    Retry,
    /// Roll back and return the error.
    Fail(Error),
}

/// Decides [`Settle`] from the closure's result and whether any handle saw contention.
pub fn settle<T>(result: Result<T, Error>, busy: bool) -> Settle<T> {
    match result {
        Ok(value) if !busy => Settle::Commit(value),
        Ok(_) | Err(Error::Busy) => Settle::Retry,
        Err(_) if busy => Settle::Retry,
        Err(e) => Settle::Fail(e),
    }
}

#[cfg(test)]
mod settle_tests {
    use super::{Settle, settle};
    use crate::Error;

    /// Invariant 4: only a clean result with no contention commits; a busy handle means a
    /// retry even when the closure swallowed the error; other errors roll back.
    #[test]
    fn only_a_clean_uncontended_result_commits() {
        assert!(matches!(settle(Ok(1), false), Settle::Commit(1)));
        assert!(matches!(settle(Ok(1), true), Settle::Retry));
        assert!(matches!(settle::<()>(Err(Error::Busy), false), Settle::Retry));
        assert!(matches!(settle::<()>(Err(Error::Internal("x".into())), true), Settle::Retry));
        assert!(matches!(settle::<()>(Err(Error::Internal("x".into())), false), Settle::Fail(_)));
    }
}
