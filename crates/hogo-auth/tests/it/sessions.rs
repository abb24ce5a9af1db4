//! Sessions: idle and absolute expiry, sign-out, revocation, wrong organisation, unknown
//! tokens, role changes and the restricted must-change-password session (P10, M13, M14).

use chrono::Duration;
use hogo_auth::{
    AuthError, AuthEventKind, ChangePasswordRequest, RevocationReason, RoleGrant, SessionScope,
    SessionToken, change_password, grant_membership, reset_password, revoke_sessions, sign_out,
};
use hogo_domain::{Affair, AffairSet, Role};
use secrecy::SecretString;

use crate::common::{PASSWORD, World, assert_no_secret, pw};

/// P10/M13: a session unused for 30 minutes expires; each use moves the idle expiry.
#[test]
fn idle_session_expires_after_thirty_minutes() {
    let mut w = World::new();
    let token = w.sign_in(w.org_a, "manager");
    w.advance(Duration::minutes(29));
    assert!(w.resolve(&token, w.org_a).is_ok());
    w.advance(Duration::minutes(29));
    assert!(w.resolve(&token, w.org_a).is_ok(), "the previous use refreshed the idle expiry");
    w.advance(Duration::minutes(30));
    let f = w.resolve(&token, w.org_a).unwrap_err();
    assert_eq!(f.error, AuthError::SessionExpiredIdle);
    assert!(!f.state_written);
    assert!(matches!(
        f.events[0].kind,
        AuthEventKind::SessionRefused { code: "session_expired_idle" }
    ));
}

/// P10/M13: a session expires 12 hours after sign-in however busy it is.
#[test]
fn absolute_expiry_after_twelve_hours_even_when_used() {
    let mut w = World::new();
    let token = w.sign_in(w.org_a, "manager");
    for _ in 0..71 {
        w.advance(Duration::minutes(10));
        assert!(w.resolve(&token, w.org_a).is_ok());
    }
    w.advance(Duration::minutes(10));
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::SessionExpiredAbsolute);
}

/// P10: after sign-out the session is revoked; signing out twice is refused.
#[test]
fn signed_out_session_is_revoked() {
    let mut w = World::new();
    let token = w.sign_in(w.org_a, "manager");
    let now = w.now();
    let out = sign_out(&mut w.store, &token, w.org_a, now).unwrap();
    assert_eq!(out.events[0].kind, AuthEventKind::SignedOut);
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::SessionRevoked);
    let again = sign_out(&mut w.store, &token, w.org_a, now).unwrap_err();
    assert_eq!(again.error, AuthError::SessionRevoked);
}

/// P10/M13: an administrator revokes all of an account's sessions in the organisation.
#[test]
fn administrator_revokes_all_sessions_of_an_account() {
    let mut w = World::new();
    let clerk = w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    let t1 = w.sign_in(w.org_a, "clerk");
    let t2 = w.sign_in(w.org_a, "clerk");
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let out = revoke_sessions(&mut w.store, &admin, clerk, now).unwrap();
    assert_eq!(out.value, 2);
    assert_eq!(
        out.events[0].kind,
        AuthEventKind::SessionsRevoked { count: 2, reason: RevocationReason::ByAdministrator }
    );
    assert_eq!(out.events[0].by, Some(admin.staff));
    for t in [&t1, &t2] {
        assert_eq!(w.resolve(t, w.org_a).unwrap_err().error, AuthError::SessionRevoked);
    }
}

/// P10: a session of organisation A presented to organisation B is refused, and the refusal
/// is recorded in both organisations' ledgers.
#[test]
fn session_of_organisation_a_used_on_b_is_refused() {
    let mut w = World::new();
    let token = w.sign_in(w.org_a, "manager");
    let f = w.resolve(&token, w.org_b).unwrap_err();
    assert_eq!(f.error, AuthError::WrongOrganisation);
    let orgs: Vec<_> = f.events.iter().map(|e| e.organisation).collect();
    assert_eq!(orgs, vec![w.org_b, w.org_a]);
    assert!(w.resolve(&token, w.org_a).is_ok(), "the session itself stays valid for A");
}

/// P10: unknown and malformed tokens are refused as unknown sessions.
#[test]
fn unknown_or_malformed_token_is_refused() {
    let mut w = World::new();
    let foreign = SessionToken::generate(&hogo_domain::testkit::SeededEntropy::new(999));
    assert_eq!(w.resolve(&foreign, w.org_a).unwrap_err().error, AuthError::UnknownSession);
    let junk = SessionToken::presented(SecretString::from("garbage"));
    let f = w.resolve(&junk, w.org_a).unwrap_err();
    assert_eq!(f.error, AuthError::UnknownSession);
    assert_eq!(f.events[0].account, None);
}

/// M14: a contractor's session resolves to an actor carrying exactly its contracted affairs.
#[test]
fn contractor_session_carries_only_its_contracted_affairs() {
    let mut w = World::new();
    let affairs = AffairSet::EMPTY.with(Affair::WithholdingSlip).with(Affair::EmploymentInsurance);
    w.staff(w.org_a, "itaku", RoleGrant::contractor(affairs));
    let token = w.sign_in(w.org_a, "itaku");
    let actor = w.resolve(&token, w.org_a).unwrap();
    assert_eq!(actor.role, Role::Contractor);
    assert_eq!(actor.contracted_affairs, affairs);
    assert!(!actor.contracted_affairs.contains(Affair::HealthPensionInsurance));
}

/// P10/M14: changing an account's role revokes its sessions in that organisation, so no
/// session keeps acting with the old role.
#[test]
fn role_change_revokes_sessions_of_that_organisation() {
    let mut w = World::new();
    let clerk = w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    let token = w.sign_in(w.org_a, "clerk");
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let out =
        grant_membership(&mut w.store, &admin, clerk, RoleGrant::role(Role::Auditor), now).unwrap();
    assert!(matches!(
        out.events[0].kind,
        AuthEventKind::MembershipChanged { from: Role::NumberClerk, to: Role::Auditor, .. }
    ));
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::SessionRevoked);
    let fresh = w.sign_in(w.org_a, "clerk");
    assert_eq!(w.resolve(&fresh, w.org_a).unwrap().role, Role::Auditor);
}

/// M13: after an administrator's reset, sign-in gives a session restricted to changing the
/// password: it resolves to no actor; the change needs the old password and the policy;
/// afterwards every session is revoked and the new password works.
#[test]
fn must_change_password_session_is_restricted_to_the_change() {
    let mut w = World::new();
    let clerk = w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    let old_session = w.sign_in(w.org_a, "clerk");
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let temp = pw("temporary pass 123");
    let out =
        reset_password(&mut w.store, &w.config, &admin, clerk, &temp, &w.entropy, now).unwrap();
    assert_eq!(out.events[0].kind, AuthEventKind::PasswordReset);
    assert_no_secret(&out.events, &["temporary pass 123"]);
    assert_eq!(w.resolve(&old_session, w.org_a).unwrap_err().error, AuthError::SessionRevoked);

    let signed = w.try_sign_in(w.org_a, "clerk", "temporary pass 123", None).unwrap().value;
    assert_eq!(signed.scope(), SessionScope::PasswordChangeOnly);
    assert_eq!(signed.actor(), None);
    let token = signed.token;
    let f = w.resolve(&token, w.org_a).unwrap_err();
    assert_eq!(f.error, AuthError::PasswordChangeRequired);

    let change = |w: &mut World, old: &str, new: &str| {
        let (old, new) = (pw(old), pw(new));
        let now = w.now();
        change_password(
            &mut w.store,
            &w.config,
            ChangePasswordRequest {
                token: &token,
                organisation: w.org_a,
                old_password: &old,
                new_password: &new,
            },
            &w.entropy,
            now,
        )
    };
    let f = change(&mut w, "not the temp pass", "brand new password 1").unwrap_err();
    assert_eq!(f.error, AuthError::InvalidCredentials);
    assert!(f.state_written, "a wrong old password counts towards the lockout");
    let f = change(&mut w, "temporary pass 123", "short").unwrap_err();
    assert_eq!(f.error, AuthError::PasswordTooShort { min: 12 });
    let f = change(&mut w, "temporary pass 123", "temporary pass 123").unwrap_err();
    assert_eq!(f.error, AuthError::PasswordUnchanged);
    let out = change(&mut w, "temporary pass 123", "brand new password 1").unwrap();
    assert_eq!(out.events[0].kind, AuthEventKind::PasswordChanged);
    assert_no_secret(&out.events, &["brand new password 1", "temporary pass 123"]);
    assert!(!w.account(clerk).must_change_password);
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::SessionRevoked);

    let f = w.try_sign_in(w.org_a, "clerk", "temporary pass 123", None).unwrap_err();
    assert_eq!(f.error, AuthError::InvalidCredentials);
    let ok = w.try_sign_in(w.org_a, "clerk", "brand new password 1", None).unwrap().value;
    assert_eq!(ok.scope(), SessionScope::Full);
    assert_eq!(ok.actor().map(|a| a.staff), Some(clerk));
}

/// M13: a new password equal to the login name is refused.
#[test]
fn new_password_equal_to_login_name_is_refused() {
    let mut w = World::new();
    w.staff(w.org_a, "tanaka.ichiro.x", RoleGrant::role(Role::PlacementStaff));
    let token = w.sign_in(w.org_a, "tanaka.ichiro.x");
    let (old, new) = (pw(PASSWORD), pw("Tanaka.Ichiro.X"));
    let now = w.now();
    let f = change_password(
        &mut w.store,
        &w.config,
        ChangePasswordRequest {
            token: &token,
            organisation: w.org_a,
            old_password: &old,
            new_password: &new,
        },
        &w.entropy,
        now,
    )
    .unwrap_err();
    assert_eq!(f.error, AuthError::PasswordEqualsLoginName);
}
