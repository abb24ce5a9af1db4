//! A world with two organisations, an in-memory store, a fixed clock and seeded entropy.

use chrono::{DateTime, Duration, TimeZone, Utc};
use hogo_auth::testkit::MemoryAuthStore;
use hogo_auth::{
    AccountSpec, AuthConfig, AuthEvent, AuthFailure, AuthStore, BootstrapRequest, ClientLabel,
    OrgAuthPolicy, RoleGrant, SessionToken, SignInRequest, SignedIn, bootstrap, create_account,
    resolve, sign_in,
};
use hogo_domain::testkit::{FixedClock, SeededEntropy, SequentialIds};
use hogo_domain::{Actor, Clock, OrganisationId, StaffId};
use secrecy::SecretString;
use uuid::Uuid;

pub(crate) const PASSWORD: &str = "correct horse battery";

pub(crate) fn pw(s: &str) -> SecretString {
    SecretString::from(s)
}

pub(crate) struct World {
    pub(crate) store: MemoryAuthStore,
    pub(crate) config: AuthConfig,
    pub(crate) entropy: SeededEntropy,
    pub(crate) ids: SequentialIds,
    pub(crate) clock: FixedClock,
    pub(crate) org_a: OrganisationId,
    pub(crate) org_b: OrganisationId,
    pub(crate) manager: StaffId,
    pub(crate) admin_a: StaffId,
    pub(crate) admin_b: StaffId,
}

impl World {
    /// Organisation A (manager "manager", administrator "admin-a") and organisation B
    /// (manager "manager-b", administrator "admin-b"), all with password [`PASSWORD`].
    pub(crate) fn new() -> Self {
        let start = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
        let mut w = Self {
            store: MemoryAuthStore::new(),
            config: AuthConfig::insecure_for_tests(),
            entropy: SeededEntropy::new(42),
            ids: SequentialIds::new(),
            clock: FixedClock::at(start),
            org_a: OrganisationId::from_uuid(Uuid::from_u128(0xA)),
            org_b: OrganisationId::from_uuid(Uuid::from_u128(0xB)),
            manager: StaffId::from_uuid(Uuid::nil()),
            admin_a: StaffId::from_uuid(Uuid::nil()),
            admin_b: StaffId::from_uuid(Uuid::nil()),
        };
        let (m, a) = w.bootstrap(w.org_a, "manager", "admin-a");
        let (_, b) = w.bootstrap(w.org_b, "manager-b", "admin-b");
        w.manager = m;
        w.admin_a = a;
        w.admin_b = b;
        w
    }

    fn bootstrap(&mut self, org: OrganisationId, manager: &str, admin: &str) -> (StaffId, StaffId) {
        let p = pw(PASSWORD);
        let out = bootstrap(
            &mut self.store,
            &self.config,
            BootstrapRequest {
                organisation: org,
                manager: AccountSpec { login: manager, display_name: "責任者", password: &p },
                administrator: Some(AccountSpec {
                    login: admin,
                    display_name: "管理者",
                    password: &p,
                }),
                policy: OrgAuthPolicy::default(),
            },
            &self.ids,
            &self.entropy,
            self.clock.now(),
        )
        .unwrap();
        (out.value.manager, out.value.administrator.unwrap())
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub(crate) fn try_sign_in(
        &mut self,
        org: OrganisationId,
        login: &str,
        password: &str,
        totp: Option<&str>,
    ) -> Result<hogo_auth::AuthOutcome<SignedIn>, AuthFailure> {
        let p = pw(password);
        let now = self.now();
        sign_in(
            &mut self.store,
            &self.config,
            SignInRequest {
                organisation: org,
                login,
                password: &p,
                totp_code: totp,
                client: ClientLabel::parse("test client").unwrap(),
            },
            &self.entropy,
            now,
        )
    }

    /// Signs in with [`PASSWORD`] and returns the token.
    pub(crate) fn sign_in(&mut self, org: OrganisationId, login: &str) -> SessionToken {
        self.try_sign_in(org, login, PASSWORD, None).unwrap().value.token
    }

    pub(crate) fn resolve(
        &mut self,
        token: &SessionToken,
        org: OrganisationId,
    ) -> Result<Actor, AuthFailure> {
        let now = self.now();
        resolve(&mut self.store, &self.config, token, org, now).map(|o| o.value)
    }

    /// The administrator of `org`, resolved from a real session.
    pub(crate) fn admin_actor(&mut self, org: OrganisationId) -> Actor {
        let login = if org == self.org_a { "admin-a" } else { "admin-b" };
        let t = self.sign_in(org, login);
        self.resolve(&t, org).unwrap()
    }

    /// An account made by the administrator of `org`, with its must-change flag cleared
    /// (as if the first password change had happened) and password [`PASSWORD`].
    pub(crate) fn staff(&mut self, org: OrganisationId, login: &str, grant: RoleGrant) -> StaffId {
        let admin = self.admin_actor(org);
        let p = pw(PASSWORD);
        let now = self.now();
        let id = create_account(
            &mut self.store,
            &self.config,
            &admin,
            AccountSpec { login, display_name: "職員", password: &p },
            grant,
            &self.ids,
            &self.entropy,
            now,
        )
        .unwrap()
        .value;
        let mut account = self.store.account(id).unwrap().unwrap();
        account.must_change_password = false;
        self.store.update_account(&account).unwrap();
        id
    }

    pub(crate) fn account(&self, id: StaffId) -> hogo_auth::StaffAccount {
        self.store.account(id).unwrap().unwrap()
    }
}

/// Asserts that no event's `Debug` contains any of the given secrets.
pub(crate) fn assert_no_secret(events: &[AuthEvent], secrets: &[&str]) {
    let text = format!("{events:?}");
    for s in secrets {
        assert!(!text.contains(s), "an event leaked a secret");
    }
}
