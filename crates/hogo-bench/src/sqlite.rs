//! The application layer on SQLite against bare SQLite: bulk `collect_numbers` (validate,
//! 本人確認, uniqueness, seal, index, holdings, one ledger entry per number, durable) vs
//! inserting the same numbers as plaintext rows; `find_subject_by_number` vs an indexed
//! plaintext lookup and vs a decrypt-and-compare scan through the application.

use std::time::{Duration, Instant};

use hogo::numbers::{CollectNumber, OutputKind};
use hogo::testkit_app::{add_employees, collect_by_card, distinct_numbers, signed_in_employer};
use hogo_domain::{Affair, MyNumber};
use hogo_sqlite::SqliteStore;

use crate::report::{Pair, Table, p50};

const BATCH: usize = 1000;

/// Bare SQLite, same durability (WAL, synchronous=FULL): plaintext rows in batches.
fn bare_insert(dir: &std::path::Path, numbers: &[MyNumber]) -> (Duration, rusqlite::Connection) {
    let mut conn = rusqlite::Connection::open(dir.join("bare.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE employee_numbers(subject INTEGER PRIMARY KEY, number TEXT NOT NULL);
         CREATE INDEX employee_numbers_number ON employee_numbers(number);",
    )
    .unwrap();
    let t = Instant::now();
    for (b, chunk) in numbers.chunks(BATCH).enumerate() {
        let tx = conn.transaction().unwrap();
        {
            let mut stmt =
                tx.prepare_cached("INSERT INTO employee_numbers VALUES (?1, ?2)").unwrap();
            for (i, m) in chunk.iter().enumerate() {
                stmt.execute(rusqlite::params![(b * BATCH + i) as i64, m.expose()]).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    (t.elapsed(), conn)
}

/// The pairs at `n` numbers.
pub(crate) fn collect_and_lookup(n: usize) -> Table {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(&dir.path().join("hogo.db"), &dir.path().join("hogo.keys")).unwrap();
    let (app, _clock, init, session) = signed_in_employer(store).unwrap();
    let subjects = add_employees(&app, &session, "B", n).unwrap();
    let numbers = distinct_numbers(n);
    let rows: Vec<CollectNumber> = subjects
        .iter()
        .zip(&numbers)
        .map(|(s, m)| collect_by_card(*s, Affair::WithholdingSlip, init.manager, m.clone()))
        .collect();
    let t = Instant::now();
    for chunk in rows.chunks(BATCH) {
        app.collect_numbers(&session, chunk).unwrap();
    }
    let collect = t.elapsed();
    let (bare, conn) = bare_insert(dir.path(), &numbers);

    let lookups = 200.min(n);
    let targets: Vec<&MyNumber> = (0..lookups).map(|i| &numbers[(i * 7919) % n]).collect();
    let hogo_lookup = p50(targets
        .iter()
        .map(|m| {
            let t = Instant::now();
            assert_eq!(app.find_subject_by_number(&session, m).unwrap().len(), 1);
            t.elapsed()
        })
        .collect());
    let mut stmt = conn.prepare("SELECT subject FROM employee_numbers WHERE number = ?1").unwrap();
    let bare_lookup = p50(targets
        .iter()
        .map(|m| {
            let t = Instant::now();
            let hit: i64 = stmt.query_row([m.expose()], |r| r.get(0)).unwrap();
            std::hint::black_box(hit);
            t.elapsed()
        })
        .collect());
    // What a lookup costs without the blind index: open every number (each access logged,
    // as the application must) and compare.
    let target = numbers[n / 2].clone();
    let t = Instant::now();
    let all = app
        .reveal_numbers(&session, &subjects, Affair::WithholdingSlip, OutputKind::Filing)
        .unwrap();
    assert!(all.iter().any(|(_, m)| *m == target));
    let scan = t.elapsed();

    Table {
        title: "Application layer on SQLite vs bare SQLite",
        note: format!(
            "Both files use WAL with `synchronous=FULL` and commit every {BATCH} numbers. Bare SQLite \
             stores the digits in plaintext with an index — what the protections are measured \
             against, not an acceptable design. The scan opens all N through the application \
             (one 利用 ledger entry each, as an honest system without an index must). `add_subjects` \
             (batches of 1000) is setup and is not timed."
        ),
        pairs: vec![
            Pair {
                hogo: format!("collect_numbers, batches of {BATCH}"),
                hogo_time: collect,
                baseline: "INSERT plaintext rows".into(),
                baseline_time: bare,
                ops: n,
            },
            Pair {
                hogo: format!("find_subject_by_number, p50 of {lookups}"),
                hogo_time: hogo_lookup,
                baseline: "decrypt-and-compare scan of N".into(),
                baseline_time: scan,
                ops: 1,
            },
            Pair {
                hogo: format!("find_subject_by_number, p50 of {lookups}"),
                hogo_time: hogo_lookup,
                baseline: "indexed plaintext SELECT, p50".into(),
                baseline_time: bare_lookup,
                ops: 1,
            },
        ],
    }
}
