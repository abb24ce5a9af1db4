//! Property test (P10, M13): over random sequences of sign-in, resolve, sign-out,
//! administrator revocation and clock advances, `resolve` returns an actor exactly when a
//! reference model says the session is valid, unexpired, unrevoked and of the organisation
//! asked for — and then the actor is that session's account, organisation and role.

use chrono::{DateTime, Duration, Utc};
use hogo_auth::{SessionToken, revoke_sessions, sign_out};
use hogo_domain::{OrganisationId, Role, StaffId};
use proptest::prelude::*;

use crate::common::{PASSWORD, World};

#[derive(Debug, Clone)]
enum Op {
    SignIn { user: usize, org_b: bool, wrong_password: bool },
    Resolve { token: usize, org_b: bool },
    SignOut { token: usize },
    RevokeAll { user: usize },
    Advance { minutes: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, any::<bool>(), prop::bool::weighted(0.2))
            .prop_map(|(user, org_b, wrong_password)| Op::SignIn { user, org_b, wrong_password }),
        (0..16usize, prop::bool::weighted(0.2))
            .prop_map(|(token, org_b)| Op::Resolve { token, org_b }),
        (0..16usize).prop_map(|token| Op::SignOut { token }),
        (0..3usize).prop_map(|user| Op::RevokeAll { user }),
        prop_oneof![1..20i64, 20..40i64, 200..400i64].prop_map(|minutes| Op::Advance { minutes }),
    ]
}

/// The model's view of one issued token.
struct Model {
    token: SessionToken,
    user: usize,
    org: OrganisationId,
    created: DateTime<Utc>,
    last_used: DateTime<Utc>,
    revoked: bool,
}

impl Model {
    fn valid_at(&self, now: DateTime<Utc>) -> bool {
        !self.revoked
            && now < self.created + Duration::hours(12)
            && now < self.last_used + Duration::minutes(30)
    }
}

const USERS: [&str; 3] = ["clerk", "placement", "both"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// P10/M13: `resolve` never returns an actor without a valid, unexpired, unrevoked
    /// session of the organisation asked for, and always returns one when there is.
    #[test]
    fn resolve_returns_an_actor_exactly_for_live_sessions_of_the_right_organisation(
        ops in prop::collection::vec(op(), 1..40)
    ) {
        let mut w = World::new();
        let clerk = w.staff(w.org_a, "clerk", hogo_auth::RoleGrant::role(Role::NumberClerk));
        let placement =
            w.staff(w.org_a, "placement", hogo_auth::RoleGrant::role(Role::PlacementStaff));
        let both = w.staff(w.org_a, "both", hogo_auth::RoleGrant::role(Role::Auditor));
        let admin_b = w.admin_actor(w.org_b);
        let now = w.now();
        let granted = hogo_auth::grant_membership(
            &mut w.store, &admin_b, both, hogo_auth::RoleGrant::role(Role::Auditor), now,
        ).unwrap();
        prop_assert_eq!(granted.value.organisation, w.org_b);
        let ids: [StaffId; 3] = [clerk, placement, both];
        let admins = [w.admin_actor(w.org_a), admin_b];
        let member = |user: usize, org_b: bool| !org_b || user == 2;
        // "both" holds the same role in A and B, so only the organisation check tells a
        // session of A from one of B.
        let role = |user: usize| [Role::NumberClerk, Role::PlacementStaff, Role::Auditor][user];
        let mut tokens: Vec<Model> = Vec::new();

        for op in ops {
            let now = w.now();
            match op {
                Op::SignIn { user, org_b, wrong_password } => {
                    let org = if org_b { w.org_b } else { w.org_a };
                    let password = if wrong_password { "wrong password!!" } else { PASSWORD };
                    let locked = w.account(ids[user]).is_locked(now);
                    let result = w.try_sign_in(org, USERS[user], password, None);
                    let expect_ok = !wrong_password && !locked && member(user, org_b);
                    prop_assert_eq!(result.is_ok(), expect_ok);
                    if let Ok(out) = result {
                        tokens.push(Model {
                            token: out.value.token,
                            user,
                            org,
                            created: now,
                            last_used: now,
                            revoked: false,
                        });
                    }
                }
                Op::Resolve { token, org_b } => {
                    let Some(m) = tokens.get_mut(token) else { continue };
                    let org = if org_b { w.org_b } else { w.org_a };
                    let result = w.resolve(&m.token, org);
                    let expect = m.valid_at(now) && m.org == org;
                    prop_assert_eq!(result.is_ok(), expect, "model and resolve disagree");
                    if let Ok(actor) = result {
                        prop_assert_eq!(actor.staff, ids[m.user]);
                        prop_assert_eq!(actor.organisation, org);
                        prop_assert_eq!(actor.role, role(m.user));
                        m.last_used = now;
                    }
                }
                Op::SignOut { token } => {
                    let Some(m) = tokens.get_mut(token) else { continue };
                    let result = sign_out(&mut w.store, &m.token, m.org, now);
                    prop_assert_eq!(result.is_ok(), m.valid_at(now));
                    m.revoked = true;
                }
                Op::RevokeAll { user } => {
                    for (i, admin) in admins.iter().enumerate() {
                        if !member(user, i == 1) {
                            continue;
                        }
                        let out = revoke_sessions(&mut w.store, admin, ids[user], now).unwrap();
                        let mut live = 0;
                        for m in tokens.iter_mut().filter(|m| m.user == user && m.org == admin.organisation) {
                            live += usize::from(m.valid_at(now));
                            m.revoked = true;
                        }
                        prop_assert_eq!(out.value, live, "revocation count disagrees with the model");
                    }
                }
                Op::Advance { minutes } => w.advance(Duration::minutes(minutes)),
            }
        }
    }
}
