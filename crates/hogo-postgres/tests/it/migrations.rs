//! Connecting, migrations and refusals.

use hogo_postgres::{PgError, PostgresStore};

use crate::{org, run};

fn versions(url: &str) -> Vec<i64> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query("SELECT version FROM schema_migrations ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// M13: connecting to existing databases again runs no migration twice and keeps the data.
#[test]
fn connecting_twice_is_idempotent() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let o = org(1);
    let store = PostgresStore::connect(&data, &keys).unwrap();
    run(&store, o, |tx| tx.docs.put(o, "c", "1", "{}")).unwrap();
    drop(store);
    let store = PostgresStore::connect(&data, &keys).unwrap();
    assert_eq!(run(&store, o, |tx| tx.docs.list(o, "c")).unwrap(), vec!["{}"]);
    let all: Vec<i64> = (1..=hogo_postgres::db::schema_version()).collect();
    assert_eq!(versions(&data), all);
    assert_eq!(versions(&keys), vec![1]);
}

/// M13: a data or key database written by a newer schema is refused, not altered.
#[test]
fn newer_schema_is_refused() {
    let Some(server) = crate::server_or_skip() else { return };
    for which in 0..2 {
        let (data, keys) = server.database_pair();
        drop(PostgresStore::connect(&data, &keys).unwrap());
        let url = if which == 0 { &data } else { &keys };
        postgres::Client::connect(url, postgres::NoTls)
            .unwrap()
            .execute(
                "INSERT INTO schema_migrations (version, description) VALUES (99, 'future')",
                &[],
            )
            .unwrap();
        let err = PostgresStore::connect(&data, &keys).unwrap_err();
        assert!(matches!(err, PgError::TooNew { found: 99, .. }), "{which}: {err}");
    }
}

/// M11: the key database must be a database of its own: the data URL twice is refused,
/// and the data database holds no table of KEK material.
#[test]
fn key_database_must_be_separate() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    assert!(matches!(PostgresStore::connect(&data, &data), Err(PgError::KeyStore(_))));
    drop(PostgresStore::connect(&data, &keys).unwrap());
    let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    let n: i64 = c
        .query_one("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'bucket_keks'", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "no KEK table in the data database");
}

/// The plan of a document read by id (and of a prefix range) bounds `id` in the index
/// itself, even right after a bulk insert that ANALYZE has not seen: no read filters a
/// whole collection (schema version 2; version 1 read ≈ 9 000 rows per collected number).
#[test]
fn document_reads_bound_the_id_in_the_index_before_analyze() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    drop(PostgresStore::connect(&data, &keys).unwrap());
    let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    c.batch_execute("ALTER TABLE documents SET (autovacuum_enabled = off)").unwrap();
    let o = org(7);
    let blob = o.as_bytes().as_slice();
    let ids: Vec<String> = (0..3000).map(|i| format!("s{i:05}:h")).collect();
    c.execute(
        "INSERT INTO documents (organisation, collection, id, body)
         SELECT $1, 'holding', x, '{}' FROM unnest($2::text[]) x",
        &[&blob, &ids],
    )
    .unwrap();
    for (sql, params) in [
        (
            "EXPLAIN SELECT body FROM documents
             WHERE organisation = $1 AND collection = $2 AND id = $3",
            vec![&blob as &(dyn postgres::types::ToSql + Sync), &"holding", &"s01500:h"],
        ),
        (
            "EXPLAIN SELECT body FROM documents
             WHERE organisation = $1 AND collection = $2 AND id >= $3 AND id < $4 ORDER BY id",
            vec![&blob, &"holding", &"s01500:", &"s01500;"],
        ),
    ] {
        let plan: Vec<String> =
            c.query(sql, &params).unwrap().iter().map(|r| r.get::<_, String>(0)).collect();
        let plan = plan.join("\n");
        let cond = plan.lines().find(|l| l.contains("Index Cond")).unwrap_or_default();
        assert!(cond.contains("id"), "the id is not an index condition:\n{plan}");
        assert!(!plan.contains("Filter"), "a filter over the collection:\n{plan}");
    }
    // The batch reads of a bulk import (`DocumentStore::prefetch*`), 1 000 at a time.
    let wanted: Vec<String> = (1000..2000).map(|i| format!("s{i:05}:h")).collect();
    let lower: Vec<String> = (1000..2000).map(|i| format!("s{i:05}:")).collect();
    let upper: Vec<String> = lower.iter().map(|p| format!("{p}\u{10FFFF}")).collect();
    for (sql, params) in [
        (
            hogo_postgres::testkit::DOCUMENTS_BY_IDS_SQL,
            vec![&blob as &(dyn postgres::types::ToSql + Sync), &"holding", &wanted],
        ),
        (
            hogo_postgres::testkit::DOCUMENTS_BY_PREFIXES_SQL,
            vec![&blob, &"holding", &lower, &upper],
        ),
    ] {
        let plan: Vec<String> = c
            .query(&format!("EXPLAIN {sql}"), &params)
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        let plan = plan.join("\n");
        let cond = plan.lines().find(|l| l.contains("Index Cond")).unwrap_or_default();
        assert!(cond.contains("id"), "the id is not an index condition:\n{plan}");
        for bad in ["Filter", "Materialize", "Seq Scan", "Hash"] {
            assert!(!plan.contains(bad), "{bad} in a batch document read:\n{plan}");
        }
    }
}

/// Schema version 3: documents have one index, the primary key led by the collection, and
/// the cross-tenant read of a collection's organisations is bounded by it.
#[test]
fn documents_have_one_index_led_by_the_collection() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    drop(PostgresStore::connect(&data, &keys).unwrap());
    let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    let defs: Vec<String> = c
        .query("SELECT indexdef FROM pg_indexes WHERE tablename = 'documents'", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(defs.len(), 1, "{defs:?}");
    assert!(defs[0].contains("(collection, organisation, id)"), "{defs:?}");
    let plan: Vec<String> = c
        .query(
            "EXPLAIN SELECT DISTINCT organisation FROM documents WHERE collection = $1",
            &[&"organisation"],
        )
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    assert!(plan.join("\n").contains("Index"), "{plan:?}");
}

/// P9 (lookup by number stays an index probe): the candidates query reads each tag, its
/// records and their data keys by index even before ANALYZE has seen a bulk import — no
/// filter over the field's index entries, no hash join or sequential scan over the
/// tenant's records or keys (both were measured: ≈ 2 000 blocks per lookup at 2 000 rows).
#[test]
fn candidate_lookups_probe_indexes_before_analyze() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    drop(PostgresStore::connect(&data, &keys).unwrap());
    let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    c.batch_execute(
        "ALTER TABLE vault_index SET (autovacuum_enabled = off);
         ALTER TABLE vault_records SET (autovacuum_enabled = off);
         ALTER TABLE vault_data_keys SET (autovacuum_enabled = off);",
    )
    .unwrap();
    let o = org(8);
    let blob = o.as_bytes().as_slice();
    let ids: Vec<Vec<u8>> = (0..3000u128).map(|i| i.to_be_bytes().to_vec()).collect();
    let tags: Vec<i64> = (0..3000).collect();
    c.execute(
        "INSERT INTO vault_data_keys
             (organisation, id, version, subject, class, bucket, kek, wrapped, commitment)
         SELECT $1, x, 1, x, 'my_number', 'open', x, x, x FROM unnest($2::bytea[]) x",
        &[&blob, &ids],
    )
    .unwrap();
    c.execute(
        "INSERT INTO vault_records
             (organisation, id, subject, class, table_name, field, data_key, envelope)
         SELECT $1, x, x, 'my_number', 't', 'my_number', x, x FROM unnest($2::bytea[]) x",
        &[&blob, &ids],
    )
    .unwrap();
    c.execute(
        "INSERT INTO vault_index (organisation, field, key_version, tag, record)
         SELECT $1, 'my_number', 1, u.t, u.x FROM unnest($2::bytea[], $3::bigint[]) u(x, t)",
        &[&blob, &ids, &tags],
    )
    .unwrap();
    for wanted in [vec![1500i64], vec![7, 1500, 2999]] {
        let sql = format!("EXPLAIN {}", hogo_postgres::testkit::CANDIDATES_SQL);
        let plan: Vec<String> = c
            .query(&sql, &[&blob, &"my_number", &1i64, &wanted])
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        let plan = plan.join("\n");
        for bad in ["Filter", "Hash", "Seq Scan"] {
            assert!(!plan.contains(bad), "{bad} in the candidates plan:\n{plan}");
        }
    }
}
