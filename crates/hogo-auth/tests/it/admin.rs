//! Administration: administrator-only functions, separation of duties, organisation
//! boundaries, contractor grants and bootstrap (P10, M13, M14).

use hogo_auth::{
    AccountSpec, AuthError, AuthEventKind, AuthFailure, BootstrapRequest, EventOutcome,
    ManagementOp, OrgAuthPolicy, RoleGrant, SessionScope, bootstrap, create_account,
    grant_membership, remove_membership, reset_password, reset_totp, revoke_sessions,
    set_account_disabled, set_org_policy,
};
use hogo_domain::{Actor, AffairSet, Role};

use crate::common::{PASSWORD, World, pw};

/// Calls every management function as `actor` against `target`; returns each failure.
fn call_all(w: &mut World, actor: &Actor, target: hogo_domain::StaffId) -> Vec<AuthFailure> {
    let now = w.now();
    let p = pw("another password 1");
    let store = &mut w.store;
    let mut out = Vec::new();
    let spec = AccountSpec { login: "newcomer", display_name: "新人", password: &p };
    let grant = RoleGrant::role(Role::NumberClerk);
    out.push(
        create_account(store, &w.config, actor, spec, grant, &w.ids, &w.entropy, now)
            .map(|_| ())
            .unwrap_err(),
    );
    out.push(grant_membership(store, actor, target, grant, now).map(|_| ()).unwrap_err());
    out.push(remove_membership(store, actor, target, now).unwrap_err());
    out.push(reset_password(store, &w.config, actor, target, &p, &w.entropy, now).unwrap_err());
    out.push(reset_totp(store, actor, target, now).unwrap_err());
    out.push(revoke_sessions(store, actor, target, now).map(|_| ()).unwrap_err());
    out.push(set_account_disabled(store, actor, target, true, now).unwrap_err());
    out.push(set_org_policy(store, actor, OrgAuthPolicy::default(), now).unwrap_err());
    out
}

/// P10/M13: every management function refuses every role but the administrator, with
/// `NotAdministrator` and a recorded refusal, and changes nothing.
#[test]
fn management_functions_refuse_every_role_but_administrator() {
    let mut w = World::new();
    let target = w.staff(w.org_a, "target", RoleGrant::role(Role::PlacementStaff));
    for role in Role::ALL.into_iter().filter(|&r| r != Role::Administrator) {
        let actor = if role == Role::Contractor {
            Actor::contractor(w.manager, w.org_a, AffairSet::all())
        } else {
            Actor::new(w.manager, w.org_a, role)
        };
        let before = format!("{:?}", w.store);
        for f in call_all(&mut w, &actor, target) {
            assert_eq!(f.error, AuthError::NotAdministrator { role });
            assert!(!f.state_written);
            assert_eq!(f.events.len(), 1);
            assert_eq!(f.events[0].outcome(), EventOutcome::Failure);
            assert_eq!(f.events[0].by, Some(w.manager));
        }
        assert_eq!(before, format!("{:?}", w.store), "a refused call changed the store");
    }
}

/// P10: separation of duties — an administrator cannot change their own role, password,
/// second factor or enabled state.
#[test]
fn administrator_cannot_manage_their_own_account() {
    let mut w = World::new();
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let p = pw("self reset password");
    let grant = RoleGrant::role(Role::NumberManager);
    let fails = [
        grant_membership(&mut w.store, &admin, admin.staff, grant, now).map(|_| ()).unwrap_err(),
        remove_membership(&mut w.store, &admin, admin.staff, now).unwrap_err(),
        reset_password(&mut w.store, &w.config, &admin, admin.staff, &p, &w.entropy, now)
            .unwrap_err(),
        set_account_disabled(&mut w.store, &admin, admin.staff, true, now).unwrap_err(),
        reset_totp(&mut w.store, &admin, admin.staff, now).unwrap_err(),
    ];
    for f in fails {
        assert_eq!(f.error, AuthError::SelfManagement);
    }
}

/// P10: an administrator of organisation B cannot manage accounts that hold no role in B.
#[test]
fn administrator_cannot_reach_accounts_of_another_organisation() {
    let mut w = World::new();
    let admin_b = w.admin_actor(w.org_b);
    let now = w.now();
    let p = pw("cross org password");
    let f = reset_password(&mut w.store, &w.config, &admin_b, w.manager, &p, &w.entropy, now)
        .unwrap_err();
    assert_eq!(f.error, AuthError::NotInOrganisation { account: w.manager });
    let f = revoke_sessions(&mut w.store, &admin_b, w.manager, now).unwrap_err();
    assert_eq!(f.error, AuthError::NotInOrganisation { account: w.manager });
    assert!(matches!(
        f.events[0].kind,
        AuthEventKind::ManagementRefused { operation: ManagementOp::RevokeSessions, .. }
    ));
}

/// M14: a contractor membership without contracted affairs is refused.
#[test]
fn contractor_grant_without_affairs_is_refused() {
    let mut w = World::new();
    let id = w.staff(w.org_a, "someone", RoleGrant::role(Role::PlacementStaff));
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let f =
        grant_membership(&mut w.store, &admin, id, RoleGrant::contractor(AffairSet::EMPTY), now)
            .unwrap_err();
    assert_eq!(f.error, AuthError::ContractorWithoutAffairs);
    assert_eq!(f.error.rule(), hogo_domain::RuleId::M14);
}

/// P10: an account created by an administrator must change its initial password first,
/// and a taken login name is refused.
#[test]
fn created_account_must_change_its_initial_password() {
    let mut w = World::new();
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let p = pw(PASSWORD);
    let spec = AccountSpec { login: "new.clerk", display_name: "新人 事務", password: &p };
    let grant = RoleGrant::role(Role::NumberClerk);
    let out = create_account(&mut w.store, &w.config, &admin, spec, grant, &w.ids, &w.entropy, now)
        .unwrap();
    assert!(matches!(out.events[0].kind, AuthEventKind::AccountCreated { .. }));
    assert_eq!(out.events[1].by, Some(admin.staff));
    let signed = w.try_sign_in(w.org_a, "new.clerk", PASSWORD, None).unwrap().value;
    assert_eq!(signed.scope(), SessionScope::PasswordChangeOnly);

    let spec = AccountSpec { login: "NEW.clerk", display_name: "重複", password: &p };
    let f = create_account(&mut w.store, &w.config, &admin, spec, grant, &w.ids, &w.entropy, now)
        .unwrap_err();
    assert_eq!(f.error, AuthError::LoginNameTaken);
}

/// P10/M3: bootstrap makes the first account the organisation's NumberManager, and only
/// once: an organisation with members cannot be bootstrapped again.
#[test]
fn bootstrap_makes_the_number_manager_only_once() {
    let mut w = World::new();
    let token = w.sign_in(w.org_a, "manager");
    assert_eq!(w.resolve(&token, w.org_a).unwrap().role, Role::NumberManager);
    let p = pw(PASSWORD);
    let now = w.now();
    let f = bootstrap(
        &mut w.store,
        &w.config,
        BootstrapRequest {
            organisation: w.org_a,
            manager: AccountSpec { login: "intruder", display_name: "侵入者", password: &p },
            administrator: None,
            policy: OrgAuthPolicy::default(),
        },
        &w.ids,
        &w.entropy,
        now,
    )
    .unwrap_err();
    assert_eq!(f.error, AuthError::AlreadyInitialised { organisation: w.org_a });
}

/// P10: the administrator's resolved actor is an Administrator with no contracted affairs
/// and a role that never handles numbers (the domain policy keeps it from personal data).
#[test]
fn administrator_actor_gets_nothing_but_the_administrator_role() {
    let mut w = World::new();
    let admin = w.admin_actor(w.org_a);
    assert_eq!(admin.role, Role::Administrator);
    assert!(admin.contracted_affairs.is_empty());
    assert!(!admin.role.handles_numbers());
    assert!(!admin.role.handles_placement_data());
}

/// P10/M14: removing a membership revokes the account's sessions in that organisation.
#[test]
fn removing_a_membership_revokes_its_sessions() {
    let mut w = World::new();
    let id = w.staff(w.org_a, "leaver", RoleGrant::role(Role::NumberClerk));
    let token = w.sign_in(w.org_a, "leaver");
    let admin = w.admin_actor(w.org_a);
    let now = w.now();
    let out = remove_membership(&mut w.store, &admin, id, now).unwrap();
    assert_eq!(out.events[0].kind, AuthEventKind::MembershipRemoved { role: Role::NumberClerk });
    assert_eq!(w.resolve(&token, w.org_a).unwrap_err().error, AuthError::SessionRevoked);
    let f = w.try_sign_in(w.org_a, "leaver", PASSWORD, None).unwrap_err();
    assert_eq!(f.error, AuthError::NotAMember { organisation: w.org_a });
}

/// P10: an administrator who grants their organisation a role for another organisation's
/// account (a 社労士 office's staff member) cannot take that account over: resetting its
/// password or second factor or disabling it is refused; revoking its sessions there works.
#[test]
fn administrator_cannot_take_over_an_account_created_elsewhere() {
    let mut w = World::new();
    let admin_b = w.admin_actor(w.org_b);
    let now = w.now();
    let grant = RoleGrant::role(Role::Auditor);
    let out = grant_membership(&mut w.store, &admin_b, w.manager, grant, now).unwrap();
    assert_eq!(out.value.organisation, w.org_b);
    let p = pw("hijack attempt 123");
    let foreign = AuthError::ForeignAccount { account: w.manager };
    let f = reset_password(&mut w.store, &w.config, &admin_b, w.manager, &p, &w.entropy, now)
        .unwrap_err();
    assert_eq!(f.error, foreign);
    assert_eq!(reset_totp(&mut w.store, &admin_b, w.manager, now).unwrap_err().error, foreign);
    let f = set_account_disabled(&mut w.store, &admin_b, w.manager, true, now).unwrap_err();
    assert_eq!(f.error, foreign);
    let token = w.sign_in(w.org_b, "manager");
    let out = revoke_sessions(&mut w.store, &admin_b, w.manager, now).unwrap();
    assert_eq!(out.value, 1);
    assert_eq!(w.resolve(&token, w.org_b).unwrap_err().error, AuthError::SessionRevoked);
    let a = w.sign_in(w.org_a, "manager");
    assert_eq!(w.resolve(&a, w.org_a).unwrap().role, Role::NumberManager);
}
