//! P10, M13: the TOTP second factor through the application layer — a clerk of an
//! organisation that requires TOTP enrols in the enrolment-only session, confirms with a
//! code, signs in with codes and works; wrong codes are refused and logged; the stored
//! account never holds the secret in clear; an administrator's reset forces re-enrolment.

use chrono::{Duration, NaiveDate};
use hogo::testkit::MemoryStore;
use hogo::testkit_app::{TEST_PASSWORD, account, app, employer, init_input};
use hogo::totp::{MAX_CONFIRM_ATTEMPTS, TotpEnrolment};
use hogo::{Error, Hogo, Session};
use hogo_auth::{AuthError, AuthStore, RoleGrant, TotpFactor, TotpSecret};
use hogo_domain::testkit::FixedClock;
use hogo_domain::{Clock, OrganisationId, Role, StaffId};
use hogo_ledger::{Action, Outcome};
use secrecy::{ExposeSecret, SecretString};

type App = Hogo<MemoryStore>;
const CLERK_PASSWORD: &str = "a much better passphrase";

struct World {
    app: App,
    clock: std::sync::Arc<FixedClock>,
    org: OrganisationId,
    admin: Session,
    clerk_id: StaffId,
}

fn unix(clock: &FixedClock) -> u64 {
    u64::try_from(clock.now().timestamp()).unwrap()
}

fn code(e: &TotpEnrolment, at: u64) -> String {
    TotpSecret::from_base32(e.secret_base32.expose_secret()).unwrap().code_at(at).unwrap()
}

fn next_step(w: &World) {
    w.clock.advance(Duration::seconds(30));
}

/// Signs `login` in, enrolling TOTP first when the session asks for it.
fn sign_in(w: &World, login: &str, password: &str, code: Option<&str>) -> Result<Session, Error> {
    w.app.sign_in(w.org, login, &SecretString::from(password), code, "test")
}

/// Enrols the account of `session` and returns the enrolment (confirmed).
fn enrol(w: &World, session: &Session) -> TotpEnrolment {
    let e = w.app.start_totp_enrolment(session).unwrap();
    w.app.confirm_totp_enrolment(session, &code(&e, unix(&w.clock))).unwrap();
    next_step(w);
    e
}

/// An employer that requires TOTP for number roles; the manager enrols, nominates a
/// clerk, the administrator creates it, the clerk changes the first password.
fn world() -> (World, TotpEnrolment) {
    let (app, clock) = app(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
    let mut org = employer(false, false);
    org.require_totp_for_number_roles = true;
    let init = app.init(init_input(org)).unwrap();
    let org = init.organisation;
    let admin = app.sign_in(org, "admin", &SecretString::from(TEST_PASSWORD), None, "t").unwrap();
    let mut w = World { app, clock, org, admin, clerk_id: init.manager };
    let manager = sign_in(&w, "manager", TEST_PASSWORD, None).unwrap();
    let m = enrol(&w, &manager);
    let manager = sign_in(&w, "manager", TEST_PASSWORD, Some(&code(&m, unix(&w.clock)))).unwrap();
    w.app.nominate_staff(&manager, "clerk", Role::NumberClerk).unwrap();
    w.clerk_id = w
        .app
        .create_staff(&w.admin, &account("clerk", "田中"), RoleGrant::role(Role::NumberClerk))
        .unwrap();
    let first = sign_in(&w, "clerk", TEST_PASSWORD, None).unwrap();
    w.app
        .change_password(
            &first,
            &SecretString::from(TEST_PASSWORD),
            &SecretString::from(CLERK_PASSWORD),
        )
        .unwrap();
    (w, m)
}

fn entries(w: &World) -> Vec<hogo_ledger::Entry> {
    w.app
        .store()
        .snapshot()
        .ledger
        .entries_mut(w.org)
        .unwrap()
        .iter()
        .map(|s| s.entry.clone())
        .collect()
}

/// P10, M13: a required-TOTP clerk gets an enrolment-only session, enrols in it, confirms
/// with a current code, signs in again with a code and works; the enrolment is logged.
#[test]
fn required_totp_clerk_enrols_confirms_signs_in_and_works() {
    let (w, _) = world();
    let restricted = sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap();
    let err = w.app.whoami(&restricted).unwrap_err();
    assert_eq!(err, Error::Auth(AuthError::TotpEnrolmentRequired));
    let e = w.app.start_totp_enrolment(&restricted).unwrap();
    assert_eq!(e.account, w.clerk_id);
    assert_eq!(e.secret_base32.expose_secret().len(), 52, "32 bytes in base32");
    assert!(e.uri.expose_secret().starts_with("otpauth://totp/hogo:clerk?secret="));
    assert!(!format!("{e:?}").contains(e.secret_base32.expose_secret()));
    // Not active before the confirmation: signing in without a code still works (restricted).
    let again = sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap();
    assert_eq!(w.app.whoami(&again).unwrap_err(), Error::Auth(AuthError::TotpEnrolmentRequired));
    w.app.confirm_totp_enrolment(&restricted, &code(&e, unix(&w.clock))).unwrap();
    // The enrolment-only session is revoked: sign in again, now with a code.
    assert!(w.app.whoami(&restricted).is_err());
    next_step(&w);
    assert_eq!(
        sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap_err(),
        Error::Auth(AuthError::TotpRequired)
    );
    let clerk = sign_in(&w, "clerk", CLERK_PASSWORD, Some(&code(&e, unix(&w.clock)))).unwrap();
    let me = w.app.whoami(&clerk).unwrap();
    assert_eq!((me.staff, me.role), (w.clerk_id, Role::NumberClerk));
    assert!(w.app.organisation(&clerk).is_ok(), "the clerk works");
    // A second enrolment is refused once a factor is active.
    assert_eq!(
        w.app.start_totp_enrolment(&clerk).unwrap_err(),
        Error::Auth(AuthError::TotpAlreadyEnrolled)
    );
    let log = entries(&w);
    let factor: Vec<_> = log.iter().filter(|e| e.action == Action::SecondFactor).collect();
    assert!(factor.iter().any(|e| e.outcome == Outcome::Success
        && e.note.as_ref().is_some_and(|n| n.as_str().contains("TOTP enrolment started"))));
    assert!(factor.iter().any(|e| e.note.as_ref().is_some_and(|n| n.as_str() == "TotpEnrolled")));
    let text = format!("{log:?}");
    assert!(!text.contains(e.secret_base32.expose_secret()), "the ledger never holds the secret");
    assert!(w.app.verify_ledger(w.org).unwrap().ok);
}

/// M13, M5 ⑥: a wrong confirmation code is refused and logged, the factor stays inactive,
/// and after MAX_CONFIRM_ATTEMPTS wrong codes the started enrolment is dropped.
#[test]
fn wrong_confirmation_code_is_refused_and_logged() {
    let (w, _) = world();
    let s = sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap();
    let e = w.app.start_totp_enrolment(&s).unwrap();
    let right = code(&e, unix(&w.clock));
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let before = entries(&w).len();
    assert_eq!(
        w.app.confirm_totp_enrolment(&s, wrong).unwrap_err(),
        Error::Auth(AuthError::TotpInvalid)
    );
    let log = entries(&w);
    assert_eq!(log.len(), before + 1);
    let last = log.last().unwrap();
    assert_eq!(last.action, Action::SecondFactor);
    assert_eq!(last.outcome, Outcome::Failed);
    assert!(last.note.as_ref().unwrap().as_str().contains("totp_invalid"));
    let account = w.app.store().snapshot().auth.account(w.clerk_id).unwrap().unwrap();
    assert!(account.totp_secret.is_none(), "not active before a right code");
    for _ in 1..MAX_CONFIRM_ATTEMPTS {
        assert!(w.app.confirm_totp_enrolment(&s, wrong).is_err());
    }
    // Dropped: even the right code finds no started enrolment.
    assert!(matches!(w.app.confirm_totp_enrolment(&s, &right), Err(Error::NotFound { .. })));
    // Starting again works.
    let e2 = w.app.start_totp_enrolment(&s).unwrap();
    w.app.confirm_totp_enrolment(&s, &code(&e2, unix(&w.clock))).unwrap();
}

/// M13: a started enrolment expires.
#[test]
fn started_enrolment_expires() {
    let (w, _) = world();
    let s = sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap();
    let e = w.app.start_totp_enrolment(&s).unwrap();
    w.clock.advance(Duration::minutes(11));
    let s = sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap();
    assert!(matches!(
        w.app.confirm_totp_enrolment(&s, &code(&e, unix(&w.clock))),
        Err(Error::NotFound { .. })
    ));
}

/// P10, M13 (encryption at rest): the store holds only the sealed form — neither the
/// secret's bytes nor its base32 — and a sealed secret moved to another account does
/// not open there (it fails closed).
#[test]
fn stored_account_holds_no_clear_secret() {
    let (w, m) = world();
    let s = sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap();
    let e = enrol(&w, &s);
    let raw = TotpSecret::from_base32(e.secret_base32.expose_secret()).unwrap();
    let state = w.app.store().snapshot();
    let stored = state.auth.account(w.clerk_id).unwrap().unwrap();
    let Some(TotpFactor::Sealed(sealed)) = &stored.totp_secret else {
        panic!("the store must hold the sealed form, got {:?}", stored.totp_secret)
    };
    let bytes = sealed.as_bytes();
    assert!(!bytes.windows(raw.expose_bytes().len()).any(|w| w == raw.expose_bytes()));
    let b32 = e.secret_base32.expose_secret().as_bytes();
    let dump = format!("{state:?}");
    assert!(!dump.contains(e.secret_base32.expose_secret()));
    assert!(!bytes.windows(b32.len()).any(|w| w == b32));
    // The pending copy was removed at confirmation.
    let pending = hogo::docs::DocumentStore::get(
        &state.docs,
        w.org,
        "totp_enrolment",
        &w.clerk_id.to_string(),
    );
    assert_eq!(pending.unwrap(), None);
    // Move the clerk's sealed secret onto the manager's account: it does not open there.
    let manager_id = w
        .app
        .whoami(&sign_in(&w, "manager", TEST_PASSWORD, Some(&code(&m, unix(&w.clock)))).unwrap())
        .unwrap()
        .staff;
    next_step(&w);
    w.app.store().with_state(|st| {
        let mut manager = st.auth.account(manager_id).unwrap().unwrap();
        manager.totp_secret = stored.totp_secret.clone();
        st.auth.update_account(&manager).unwrap();
    });
    for c in [code(&e, unix(&w.clock)), code(&m, unix(&w.clock))] {
        assert!(sign_in(&w, "manager", TEST_PASSWORD, Some(&c)).is_err());
    }
}

/// M13: the administrator's reset removes the factor and revokes the sessions; the clerk's
/// next sign-in may only enrol again, and the old secret no longer works. Only the
/// administrator may reset; a refusal is logged.
#[test]
fn administrator_reset_forces_re_enrolment() {
    let (w, m) = world();
    let s = sign_in(&w, "clerk", CLERK_PASSWORD, None).unwrap();
    let e = enrol(&w, &s);
    let clerk = sign_in(&w, "clerk", CLERK_PASSWORD, Some(&code(&e, unix(&w.clock)))).unwrap();
    next_step(&w);
    let manager = sign_in(&w, "manager", TEST_PASSWORD, Some(&code(&m, unix(&w.clock)))).unwrap();
    let before = entries(&w).len();
    assert!(matches!(
        w.app.reset_totp(&manager, w.clerk_id),
        Err(Error::Auth(AuthError::NotAdministrator { .. }))
    ));
    let log = entries(&w);
    assert_eq!(log.len(), before + 1, "the refused reset is logged");
    assert_eq!(log.last().unwrap().outcome, Outcome::Failed);
    w.app.reset_totp(&w.admin, w.clerk_id).unwrap();
    assert!(w.app.whoami(&clerk).is_err(), "sessions revoked");
    assert!(entries(&w).iter().any(|x| x.action == Action::SecondFactor
        && x.note.as_ref().is_some_and(|n| n.as_str() == "TotpReset")));
    next_step(&w);
    let again = sign_in(&w, "clerk", CLERK_PASSWORD, Some(&code(&e, unix(&w.clock)))).unwrap();
    assert_eq!(w.app.whoami(&again).unwrap_err(), Error::Auth(AuthError::TotpEnrolmentRequired));
    let e2 = enrol(&w, &again);
    assert_ne!(e2.secret_base32.expose_secret(), e.secret_base32.expose_secret());
    let ok = sign_in(&w, "clerk", CLERK_PASSWORD, Some(&code(&e2, unix(&w.clock)))).unwrap();
    assert!(w.app.whoami(&ok).is_ok());
}
