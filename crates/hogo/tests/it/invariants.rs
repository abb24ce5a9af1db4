//! Cross-cutting invariants of the application layer: a refused use case writes only its
//! refusal entry (invariant 4), provision and carrying out follow M10/M12, and no use
//! case runs without a valid session of the right organisation (P10, M13; proptest).

use chrono::{Duration, NaiveDate};
use hogo::movements::Protection;
use hogo::numbers::{CollectNumber, NewSubject, OutputKind, Profile};
use hogo::testkit_app::{TEST_PASSWORD, app, employer, init_input};
use hogo::{Error, Session};
use hogo_domain::policy::{CarryOutReason, ProvisionCase};
use hogo_domain::testkit::synthetic_number;
use hogo_domain::verification::{IdentityCheck, NumberCheck};
use hogo_domain::{Affair, RuleId, SubjectKind, Verification};
use hogo_ledger::Outcome;
use proptest::prelude::*;
use secrecy::SecretString;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

type App = hogo::Hogo<hogo::testkit::MemoryStore>;

fn setup()
-> (App, std::sync::Arc<hogo_domain::testkit::FixedClock>, Session, Session, hogo_domain::SubjectId)
{
    let (app, clock) = app(date(2025, 4, 1));
    let init = app.init(init_input(employer(false, false))).unwrap();
    let pw = SecretString::from(TEST_PASSWORD);
    let manager = app.sign_in(init.organisation, "manager", &pw, None, "t").unwrap();
    let admin = app.sign_in(init.organisation, "admin", &pw, None, "t").unwrap();
    let s = app
        .add_subject(
            &manager,
            NewSubject {
                kind: SubjectKind::Employee,
                reference: "E-1".into(),
                same_person_as: None,
                profile: Profile {
                    name: "甲".into(),
                    furigana: "コウ".into(),
                    birth_date: None,
                    address: "東京".into(),
                },
            },
        )
        .unwrap();
    app.collect_number(
        &manager,
        CollectNumber {
            subject: s,
            affair: Affair::HealthPensionInsurance,
            verification: Verification::InPerson {
                verified_by: init.manager,
                number: NumberCheck::IndividualNumberCard,
                identity: IdentityCheck::CoveredByCard,
            },
            purpose_notified: true,
            identity_copy_kept: false,
            number: synthetic_number(5),
        },
    )
    .unwrap();
    (app, clock, manager, admin, s)
}

/// Invariant 4 (M13 separation of duties): the administrator's refused reveal leaves
/// every store unchanged except one ledger entry recording the refusal with its rule.
#[test]
fn a_refused_use_case_writes_only_its_refusal_entry() {
    let (app, _clock, _manager, admin, s) = setup();
    let org = admin.organisation();
    let before = app.store().snapshot();
    let err = app
        .reveal_number(&admin, s, Affair::HealthPensionInsurance, OutputKind::Filing)
        .unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M3));
    let after = app.store().snapshot();
    assert_eq!(format!("{:?}", before.docs), format!("{:?}", after.docs));
    assert_eq!(format!("{:?}", before.vault), format!("{:?}", after.vault));
    assert_eq!(format!("{:?}", before.keks), format!("{:?}", after.keks));
    assert_eq!(format!("{:?}", before.auth), format!("{:?}", after.auth));
    let mut b = before.ledger.clone();
    let mut a = after.ledger.clone();
    let (eb, ea) = (b.entries_mut(org).unwrap().clone(), a.entries_mut(org).unwrap().clone());
    assert_eq!(ea.len(), eb.len() + 1);
    assert_eq!(&ea[..eb.len()], &eb[..]);
    assert!(matches!(ea.last().unwrap().entry.outcome, Outcome::Refused { rule: RuleId::M3, .. }));
}

/// M10, M12: provision outside 番号法19条 is refused even with consent; a filing with an
/// authority by its designated method is recorded; carrying out needs a listed reason and
/// protections.
#[test]
fn provision_and_carrying_out_follow_article_19_and_28() {
    let (app, _clock, manager, _admin, s) = setup();
    let err = app
        .provide_numbers(
            &manager,
            &[s],
            ProvisionCase::Unlisted { with_consent: true },
            "グループ会社",
            &[Protection::Encrypted],
        )
        .unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M10));
    let err = app
        .provide_numbers(
            &manager,
            &[s],
            ProvisionCase::AuthorityForAffair { affair: Affair::HealthPensionInsurance },
            "日本年金機構",
            &[Protection::TraceableDelivery],
        )
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { rule: RuleId::M12, .. }));
    app.provide_numbers(
        &manager,
        &[s],
        ProvisionCase::AuthorityForAffair { affair: Affair::HealthPensionInsurance },
        "日本年金機構",
        &[Protection::AuthorityDesignatedMethod],
    )
    .unwrap();
    let err = app
        .carry_out(&manager, &[s], CarryOutReason::Other, "自宅", &[Protection::Encrypted])
        .unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M12));
    // M14: only to a registered contractor with every check and clause recorded.
    let err = app
        .carry_out(
            &manager,
            &[s],
            CarryOutReason::ToContractor { affair: Affair::HealthPensionInsurance },
            "社労士事務所",
            &[Protection::Encrypted],
        )
        .unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M14));
    let c = app
        .register_contractor(
            &manager,
            &hogo::governance::contractors_ops::NewContractor {
                name: "社労士事務所".into(),
                corporate_number: None,
                affairs: hogo_domain::AffairSet::EMPTY.with(Affair::HealthPensionInsurance),
                parent: None,
                subcontract_permitted: false,
            },
        )
        .unwrap();
    app.record_contractor_items(
        &manager,
        c,
        &hogo::governance::contractors_ops::ContractorItem::all(),
        None,
    )
    .unwrap();
    app.carry_out(
        &manager,
        &[s],
        CarryOutReason::ToContractor { affair: Affair::HealthPensionInsurance },
        "社労士事務所",
        &[Protection::Encrypted, Protection::PasswordProtected],
    )
    .unwrap();
    assert_eq!(app.movements(&manager).unwrap().len(), 2);
}

#[derive(Debug, Clone)]
enum Step {
    SignIn,
    Use,
    SignOut,
    Revoke,
    Advance(i64),
    UseOtherOrg,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::SignIn),
        Just(Step::Use),
        Just(Step::Use),
        Just(Step::SignOut),
        Just(Step::Revoke),
        (1i64..900).prop_map(Step::Advance),
        Just(Step::UseOtherOrg),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// P10, M13: over random sequences of sign-in, use, sign-out, revocation and clock
    /// moves, a use case succeeds exactly when the session is valid (signed in, not
    /// signed out or revoked, idle < 30 min, age < 12 h) — and a session is never
    /// accepted for another organisation.
    #[test]
    fn no_use_case_runs_without_a_valid_session(steps in proptest::collection::vec(step(), 1..14)) {
        let (app, clock) = app(date(2025, 4, 1));
        let a = app.init(init_input(employer(false, false))).unwrap();
        let b = app
            .init(hogo::setup::InitInput {
                organisation: employer(false, false),
                manager: hogo::testkit_app::account("manager-b", "別会社 責任者"),
                administrator: None,
            })
            .unwrap();
        let pw = SecretString::from(TEST_PASSWORD);
        let admin = app.sign_in(a.organisation, "admin", &pw, None, "t").unwrap();
        let mut session: Option<Session> = None;
        // Model: (signed in at minute, last use minute, alive).
        let mut model: Option<(i64, i64, bool)> = None;
        let mut minute = 0i64;
        for s in steps {
            match s {
                Step::SignIn => {
                    session = Some(app.sign_in(a.organisation, "manager", &pw, None, "t").unwrap());
                    model = Some((minute, minute, true));
                }
                Step::Use => {
                    let valid = model.is_some_and(|(at, last, alive)| alive && minute - last < 30 && minute - at < 12 * 60);
                    match &session {
                        Some(sess) => {
                            let ok = app.whoami(sess).is_ok();
                            prop_assert_eq!(ok, valid, "minute {}", minute);
                            if let (true, Some(m)) = (ok, model.as_mut()) {
                                m.1 = minute;
                            }
                        }
                        None => prop_assert!(!valid),
                    }
                }
                Step::SignOut => {
                    if let Some(sess) = &session {
                        let _ = app.sign_out(sess);
                        if let Some(m) = model.as_mut() { m.2 = false; }
                    }
                }
                Step::Revoke => {
                    if session.is_some() {
                        let revoked = app.revoke_sessions(&admin, a.manager);
                        if let (true, Some(m)) = (revoked.is_ok(), model.as_mut()) {
                            m.2 = false;
                        }
                    }
                }
                Step::Advance(m) => {
                    clock.advance(Duration::minutes(m));
                    minute += m;
                }
                Step::UseOtherOrg => {
                    if let Some(sess) = &session {
                        let foreign = Session::new(b.organisation, hogo_auth::SessionToken::presented(
                            SecretString::from(sess.token().expose().to_owned()),
                        ));
                        prop_assert!(app.whoami(&foreign).is_err());
                    }
                }
            }
        }
    }
}

/// P3, P5: a job seeker's data goes only to the employer the person consented to, and
/// only placement staff handle it; a number clerk is refused (P5). P1, P2: a bare job
/// seeker cannot be added through `add_subject` — only `register_seeker` records the
/// stated purposes, the entry confirmation and the collection source — and the refusal
/// stores nothing.
#[test]
fn job_seeker_provision_needs_consent_to_that_employer() {
    use hogo::placement::{CollectionSource, EntryCheck, NewSeeker, ProvideSeeker, SeekerDetails};
    use hogo_domain::placement::{ProvisionRecordForm, SeekerItem};
    use hogo_domain::policy::ThirdPartyBasis;
    use hogo_domain::{ConsentMethod, ConsentScope, Purpose, Role};
    let (app, clock) = app(date(2025, 4, 1));
    let mut org = employer(false, false);
    org.purposes = Purpose::ALL.to_vec();
    let init = app.init(init_input(org)).unwrap();
    let pw = SecretString::from(TEST_PASSWORD);
    let admin = app.sign_in(init.organisation, "admin", &pw, None, "t").unwrap();
    app.create_staff(
        &admin,
        &hogo::testkit_app::account("placement", "紹介 担当"),
        hogo_auth::RoleGrant::role(Role::PlacementStaff),
    )
    .unwrap();
    let first = app.sign_in(init.organisation, "placement", &pw, None, "t").unwrap();
    let new_pw = SecretString::from("placement passphrase 2025");
    app.change_password(&first, &pw, &new_pw).unwrap();
    let staff = app.sign_in(init.organisation, "placement", &new_pw, None, "t").unwrap();
    let profile = Profile {
        name: "求職 太郎".into(),
        furigana: "キュウショク".into(),
        birth_date: None,
        address: "横浜".into(),
    };
    let bare = app.add_subject(
        &staff,
        NewSubject {
            kind: SubjectKind::JobSeeker,
            reference: "J-1".into(),
            same_person_as: None,
            profile: profile.clone(),
        },
    );
    let err = bare.unwrap_err();
    assert!(err.to_string().contains("seeker register"), "{err}");
    assert!(
        matches!(&err, Error::Invalid { field, rule, .. } if field == "kind" && *rule == RuleId::P1),
        "{err:?}"
    );
    assert!(app.seekers(&staff).unwrap().is_empty());
    let seeker = app
        .register_seeker(
            &staff,
            NewSeeker {
                reference: "J-1".into(),
                received_on: date(2025, 4, 1),
                place: "本社".into(),
                valid_until: date(2025, 6, 30),
                desired_occupations: vec!["事務".into()],
                profile,
                details: SeekerDetails::default(),
                stated_purposes: vec!["interview".into(), "provision_to_employer".into()],
                source: CollectionSource::Person,
                check: EntryCheck::ShowBack { confirmed: true },
            },
        )
        .unwrap();
    let manager = app.sign_in(init.organisation, "manager", &pw, None, "t").unwrap();
    let err = app.subject(&manager, seeker).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::P5), "{err:?}");
    let provide = |r: &str| {
        app.provide_seeker_data(
            &staff,
            ProvideSeeker {
                subject: seeker,
                basis: ThirdPartyBasis::RecruitingEmployer { recipient: r.into() },
                items: vec![SeekerItem::Name],
                form: ProvisionRecordForm::Individual,
            },
            None,
        )
    };
    let err = provide("株式会社アクメ").unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::P3));
    app.record_consent(
        &staff,
        seeker,
        ConsentScope::ProvisionOfItems {
            recipient: "株式会社アクメ".into(),
            purpose: Purpose::ProvisionToEmployer,
            items: vec![SeekerItem::Name],
        },
        ConsentMethod::Written,
        hogo_domain::Clock::now(clock.as_ref()),
    )
    .unwrap();
    provide("株式会社アクメ").unwrap();
    assert!(provide("別の会社").is_err());
}

/// M5 ⑥, P10: a wrong password is refused with its typed error and recorded as a failed
/// sign-in, and a revoked session is refused and recorded too — without any secret.
#[test]
fn failed_sign_ins_and_refused_sessions_are_logged() {
    let (app, _clock, manager, admin, _s) = setup();
    let org = manager.organisation();
    let entries = |app: &App| app.store().snapshot().ledger.entries_mut(org).unwrap().clone();
    let before = entries(&app).len();
    let err = app
        .sign_in(org, "manager", &SecretString::from("wrong password!!"), None, "t")
        .unwrap_err();
    assert!(matches!(err, Error::Auth(hogo_auth::AuthError::InvalidCredentials)), "{err:?}");
    let after = entries(&app);
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap().entry.action, hogo_ledger::Action::SignInFailed);
    let me = app.whoami(&manager).unwrap();
    app.revoke_sessions(&admin, me.staff).unwrap();
    let before = entries(&app).len();
    let err = app.whoami(&manager).unwrap_err();
    assert!(matches!(err, Error::Auth(hogo_auth::AuthError::SessionRevoked)), "{err:?}");
    let after = entries(&app);
    assert_eq!(after.len(), before + 1, "the refused session is recorded");
    let text = format!("{:?}", after.last().unwrap());
    assert!(!text.contains(TEST_PASSWORD) && !text.contains("wrong password"));
}
