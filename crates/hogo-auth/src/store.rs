//! The storage port, [`AuthStore`].
//!
//! The application layer hands out `&mut dyn AuthStore` borrowed from **one** storage
//! transaction; no method commits. The service functions of this crate read and write
//! through it and return what happened; the caller commits or rolls back (see
//! [`AuthFailure`](crate::AuthFailure) for the one case where a failed use case still
//! commits).

use hogo_domain::{OrganisationId, StaffId};

use crate::account::{LoginName, Membership, OrgAuthPolicy, StaffAccount};
use crate::error::StoreError;
use crate::session::{Session, TokenHash};

/// Accounts, memberships, organisation policies and sessions, inside one transaction.
///
/// Contract for adapters:
/// - login names are unique (`insert_account` MUST fail if one is taken; the services
///   check first, so this is a backstop);
/// - a membership is keyed by `(account, organisation)`: `put_membership` inserts or
///   replaces;
/// - sessions are keyed by [`TokenHash`] and never hold the token itself;
/// - the TOTP secret is written only in its sealed form: write what
///   [`StaffAccount::totp_at_rest`] returns (it refuses a clear secret) and read it back
///   as [`TotpFactor::Sealed`](crate::TotpFactor::Sealed); the application layer seals
///   and opens it (P10, M13);
/// - errors never carry secrets, token hashes or row contents.
pub trait AuthStore {
    /// The account with this id.
    fn account(&self, id: StaffId) -> Result<Option<StaffAccount>, StoreError>;
    /// The account with this login name.
    fn account_by_login(&self, login: &LoginName) -> Result<Option<StaffAccount>, StoreError>;
    /// Stores a new account.
    fn insert_account(&mut self, account: &StaffAccount) -> Result<(), StoreError>;
    /// Replaces a stored account (same id).
    fn update_account(&mut self, account: &StaffAccount) -> Result<(), StoreError>;

    /// The account's membership in the organisation.
    fn membership(
        &self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<Option<Membership>, StoreError>;
    /// Every membership of the organisation.
    fn memberships_of_organisation(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<Membership>, StoreError>;
    /// Inserts or replaces the membership of `(membership.account, membership.organisation)`.
    fn put_membership(&mut self, membership: &Membership) -> Result<(), StoreError>;
    /// Removes a membership; returns whether one existed.
    fn remove_membership(
        &mut self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<bool, StoreError>;

    /// The organisation's sign-in policy (`None`: the default policy).
    fn org_policy(&self, organisation: OrganisationId)
    -> Result<Option<OrgAuthPolicy>, StoreError>;
    /// Stores the organisation's sign-in policy.
    fn put_org_policy(
        &mut self,
        organisation: OrganisationId,
        policy: &OrgAuthPolicy,
    ) -> Result<(), StoreError>;

    /// Stores a new session.
    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError>;
    /// The session with this token hash.
    fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError>;
    /// Replaces a stored session (same token hash).
    fn update_session(&mut self, session: &Session) -> Result<(), StoreError>;
    /// Every session of the account, live or not (adapters may leave out sessions whose
    /// absolute expiry has passed).
    fn sessions_of_account(&self, account: StaffId) -> Result<Vec<Session>, StoreError>;
}
