//! Bulk insert through the ports vs a bare SQLite insert of the same rows.
//!
//! - `hogo_ports`: `N` synthetic numbers in batches of 1000, one transaction per batch:
//!   `Vault::put_numbers_batch` (uniqueness check, data key per subject, seal, blind
//!   index) and one 取得 ledger entry per number (`ledger::append`), durable
//!   (WAL, `synchronous=FULL`).
//! - `bare_same_rows`: the very rows the first run wrote (every table of the data file,
//!   same count, sizes and batch size), inserted into a fresh file with the same schema
//!   and pragmas through prepared statements: no crypto, no ledger, no serialisation.
//!
//! `N` comes from `HOGO_BENCH_N` (default 100 000). Figures: `BENCHMARKS.md`.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hogo::{Error, Store, Tx};
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{Actor, DataClass, MyNumber, OrganisationId, RecordId, Role, StaffId, SubjectId};
use hogo_ledger::{Action, NewEntry, ledger};
use hogo_sqlite::SqliteStore;
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{RecordContext, Vault, VaultConfig};
use rusqlite::types::Value;
use uuid::Uuid;

const BATCH: usize = 1000;

fn n() -> usize {
    std::env::var("HOGO_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn org() -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(0xbe_0001))
}

fn run<T>(
    store: &SqliteStore,
    mut f: impl FnMut(&mut Tx<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    store.transact(org(), &mut f)
}

/// Writes `n` numbers through the ports; returns the time spent in the batches.
fn through_ports(dir: &Path, numbers: &[MyNumber]) -> Duration {
    let store = SqliteStore::open(&dir.join("data.db"), &dir.join("keys.db")).expect("open");
    let (keys, entropy, ids) =
        (in_memory_key_provider(1), SeededEntropy::new(1), SequentialIds::new());
    let vault = Vault::new(&keys, &entropy, &ids, VaultConfig::default()).expect("vault");
    let o = org();
    let signer = hogo_ledger::Ed25519Signer::from_seed("bench", zeroize::Zeroizing::new([1; 32]))
        .expect("signer");
    run(&store, |tx| {
        ledger::create_log(&mut *tx.ledger, o, "hogo.bench/ledger", vec![signer.verifier_key()])
            .map_err(|e| Error::Storage(e.to_string()))?;
        Ok(())
    })
    .expect("create log");
    let clerk = Actor::new(StaffId::from_uuid(Uuid::from_u128(7)), o, Role::NumberClerk);
    let time = chrono::DateTime::from_timestamp(1_775_000_000, 0).expect("time");
    let start = Instant::now();
    for (b, chunk) in numbers.chunks(BATCH).enumerate() {
        let items: Vec<(RecordContext, &MyNumber)> = chunk
            .iter()
            .enumerate()
            .map(|(i, number)| {
                let k = (b * BATCH + i) as u128;
                let ctx = RecordContext {
                    organisation: o,
                    subject: SubjectId::from_uuid(Uuid::from_u128(0x1_0000_0000 + k)),
                    class: DataClass::MyNumber,
                    table: "employees".into(),
                    field: "my_number".into(),
                    record: RecordId::from_uuid(Uuid::from_u128(0x2_0000_0000 + k)),
                };
                (ctx, number)
            })
            .collect();
        run(&store, |tx| {
            vault
                .put_numbers_batch(&mut *tx.vault, &mut *tx.keks, &items)
                .map_err(|e| Error::Storage(e.to_string()))?;
            let entries = items
                .iter()
                .map(|(ctx, _)| {
                    NewEntry::new(time, o, (&clerk).into(), Action::Acquisition)
                        .with_subject(ctx.subject)
                })
                .collect();
            ledger::append(&mut *tx.ledger, o, entries, &entropy)
                .map_err(|e| Error::Storage(e.to_string()))?;
            Ok(())
        })
        .expect("batch");
    }
    start.elapsed()
}

/// Every row hogo wrote, per table, in insertion order, as bindable values.
type Rows = Vec<(String, usize, Vec<Vec<Value>>)>;

fn read_rows(path: &Path) -> Rows {
    let conn = rusqlite::Connection::open(path).expect("open");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT IN ('schema_migrations') AND name NOT LIKE 'sqlite_%'",
        )
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).expect("select");
            let cols = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..cols).map(|i| r.get::<_, Value>(i)).collect())
                .expect("query")
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .expect("rows");
            (t, cols, rows)
        })
        .collect()
}

/// Inserts the same rows into a fresh file (same schema and pragmas), `BATCH` numbers'
/// worth of rows per transaction; returns the time spent.
fn bare(dir: &Path, rows: &Rows, n: usize) -> Duration {
    // Opening through the store creates the same schema and pragmas.
    drop(SqliteStore::open(&dir.join("bare.db"), &dir.join("bare-keys.db")).expect("open"));
    let db = hogo_sqlite::db::Database::open(&dir.join("bare.db")).expect("open");
    let batches = n.div_ceil(BATCH).max(1);
    db.with_connection(|conn| {
        let start = Instant::now();
        for b in 0..batches {
            let tx = conn.transaction().expect("begin");
            for (table, cols, data) in rows {
                let per = data.len().div_ceil(batches);
                let slice = data.iter().skip(b * per).take(per);
                let marks = vec!["?"; *cols].join(", ");
                let mut stmt = tx
                    .prepare_cached(&format!("INSERT OR REPLACE INTO \"{table}\" VALUES ({marks})"))
                    .expect("prepare");
                for row in slice {
                    stmt.execute(rusqlite::params_from_iter(row.iter())).expect("insert");
                }
            }
            tx.commit().expect("commit");
        }
        start.elapsed()
    })
    .expect("connection")
}

fn bench(c: &mut Criterion) {
    let n = n();
    let numbers: Vec<MyNumber> = (0..n as u64).map(synthetic_number).collect();
    let mut group = c.benchmark_group(format!("bulk_insert_{n}"));
    group.sample_size(10).throughput(Throughput::Elements(n as u64));
    let mut last_rows: Option<Rows> = None;
    group.bench_function("hogo_ports", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().expect("tempdir");
                total += through_ports(dir.path(), &numbers);
                last_rows = Some(read_rows(&dir.path().join("data.db")));
            }
            total
        });
    });
    let rows = last_rows.unwrap_or_else(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        through_ports(dir.path(), &numbers);
        read_rows(&dir.path().join("data.db"))
    });
    group.bench_function("bare_same_rows", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().expect("tempdir");
                total += bare(dir.path(), &rows, n);
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
