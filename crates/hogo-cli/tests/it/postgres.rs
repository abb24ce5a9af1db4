//! `hogo demo --db postgres://…`: the CLI chooses the PostgreSQL store from the URL and
//! runs the demo's journeys on a throwaway server (skipped without PostgreSQL).

use hogo_domain::testkit::{synthetic_number, written_forms};
use hogo_postgres::cluster;

use crate::common::Env;
use crate::demo::{SEEDS, files_under};

/// M13, M11: `--db postgres://…` with `--key-db` runs the demo end to end on PostgreSQL,
/// stores the bucket KEKs in the key database only, and a second command (`whoami`,
/// `ledger verify`) reopens the same database; without `--key-db` the CLI refuses.
#[test]
fn demo_runs_on_postgres_when_the_url_says_so() {
    let Some(server) = cluster::server() else {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "skipped: PostgreSQL not installed");
        return;
    };
    let (data, keys) = server.database_pair();
    let env = Env::new();
    env.hogo().args(["--lang", "en", "--db", &data, "demo"]).assert().failure();
    env.hogo()
        .args(["--lang", "en", "--db", &data, "--key-db", &keys, "demo"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Done."));
    env.hogo()
        .env("HOGO_KEY_DB", &keys)
        .args(["--lang", "en", "--db", &data, "ledger", "verify"])
        .assert()
        .success();
    let count = |url: &str, table: &str| -> i64 {
        let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
        c.query_one(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = $1",
            &[&table],
        )
        .unwrap()
        .get(0)
    };
    assert_eq!(count(&keys, "bucket_keks"), 1, "the KEKs are in the key database");
    assert_eq!(count(&data, "bucket_keks"), 0, "and not in the data database");
    // A second demo on the same database is refused (it holds data now).
    env.hogo().args(["--lang", "en", "--db", &data, "--key-db", &keys, "demo"]).assert().failure();
}

/// Invariant 1, M13 (a My Number is stored only sealed): after `hogo demo` on PostgreSQL
/// no synthetic number of the demo appears in any file the server wrote — the data and
/// key databases' heap files, the WAL, the server log — in any written form, while a
/// number stored in plaintext on purpose in the same server is found (the scan sees what
/// the server wrote).
#[test]
fn the_demo_on_postgres_leaves_no_plaintext_number_in_the_servers_files() {
    // A cluster of its own: it is stopped (with a checkpoint) before its files are read.
    let Some(server) = cluster::Cluster::start() else {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "skipped: PostgreSQL not installed");
        return;
    };
    let (data, keys) = server.database_pair();
    let env = Env::new();
    env.hogo().args(["--lang", "en", "--db", &data, "--key-db", &keys, "demo"]).assert().success();
    let control = synthetic_number(4242);
    let mut c = postgres::Client::connect(&server.url("postgres"), postgres::NoTls).unwrap();
    c.batch_execute("CREATE TABLE control (note TEXT)").unwrap();
    c.execute("INSERT INTO control VALUES ($1)", &[&control.expose()]).unwrap();
    drop(c);
    server.stop();
    let mut files = Vec::new();
    files_under(server.directory(), &mut files);
    // Every demo number in every written form, searched with `memmem` (tens of MB of
    // heap and WAL). The ledger's My-Number-like rule is not applied here: PostgreSQL's
    // own catalogs hold digit runs it matches (node trees such as `[ 64 0 0 0 … ]`).
    let needles: Vec<(String, Vec<u8>)> =
        SEEDS.iter().flat_map(|s| written_forms(synthetic_number(*s).expose())).collect();
    let (mut bytes_read, mut control_seen) = (0, false);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        bytes_read += bytes.len();
        control_seen |= memchr::memmem::find(&bytes, control.expose().as_bytes()).is_some();
        for (form, needle) in &needles {
            assert!(
                memchr::memmem::find(&bytes, needle).is_none(),
                "{} holds a demo number ({form})",
                f.display()
            );
        }
    }
    assert!(bytes_read > 1_000_000 && files.iter().any(|f| f.ends_with("server.log")));
    assert!(control_seen, "the plaintext control number is in the server's files");
}
