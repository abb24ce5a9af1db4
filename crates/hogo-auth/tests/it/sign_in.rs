//! Sign-in: wrong password, unknown login, lockout and its timed release, membership,
//! disabled accounts, and what events carry (P10, M13, M5 ⑥).

use chrono::Duration;
use hogo_auth::{AuthError, AuthEventKind, AuthStore, EventOutcome, RoleGrant, SessionScope};
use hogo_domain::Role;

use crate::common::{PASSWORD, World, assert_no_secret};

/// P10/M13: a wrong password is refused with `InvalidCredentials`, counted on the account,
/// and the failure tells the caller to commit that counter (architecture invariant 4).
#[test]
fn wrong_password_is_refused_counted_and_must_be_committed() {
    let mut w = World::new();
    let f = w.try_sign_in(w.org_a, "manager", "wrong password!!", None).unwrap_err();
    assert_eq!(f.error, AuthError::InvalidCredentials);
    assert!(f.state_written);
    assert_eq!(w.account(w.manager).failed_attempts, 1);
    assert_eq!(f.events.len(), 1);
    assert_eq!(f.events[0].outcome(), EventOutcome::Failure);
    assert_eq!(f.events[0].account, Some(w.manager));
    assert_eq!(f.events[0].organisation, w.org_a);
    assert_no_secret(&f.events, &["wrong password!!", PASSWORD]);
}

/// P10: an unknown login name gets the same error as a wrong password, writes nothing and
/// does not record the typed name (it could be a password typed into the wrong field).
#[test]
fn unknown_login_is_refused_like_a_wrong_password_and_writes_nothing() {
    let mut w = World::new();
    let f = w.try_sign_in(w.org_a, "nobody-here", PASSWORD, None).unwrap_err();
    assert_eq!(f.error, AuthError::InvalidCredentials);
    assert!(!f.state_written);
    assert_eq!(f.events[0].account, None);
    assert_no_secret(&f.events, &["nobody-here", PASSWORD]);
    assert_eq!(w.store.all_sessions().count(), 0);
    let f = w.try_sign_in(w.org_a, "not a login!", PASSWORD, None).unwrap_err();
    assert_eq!(f.error, AuthError::InvalidCredentials);
}

/// M13: five consecutive failures lock the account for 15 minutes; during the lock even
/// the right password is refused without being checked or counted; after 15 minutes the
/// lock is released by itself.
#[test]
fn account_locks_after_five_failures_and_is_released_after_fifteen_minutes() {
    let mut w = World::new();
    for _ in 0..4 {
        let f = w.try_sign_in(w.org_a, "manager", "wrong password!!", None).unwrap_err();
        assert_eq!(f.error, AuthError::InvalidCredentials);
    }
    let locked_at = w.now();
    let f = w.try_sign_in(w.org_a, "manager", "wrong password!!", None).unwrap_err();
    let until = locked_at + Duration::minutes(15);
    assert_eq!(f.error, AuthError::AccountLocked { until });
    assert!(f.state_written);
    assert!(f.events.iter().any(|e| e.kind == AuthEventKind::AccountLocked { until }));

    w.advance(Duration::minutes(14));
    let f = w.try_sign_in(w.org_a, "manager", PASSWORD, None).unwrap_err();
    assert_eq!(f.error, AuthError::AccountLocked { until });
    assert!(!f.state_written);

    w.advance(Duration::minutes(1));
    let ok = w.try_sign_in(w.org_a, "manager", PASSWORD, None).unwrap();
    assert_eq!(ok.value.scope(), SessionScope::Full);
    let account = w.account(w.manager);
    assert_eq!((account.failed_attempts, account.locked_until), (0, None));
}

/// M13: a successful sign-in resets the failure counter (failures must be consecutive).
#[test]
fn success_resets_the_failure_counter() {
    let mut w = World::new();
    for _ in 0..4 {
        let _ = w.try_sign_in(w.org_a, "manager", "wrong password!!", None).unwrap_err();
    }
    let ok = w.try_sign_in(w.org_a, "manager", PASSWORD, None).unwrap();
    assert_eq!(ok.value.scope(), SessionScope::Full);
    let f = w.try_sign_in(w.org_a, "manager", "wrong password!!", None).unwrap_err();
    assert_eq!(f.error, AuthError::InvalidCredentials);
    assert_eq!(w.account(w.manager).failed_attempts, 1);
}

/// P10: signing in to an organisation where the account holds no role is refused.
#[test]
fn sign_in_to_an_organisation_without_membership_is_refused() {
    let mut w = World::new();
    let f = w.try_sign_in(w.org_b, "manager", PASSWORD, None).unwrap_err();
    assert_eq!(f.error, AuthError::NotAMember { organisation: w.org_b });
    assert!(!f.state_written);
}

/// P10/M14: one account can hold a role in several organisations (a 社労士 office's staff
/// member is a contractor of each client) and signs in to each separately.
#[test]
fn one_account_holds_roles_in_several_organisations() {
    let mut w = World::new();
    let id = w.staff(w.org_a, "sharoushi", RoleGrant::role(Role::NumberClerk));
    let admin_b = w.admin_actor(w.org_b);
    let affairs = hogo_domain::AffairSet::EMPTY.with(hogo_domain::Affair::EmploymentInsurance);
    let now = w.now();
    let granted = hogo_auth::grant_membership(
        &mut w.store,
        &admin_b,
        id,
        RoleGrant::contractor(affairs),
        now,
    )
    .unwrap();
    assert_eq!(granted.events[0].organisation, w.org_b);
    let ta = w.sign_in(w.org_a, "sharoushi");
    let tb = w.sign_in(w.org_b, "sharoushi");
    assert_eq!(w.resolve(&ta, w.org_a).unwrap().role, Role::NumberClerk);
    let b = w.resolve(&tb, w.org_b).unwrap();
    assert_eq!((b.role, b.contracted_affairs), (Role::Contractor, affairs));
}

/// P10: the session stores only the SHA-256 of the token, never the token.
#[test]
fn only_the_token_hash_is_stored() {
    let mut w = World::new();
    let out = w.try_sign_in(w.org_a, "manager", PASSWORD, None).unwrap();
    let token = out.value.token;
    let stored: Vec<_> = w.store.all_sessions().collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(Some(stored[0].token_hash), token.hash());
    assert!(!format!("{:?}", w.store).contains(token.expose()));
    assert_no_secret(&out.events, &[token.expose(), PASSWORD]);
    assert!(matches!(
        out.events[0].kind,
        AuthEventKind::SignedIn { role: Role::NumberManager, .. }
    ));
}

/// P10/M13: a disabled account cannot sign in, and disabling it revokes its sessions.
#[test]
fn disabled_account_cannot_sign_in_and_its_sessions_stop_resolving() {
    let mut w = World::new();
    let clerk = w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    let token = w.sign_in(w.org_a, "clerk");
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let out = hogo_auth::set_account_disabled(&mut w.store, &admin, clerk, true, now).unwrap();
    assert!(out.events.iter().any(|e| e.kind == AuthEventKind::AccountDisabled));
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::SessionRevoked);
    let f = w.try_sign_in(w.org_a, "clerk", PASSWORD, None).unwrap_err();
    assert_eq!(f.error, AuthError::AccountDisabled);
    assert!(w.store.account(clerk).unwrap().unwrap().disabled);
}
