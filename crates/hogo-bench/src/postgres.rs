//! hogo on PostgreSQL side by side with what HR systems commonly do with `pgcrypto`, in
//! one run on one throwaway cluster (`hogo_postgres::cluster`; skipped without a server):
//!
//! - (a) `pgp_sym_encrypt` per number (server side, batches of 1000 per statement), and
//!   lookup by decrypt-scan (`WHERE pgp_sym_decrypt(num, key) = $1`);
//! - (b) raw `encrypt(…, 'aes')` — unauthenticated and deterministic (equal numbers give
//!   equal ciphertexts, so it leaks who shares a number and detects no tampering), for
//!   context: import, and lookup by equality on an index of the ciphertext;
//! - hogo: `collect_numbers` in batches of 1000 (validation, per-subject authenticated
//!   encryption, blind index, holdings, one ledger entry per number, all durable), and
//!   `find_subject_by_number` p50 and p90, in the steady state (after a warm-up).
//!
//! `HOGO_BENCH_PG_SCANS=1` adds diagnostics on stderr: statements per number and per
//! lookup (`pg_stat_statements`), the client's CPU time for the import and for a run of
//! untimed lookups (`HOGO_BENCH_PG_LOOKUPS`, default 1000: raise it to profile the lookup
//! path), document plans, scans per table. Needs PostgreSQL with `pgcrypto` (Debian:
//! `postgresql`).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use hogo::numbers::CollectNumber;
use hogo::testkit_app::{
    add_employees, app_with, collect_by_card, distinct_numbers, signed_in_employer_with_vault,
};
use hogo_domain::{Affair, SubjectId};
use hogo_postgres::PostgresStore;
use hogo_postgres::cluster;

use crate::report::{Pair, Table};

const BATCH: usize = 1000;

/// The blind-index width an organisation of `n` numbers chooses, as
/// [`hogo_vault::DEFAULT_INDEX_BITS`] advises: 16 bits up to about 150 000 numbers (at most
/// ≈ 2.3 false candidates per lookup), 20 bits above (1 M numbers → ≈ 1).
fn index_bits(n: usize) -> u8 {
    if n <= 150_000 { hogo_vault::DEFAULT_INDEX_BITS } else { 20 }
}

/// The server's `shared_buffers`: a quarter of this machine's memory, PostgreSQL's advice
/// for a dedicated database server (its default, 128 MB, is sized to start anywhere: at
/// 1 M numbers the tables no longer fit and every lookup reads pages through the kernel).
fn shared_buffers() -> String {
    let kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .unwrap_or(512 * 1024);
    format!("{}MB", kib / 1024 / 4)
}

/// Untimed lookups the diagnostics run (`HOGO_BENCH_PG_LOOKUPS`, default 1000).
fn extra_lookups() -> usize {
    std::env::var("HOGO_BENCH_PG_LOOKUPS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000)
}

/// Lookups timed per measurement (fewer below that many rows).
const LOOKUPS: usize = 1000;

/// Lookups run before each measurement and not timed: a new store's first transactions
/// open pooled connections, prepare their statements (PostgreSQL plans the first five
/// executions of each for their parameters before it settles on a generic plan) and read
/// the KEKs it then keeps (`hogo_postgres::keys`) — the steady state is what is measured.
const WARMUP: usize = 20;

/// The p50 and p90 of [`LOOKUPS`] `find_subject_by_number` calls after [`WARMUP`] untimed
/// ones, each finding exactly one subject.
fn lookup_times(
    app: &hogo::Hogo<PostgresStore>,
    session: &hogo::Session,
    numbers: &[hogo_domain::MyNumber],
) -> (Duration, Duration) {
    let n = numbers.len();
    let find = |i: usize| {
        let found = app.find_subject_by_number(session, &numbers[(i * 7919) % n]).unwrap();
        assert_eq!(found.len(), 1);
    };
    (0..WARMUP).for_each(|i| find(i + n / 3));
    let mut times: Vec<Duration> = (0..LOOKUPS.min(n))
        .map(|i| {
            let t = Instant::now();
            find(i);
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[times.len() * 9 / 10])
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Nanoseconds this process has run on a CPU (`/proc/self/schedstat`; 0 elsewhere).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse().ok()))
        .unwrap_or(0)
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

/// Diagnostics: the statements run since the last reset (`pg_stat_statements`), per
/// unit of work (`per`: numbers imported or lookups done), most expensive first; then resets.
fn statements(url: &str, what: &str, per: usize) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let rows = c
        .query(
            "SELECT calls, rows, total_exec_time + total_plan_time, shared_blks_hit + shared_blks_read, query,
                    total_plan_time
             FROM pg_stat_statements
             WHERE dbid IN (SELECT oid FROM pg_database WHERE datname NOT LIKE 'bench_pgcrypto')
             ORDER BY total_exec_time DESC",
            &[],
        )
        .unwrap();
    let per = per as f64;
    let calls: i64 = rows.iter().map(|r| r.get::<_, i64>(0)).sum();
    let ms: f64 = rows.iter().map(|r| r.get::<_, f64>(2)).sum();
    let plan_ms: f64 = rows.iter().map(|r| r.get::<_, f64>(5)).sum();
    eprintln!(
        "{what} statements: {calls} calls = {:.1} per unit, server time (plan + execute) \
         {:.1} µs per unit, of which planning {:.1} µs",
        calls as f64 / per,
        ms * 1000.0 / per,
        plan_ms * 1000.0 / per
    );
    for r in rows.iter().take(30) {
        let (calls, n_rows, ms, blocks, q, plan): (i64, i64, f64, i64, String, f64) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
        let q: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
        let q: String = q.chars().take(110).collect();
        eprintln!(
            "  {:>7.2} calls {:>9.1} rows {:>8.0} ms ({:>6.1} µs/unit planning) {:>9.0} \
             blocks/unit  {q}",
            calls as f64 / per,
            n_rows as f64 / per,
            ms,
            plan * 1000.0 / per,
            blocks as f64 / per
        );
    }
    c.batch_execute("SELECT pg_stat_statements_reset()").unwrap();
}

/// Diagnostics: the plans of the document reads an import makes for one subject.
fn explain_documents(url: &str, org: hogo_domain::OrganisationId, subject: SubjectId) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let org = org.as_bytes().as_slice();
    let id = subject.to_string();
    let prefix = format!("{subject}:");
    let upper = format!("{prefix}\u{10FFFF}");
    for (sql, params) in [
        (
            "EXPLAIN (ANALYZE, BUFFERS) SELECT body FROM documents
             WHERE organisation = $1 AND collection = $2 AND id = $3",
            vec![&org as &(dyn postgres::types::ToSql + Sync), &"subject", &id],
        ),
        (
            "EXPLAIN (ANALYZE, BUFFERS) SELECT body FROM documents
             WHERE organisation = $1 AND collection = $2 AND id >= $3 AND id < $4 ORDER BY id",
            vec![&org, &"holding", &prefix, &upper],
        ),
    ] {
        for r in c.query(sql, &params).unwrap() {
            eprintln!("  plan: {}", r.get::<_, String>(0));
        }
    }
    for r in c
        .query(
            "SELECT indexrelname::text, idx_scan, idx_tup_read, idx_tup_fetch
             FROM pg_stat_user_indexes WHERE relname = 'documents'",
            &[],
        )
        .unwrap()
    {
        let (i, s, rd, f): (String, i64, i64, i64) = (r.get(0), r.get(1), r.get(2), r.get(3));
        eprintln!("  index {i}: {s} scans, {rd} entries read, {f} rows fetched");
    }
}

/// The pairs at `n` numbers, or `None` without a PostgreSQL server.
pub(crate) fn versus_pgcrypto(n: usize) -> Option<Table> {
    let diagnostics = std::env::var_os("HOGO_BENCH_PG_SCANS").is_some();
    let buffers = shared_buffers();
    let server = cluster::Cluster::start_with(&if diagnostics {
        format!(
            "-c shared_buffers={buffers} -c shared_preload_libraries=pg_stat_statements \
             -c pg_stat_statements.track_planning=on"
        )
    } else {
        format!("-c shared_buffers={buffers}")
    });
    let Some(server) = server else {
        eprintln!("  skipped: PostgreSQL not installed (pg_config not found)");
        return None;
    };
    let numbers = distinct_numbers(n);
    let plain: Vec<String> = numbers.iter().map(|m| m.expose().to_owned()).collect();
    let probes: Vec<usize> = (0..5).map(|i| (i * 7919 + n / 2) % n).collect();
    // A decrypt-scan reads every row (≈ 2 min at 1 M here): the median of 3, one above
    // 500 000 rows.
    let scan_count = if n > 500_000 { 1 } else { 3 };

    // ---- pgcrypto ------------------------------------------------------------------
    let url = server.create_database("bench_pgcrypto");
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute(
        "CREATE EXTENSION pgcrypto;
         CREATE TABLE emp_pgp (id BIGSERIAL PRIMARY KEY, num BYTEA NOT NULL);
         CREATE TABLE emp_aes (id BIGSERIAL PRIMARY KEY, num BYTEA NOT NULL);
         CREATE INDEX emp_aes_num ON emp_aes (num);",
    )
    .expect("pgcrypto (Debian: postgresql-contrib)");
    let key = "bench-passphrase";
    let t = Instant::now();
    for chunk in plain.chunks(BATCH) {
        c.execute(
            "INSERT INTO emp_pgp (num) SELECT pgp_sym_encrypt(x, $2) FROM unnest($1::text[]) x",
            &[&chunk, &key],
        )
        .unwrap();
    }
    let pgp_import = t.elapsed();
    c.batch_execute("ANALYZE emp_pgp").unwrap();
    let scans: Vec<Duration> = probes
        .iter()
        .take(scan_count)
        .map(|&i| {
            let t = Instant::now();
            let rows = c
                .query(
                    "SELECT id FROM emp_pgp WHERE pgp_sym_decrypt(num, $2) = $1",
                    &[&plain[i], &key],
                )
                .unwrap();
            assert_eq!(rows.len(), 1);
            t.elapsed()
        })
        .collect();
    let pgp_lookup = median(scans);
    let t = Instant::now();
    for chunk in plain.chunks(BATCH) {
        c.execute(
            "INSERT INTO emp_aes (num)
             SELECT encrypt(convert_to(x, 'UTF8'), convert_to($2, 'UTF8'), 'aes')
             FROM unnest($1::text[]) x",
            &[&chunk, &key],
        )
        .unwrap();
    }
    let aes_import = t.elapsed();
    c.batch_execute("ANALYZE emp_aes").unwrap();
    let aes_lookup = median(
        probes
            .iter()
            .map(|&i| {
                let t = Instant::now();
                let rows = c
                    .query(
                        "SELECT id FROM emp_aes
                         WHERE num = encrypt(convert_to($1, 'UTF8'), convert_to($2, 'UTF8'), 'aes')",
                        &[&plain[i], &key],
                    )
                    .unwrap();
                assert_eq!(rows.len(), 1);
                t.elapsed()
            })
            .collect(),
    );
    drop(c);

    // ---- hogo ----------------------------------------------------------------------
    let (data, keys) = server.database_pair();
    if diagnostics {
        let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
        c.batch_execute("CREATE EXTENSION pg_stat_statements").unwrap();
    }
    let store = PostgresStore::connect(&data, &keys).unwrap();
    let bits = index_bits(n);
    let (app, _clock, init, session) =
        signed_in_employer_with_vault(store, hogo_vault::VaultConfig { index_bits: bits }).unwrap();
    let t = Instant::now();
    let subjects = add_employees(&app, &session, "B", n).unwrap();
    let register = t.elapsed();
    let rows: Vec<CollectNumber> = subjects
        .iter()
        .zip(&numbers)
        .map(|(s, m)| collect_by_card(*s, Affair::WithholdingSlip, init.manager, m.clone()))
        .collect();
    if diagnostics {
        let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
        c.batch_execute("SELECT pg_stat_statements_reset(); SELECT pg_stat_reset();").unwrap();
    }
    let (t, c0) = (Instant::now(), cpu_ns());
    for chunk in rows.chunks(BATCH) {
        app.collect_numbers(&session, chunk).unwrap();
    }
    let collect = t.elapsed();
    if diagnostics {
        let on_cpu = Duration::from_nanos(cpu_ns() - c0);
        eprintln!("import: wall {collect:.2?}, this process on CPU {on_cpu:.2?}");
        statements(&data, "import", n);
        explain_documents(&data, init.organisation, subjects[n / 2]);
    }
    let (p50, p90) = lookup_times(&app, &session, &numbers);
    // The same lookups from a second store on the same databases over the cluster's unix
    // socket (an embedder on the database's host): the same session, keys and data.
    let socket = {
        let store =
            PostgresStore::connect(&server.socket_url_of(&data), &server.socket_url_of(&keys))
                .unwrap();
        let (app, _clock) = app_with(store, NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
        lookup_times(&app, &session, &numbers)
    };
    let (socket_p50, socket_p90) = socket;
    if diagnostics {
        let extra = extra_lookups();
        let (c0, t) = (cpu_ns(), Instant::now());
        for i in 0..extra {
            app.find_subject_by_number(&session, &numbers[(i * 7919) % n]).unwrap();
        }
        let (wall, on_cpu) = (t.elapsed(), Duration::from_nanos(cpu_ns() - c0));
        eprintln!("{} lookups: wall {wall:.2?}, this process on CPU {on_cpu:.2?}", extra_lookups());

        // Every lookup since the reset: the warm-up and the timed ones over TCP, the same
        // over the unix socket, and the ones above.
        statements(&data, "lookup", 2 * (WARMUP + LOOKUPS.min(n)) + extra);
    }
    // The same lookups again while the server does not wait for the WAL flush of a
    // commit (`synchronous_commit = off`, set server-wide and reloaded, then reset): NOT
    // durable, a diagnostic only — the difference is what the durable commit of each
    // lookup's access-log entry costs on this disk.
    let async_p50 = {
        let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
        c.batch_execute("ALTER SYSTEM SET synchronous_commit = off").unwrap();
        c.batch_execute("SELECT pg_reload_conf()").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let (p, _) = lookup_times(&app, &session, &numbers);
        c.batch_execute("ALTER SYSTEM RESET synchronous_commit").unwrap();
        c.batch_execute("SELECT pg_reload_conf()").unwrap();
        p
    };
    if diagnostics {
        // Diagnostics: sequential vs index scans per table of the data database.
        let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
        for r in c
            .query(
                "SELECT relname::text, seq_scan, seq_tup_read, COALESCE(idx_tup_fetch, 0),
                        n_tup_ins, n_tup_upd, n_tup_hot_upd,
                        (SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid)
                 FROM pg_stat_user_tables t ORDER BY n_tup_ins DESC",
                &[],
            )
            .unwrap()
        {
            let (t, s, tup, i): (String, i64, i64, i64) = (r.get(0), r.get(1), r.get(2), r.get(3));
            let (ins, upd, hot, idx): (i64, i64, i64, i64) =
                (r.get(4), r.get(5), r.get(6), r.get(7));
            eprintln!(
                "table {t}: seq scans {s} (rows read {tup}), rows fetched by index {i}; \
                 inserted {ins}, updated {upd} (HOT {hot}), {idx} indexes"
            );
        }
    }

    Some(Table {
        title: "hogo on PostgreSQL vs pgcrypto (one throwaway cluster, fsync on)",
        note: format!(
            "Server: PostgreSQL with `shared_buffers = {buffers}` (a quarter of this machine's \
             memory) for both sides. \
             (a) `pgp_sym_encrypt` per number, inserted server side {BATCH} per statement, looked up \
             by decrypt-scan (median of {scan_count}) — what HR systems commonly do. (b) `encrypt(…, 'aes')`: \
             unauthenticated and deterministic (equal numbers give equal ciphertexts — it leaks who \
             shares a number — and no tamper detection), for context only. hogo: `collect_numbers` \
             in batches of {BATCH} (本人確認, uniqueness, per-subject AES-256-GCM, blind index, \
             holdings, one ledger entry per number, durable; a {bits}-bit blind index, as \
             `DEFAULT_INDEX_BITS` advises for {n} numbers) and `find_subject_by_number` p50 of \
             {LOOKUPS} after {WARMUP} untimed (p90: {p90:.2?} TCP, {socket_p90:.2?} unix socket), each lookup durably logging its access, over TCP to 127.0.0.1 (the rows \
             marked TCP) and over the cluster's unix socket (the row marked unix socket: an \
             application on the database's host). `add_subjects` took {:.2?} ({:.0}/s, \
             batches of 1000) and is not in the import. Not durable, diagnostic only: hogo's \
             lookup p50 with `synchronous_commit = off` was {async_p50:.2?}.",
            register,
            rate(n, register)
        ),
        pairs: vec![
            Pair {
                hogo: format!("collect_numbers, batches of {BATCH}"),
                hogo_time: collect,
                baseline: "(a) pgp_sym_encrypt import".into(),
                baseline_time: pgp_import,
                ops: n,
            },
            Pair {
                hogo: "find_subject_by_number, p50, TCP".into(),
                hogo_time: p50,
                baseline: "(a) pgp_sym_decrypt scan".into(),
                baseline_time: pgp_lookup,
                ops: 1,
            },
            Pair {
                hogo: "find_subject_by_number, p50, unix socket".into(),
                hogo_time: socket_p50,
                baseline: "(a) pgp_sym_decrypt scan".into(),
                baseline_time: pgp_lookup,
                ops: 1,
            },
            Pair {
                hogo: format!("collect_numbers, batches of {BATCH}"),
                hogo_time: collect,
                baseline: "(b) encrypt(…,'aes') import".into(),
                baseline_time: aes_import,
                ops: n,
            },
            Pair {
                hogo: "find_subject_by_number, p50, TCP".into(),
                hogo_time: p50,
                baseline: "(b) indexed equality on the ciphertext".into(),
                baseline_time: aes_lookup,
                ops: 1,
            },
        ],
    })
}
