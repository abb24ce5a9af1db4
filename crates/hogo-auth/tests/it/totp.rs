//! The TOTP second factor: required for number roles when the organisation says so,
//! enrolment, replay refusal and lockout on wrong codes (M13).

use chrono::Duration;
use hogo_auth::{
    AuthError, AuthEventKind, EnrolTotpRequest, OrgAuthPolicy, RoleGrant, SessionScope,
    SessionToken, TotpSecret, enrol_totp, reset_totp, set_org_policy,
};
use hogo_domain::Role;

use crate::common::{PASSWORD, World, assert_no_secret};

fn unix(w: &World) -> u64 {
    u64::try_from(w.now().timestamp()).unwrap()
}

fn require_totp(w: &mut World) {
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let policy = OrgAuthPolicy { require_totp_for_number_roles: true };
    let out = set_org_policy(&mut w.store, &admin, policy, now).unwrap();
    assert_eq!(
        out.events[0].kind,
        AuthEventKind::OrgPolicyChanged { require_totp_for_number_roles: true }
    );
}

fn enrol(w: &mut World, token: &SessionToken, secret: &TotpSecret) {
    let code = secret.code_at(unix(w)).unwrap();
    let now = w.now();
    let out = enrol_totp(
        &mut w.store,
        EnrolTotpRequest { token, organisation: w.org_a, secret, code: &code },
        now,
    )
    .unwrap();
    assert_eq!(out.events[0].kind, AuthEventKind::TotpEnrolled);
    assert_no_secret(
        &out.events,
        &[&code, secrecy::ExposeSecret::expose_secret(&secret.to_base32())],
    );
}

/// M13: when the organisation requires TOTP for roles that handle numbers, a clerk without
/// one gets a session that may only enrol it (it resolves to `TotpEnrolmentRequired`);
/// once enrolled, sign-in without a code is refused with `TotpRequired` and with a code
/// gives a full session. Roles that never handle numbers are not affected.
#[test]
fn totp_is_required_for_number_roles_when_the_organisation_requires_it() {
    let mut w = World::new();
    w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    w.staff(w.org_a, "placement", RoleGrant::role(Role::PlacementStaff));
    require_totp(&mut w);

    let signed = w.try_sign_in(w.org_a, "clerk", PASSWORD, None).unwrap().value;
    assert_eq!(signed.scope(), SessionScope::TotpEnrolmentOnly);
    assert_eq!(signed.actor(), None);
    let token = signed.token;
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::TotpEnrolmentRequired);

    let secret = TotpSecret::generate(&w.entropy);
    enrol(&mut w, &token, &secret);
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::SessionRevoked);

    w.advance(Duration::seconds(30));
    let f = w.try_sign_in(w.org_a, "clerk", PASSWORD, None).unwrap_err();
    assert_eq!(f.error, AuthError::TotpRequired);
    let code = secret.code_at(unix(&w)).unwrap();
    let ok = w.try_sign_in(w.org_a, "clerk", PASSWORD, Some(&code)).unwrap().value;
    assert_eq!(ok.scope(), SessionScope::Full);
    assert_eq!(ok.actor().unwrap().role, Role::NumberClerk);

    let other = w.try_sign_in(w.org_a, "placement", PASSWORD, None).unwrap().value;
    assert_eq!(other.scope(), SessionScope::Full);
}

/// M13 (RFC 6238 §5.2): a code accepted once is refused when replayed, and the replay
/// counts as a failed attempt.
#[test]
fn replayed_totp_code_is_refused() {
    let mut w = World::new();
    let clerk = w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    let token = w.sign_in(w.org_a, "clerk");
    let secret = TotpSecret::generate(&w.entropy);
    enrol(&mut w, &token, &secret);

    w.advance(Duration::seconds(30));
    let code = secret.code_at(unix(&w)).unwrap();
    let first = w.try_sign_in(w.org_a, "clerk", PASSWORD, Some(&code)).unwrap();
    assert_eq!(first.value.scope(), SessionScope::Full);
    w.advance(Duration::seconds(5));
    let f = w.try_sign_in(w.org_a, "clerk", PASSWORD, Some(&code)).unwrap_err();
    assert_eq!(f.error, AuthError::TotpReplayed);
    assert!(f.state_written);
    assert_eq!(w.account(clerk).failed_attempts, 1);
    assert_no_secret(&f.events, &[&code]);
}

/// M13: wrong one-time codes count towards the lockout like wrong passwords.
#[test]
fn wrong_totp_codes_lock_the_account() {
    let mut w = World::new();
    w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    let token = w.sign_in(w.org_a, "clerk");
    let secret = TotpSecret::generate(&w.entropy);
    enrol(&mut w, &token, &secret);
    let good = secret.code_at(unix(&w)).unwrap();
    let wrong = if good == "000000" { "111111" } else { "000000" };
    let mut last = None;
    for _ in 0..5 {
        last = Some(w.try_sign_in(w.org_a, "clerk", PASSWORD, Some(wrong)).unwrap_err().error);
    }
    assert!(matches!(last, Some(AuthError::AccountLocked { .. })));
}

/// M13: an administrator's TOTP reset removes the factor; with the organisation policy on,
/// the next sign-in may only enrol a new one. Enrolling twice is refused.
#[test]
fn totp_reset_by_administrator_forces_new_enrolment() {
    let mut w = World::new();
    let clerk = w.staff(w.org_a, "clerk", RoleGrant::role(Role::NumberClerk));
    let token = w.sign_in(w.org_a, "clerk");
    let secret = TotpSecret::generate(&w.entropy);
    enrol(&mut w, &token, &secret);
    let code = secret.code_at(unix(&w) + 30).unwrap();
    let now = w.now();
    let again = enrol_totp(
        &mut w.store,
        EnrolTotpRequest { token: &token, organisation: w.org_a, secret: &secret, code: &code },
        now,
    )
    .unwrap_err();
    assert_eq!(again.error, AuthError::TotpAlreadyEnrolled);

    require_totp(&mut w);
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let out = reset_totp(&mut w.store, &admin, clerk, now).unwrap();
    assert_eq!(out.events[0].kind, AuthEventKind::TotpReset);
    assert!(!w.account(clerk).has_totp());
    let signed = w.try_sign_in(w.org_a, "clerk", PASSWORD, None).unwrap().value;
    assert_eq!(signed.scope(), SessionScope::TotpEnrolmentOnly);
}
