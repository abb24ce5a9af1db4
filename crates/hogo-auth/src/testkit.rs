//! Test doubles (feature `testkit`): [`MemoryAuthStore`], an in-memory [`AuthStore`].
//!
//! It has no transactions: every write is immediate. Tests that need a rollback clone the
//! store before the call and keep the clone.

use std::collections::BTreeMap;

use hogo_domain::{OrganisationId, StaffId};

use crate::account::{LoginName, Membership, OrgAuthPolicy, StaffAccount};
use crate::error::StoreError;
use crate::session::{Session, TokenHash};
use crate::store::AuthStore;

/// An in-memory [`AuthStore`] for tests and demos.
#[derive(Debug, Clone, Default)]
pub struct MemoryAuthStore {
    accounts: BTreeMap<StaffId, StaffAccount>,
    memberships: BTreeMap<(StaffId, OrganisationId), Membership>,
    policies: BTreeMap<OrganisationId, OrgAuthPolicy>,
    sessions: BTreeMap<TokenHash, Session>,
}

impl MemoryAuthStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored session (for assertions).
    pub fn all_sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.values()
    }
}

fn missing(what: &str) -> StoreError {
    StoreError::backend(format!("{what} not found"))
}

impl AuthStore for MemoryAuthStore {
    fn account(&self, id: StaffId) -> Result<Option<StaffAccount>, StoreError> {
        Ok(self.accounts.get(&id).cloned())
    }

    fn account_by_login(&self, login: &LoginName) -> Result<Option<StaffAccount>, StoreError> {
        Ok(self.accounts.values().find(|a| &a.login == login).cloned())
    }

    fn insert_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        if self.accounts.contains_key(&account.id)
            || self.accounts.values().any(|a| a.login == account.login)
        {
            return Err(StoreError::backend("unique constraint: account"));
        }
        self.accounts.insert(account.id, account.clone());
        Ok(())
    }

    fn update_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        let slot = self.accounts.get_mut(&account.id).ok_or_else(|| missing("account"))?;
        *slot = account.clone();
        Ok(())
    }

    fn membership(
        &self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<Option<Membership>, StoreError> {
        Ok(self.memberships.get(&(account, organisation)).copied())
    }

    fn memberships_of_organisation(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<Membership>, StoreError> {
        Ok(self.memberships.values().filter(|m| m.organisation == organisation).copied().collect())
    }

    fn put_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        if !self.accounts.contains_key(&membership.account) {
            return Err(missing("account"));
        }
        self.memberships.insert((membership.account, membership.organisation), *membership);
        Ok(())
    }

    fn remove_membership(
        &mut self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<bool, StoreError> {
        Ok(self.memberships.remove(&(account, organisation)).is_some())
    }

    fn org_policy(
        &self,
        organisation: OrganisationId,
    ) -> Result<Option<OrgAuthPolicy>, StoreError> {
        Ok(self.policies.get(&organisation).copied())
    }

    fn put_org_policy(
        &mut self,
        organisation: OrganisationId,
        policy: &OrgAuthPolicy,
    ) -> Result<(), StoreError> {
        self.policies.insert(organisation, *policy);
        Ok(())
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        if self.sessions.contains_key(&session.token_hash) {
            return Err(StoreError::backend("unique constraint: session"));
        }
        self.sessions.insert(session.token_hash, session.clone());
        Ok(())
    }

    fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        Ok(self.sessions.get(token_hash).cloned())
    }

    fn update_session(&mut self, session: &Session) -> Result<(), StoreError> {
        let slot = self.sessions.get_mut(&session.token_hash).ok_or_else(|| missing("session"))?;
        *slot = session.clone();
        Ok(())
    }

    fn sessions_of_account(&self, account: StaffId) -> Result<Vec<Session>, StoreError> {
        Ok(self.sessions.values().filter(|s| s.account == account).cloned().collect())
    }
}
