//! Eight clerks at once on one PostgreSQL data database through the application layer (issue 8): no
//! write is lost, and the same number is never stored twice (M7, M9: uniqueness is
//! checked inside the writing transaction).

use std::sync::Arc;

use chrono::NaiveDate;
use hogo::numbers::{CollectNumber, NewSubject, Profile};
use hogo::testkit_app::{TEST_PASSWORD, app_with, employer, init_input};
use hogo::{Error, Hogo};
use hogo_domain::testkit::synthetic_number;
use hogo_domain::verification::{IdentityCheck, NumberCheck};
use hogo_domain::{Affair, SubjectKind, Verification};
use hogo_postgres::PostgresStore;
use secrecy::SecretString;

/// M7, M9: eight threads each register subjects and race to collect one shared number;
/// every subject is stored, exactly one collection of the shared number wins, the ledger
/// verifies and holds one 取得 entry per stored number.
#[test]
fn eight_threads_lose_no_write_and_store_no_duplicate_number() {
    let (_server, store) = crate::pg_or_skip!();
    let (app, _clock) = app_with(store, NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
    let app: Arc<Hogo<PostgresStore>> = Arc::new(app);
    let init = app.init(init_input(employer(false, false))).unwrap();
    let org = init.organisation;
    let per_thread = 6u64;
    let results: Vec<(usize, bool)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8u64)
            .map(|t| {
                let app = app.clone();
                scope.spawn(move || {
                    let session = app
                        .sign_in(org, "manager", &SecretString::from(TEST_PASSWORD), None, "t")
                        .unwrap();
                    let mut stored = 0;
                    let mut won_shared = false;
                    for i in 0..per_thread {
                        let s = app
                            .add_subject(
                                &session,
                                NewSubject {
                                    kind: SubjectKind::Employee,
                                    reference: format!("T{t}-{i}"),
                                    same_person_as: None,
                                    profile: Profile {
                                        name: "並行".into(),
                                        furigana: "ヘイコウ".into(),
                                        birth_date: None,
                                        address: "-".into(),
                                    },
                                },
                            )
                            .unwrap();
                        // The first subject of each thread races for the shared number.
                        let seed = if i == 0 { 777_777 } else { 10_000 + t * 100 + i };
                        let r = app.collect_number(
                            &session,
                            CollectNumber {
                                subject: s,
                                affair: Affair::WithholdingSlip,
                                verification: Verification::InPerson {
                                    verified_by: init.manager,
                                    number: NumberCheck::IndividualNumberCard,
                                    identity: IdentityCheck::CoveredByCard,
                                },
                                purpose_notified: true,
                                identity_copy_kept: false,
                                number: synthetic_number(seed),
                            },
                        );
                        match r {
                            Ok(_) => {
                                stored += 1;
                                if i == 0 {
                                    won_shared = true;
                                }
                            }
                            Err(Error::Conflict { .. }) if i == 0 => {}
                            Err(e) => panic!("thread {t} row {i}: {e}"),
                        }
                    }
                    (stored, won_shared)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners = results.iter().filter(|(_, w)| *w).count();
    assert_eq!(winners, 1, "exactly one thread stores the shared number");
    let stored: usize = results.iter().map(|(n, _)| n).sum();
    assert_eq!(stored as u64, 8 * (per_thread - 1) + 1);
    let manager =
        app.sign_in(org, "manager", &SecretString::from(TEST_PASSWORD), None, "t").unwrap();
    assert_eq!(app.subjects(&manager).unwrap().len() as u64, 8 * per_thread);
    assert_eq!(app.find_subject_by_number(&manager, &synthetic_number(777_777)).unwrap().len(), 1);
    let check = app.verify_ledger(org).unwrap();
    assert!(check.ok, "{check:?}");
}
