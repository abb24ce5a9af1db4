//! Sign-in, session resolution, sign-out and the staff member's own credential changes
//! (P10, M13, M5 ⑥), plus the bootstrap of a new organisation's first account.
//!
//! Every function takes the store of the caller's transaction, the configuration and the
//! current instant `now` (from the application's `Clock`), and returns an
//! [`AuthResult`]: the value and the [`AuthEvent`]s for the ledger, or an [`AuthFailure`]
//! whose commit contract is described there. Checks come before writes, so a refusal
//! leaves the store untouched — except for a failed sign-in's counter and lock.

use chrono::{DateTime, Utc};
use hogo_domain::{Actor, Entropy, IdGen, OrganisationId, Role, StaffId};
use secrecy::SecretString;

use crate::account::{DisplayName, LoginName, Membership, OrgAuthPolicy, RoleGrant, StaffAccount};
use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::event::{AuthEvent, AuthEventKind, AuthFailure, AuthOutcome, AuthResult};
use crate::password::{PasswordHash, equalise_unknown_account};
use crate::session::{ClientLabel, RevocationReason, Session, SessionScope, SessionToken};
use crate::store::AuthStore;
use crate::totp::{TotpFactor, TotpSecret};

pub(crate) fn event(
    at: DateTime<Utc>,
    organisation: OrganisationId,
    account: Option<StaffId>,
    by: Option<StaffId>,
    kind: AuthEventKind,
) -> AuthEvent {
    AuthEvent { at, organisation, account, by, kind }
}

/// A sign-in attempt.
#[derive(Debug)]
pub struct SignInRequest<'a> {
    /// The organisation to act for.
    pub organisation: OrganisationId,
    /// The login name as typed.
    pub login: &'a str,
    /// The password as typed.
    pub password: &'a SecretString,
    /// The current TOTP code, when the account has a second factor.
    pub totp_code: Option<&'a str>,
    /// The client.
    pub client: ClientLabel,
}

/// A successful sign-in: the token to hand to the client **once**, and the stored session.
#[derive(Debug)]
pub struct SignedIn {
    /// The token (only its hash is stored).
    pub token: SessionToken,
    /// The stored session.
    pub session: Session,
}

impl SignedIn {
    /// What the session may do; anything but [`SessionScope::Full`] must lead the client to
    /// change the password or enrol TOTP.
    pub fn scope(&self) -> SessionScope {
        self.session.scope
    }

    /// The actor, only for a [`SessionScope::Full`] session.
    pub fn actor(&self) -> Option<Actor> {
        (self.session.scope == SessionScope::Full).then(|| self.session.actor())
    }
}

/// Counts a failed credential check and locks the account at the threshold. The account
/// update is a write the caller commits although the sign-in fails.
fn record_failure(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    mut account: StaffAccount,
    error: AuthError,
    organisation: OrganisationId,
    now: DateTime<Utc>,
) -> AuthFailure {
    let id = Some(account.id);
    let mut events =
        vec![event(now, organisation, id, id, AuthEventKind::SignInFailed { code: error.code() })];
    let mut error = error;
    account.failed_attempts = account.failed_attempts.saturating_add(1);
    if account.failed_attempts >= config.lockout.threshold.max(1) {
        let until = now + config.lockout.duration;
        account.locked_until = Some(until);
        account.failed_attempts = 0;
        events.push(event(now, organisation, id, id, AuthEventKind::AccountLocked { until }));
        error = AuthError::AccountLocked { until };
    }
    match store.update_account(&account) {
        Ok(()) => AuthFailure { error, events, state_written: true },
        Err(e) => AuthFailure::from(e),
    }
}

/// Signs a staff member in to one organisation (P10, M13).
///
/// Order of checks: login name and account (unknown → [`AuthError::InvalidCredentials`],
/// after a dummy hash so that it costs like a wrong password); lock
/// ([`AuthError::AccountLocked`], password not even checked); password (wrong → counted,
/// [`AuthError::InvalidCredentials`] or, at the threshold, [`AuthError::AccountLocked`]);
/// disabled; membership ([`AuthError::NotAMember`]); TOTP when the account has one
/// ([`AuthError::TotpRequired`] without a code; a wrong or replayed code is counted like a
/// wrong password). Success resets the counter and opens a session whose scope is
/// [`SessionScope::PasswordChangeOnly`] after an administrator's reset,
/// [`SessionScope::TotpEnrolmentOnly`] when the organisation requires TOTP for the role and
/// none is enrolled, and [`SessionScope::Full`] otherwise.
///
/// On failure, [`AuthFailure::state_written`] says whether the counter was written: commit
/// it then, with the events.
pub fn sign_in(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    req: SignInRequest<'_>,
    entropy: &dyn Entropy,
    now: DateTime<Utc>,
) -> AuthResult<SignedIn> {
    let org = req.organisation;
    let refuse = |account: Option<StaffId>, error: AuthError| {
        let kind = AuthEventKind::SignInFailed { code: error.code() };
        AuthFailure::new(error, vec![event(now, org, account, account, kind)])
    };
    let account = match LoginName::parse(req.login) {
        Ok(login) => store.account_by_login(&login)?,
        Err(_) => None,
    };
    let Some(mut account) = account else {
        equalise_unknown_account(req.password, &config.argon2);
        return Err(refuse(None, AuthError::InvalidCredentials));
    };
    let id = Some(account.id);
    if let Some(until) = account.locked_until.filter(|&until| now < until) {
        return Err(refuse(id, AuthError::AccountLocked { until }));
    }
    if !account.password_hash.verify(req.password) {
        return Err(record_failure(
            store,
            config,
            account,
            AuthError::InvalidCredentials,
            org,
            now,
        ));
    }
    if account.disabled {
        return Err(refuse(id, AuthError::AccountDisabled));
    }
    let Some(membership) = store.membership(account.id, org)? else {
        return Err(refuse(id, AuthError::NotAMember { organisation: org }));
    };
    let policy = store.org_policy(org)?.unwrap_or_default();
    let mut needs_enrolment = false;
    match &account.totp_secret {
        Some(factor) => {
            let Some(code) = req.totp_code else {
                return Err(refuse(id, AuthError::TotpRequired));
            };
            let unix = u64::try_from(now.timestamp()).unwrap_or(0);
            match factor.secret().and_then(|s| s.check(code, unix, account.last_totp_step)) {
                Ok(step) => account.last_totp_step = Some(step),
                Err(e @ (AuthError::TotpInvalid | AuthError::TotpReplayed)) => {
                    return Err(record_failure(store, config, account, e, org, now));
                }
                Err(e) => return Err(refuse(id, e)),
            }
        }
        None => needs_enrolment = policy.requires_totp(membership.role),
    }
    let scope = if account.must_change_password {
        SessionScope::PasswordChangeOnly
    } else if needs_enrolment {
        SessionScope::TotpEnrolmentOnly
    } else {
        SessionScope::Full
    };
    account.failed_attempts = 0;
    account.locked_until = None;
    let token = SessionToken::generate(entropy);
    let token_hash = token.hash().ok_or(AuthError::Crypto { what: "session token" })?;
    let absolute_expires_at = now + config.sessions.absolute;
    let session = Session {
        token_hash,
        account: account.id,
        organisation: org,
        role: membership.role,
        contracted_affairs: membership.contracted_affairs,
        scope,
        client: req.client.clone(),
        created_at: now,
        last_seen_at: now,
        idle_expires_at: (now + config.sessions.idle).min(absolute_expires_at),
        absolute_expires_at,
        revoked: None,
    };
    store.update_account(&account)?;
    store.insert_session(&session)?;
    let kind = AuthEventKind::SignedIn { role: membership.role, scope, client: req.client };
    Ok(AuthOutcome {
        value: SignedIn { token, session },
        events: vec![event(now, org, id, id, kind)],
    })
}

/// A refusal of a presented session, recorded in the ledger of the organisation asked for
/// and, when it differs, of the session's own organisation.
fn session_refused(
    error: AuthError,
    organisation: OrganisationId,
    session: Option<&Session>,
    now: DateTime<Utc>,
) -> AuthFailure {
    let account = session.map(|s| s.account);
    let kind = AuthEventKind::SessionRefused { code: error.code() };
    let mut events = vec![event(now, organisation, account, account, kind.clone())];
    if let Some(s) = session.filter(|s| s.organisation != organisation) {
        events.push(event(now, s.organisation, account, account, kind));
    }
    AuthFailure::new(error, events)
}

/// Looks a presented token up and checks, in order: known, not revoked, not expired
/// (absolute, then idle), of `organisation`, account still enabled, membership unchanged.
fn live_session(
    store: &dyn AuthStore,
    token: &SessionToken,
    organisation: OrganisationId,
    now: DateTime<Utc>,
) -> Result<(Session, StaffAccount), AuthFailure> {
    let session = match token.hash() {
        Some(hash) => store.session(&hash)?,
        None => None,
    };
    let Some(session) = session else {
        return Err(session_refused(AuthError::UnknownSession, organisation, None, now));
    };
    let refuse = |e| session_refused(e, organisation, Some(&session), now);
    session.check_live(now).map_err(refuse)?;
    if session.organisation != organisation {
        return Err(refuse(AuthError::WrongOrganisation));
    }
    let Some(account) = store.account(session.account)? else {
        return Err(refuse(AuthError::SessionRevoked));
    };
    if account.disabled {
        return Err(refuse(AuthError::AccountDisabled));
    }
    let current =
        store.membership(session.account, organisation)?.map(|m| (m.role, m.contracted_affairs));
    if current != Some((session.role, session.contracted_affairs)) {
        return Err(refuse(AuthError::SessionRevoked));
    }
    Ok((session, account))
}

/// Resolves a presented session token to the [`Actor`] for `organisation` (P10, M13) and
/// refreshes its last-seen time and idle expiry.
///
/// Refusals, each with a [`AuthEventKind::SessionRefused`] event:
/// [`AuthError::UnknownSession`], [`AuthError::SessionRevoked`] (also when the account's
/// membership changed since sign-in), [`AuthError::SessionExpiredAbsolute`],
/// [`AuthError::SessionExpiredIdle`], [`AuthError::WrongOrganisation`],
/// [`AuthError::AccountDisabled`], [`AuthError::PasswordChangeRequired`] and
/// [`AuthError::TotpEnrolmentRequired`] (restricted sessions). A refusal writes nothing.
/// Use cases take only an actor returned from here.
pub fn resolve(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    token: &SessionToken,
    organisation: OrganisationId,
    now: DateTime<Utc>,
) -> AuthResult<Actor> {
    let (mut session, _) = live_session(store, token, organisation, now)?;
    match session.scope {
        SessionScope::Full => {}
        SessionScope::PasswordChangeOnly => {
            return Err(session_refused(
                AuthError::PasswordChangeRequired,
                organisation,
                Some(&session),
                now,
            ));
        }
        SessionScope::TotpEnrolmentOnly => {
            return Err(session_refused(
                AuthError::TotpEnrolmentRequired,
                organisation,
                Some(&session),
                now,
            ));
        }
    }
    session.touch(now, &config.sessions);
    store.update_session(&session)?;
    Ok(AuthOutcome { value: session.actor(), events: Vec::new() })
}

/// Resolves a session that may start a TOTP enrolment (P10, M13): a
/// [`SessionScope::Full`] or [`SessionScope::TotpEnrolmentOnly`] session of `organisation`
/// whose account has no second factor yet. Refused, with a
/// [`AuthEventKind::SessionRefused`] event: everything [`resolve`] refuses except the
/// enrolment-only scope, and [`AuthError::TotpAlreadyEnrolled`]. Refreshes the session's
/// idle expiry. The returned actor may only enrol: callers must not run other use cases
/// with it.
pub fn resolve_for_totp_enrolment(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    token: &SessionToken,
    organisation: OrganisationId,
    now: DateTime<Utc>,
) -> AuthResult<Actor> {
    let (mut session, account) = live_session(store, token, organisation, now)?;
    let refuse = |e| session_refused(e, organisation, Some(&session), now);
    if session.scope == SessionScope::PasswordChangeOnly {
        return Err(refuse(AuthError::PasswordChangeRequired));
    }
    if account.has_totp() {
        return Err(refuse(AuthError::TotpAlreadyEnrolled));
    }
    session.touch(now, &config.sessions);
    store.update_session(&session)?;
    Ok(AuthOutcome { value: session.actor(), events: Vec::new() })
}

/// Signs out: revokes the presented session (any scope).
pub fn sign_out(
    store: &mut dyn AuthStore,
    token: &SessionToken,
    organisation: OrganisationId,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let (mut session, _) = live_session(store, token, organisation, now)?;
    session.revoked = Some((now, RevocationReason::SignedOut));
    store.update_session(&session)?;
    let who = Some(session.account);
    Ok(AuthOutcome {
        value: (),
        events: vec![event(now, organisation, who, who, AuthEventKind::SignedOut)],
    })
}

/// Revokes the account's live sessions (only those of `only_in` when given) and returns
/// one [`AuthEventKind::SessionsRevoked`] event per organisation concerned.
pub(crate) fn revoke_account_sessions(
    store: &mut dyn AuthStore,
    account: StaffId,
    only_in: Option<OrganisationId>,
    reason: RevocationReason,
    by: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<AuthEvent>), AuthFailure> {
    let mut per_org: Vec<(OrganisationId, usize)> = Vec::new();
    for mut s in store.sessions_of_account(account)? {
        if !s.is_live(now) || only_in.is_some_and(|o| o != s.organisation) {
            continue;
        }
        s.revoked = Some((now, reason));
        store.update_session(&s)?;
        match per_org.iter_mut().find(|(o, _)| *o == s.organisation) {
            Some((_, n)) => *n += 1,
            None => per_org.push((s.organisation, 1)),
        }
    }
    let total = per_org.iter().map(|(_, n)| n).sum();
    let events = per_org
        .into_iter()
        .map(|(org, count)| {
            event(now, org, Some(account), by, AuthEventKind::SessionsRevoked { count, reason })
        })
        .collect();
    Ok((total, events))
}

/// A password change by the staff member.
#[derive(Debug)]
pub struct ChangePasswordRequest<'a> {
    /// The session (a [`SessionScope::PasswordChangeOnly`] session is accepted).
    pub token: &'a SessionToken,
    /// The session's organisation.
    pub organisation: OrganisationId,
    /// The current password.
    pub old_password: &'a SecretString,
    /// The new password.
    pub new_password: &'a SecretString,
}

/// Changes the staff member's own password (M13): the current password is required (a
/// wrong one counts towards the lockout, like a failed sign-in), the new one must satisfy
/// the [`PasswordPolicy`](crate::PasswordPolicy) and differ from the current one. Clears
/// the must-change flag and revokes **every** session of the account, this one included:
/// the staff member signs in again.
pub fn change_password(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    req: ChangePasswordRequest<'_>,
    entropy: &dyn Entropy,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let org = req.organisation;
    let (_, mut account) = live_session(store, req.token, org, now)?;
    let id = Some(account.id);
    let refuse = |error: AuthError| {
        let kind = AuthEventKind::SessionRefused { code: error.code() };
        AuthFailure::new(error, vec![event(now, org, id, id, kind)])
    };
    if let Some(until) = account.locked_until.filter(|&until| now < until) {
        return Err(refuse(AuthError::AccountLocked { until }));
    }
    if !account.password_hash.verify(req.old_password) {
        return Err(record_failure(
            store,
            config,
            account,
            AuthError::InvalidCredentials,
            org,
            now,
        ));
    }
    config.password.check(req.new_password, &account.login).map_err(refuse)?;
    if account.password_hash.verify(req.new_password) {
        return Err(refuse(AuthError::PasswordUnchanged));
    }
    account.password_hash =
        PasswordHash::hash(req.new_password, &config.argon2, entropy).map_err(refuse)?;
    account.must_change_password = false;
    account.failed_attempts = 0;
    store.update_account(&account)?;
    let mut events = vec![event(now, org, id, id, AuthEventKind::PasswordChanged)];
    let (_, revoked) = revoke_account_sessions(
        store,
        account.id,
        None,
        RevocationReason::CredentialsChanged,
        id,
        now,
    )?;
    events.extend(revoked);
    Ok(AuthOutcome { value: (), events })
}

/// A TOTP enrolment by the staff member.
#[derive(Debug)]
pub struct EnrolTotpRequest<'a> {
    /// The session ([`SessionScope::Full`] or [`SessionScope::TotpEnrolmentOnly`]).
    pub token: &'a SessionToken,
    /// The session's organisation.
    pub organisation: OrganisationId,
    /// The new secret (from [`TotpSecret::generate`], shown to the staff member as base32).
    pub secret: &'a TotpSecret,
    /// A code from the authenticator, proving it holds the secret.
    pub code: &'a str,
}

/// Enrols a TOTP second factor for the staff member's own account (M13), after checking a
/// code at `now`. Refused when one is already enrolled ([`AuthError::TotpAlreadyEnrolled`])
/// or when the session may only change the password. A
/// [`SessionScope::TotpEnrolmentOnly`] session is revoked: the staff member signs in again
/// with the new factor.
pub fn enrol_totp(
    store: &mut dyn AuthStore,
    req: EnrolTotpRequest<'_>,
    now: DateTime<Utc>,
) -> AuthResult<()> {
    let org = req.organisation;
    let (mut session, mut account) = live_session(store, req.token, org, now)?;
    let refuse = |e| session_refused(e, org, Some(&session), now);
    if session.scope == SessionScope::PasswordChangeOnly {
        return Err(refuse(AuthError::PasswordChangeRequired));
    }
    if account.has_totp() {
        return Err(refuse(AuthError::TotpAlreadyEnrolled));
    }
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    let step = req.secret.check(req.code, unix, None).map_err(refuse)?;
    account.totp_secret = Some(TotpFactor::Open(req.secret.clone()));
    account.last_totp_step = Some(step);
    store.update_account(&account)?;
    let id = Some(account.id);
    let mut events = vec![event(now, org, id, id, AuthEventKind::TotpEnrolled)];
    if session.scope == SessionScope::TotpEnrolmentOnly {
        let reason = RevocationReason::CredentialsChanged;
        session.revoked = Some((now, reason));
        store.update_session(&session)?;
        events.push(event(now, org, id, id, AuthEventKind::SessionsRevoked { count: 1, reason }));
    }
    Ok(AuthOutcome { value: (), events })
}

/// The details of a new account.
#[derive(Debug)]
pub struct AccountSpec<'a> {
    /// The login name.
    pub login: &'a str,
    /// The display name.
    pub display_name: &'a str,
    /// The initial password (checked against the password policy).
    pub password: &'a SecretString,
}

/// Validates a spec and builds the account (not stored).
pub(crate) fn new_account(
    store: &dyn AuthStore,
    config: &AuthConfig,
    spec: &AccountSpec<'_>,
    id: StaffId,
    home_organisation: OrganisationId,
    entropy: &dyn Entropy,
    now: DateTime<Utc>,
) -> Result<StaffAccount, AuthError> {
    let login = LoginName::parse(spec.login)?;
    let display_name = DisplayName::parse(spec.display_name)?;
    if store.account_by_login(&login)?.is_some() {
        return Err(AuthError::LoginNameTaken);
    }
    config.password.check(spec.password, &login)?;
    let password_hash = PasswordHash::hash(spec.password, &config.argon2, entropy)?;
    Ok(StaffAccount {
        id,
        login,
        display_name,
        home_organisation,
        password_hash,
        totp_secret: None,
        last_totp_step: None,
        failed_attempts: 0,
        locked_until: None,
        must_change_password: false,
        disabled: false,
        created_at: now,
    })
}

/// The first accounts of a new organisation, made by `init`.
#[derive(Debug)]
pub struct BootstrapRequest<'a> {
    /// The new organisation.
    pub organisation: OrganisationId,
    /// The 事務取扱責任者 (doc 003 Art. 5–6): becomes [`Role::NumberManager`].
    pub manager: AccountSpec<'a>,
    /// Optionally, a separate system administrator ([`Role::Administrator`]), who alone can
    /// then create accounts and manage memberships. Without one, no further account can be
    /// made in the organisation until an administrator membership is granted from elsewhere.
    pub administrator: Option<AccountSpec<'a>>,
    /// The organisation's sign-in policy.
    pub policy: OrgAuthPolicy,
}

/// The accounts `bootstrap` made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrapped {
    /// The 事務取扱責任者's account.
    pub manager: StaffId,
    /// The administrator's account, if one was asked for.
    pub administrator: Option<StaffId>,
}

/// Creates the first account(s) of an organisation that has no member yet (P10, M3): the
/// manager becomes its [`Role::NumberManager`]. Refused with
/// [`AuthError::AlreadyInitialised`] once the organisation has any member.
///
/// This is the only way to create an account without an administrator actor; the
/// application layer calls it only from `init` (or when it creates a new organisation).
pub fn bootstrap(
    store: &mut dyn AuthStore,
    config: &AuthConfig,
    req: BootstrapRequest<'_>,
    ids: &dyn IdGen,
    entropy: &dyn Entropy,
    now: DateTime<Utc>,
) -> AuthResult<Bootstrapped> {
    let org = req.organisation;
    if !store.memberships_of_organisation(org)?.is_empty() {
        return Err(AuthError::AlreadyInitialised { organisation: org }.into());
    }
    let mut to_create = vec![(
        new_account(
            store,
            config,
            &req.manager,
            StaffId::from_uuid(ids.new_uuid()),
            org,
            entropy,
            now,
        )?,
        Role::NumberManager,
    )];
    if let Some(spec) = &req.administrator {
        let admin = new_account(
            store,
            config,
            spec,
            StaffId::from_uuid(ids.new_uuid()),
            org,
            entropy,
            now,
        )?;
        if admin.login == to_create[0].0.login {
            return Err(AuthError::LoginNameTaken.into());
        }
        to_create.push((admin, Role::Administrator));
    }
    let mut events = Vec::new();
    for (account, role) in &to_create {
        let membership: Membership = RoleGrant::role(*role).into_membership(account.id, org)?;
        store.insert_account(account)?;
        store.put_membership(&membership)?;
        let who = Some(account.id);
        events.push(event(
            now,
            org,
            who,
            None,
            AuthEventKind::AccountCreated { login: account.login.clone() },
        ));
        events.push(event(
            now,
            org,
            who,
            None,
            AuthEventKind::MembershipGranted {
                role: *role,
                contracted_affairs: membership.contracted_affairs,
            },
        ));
    }
    store.put_org_policy(org, &req.policy)?;
    events.push(event(
        now,
        org,
        None,
        None,
        AuthEventKind::OrgPolicyChanged {
            require_totp_for_number_roles: req.policy.require_totp_for_number_roles,
        },
    ));
    let value = Bootstrapped {
        manager: to_create[0].0.id,
        administrator: to_create.get(1).map(|(a, _)| a.id),
    };
    Ok(AuthOutcome { value, events })
}
