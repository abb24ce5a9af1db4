//! Application-layer figures on SQLite (issue 8), measured once per phase and printed as
//! a table (a report, not a gate): bulk `collect_numbers` in batches of 1000 (validate,
//! seal, index, holdings, ledger, durable); `find_subject_by_number` p50 among N vs a
//! decrypt-and-compare scan of all N; bulk `reveal_numbers` of N with one ledger entry
//! each; `run_disposal` of N due subjects. `HOGO_BENCH_APP_N` sets N (default 2 000).
//!
//! Run: `cargo bench -p hogo-sqlite --bench app`.

#![allow(clippy::print_stdout, clippy::unwrap_used, reason = "a benchmark report")]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use hogo::numbers::{CollectNumber, OutputKind};
use hogo::subjects::SubjectEventKind;
use hogo::testkit_app::{
    TEST_PASSWORD, add_employees, collect_by_card, distinct_numbers, signed_in_employer,
};
use hogo_domain::Affair;
use hogo_sqlite::SqliteStore;
use secrecy::SecretString;

fn main() {
    let n: usize =
        std::env::var("HOGO_BENCH_APP_N").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("app.db"), &keys.path().join("app.keys")).unwrap();
    let (app, clock, init, session) = signed_in_employer(store).unwrap();
    let pw = SecretString::from(TEST_PASSWORD);
    let t = Instant::now();
    let subjects = add_employees(&app, &session, "B", n).unwrap();
    let register = t.elapsed();
    let numbers = distinct_numbers(n);
    let rows: Vec<CollectNumber> = subjects
        .iter()
        .zip(&numbers)
        .map(|(s, m)| collect_by_card(*s, Affair::WithholdingSlip, init.manager, m.clone()))
        .collect();
    let t = Instant::now();
    for chunk in rows.chunks(1000) {
        app.collect_numbers(&session, chunk).unwrap();
    }
    let collect = t.elapsed();
    let mut lookups: Vec<Duration> = (0..200.min(n))
        .map(|i| {
            let t = Instant::now();
            let found = app.find_subject_by_number(&session, &numbers[(i * 7919) % n]).unwrap();
            assert_eq!(found.len(), 1);
            t.elapsed()
        })
        .collect();
    lookups.sort();
    let p50 = lookups[lookups.len() / 2];
    let t = Instant::now();
    let all = app
        .reveal_numbers(&session, &subjects, Affair::WithholdingSlip, OutputKind::Filing)
        .unwrap();
    let reveal = t.elapsed();
    // Decrypt-and-compare scan: what a lookup would cost without the blind index.
    let target = numbers[n / 2].clone();
    let t = Instant::now();
    let hit = all.iter().position(|(_, m)| *m == target);
    let scan = reveal + t.elapsed();
    assert!(hit.is_some());
    for s in &subjects {
        app.record_event(
            &session,
            *s,
            SubjectEventKind::Retired,
            NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
        )
        .unwrap();
    }
    clock.set(chrono::TimeZone::from_utc_datetime(
        &chrono::Utc,
        &NaiveDate::from_ymd_opt(2036, 2, 1).unwrap().and_hms_opt(0, 0, 0).unwrap(),
    ));
    let session = app.sign_in(init.organisation, "manager", &pw, None, "bench").unwrap();
    let t = Instant::now();
    let report = app.run_disposal(&session, false).unwrap();
    let dispose = t.elapsed();
    assert_eq!(report.numbers.len(), n);
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!("hogo application layer on SQLite (WAL, synchronous=FULL), N = {n}");
    println!("| phase | total | per subject | rate |");
    println!("|---|---|---|---|");
    println!(
        "| add_subject (one transaction each) | {register:.2?} | {:.0} µs | {:.0}/s |",
        per(register),
        n as f64 / register.as_secs_f64()
    );
    println!(
        "| collect_numbers, batches of 1000 | {collect:.2?} | {:.0} µs | {:.0}/s |",
        per(collect),
        n as f64 / collect.as_secs_f64()
    );
    println!("| find_subject_by_number p50 (200 lookups) | {p50:.2?} | – | – |");
    println!(
        "| decrypt-and-compare scan of all N (for comparison) | {scan:.2?} | – | lookup is {:.0}× faster |",
        scan.as_secs_f64() / p50.as_secs_f64()
    );
    println!(
        "| reveal_numbers of N, one entry each | {reveal:.2?} | {:.0} µs | {:.0}/s |",
        per(reveal),
        n as f64 / reveal.as_secs_f64()
    );
    println!(
        "| run_disposal of N due numbers + holdings, certificates | {dispose:.2?} | {:.0} µs | {:.0}/s |",
        per(dispose),
        n as f64 / dispose.as_secs_f64()
    );
}
