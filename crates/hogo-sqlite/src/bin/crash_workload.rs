//! The crash test's workload (feature `testkit`): opens a SQLite store and runs mixed use
//! cases — register, collect (single and batch), reveal, retire, hold, dispose — in a loop
//! until the test kills it with SIGKILL at a random point. Insecure test doubles only
//! (seeded entropy, a fixed root key, cheap Argon2): never a production program.

#![allow(clippy::print_stderr, reason = "a test program reports fatal setup errors")]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use hogo::Hogo;
use hogo::numbers::{CollectNumber, NewSubject, OutputKind, Profile};
use hogo::subjects::SubjectEventKind;
use hogo::testkit_app::{TEST_PASSWORD, employer, init_input};
use hogo_domain::testkit::{SeededEntropy, synthetic_number};
use hogo_domain::verification::{IdentityCheck, NumberCheck};
use hogo_domain::{Affair, Clock, Entropy, IdGen, OrganisationId, SubjectKind, Verification};
use hogo_sqlite::SqliteStore;
use secrecy::SecretString;
use uuid::Uuid;

/// The wall clock (this is an adapter-side program).
struct WallClock;

impl Clock for WallClock {
    #[allow(clippy::disallowed_methods, reason = "this adapter-side program is the clock")]
    fn now(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from(SystemTime::now())
    }
}

/// Random ids from the (seeded) entropy.
struct EntropyIds(Arc<SeededEntropy>);

impl IdGen for EntropyIds {
    fn new_uuid(&self) -> Uuid {
        let mut b = [0u8; 16];
        self.0.fill(&mut b);
        uuid::Builder::from_random_bytes(b).into_uuid()
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(data), Some(keys), Some(seed)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: hogo-crash-workload DATA KEYS SEED");
        std::process::exit(2);
    };
    let seed: u64 = seed.parse().unwrap_or(1);
    let store = match SqliteStore::open(&PathBuf::from(&data), &PathBuf::from(&keys)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("open: {e}");
            std::process::exit(1);
        }
    };
    let entropy = Arc::new(SeededEntropy::new(seed));
    let app = Hogo::new(
        store,
        Arc::new(WallClock),
        entropy.clone(),
        Arc::new(EntropyIds(entropy)),
        Arc::new(hogo_vault::testkit::in_memory_key_provider(7)),
    )
    .with_auth_config(hogo_auth::AuthConfig::insecure_for_tests());
    let org_file = PathBuf::from(format!("{data}.org"));
    let org = match std::fs::read_to_string(&org_file)
        .ok()
        .and_then(|t| t.trim().parse::<OrganisationId>().ok())
    {
        Some(org) => org,
        None => match app.init(init_input(employer(false, false))) {
            Ok(init) => {
                let _ = std::fs::write(&org_file, init.organisation.to_string());
                init.organisation
            }
            Err(e) => {
                eprintln!("init: {e}");
                std::process::exit(1);
            }
        },
    };
    let Ok(session) =
        app.sign_in(org, "manager", &SecretString::from(TEST_PASSWORD), None, "crash")
    else {
        eprintln!("sign-in failed");
        std::process::exit(1);
    };
    let me = app.whoami(&session).map(|a| a.staff).ok();
    let mut subjects = Vec::new();
    for i in 0u64.. {
        let n = seed * 1_000_000 + i;
        let subject = app.add_subject(
            &session,
            NewSubject {
                kind: SubjectKind::Employee,
                reference: format!("C-{n}"),
                same_person_as: None,
                profile: Profile {
                    name: "クラッシュ".into(),
                    furigana: "クラッシュ".into(),
                    birth_date: None,
                    address: "-".into(),
                },
            },
        );
        let Ok(subject) = subject else { continue };
        let Some(me) = me else { continue };
        let input = |seed| CollectNumber {
            subject,
            affair: Affair::WithholdingSlip,
            verification: Verification::InPerson {
                verified_by: me,
                number: NumberCheck::IndividualNumberCard,
                identity: IdentityCheck::CoveredByCard,
            },
            purpose_notified: true,
            identity_copy_kept: i % 4 == 0,
            number: synthetic_number(seed),
        };
        let _ = app.collect_number(&session, input(n));
        subjects.push(subject);
        if i % 3 == 0 {
            let _ = app.reveal_numbers(
                &session,
                &subjects[subjects.len().saturating_sub(5)..],
                Affair::WithholdingSlip,
                OutputKind::Filing,
            );
        }
        if i % 5 == 0 {
            let today = app.clock().today();
            let _ = app.record_event(&session, subject, SubjectEventKind::Retired, today);
        }
        if i % 11 == 0 {
            let _ = app.place_hold(
                &session,
                "調査",
                "税務調査",
                hogo_retention::HoldScope { subjects: vec![subject], kinds: vec![] },
                Some("国税通則法74条の2"),
            );
        }
        if i % 7 == 0 {
            let _ = app.run_disposal(&session, false);
        }
    }
}
