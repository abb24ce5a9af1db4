//! `hogo demo --db postgres://…`: the CLI chooses the PostgreSQL store from the URL and
//! runs the demo's journeys on a throwaway server (skipped without PostgreSQL).

use hogo_postgres::cluster;

use crate::common::Env;

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
