//! Events for the ledger (M5 ⑥ system use: sign-ins, failures, lockouts, sign-outs,
//! password changes and resets, role and membership changes) and the outcome types every
//! service function returns.
//!
//! An event names who, which organisation, when and the outcome. It never holds a
//! password, a hash, a TOTP secret or code, a token or token hash, and never a login name
//! that was typed but not found (it could be a mistyped password).

use chrono::{DateTime, Utc};
use hogo_domain::{AffairSet, OrganisationId, Role, RuleId, StaffId};

use crate::account::LoginName;
use crate::error::{AuthError, StoreError};
use crate::session::{ClientLabel, RevocationReason, SessionScope};

/// One thing that happened, to be written to the ledger of `organisation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// The organisation whose ledger records it.
    pub organisation: OrganisationId,
    /// The account concerned (`None`: an unknown login name or session).
    pub account: Option<StaffId>,
    /// Who did it: the account itself for self-service, the administrator for management
    /// (`None` when unknown).
    pub by: Option<StaffId>,
    /// What happened.
    pub kind: AuthEventKind,
}

/// Success or failure of what an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventOutcome {
    /// It was done.
    Success,
    /// It was refused.
    Failure,
}

/// A management operation (for refusal events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManagementOp {
    /// [`create_account`](crate::create_account).
    CreateAccount,
    /// [`grant_membership`](crate::grant_membership).
    GrantMembership,
    /// [`remove_membership`](crate::remove_membership).
    RemoveMembership,
    /// [`reset_password`](crate::reset_password).
    ResetPassword,
    /// [`reset_totp`](crate::reset_totp).
    ResetTotp,
    /// [`revoke_sessions`](crate::revoke_sessions).
    RevokeSessions,
    /// [`set_account_disabled`](crate::set_account_disabled).
    SetAccountDisabled,
    /// [`set_org_policy`](crate::set_org_policy).
    SetOrgPolicy,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthEventKind {
    /// A sign-in succeeded and a session was opened.
    SignedIn {
        /// The role of the session.
        role: Role,
        /// What the session may do.
        scope: SessionScope,
        /// The client.
        client: ClientLabel,
    },
    /// A sign-in was refused; `code` is [`AuthError::code`].
    SignInFailed {
        /// Why (a stable code, no value).
        code: &'static str,
    },
    /// Repeated failures locked the account.
    AccountLocked {
        /// Until when.
        until: DateTime<Utc>,
    },
    /// A session was signed out.
    SignedOut,
    /// Sessions of the account were revoked.
    SessionsRevoked {
        /// How many live sessions were revoked.
        count: usize,
        /// Why.
        reason: RevocationReason,
    },
    /// A presented session was refused; `code` is [`AuthError::code`].
    SessionRefused {
        /// Why (a stable code).
        code: &'static str,
    },
    /// The account's own password was changed.
    PasswordChanged,
    /// An administrator reset the password (a change is forced at next sign-in).
    PasswordReset,
    /// A second factor was enrolled.
    TotpEnrolled,
    /// An administrator removed the second factor.
    TotpReset,
    /// An account was created.
    AccountCreated {
        /// Its login name.
        login: LoginName,
    },
    /// A membership was granted (new in the organisation).
    MembershipGranted {
        /// The role.
        role: Role,
        /// Contracted affairs (contractors).
        contracted_affairs: AffairSet,
    },
    /// An existing membership's role or affairs changed.
    MembershipChanged {
        /// The previous role.
        from: Role,
        /// The new role.
        to: Role,
        /// The new contracted affairs (contractors).
        contracted_affairs: AffairSet,
    },
    /// A membership was removed.
    MembershipRemoved {
        /// The role it had.
        role: Role,
    },
    /// The account was disabled.
    AccountDisabled,
    /// The account was enabled again.
    AccountEnabled,
    /// The organisation's sign-in policy changed.
    OrgPolicyChanged {
        /// The new setting.
        require_totp_for_number_roles: bool,
    },
    /// A management operation was refused; `code` is [`AuthError::code`].
    ManagementRefused {
        /// The operation.
        operation: ManagementOp,
        /// Why (a stable code).
        code: &'static str,
    },
}

impl AuthEvent {
    /// Whether the event records a success or a refusal.
    pub fn outcome(&self) -> EventOutcome {
        match self.kind {
            AuthEventKind::SignInFailed { .. }
            | AuthEventKind::AccountLocked { .. }
            | AuthEventKind::SessionRefused { .. }
            | AuthEventKind::ManagementRefused { .. } => EventOutcome::Failure,
            _ => EventOutcome::Success,
        }
    }

    /// The rule the ledger entry serves: every event is system use (M5 ⑥).
    pub fn rule(&self) -> RuleId {
        RuleId::M5
    }
}

/// What a service function returns on success: the value and the events to record.
#[derive(Debug)]
#[must_use = "the events must be written to the ledger in the same transaction (M5 ⑥)"]
pub struct AuthOutcome<T> {
    /// The result.
    pub value: T,
    /// Events for the ledger, in order.
    pub events: Vec<AuthEvent>,
}

/// What a service function returns on refusal or failure.
///
/// **Commit contract.** When [`state_written`](Self::state_written) is `true` the store
/// already holds writes that must persist although the use case failed — a failed sign-in's
/// counter and lock (architecture invariant 4). The caller then commits the transaction
/// together with ledger entries for [`events`](Self::events), and reports
/// [`error`](Self::error). When it is `false`, nothing was written through the store: the
/// caller may still commit just the ledger entries for `events` (a refusal's own record),
/// or roll back. On a [`AuthError::Store`] error, roll back (and retry if
/// [`StoreError::is_busy`](crate::StoreError::is_busy)).
#[derive(Debug)]
#[must_use = "a failed sign-in's counter must be committed and its events recorded"]
pub struct AuthFailure {
    /// Why it failed.
    pub error: AuthError,
    /// Events for the ledger (refusals are recorded too).
    pub events: Vec<AuthEvent>,
    /// Whether the store holds writes the caller must commit.
    pub state_written: bool,
}

impl AuthFailure {
    /// A failure with nothing written.
    pub fn new(error: AuthError, events: Vec<AuthEvent>) -> Self {
        Self { error, events, state_written: false }
    }
}

impl From<AuthError> for AuthFailure {
    fn from(error: AuthError) -> Self {
        Self::new(error, Vec::new())
    }
}

impl From<StoreError> for AuthFailure {
    fn from(error: StoreError) -> Self {
        Self::new(AuthError::Store(error), Vec::new())
    }
}

impl std::fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for AuthFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The result of every service function.
pub type AuthResult<T> = Result<AuthOutcome<T>, AuthFailure>;
