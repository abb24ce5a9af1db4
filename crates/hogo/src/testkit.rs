//! Test doubles (feature `testkit`): an in-memory [`Store`] whose transactions are
//! all-or-nothing (the closure works on a copy that replaces the state only on `Ok`).

use std::collections::BTreeMap;
use std::sync::Mutex;

use hogo_auth::testkit::MemoryAuthStore;
use hogo_domain::OrganisationId;
use hogo_ledger::memory::InMemoryLedgerStore;
use hogo_vault::testkit::{MemKekStore, MemVaultStore};

use crate::Error;
use crate::docs::DocumentStore;
use crate::store::{Store, Tx};

/// Documents in memory.
#[derive(Debug, Clone, Default)]
pub struct MemoryDocuments {
    docs: BTreeMap<(OrganisationId, String, String), String>,
}

impl DocumentStore for MemoryDocuments {
    fn put(
        &mut self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
        body: &str,
    ) -> Result<(), Error> {
        self.docs.insert((organisation, collection.to_owned(), id.to_owned()), body.to_owned());
        Ok(())
    }

    fn get(
        &self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
    ) -> Result<Option<String>, Error> {
        Ok(self.docs.get(&(organisation, collection.to_owned(), id.to_owned())).cloned())
    }

    fn list(&self, organisation: OrganisationId, collection: &str) -> Result<Vec<String>, Error> {
        Ok(self
            .docs
            .iter()
            .filter(|((o, c, _), _)| *o == organisation && c == collection)
            .map(|(_, v)| v.clone())
            .collect())
    }

    fn list_prefix(
        &self,
        organisation: OrganisationId,
        collection: &str,
        prefix: &str,
    ) -> Result<Vec<String>, Error> {
        let from = (organisation, collection.to_owned(), prefix.to_owned());
        Ok(self
            .docs
            .range(from..)
            .take_while(|((o, c, id), _)| {
                *o == organisation && c == collection && id.starts_with(prefix)
            })
            .map(|(_, v)| v.clone())
            .collect())
    }

    fn delete(
        &mut self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
    ) -> Result<bool, Error> {
        Ok(self.docs.remove(&(organisation, collection.to_owned(), id.to_owned())).is_some())
    }

    fn organisations(&self, collection: &str) -> Result<Vec<OrganisationId>, Error> {
        let mut out: Vec<OrganisationId> =
            self.docs.keys().filter(|(_, c, _)| c == collection).map(|(o, _, _)| *o).collect();
        out.dedup();
        Ok(out)
    }
}

/// Everything a memory store holds.
#[derive(Debug, Clone, Default)]
pub struct MemoryState {
    /// Vault records and data keys.
    pub vault: MemVaultStore,
    /// Bucket KEKs.
    pub keks: MemKekStore,
    /// Ledgers.
    pub ledger: InMemoryLedgerStore,
    /// Accounts and sessions.
    pub auth: MemoryAuthStore,
    /// Documents.
    pub docs: MemoryDocuments,
}

/// An in-memory [`Store`] with all-or-nothing transactions.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<MemoryState>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the whole state (for before/after comparisons in tests).
    pub fn snapshot(&self) -> MemoryState {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Runs `f` on the live state (for tamper tests).
    pub fn with_state<T>(&self, f: impl FnOnce(&mut MemoryState) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl Store for MemoryStore {
    fn transact<T>(
        &self,
        organisation: OrganisationId,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut guard = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut work = guard.clone();
        let result = {
            let MemoryState { vault, keks, ledger, auth, docs } = &mut work;
            let mut tx = Tx { organisation, vault, keks, ledger, auth, docs };
            f(&mut tx)
        };
        if result.is_ok() {
            *guard = work;
        }
        result
    }

    fn organisations(&self) -> Result<Vec<OrganisationId>, Error> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .docs
            .organisations("organisation")
    }
}
