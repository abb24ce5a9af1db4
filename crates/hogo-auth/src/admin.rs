//! Account and membership management by the organisation's administrator (P10, M13, M14).
//!
//! Every function here is **administrator-only**: it takes the acting [`Actor`] — resolved
//! from a session by [`resolve`](crate::resolve), never built from a bare staff id — and
//! refuses any other role with [`AuthError::NotAdministrator`]. An administrator acts only
//! on accounts that hold a role in the administrator's own organisation, never on their
//! own account ([`AuthError::SelfManagement`], separation of duties), changes credentials
//! (password, second factor, disabled state) only of accounts its organisation created
//! ([`AuthError::ForeignAccount`]), and gets nothing but
//! accounts, memberships, passwords and sessions: no personal data passes through here.
//! Every refusal comes with a [`AuthEventKind::ManagementRefused`] event.

use chrono::{DateTime, Utc};
use hogo_domain::{Actor, Entropy, IdGen, Role, StaffId};
use secrecy::SecretString;

use crate::account::{Membership, OrgAuthPolicy, RoleGrant, StaffAccount};
use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::event::{AuthEventKind, AuthFailure, AuthOutcome, AuthResult, ManagementOp};
use crate::password::PasswordHash;
use crate::service::{AccountSpec, event, new_account, revoke_account_sessions};
use crate::session::RevocationReason;
use crate::store::AuthStore;

/// The checks every management function starts with.
struct Gate<'a> {
    actor: &'a Actor,
    op: ManagementOp,
    now: DateTime<Utc>,
}

impl Gate<'_> {
    /// Refuses a non-administrator actor.
    fn open<'a>(
        actor: &'a Actor,
        op: ManagementOp,
        target: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Gate<'a>, AuthFailure> {
        let gate = Gate { actor, op, now };
        if actor.role != Role::Administrator {
            return Err(gate.refuse(target, AuthError::NotAdministrator { role: actor.role }));
        }
        Ok(gate)
    }

    fn refuse(&self, target: Option<StaffId>, error: AuthError) -> AuthFailure {
        let kind = AuthEventKind::ManagementRefused { operation: self.op, code: error.code() };
        let e = event(self.now, self.actor.organisation, target, Some(self.actor.staff), kind);
        AuthFailure::new(error, vec![e])
    }

    fn not_self(&self, target: StaffId) -> Result<(), AuthFailure> {
        if target == self.actor.staff {
            return Err(self.refuse(Some(target), AuthError::SelfManagement));
        }
        Ok(())
    }

    /// The target account, which must exist.
    fn account(&self, store: &dyn AuthStore, target: StaffId) -> Result<StaffAccount, AuthFailure> {
        store
            .account(target)?
            .ok_or_else(|| self.refuse(Some(target), AuthError::UnknownAccount { account: target }))
    }

    /// The target account, which must exist and have been created by the administrator's
    /// organisation (credential changes).
    fn home_account(
        &self,
        store: &dyn AuthStore,
        target: StaffId,
    ) -> Result<StaffAccount, AuthFailure> {
        let account = self.account(store, target)?;
        if account.home_organisation != self.actor.organisation {
            return Err(self.refuse(Some(target), AuthError::ForeignAccount { account: target }));
        }
        Ok(account)
    }

    /// The target's membership in the administrator's organisation, which must exist.
    fn member(&self, store: &dyn AuthStore, target: StaffId) -> Result<Membership, AuthFailure> {
        let org = self.actor.organisation;
        store.membership(target, org)?.ok_or_else(|| {
            self.refuse(Some(target), AuthError::NotInOrganisation { account: target })
        })
    }

    fn done<T>(
        &self,
        value: T,
        target: Option<StaffId>,
        kinds: impl IntoIterator<Item = AuthEventKind>,
    ) -> AuthOutcome<T> {
        let events = kinds
            .into_iter()
            .map(|k| event(self.now, self.actor.organisation, target, Some(self.actor.staff), k))
            .collect();
        AuthOutcome { value, events }
    }
}

/// Creates an account with a role in the administrator's organisation (P10, M14). The
/// initial password is set by the administrator, so the account must change it at first
/// sign-in.
#[allow(clippy::too_many_arguments)]
pub fn create_account(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    actor: &Actor,
    spec: AccountSpec<'_>,
    grant: RoleGrant,
    ids: &dyn IdGen,
    entropy: &dyn Entropy,
    now: DateTime<Utc>,
) -> AuthResult<StaffId> {
    let gate = Gate::open(actor, ManagementOp::CreateAccount, None, now)?;
    let id = StaffId::from_uuid(ids.new_uuid());
    let membership =
        grant.into_membership(id, actor.organisation).map_err(|e| gate.refuse(None, e))?;
    let mut account = new_account(store, config, &spec, id, actor.organisation, entropy, now)
        .map_err(|e| match e {
            AuthError::Store(s) => AuthFailure::from(s),
            e => gate.refuse(None, e),
        })?;
    account.must_change_password = true;
    store.insert_account(&account)?;
    store.put_membership(&membership)?;
    Ok(gate.done(
        id,
        Some(id),
        [
            AuthEventKind::AccountCreated { login: account.login.clone() },
            AuthEventKind::MembershipGranted {
                role: membership.role,
                contracted_affairs: membership.contracted_affairs,
            },
        ],
    ))
}

/// Gives an existing account a role in the administrator's organisation, or changes the
/// role or contracted affairs it holds there (P10, M14). A contractor needs at least one
/// contracted affair ([`AuthError::ContractorWithoutAffairs`]). A change revokes the
/// account's sessions in the organisation (they carry the old role).
pub fn grant_membership(
    store: &mut dyn AuthStore,
    actor: &Actor,
    account: StaffId,
    grant: RoleGrant,
    now: DateTime<Utc>,
) -> AuthResult<Membership> {
    let gate = Gate::open(actor, ManagementOp::GrantMembership, Some(account), now)?;
    gate.not_self(account)?;
    gate.account(store, account)?;
    let org = actor.organisation;
    let membership =
        grant.into_membership(account, org).map_err(|e| gate.refuse(Some(account), e))?;
    let previous = store.membership(account, org)?;
    if previous == Some(membership) {
        return Ok(AuthOutcome { value: membership, events: Vec::new() });
    }
    store.put_membership(&membership)?;
    let kind = match previous {
        None => AuthEventKind::MembershipGranted {
            role: membership.role,
            contracted_affairs: membership.contracted_affairs,
        },
        Some(prev) => AuthEventKind::MembershipChanged {
            from: prev.role,
            to: membership.role,
            contracted_affairs: membership.contracted_affairs,
        },
    };
    let mut outcome = gate.done(membership, Some(account), [kind]);
    if previous.is_some() {
        let (_, revoked) = revoke_account_sessions(
            store,
            account,
            Some(org),
            RevocationReason::MembershipChanged,
            Some(actor.staff),
            now,
        )?;
        outcome.events.extend(revoked);
    }
    Ok(outcome)
}

/// Removes an account's role in the administrator's organisation and revokes its sessions
/// there.
pub fn remove_membership(
    store: &mut dyn AuthStore,
    actor: &Actor,
    account: StaffId,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let gate = Gate::open(actor, ManagementOp::RemoveMembership, Some(account), now)?;
    gate.not_self(account)?;
    let membership = gate.member(store, account)?;
    store.remove_membership(account, actor.organisation)?;
    let mut outcome =
        gate.done((), Some(account), [AuthEventKind::MembershipRemoved { role: membership.role }]);
    let (_, revoked) = revoke_account_sessions(
        store,
        account,
        Some(actor.organisation),
        RevocationReason::MembershipChanged,
        Some(actor.staff),
        now,
    )?;
    outcome.events.extend(revoked);
    Ok(outcome)
}

/// Resets the password of an account of the administrator's organisation to `temporary`
/// (M13): the next sign-in gets a session that may only change the password. Clears the
/// lockout and revokes every session of the account (in every organisation: the password
/// is the account's).
pub fn reset_password(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    actor: &Actor,
    account: StaffId,
    temporary: &SecretString,
    entropy: &dyn Entropy,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let gate = Gate::open(actor, ManagementOp::ResetPassword, Some(account), now)?;
    gate.not_self(account)?;
    gate.member(store, account)?;
    let mut target = gate.home_account(store, account)?;
    let refuse = |e| gate.refuse(Some(account), e);
    config.password.check(temporary, &target.login).map_err(refuse)?;
    target.password_hash =
        PasswordHash::hash(temporary, &config.argon2, entropy).map_err(refuse)?;
    target.must_change_password = true;
    target.failed_attempts = 0;
    target.locked_until = None;
    store.update_account(&target)?;
    let mut outcome = gate.done((), Some(account), [AuthEventKind::PasswordReset]);
    let (_, revoked) = revoke_account_sessions(
        store,
        account,
        None,
        RevocationReason::PasswordReset,
        Some(actor.staff),
        now,
    )?;
    outcome.events.extend(revoked);
    Ok(outcome)
}

/// Removes the TOTP second factor of an account of the administrator's organisation (a
/// lost phone) and revokes every session of the account (they were opened with the old
/// factor). If the organisation requires TOTP for the account's role, its next sign-in
/// may only enrol a new one (M13).
pub fn reset_totp(
    store: &mut dyn AuthStore,
    actor: &Actor,
    account: StaffId,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let gate = Gate::open(actor, ManagementOp::ResetTotp, Some(account), now)?;
    gate.not_self(account)?;
    gate.member(store, account)?;
    let mut target = gate.home_account(store, account)?;
    target.totp_secret = None;
    store.update_account(&target)?;
    let mut outcome = gate.done((), Some(account), [AuthEventKind::TotpReset]);
    let (_, revoked) = revoke_account_sessions(
        store,
        account,
        None,
        RevocationReason::ByAdministrator,
        Some(actor.staff),
        now,
    )?;
    outcome.events.extend(revoked);
    Ok(outcome)
}

/// Revokes every live session the account holds in the administrator's organisation;
/// returns how many.
pub fn revoke_sessions(
    store: &mut dyn AuthStore,
    actor: &Actor,
    account: StaffId,
    now: DateTime<Utc>,
) -> AuthResult<usize> {
    let gate = Gate::open(actor, ManagementOp::RevokeSessions, Some(account), now)?;
    gate.member(store, account)?;
    let (count, events) = revoke_account_sessions(
        store,
        account,
        Some(actor.organisation),
        RevocationReason::ByAdministrator,
        Some(actor.staff),
        now,
    )?;
    Ok(AuthOutcome { value: count, events })
}

/// Disables (or enables again) an account of the administrator's organisation. Disabling
/// revokes every session of the account; a disabled account cannot sign in and none of its
/// sessions resolves.
pub fn set_account_disabled(
    store: &mut dyn AuthStore,
    actor: &Actor,
    account: StaffId,
    disabled: bool,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let gate = Gate::open(actor, ManagementOp::SetAccountDisabled, Some(account), now)?;
    gate.not_self(account)?;
    gate.member(store, account)?;
    let mut target = gate.home_account(store, account)?;
    if target.disabled == disabled {
        return Ok(AuthOutcome { value: (), events: Vec::new() });
    }
    target.disabled = disabled;
    store.update_account(&target)?;
    let kind =
        if disabled { AuthEventKind::AccountDisabled } else { AuthEventKind::AccountEnabled };
    let mut outcome = gate.done((), Some(account), [kind]);
    if disabled {
        let (_, revoked) = revoke_account_sessions(
            store,
            account,
            None,
            RevocationReason::AccountDisabled,
            Some(actor.staff),
            now,
        )?;
        outcome.events.extend(revoked);
    }
    Ok(outcome)
}

/// Sets the administrator's organisation's sign-in policy (M13).
pub fn set_org_policy(
    store: &mut dyn AuthStore,
    actor: &Actor,
    policy: OrgAuthPolicy,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let gate = Gate::open(actor, ManagementOp::SetOrgPolicy, None, now)?;
    store.put_org_policy(actor.organisation, &policy)?;
    Ok(gate.done(
        (),
        None,
        [AuthEventKind::OrgPolicyChanged {
            require_totp_for_number_roles: policy.require_totp_for_number_roles,
        }],
    ))
}
