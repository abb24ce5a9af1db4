//! Integration tests of the PostgreSQL store against a real, throwaway server
//! ([`cluster`]): the shared store suite, per-port conformance with the in-memory
//! implementations, organisation scoping, rollback, concurrency (eight threads), the
//! two-database KEK protocol, migrations and the application's journeys. Without
//! PostgreSQL installed every test prints `skipped: PostgreSQL not installed` and passes.

// Reason: helpers outside `#[test]` functions are test code too (clippy.toml allows
// unwrap in tests); ids and seeds in fixtures are small.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_possible_truncation)]

mod app_concurrency;
mod buffer;
mod concurrency;
mod conformance;
mod journeys;
mod keys;
mod lookup_path;
mod migrations;
mod pool;
mod rollback;
mod scoping;
mod suite;

use std::sync::Arc;

use hogo::{Error, Store, Tx};
use hogo_domain::OrganisationId;
use hogo_postgres::PostgresStore;
pub(crate) use hogo_postgres::cluster;

/// The handle that keeps the shared cluster running while a test uses it.
pub(crate) type Server = Arc<cluster::Cluster>;

/// The running cluster, or `None` (after printing the skip line) when PostgreSQL is not
/// installed.
pub(crate) fn server_or_skip() -> Option<Server> {
    let s = cluster::server();
    if s.is_none() {
        // Written to stderr directly, past the test harness's capture, so the skip shows.
        use std::io::Write as _;
        let _ =
            writeln!(std::io::stderr(), "skipped: PostgreSQL not installed (no pg_config on PATH)");
    }
    s
}

/// A store on a fresh pair of databases of `server`.
pub(crate) fn fresh_store(server: &Server) -> PostgresStore {
    let (data, keys) = server.database_pair();
    PostgresStore::connect(&data, &keys).unwrap()
}

/// `(server guard, store on fresh databases)`, or return from the test after printing
/// the skip line.
#[macro_export]
macro_rules! pg_or_skip {
    () => {{
        let Some(server) = $crate::server_or_skip() else { return };
        let store = $crate::fresh_store(&server);
        (server, store)
    }};
}

/// Runs a closure in a transaction.
pub(crate) fn run<T>(
    store: &impl Store,
    org: OrganisationId,
    mut f: impl FnMut(&mut Tx<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    store.transact(org, &mut f)
}

/// Every row of every table of a database (except the migration log), as sorted text lines.
pub(crate) fn dump(url: &str) -> Vec<String> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'
             AND tablename <> 'schema_migrations' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::new();
    for t in tables {
        for row in client.query(&format!("SELECT t::text FROM \"{t}\" t"), &[]).unwrap() {
            out.push(format!("{t}: {}", row.get::<_, String>(0)));
        }
    }
    out.sort();
    out
}

/// An organisation id for tests.
pub(crate) fn org(n: u128) -> OrganisationId {
    OrganisationId::from_uuid(uuid::Uuid::from_u128(0xb000 + n))
}
