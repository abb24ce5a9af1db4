//! Journey 1 of `shared/docs/journeys.md`, a clerk's year — collection with 本人確認,
//! output for 法定調書 with the manager's approval, retirement, years later disposal with
//! certificates and a legal hold — as functions generic over the [`Store`], so that the
//! application layer's own test (in-memory store) and every adapter's tests run the same
//! journey through the public API (they were copies).
//!
//! Each function takes a fresh, empty store and, where the journey checks that a refused
//! write left no trace, an [`Observe`] function that shows one [`Part`] of the store's
//! state as text. They panic on failure and use synthetic numbers only.
//!
//! ```
//! use hogo::store_suite::journeys::{self, Part};
//! let observe = |s: &hogo::testkit::MemoryStore, part: Part| match part {
//!     Part::Documents => format!("{:?}", s.snapshot().docs),
//!     Part::Vault => format!("{:?}", s.snapshot().vault),
//! };
//! journeys::batch_collection_is_all_or_nothing(hogo::testkit::MemoryStore::new(), &observe);
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    reason = "a test suite: panics on failure"
)]

use chrono::{Duration, NaiveDate};
use hogo_auth::RoleGrant;
use hogo_domain::testkit::synthetic_number;
use hogo_domain::verification::{IdentityCheck, IdentityDocument, NumberCheck};
use hogo_domain::{Affair, Role, RuleId, SubjectId, SubjectKind, Verification};
use hogo_retention::HoldScope;
use secrecy::SecretString;

use crate::numbers::{CollectNumber, NewSubject, OutputKind, Profile};
use crate::store::Store;
use crate::subjects::SubjectEventKind;
use crate::testkit_app::{TEST_PASSWORD, account, app_with, employer, init_input};
use crate::{Error, Hogo, Session};

/// A part of a store's state a journey compares before and after a refused write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The application's documents.
    Documents,
    /// The vault's rows (data keys, records, index tags).
    Vault,
}

/// Shows one part of a store's state as text (equal text: equal state).
pub type Observe<S> = dyn Fn(&S, Part) -> String;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn profile(name: &str) -> Profile {
    Profile {
        name: name.into(),
        furigana: "テスト".into(),
        birth_date: Some(date(1990, 1, 1)),
        address: "東京都".into(),
    }
}

impl<S: Store> World<S> {
    /// Sessions expire when the clock jumps: sign everyone in again.
    fn sign_in_again(&mut self) {
        let org = self.manager.organisation();
        self.manager = sign_in(&self.app, org, "manager");
        self.admin = sign_in(&self.app, org, "admin");
        self.clerk = self
            .app
            .sign_in(org, "clerk", &SecretString::from("a much better passphrase"), None, "test")
            .unwrap();
    }
}

struct World<S: Store> {
    app: Hogo<S>,
    clock: std::sync::Arc<hogo_domain::testkit::FixedClock>,
    manager: Session,
    clerk: Session,
    admin: Session,
    clerk_id: hogo_domain::StaffId,
}

fn sign_in<S: Store>(app: &Hogo<S>, org: hogo_domain::OrganisationId, login: &str) -> Session {
    app.sign_in(org, login, &SecretString::from(TEST_PASSWORD), None, "test").unwrap()
}

fn world<S: Store>(store: S, use_approval: bool) -> World<S> {
    world_with(store, use_approval, false)
}

fn world_with<S: Store>(store: S, use_approval: bool, disposal_approval: bool) -> World<S> {
    let (app, clock) = app_with(store, date(2025, 4, 1));
    let init = app.init(init_input(employer(use_approval, disposal_approval))).unwrap();
    let org = init.organisation;
    let manager = sign_in(&app, org, "manager");
    let admin = sign_in(&app, org, "admin");
    app.nominate_staff(&manager, "clerk", Role::NumberClerk).unwrap();
    let clerk_id = app
        .create_staff(&admin, &account("clerk", "田中"), RoleGrant::role(Role::NumberClerk))
        .unwrap();
    // New accounts must change their first password.
    let first = sign_in(&app, org, "clerk");
    app.change_password(
        &first,
        &SecretString::from(TEST_PASSWORD),
        &SecretString::from("a much better passphrase"),
    )
    .unwrap();
    let clerk = app
        .sign_in(org, "clerk", &SecretString::from("a much better passphrase"), None, "test")
        .unwrap();
    World { app, clock, manager, clerk, admin, clerk_id }
}

fn hire<S: Store>(w: &World<S>, name: &str, seed: u64) -> SubjectId {
    let s = w
        .app
        .add_subject(
            &w.clerk,
            NewSubject {
                kind: SubjectKind::Employee,
                reference: format!("E-{seed}"),
                same_person_as: None,
                profile: profile(name),
            },
        )
        .unwrap();
    w.app
        .collect_number(
            &w.clerk,
            CollectNumber {
                subject: s,
                affair: Affair::WithholdingSlip,
                verification: Verification::InPerson {
                    verified_by: w.clerk_id,
                    number: NumberCheck::IndividualNumberCard,
                    identity: IdentityCheck::CoveredByCard,
                },
                purpose_notified: true,
                identity_copy_kept: false,
                number: synthetic_number(seed),
            },
        )
        .unwrap();
    s
}

/// M7, M9: the same number on a second subject is refused; a wrong 本人確認 is refused
/// and stores nothing.
pub fn collection_checks_uniqueness_and_verification<S: Store>(store: S, observe: &Observe<S>) {
    let w = world(store, false);
    let a = hire(&w, "甲", 1);
    let b = w
        .app
        .add_subject(
            &w.clerk,
            NewSubject {
                kind: SubjectKind::Employee,
                reference: "E-2".into(),
                same_person_as: None,
                profile: profile("乙"),
            },
        )
        .unwrap();
    let collect = |number, verification| {
        w.app.collect_number(
            &w.clerk,
            CollectNumber {
                subject: b,
                affair: Affair::WithholdingSlip,
                verification,
                purpose_notified: true,
                identity_copy_kept: false,
                number,
            },
        )
    };
    let ok_v = Verification::InPerson {
        verified_by: w.clerk_id,
        number: NumberCheck::ResidentRecordCopy,
        identity: IdentityCheck::PhotoId { document: IdentityDocument::DriversLicence },
    };
    let dup = collect(synthetic_number(1), ok_v.clone()).unwrap_err();
    assert!(matches!(dup, Error::Conflict { rule: RuleId::M9, .. }), "{dup:?}");
    let bad_v = Verification::InPerson {
        verified_by: w.clerk_id,
        number: NumberCheck::ResidentRecordCopy,
        identity: IdentityCheck::CoveredByCard,
    };
    let before = observe(w.app.store(), Part::Documents);
    let err = collect(synthetic_number(2), bad_v).unwrap_err();
    assert!(matches!(err, Error::Invalid { rule: RuleId::M7, .. }), "{err:?}");
    assert_eq!(
        before,
        observe(w.app.store(), Part::Documents),
        "a refused collection stores nothing"
    );
    collect(synthetic_number(2), ok_v).unwrap();
    assert_eq!(w.app.find_subject_by_number(&w.clerk, &synthetic_number(2)).unwrap(), vec![b]);
    assert_eq!(w.app.find_subject_by_number(&w.clerk, &synthetic_number(1)).unwrap(), vec![a]);
}

/// M3 (Art. 6②), M8: output needs the manager's use approval where configured; the
/// recipient's copy never shows the number; an auditor is refused and the refusal logged.
pub fn output_needs_approval_and_recipient_copies_hide_numbers<S: Store>(store: S) {
    let w = world(store, true);
    let a = hire(&w, "甲", 11);
    let err =
        w.app.reveal_number(&w.clerk, a, Affair::WithholdingSlip, OutputKind::Filing).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M3), "{err:?}");
    w.app
        .approve_use(&w.manager, Affair::WithholdingSlip, "令和7年分 源泉徴収票", date(2026, 1, 31))
        .unwrap();
    let n = w.app.reveal_number(&w.clerk, a, Affair::WithholdingSlip, OutputKind::Filing).unwrap();
    assert_eq!(n, synthetic_number(11));
    let err = w
        .app
        .reveal_number(&w.clerk, a, Affair::WithholdingSlip, OutputKind::RecipientCopy)
        .unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M8));
    // The administrator cannot reach a number (separation of duties).
    let err =
        w.app.reveal_number(&w.admin, a, Affair::WithholdingSlip, OutputKind::Filing).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M3), "{err:?}");
}

/// M11, M9: after retirement the documents and the number fall due years later; disposal
/// on the clock's today shreds keys, writes entries and certificates; a legal hold with
/// a basis keeps its subject's number.
pub fn disposal_after_retirement_with_certificate_and_hold<S: Store>(store: S) {
    let mut w = world(store, false);
    let a = hire(&w, "甲", 21);
    let b = hire(&w, "乙", 22);
    w.clock.advance(Duration::days(30));
    w.sign_in_again();
    w.app.record_event(&w.clerk, a, SubjectEventKind::Retired, date(2025, 4, 30)).unwrap();
    w.app.record_event(&w.clerk, b, SubjectEventKind::Retired, date(2025, 4, 30)).unwrap();
    // A future event is refused.
    assert!(w.app.record_event(&w.clerk, a, SubjectEventKind::Retired, date(2030, 1, 1)).is_err());
    w.app
        .place_hold(
            &w.manager,
            "税務調査",
            "税務調査対応",
            HoldScope { subjects: vec![b], kinds: vec![] },
            Some("国税通則法74条の2（質問検査権）"),
        )
        .unwrap();
    // Plan ahead (allowed), dispose now (nothing due yet).
    let plan = w.app.plan(&w.manager, date(2035, 2, 1)).unwrap();
    assert!(plan.due().count() > 0);
    let now_report = w.app.run_disposal(&w.clerk, false).unwrap();
    assert!(now_report.holdings.is_empty() && now_report.numbers.is_empty());
    // Years later.
    w.clock.set(chrono::TimeZone::from_utc_datetime(
        &chrono::Utc,
        &date(2035, 2, 1).and_hms_opt(0, 0, 0).unwrap(),
    ));
    w.sign_in_again();
    let dry = w.app.run_disposal(&w.clerk, true).unwrap();
    assert!(dry.dry_run && !dry.numbers.is_empty());
    let report = w.app.run_disposal(&w.clerk, false).unwrap();
    assert_eq!(report.numbers, vec![a], "the held subject's number stays");
    assert!(report.held > 0);
    let cert = w.app.certificate(&w.manager, &report.certificates[0]).unwrap();
    assert_eq!(cert.subject, a);
    assert!(cert.items.iter().any(|i| i.what == "my_number"));
    assert!(!cert.proofs.is_empty());
    // The number is gone for good: reveal fails, search finds nothing.
    assert!(w.app.reveal_number(&w.clerk, a, Affair::WithholdingSlip, OutputKind::Filing).is_err());
    assert!(w.app.find_subject_by_number(&w.clerk, &synthetic_number(21)).unwrap().is_empty());
    assert_eq!(w.app.find_subject_by_number(&w.clerk, &synthetic_number(22)).unwrap(), vec![b]);
}

/// M7, invariant 4: a year-end batch with one bad row stores nothing; the fixed batch
/// stores every row in one transaction.
pub fn batch_collection_is_all_or_nothing<S: Store>(store: S, observe: &Observe<S>) {
    let w = world(store, false);
    let subjects: Vec<SubjectId> = (0..5)
        .map(|i| {
            w.app
                .add_subject(
                    &w.clerk,
                    NewSubject {
                        kind: SubjectKind::Employee,
                        reference: format!("B-{i}"),
                        same_person_as: None,
                        profile: profile("バッチ"),
                    },
                )
                .unwrap()
        })
        .collect();
    let rows = |bad: Option<usize>| -> Vec<CollectNumber> {
        subjects
            .iter()
            .enumerate()
            .map(|(i, s)| CollectNumber {
                subject: *s,
                affair: Affair::WithholdingSlip,
                verification: Verification::InPerson {
                    verified_by: w.clerk_id,
                    number: NumberCheck::IndividualNumberCard,
                    identity: if Some(i) == bad {
                        IdentityCheck::TwoOrMoreDocuments { count: 1 }
                    } else {
                        IdentityCheck::CoveredByCard
                    },
                },
                purpose_notified: true,
                identity_copy_kept: false,
                number: synthetic_number(100 + i as u64),
            })
            .collect()
    };
    let before = observe(w.app.store(), Part::Vault);
    assert!(w.app.collect_numbers(&w.clerk, &rows(Some(3))).is_err());
    assert_eq!(before, observe(w.app.store(), Part::Vault), "a failed batch stores nothing");
    assert_eq!(w.app.collect_numbers(&w.clerk, &rows(None)).unwrap().len(), 5);
    assert_eq!(
        w.app.find_subject_by_number(&w.clerk, &synthetic_number(104)).unwrap(),
        vec![subjects[4]]
    );
}

/// M6, M8, P4, invariant 4: a year-start registration batch is all or nothing — a row
/// with a My Number as its reference is refused before anything runs and the error names
/// that row; a dependant attached to a non-employee fails inside the transaction and
/// rolls back the rows before it; the fixed batch stores every row, each with its own
/// 取得 entry (M5 ①).
pub fn batch_registration_is_all_or_nothing<S: Store>(store: S, observe: &Observe<S>) {
    let w = world(store, false);
    let org = w.manager.organisation();
    let payee = w
        .app
        .add_subject(
            &w.clerk,
            NewSubject {
                kind: SubjectKind::Payee(hogo_domain::PayeeKind::Remuneration),
                reference: "P-1".into(),
                same_person_as: None,
                profile: profile("支払先"),
            },
        )
        .unwrap();
    let row = |i: usize| NewSubject {
        kind: SubjectKind::Employee,
        reference: format!("Y-{i}"),
        same_person_as: None,
        profile: profile("一括"),
    };
    let entries = || w.app.verify_ledger(org).unwrap().entries;
    let (docs, vault, logged) =
        (observe(w.app.store(), Part::Documents), observe(w.app.store(), Part::Vault), entries());
    let mut bad = vec![row(0), row(1), row(2)];
    bad[1].reference = format!("ref {}", synthetic_number(7).expose());
    match w.app.add_subjects(&w.clerk, &bad) {
        Err(Error::Invalid { field, rule, message }) => {
            assert_eq!((field.as_str(), rule), ("rows[1].reference", RuleId::M8));
            assert!(!message.contains(synthetic_number(7).expose()), "M8: no number in errors");
        }
        other => panic!("expected rows[1].reference to be refused, got {other:?}"),
    }
    let mut orphan = vec![row(0), row(1), row(2)];
    orphan[2].kind = SubjectKind::Dependent { of: payee, category3_spouse: false };
    assert!(matches!(
        w.app.add_subjects(&w.clerk, &orphan),
        Err(Error::Invalid { ref field, .. }) if field == "rows[2].kind.of"
    ));
    assert_eq!(docs, observe(w.app.store(), Part::Documents), "a failed batch stores nothing");
    assert_eq!(vault, observe(w.app.store(), Part::Vault), "a failed batch seals nothing");
    assert_eq!(entries(), logged, "a failed batch logs nothing");
    let ids = w.app.add_subjects(&w.clerk, &[row(0), row(1), row(2)]).unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(entries(), logged + 3, "M5 ①: one 取得 entry per registered subject");
    let listed: Vec<SubjectId> =
        w.app.subjects(&w.clerk).unwrap().iter().map(|r| r.subject.id).collect();
    assert!(ids.iter().all(|id| listed.contains(id)), "every row is registered");
    let dependants = w
        .app
        .add_subjects(
            &w.clerk,
            &[NewSubject {
                kind: SubjectKind::Dependent { of: ids[0], category3_spouse: false },
                ..row(9)
            }],
        )
        .unwrap();
    assert_eq!(dependants.len(), 1, "dependants of a batch's employees in the next batch");
}

/// M9, M11 (番号GL 第4-3-(3)B): an insurance document's period runs from 完結 (recorded
/// on the holdings), and a dependant's number stops being needed when the employee who
/// declared them leaves — both numbers then fall due on time.
pub fn completion_and_dependants_follow_the_employee<S: Store>(store: S) {
    completion_and_dependants(store, false);
}

/// M9, M11: the same journey on a database written before the dependants index existed
/// (its index entries and completion marker removed): the retirement finds the dependant
/// by reading the subject records instead, and the dependant's number still falls due.
pub fn dependants_follow_the_employee_in_an_older_database<S: Store>(store: S) {
    completion_and_dependants(store, true);
}

fn completion_and_dependants<S: Store>(store: S, older_database: bool) {
    let mut w = world(store, false);
    let emp = w
        .app
        .add_subject(
            &w.clerk,
            NewSubject {
                kind: SubjectKind::Employee,
                reference: "E-9".into(),
                same_person_as: None,
                profile: profile("丙"),
            },
        )
        .unwrap();
    let dep = w
        .app
        .add_subject(
            &w.clerk,
            NewSubject {
                kind: SubjectKind::Dependent { of: emp, category3_spouse: false },
                reference: "E-9-1".into(),
                same_person_as: None,
                profile: profile("丙の子"),
            },
        )
        .unwrap();
    let collect = |subject, affair, verification, seed| {
        w.app
            .collect_number(
                &w.clerk,
                CollectNumber {
                    subject,
                    affair,
                    verification,
                    purpose_notified: true,
                    identity_copy_kept: false,
                    number: synthetic_number(seed),
                },
            )
            .unwrap()
    };
    let card = Verification::InPerson {
        verified_by: w.clerk_id,
        number: NumberCheck::IndividualNumberCard,
        identity: IdentityCheck::CoveredByCard,
    };
    collect(emp, Affair::HealthPensionInsurance, card, 31);
    collect(dep, Affair::HealthPensionInsurance, Verification::ByEmployee { employee: emp }, 32);
    if older_database {
        let org = w.manager.organisation();
        w.app
            .store()
            .transact(org, &mut |tx| {
                assert!(tx.docs.delete(org, "singleton", "dependant_index")?, "the marker");
                assert!(tx.docs.delete(org, "dependant", &format!("{emp}:{dep}"))?, "the entry");
                Ok(())
            })
            .unwrap();
    }
    w.clock.advance(Duration::days(60));
    w.sign_in_again();
    w.app.record_event(&w.clerk, emp, SubjectEventKind::Retired, date(2025, 5, 20)).unwrap();
    let before = w.app.plan(&w.manager, date(2030, 1, 1)).unwrap();
    assert!(before.numbers_due().all(|n| n.subject != emp), "completion not recorded yet");
    for s in [emp, dep] {
        let n = w
            .app
            .record_holding_event(
                &w.clerk,
                s,
                "health_pension_insurance",
                hogo_retention::EventKind::Completed,
                date(2025, 5, 25),
            )
            .unwrap();
        assert_eq!(n, 1);
    }
    let plan = w.app.plan(&w.manager, date(2030, 1, 1)).unwrap();
    let due: Vec<_> = plan.numbers_due().map(|n| n.subject).collect();
    assert!(due.contains(&emp) && due.contains(&dep), "{due:?}");
    // Two years after 完結 (健保則34条) the numbers are due; not a day before.
    let early = w.app.plan(&w.manager, date(2027, 5, 25)).unwrap();
    assert!(early.numbers_due().next().is_none());
}

/// M11, P11 (doc 000 §11): with the organisation's approval switch on, nothing is disposed
/// of until the manager approves today's batch; the certificate names the approver.
pub fn disposal_waits_for_the_managers_approval_when_required<S: Store>(store: S) {
    let mut w = world_with(store, false, true);
    let a = hire(&w, "承認", 41);
    w.clock.advance(Duration::days(30));
    w.sign_in_again();
    w.app.record_event(&w.clerk, a, SubjectEventKind::Retired, date(2025, 4, 30)).unwrap();
    w.clock.set(chrono::TimeZone::from_utc_datetime(
        &chrono::Utc,
        &date(2035, 2, 1).and_hms_opt(0, 0, 0).unwrap(),
    ));
    w.sign_in_again();
    let waiting = w.app.run_disposal(&w.clerk, false).unwrap();
    assert!(waiting.numbers.is_empty() && waiting.holdings.is_empty(), "{waiting:?}");
    assert!(waiting.awaiting_approval > 0);
    let err = w.app.approve_disposal(&w.clerk).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M11));
    w.app.approve_disposal(&w.manager).unwrap();
    let done = w.app.run_disposal(&w.clerk, false).unwrap();
    assert_eq!(done.numbers, vec![a]);
    let cert = w.app.certificate(&w.manager, &done.certificates[0]).unwrap();
    let manager = w.app.whoami(&w.manager).unwrap().staff;
    assert_eq!(cert.approved_by, Some(manager));
}
