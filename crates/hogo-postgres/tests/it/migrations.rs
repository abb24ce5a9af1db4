//! Connecting, migrations and refusals.

use hogo::Error;
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, RecordId, SubjectId};
use hogo_postgres::db::{MIGRATIONS, migrate_with};
use hogo_postgres::{PgError, PostgresStore};
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{RecordContext, Vault, VaultConfig};

use crate::{dump, org, run};

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

/// The statements of the lookup path (and of the vault's and ledger's other keyed reads)
/// by name, as the adapter sends them: `hogo_postgres::testkit`'s constants where the
/// adapter exposes one, else the text of `src/vault.rs`, `src/ledger.rs` or `src/docs.rs`
/// (keep them equal).
fn hot_statements() -> Vec<(&'static str, &'static str)> {
    vec![
        // vault.rs DATA_KEY_BY_ID, DATA_KEY_BY_OWNER, DATA_KEYS_IN_BUCKET, DATA_KEYS_BY_OWNERS
        (
            "data key by id",
            "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
             FROM vault_data_keys WHERE organisation = $1 AND id = $2",
        ),
        (
            "data key by owner",
            "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
             FROM vault_data_keys WHERE organisation = $1 AND subject = $2 AND class = $3",
        ),
        (
            "data keys in a bucket",
            "SELECT id, version, subject, class, bucket, kek, wrapped, commitment
             FROM vault_data_keys WHERE organisation = $1 AND bucket = $2 ORDER BY id",
        ),
        (
            "data keys by owners",
            "SELECT k.id, k.version, k.subject, k.class, k.bucket, k.kek, k.wrapped, k.commitment
             FROM UNNEST($2::bytea[], $3::text[]) AS u(subject, class)
             JOIN LATERAL (
                 SELECT id, version, subject, class, bucket, kek, wrapped, commitment
                 FROM vault_data_keys
                 WHERE organisation = $1 AND subject = u.subject AND class = u.class LIMIT 1) k
             ON true",
        ),
        ("data key delete", "DELETE FROM vault_data_keys WHERE organisation = $1 AND id = $2"),
        // vault.rs RECORD_BY_ID, RECORDS_BY_IDS, records_under_key, delete_record
        (
            "record by id",
            "SELECT id, subject, class, table_name, field, data_key, envelope
             FROM vault_records WHERE organisation = $1 AND id = $2",
        ),
        (
            "records by ids",
            "SELECT id, subject, class, table_name, field, data_key, envelope
             FROM vault_records WHERE organisation = $1 AND id = ANY($2::bytea[])",
        ),
        (
            "records under a data key",
            "SELECT id FROM vault_records WHERE organisation = $1 AND data_key = $2 ORDER BY seq",
        ),
        ("record delete", "DELETE FROM vault_records WHERE organisation = $1 AND id = $2"),
        ("index entries delete", "DELETE FROM vault_index WHERE organisation = $1 AND record = $2"),
        ("candidates", hogo_postgres::testkit::CANDIDATES_SQL),
        ("candidates of one tag", hogo_postgres::testkit::CANDIDATES_OF_ONE_SQL),
        // ledger.rs `entries`, `node`, `last_node_index`
        (
            "ledger entries in a range",
            "SELECT entry, bytes, hash FROM ledger_entries
             WHERE organisation = $1 AND sequence >= $2 AND sequence < $3
             ORDER BY sequence",
        ),
        (
            "tree node",
            "SELECT hash FROM ledger_nodes WHERE organisation = $1 AND level = $2 AND idx = $3",
        ),
        (
            "last node of a level",
            "SELECT idx FROM ledger_nodes WHERE organisation = $1 AND level = $2
             ORDER BY idx DESC LIMIT 1",
        ),
        // docs.rs `get`, `list_prefix`, `list`, BY_IDS, BY_PREFIXES
        (
            "document by id",
            "SELECT body FROM documents WHERE organisation = $1 AND collection = $2 AND id = $3",
        ),
        (
            "documents under a prefix",
            "SELECT id, body FROM documents WHERE organisation = $1 AND collection = $2
             AND id >= $3 AND id < $4 ORDER BY id",
        ),
        ("documents by ids", hogo_postgres::testkit::DOCUMENTS_BY_IDS_SQL),
        ("documents by prefixes", hogo_postgres::testkit::DOCUMENTS_BY_PREFIXES_SQL),
    ]
}

/// The tables that grow with the numbers held: a plan must probe them.
const BIG_TABLES: [&str; 6] = [
    "vault_data_keys",
    "vault_records",
    "vault_index",
    "ledger_entries",
    "ledger_nodes",
    "documents",
];

/// The plan PostgreSQL makes for `sql` without looking at the parameters (the plan a
/// prepared statement keeps under `plan_cache_mode = auto` until the table is analyzed
/// again), as `EXPLAIN (COSTS OFF)` text.
fn generic_plan(c: &mut postgres::Client, sql: &str) -> String {
    c.batch_execute(&format!("SET plan_cache_mode = force_generic_plan; PREPARE p AS {sql}"))
        .unwrap();
    let n: i32 = c
        .query_one(
            "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = 'p'",
            &[],
        )
        .unwrap()
        .get(0);
    // A generic plan does not depend on the values: NULL for each.
    let args = vec!["NULL"; usize::try_from(n).unwrap()].join(", ");
    let plan: Vec<String> = c
        .query(&format!("EXPLAIN (COSTS OFF) EXECUTE p({args})"), &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    c.batch_execute("DEALLOCATE p; RESET plan_cache_mode").unwrap();
    plan.join("\n")
}

/// The lines of `plan` that read more than the rows asked for: a sequential scan of a big
/// table, a filter on a scan of one (the index did not bind the selective column), a hash
/// (built over a whole input).
fn full_reads(plan: &str) -> Vec<&str> {
    let big = |node: &str| {
        node.split(" on ")
            .skip(1)
            .any(|rest| BIG_TABLES.iter().any(|t| rest == *t || rest.starts_with(&format!("{t} "))))
    };
    let mut bad = Vec::new();
    let mut on_big = false;
    for (i, line) in plan.lines().enumerate() {
        let text = line.trim_start();
        if i == 0 || text.starts_with("->") {
            on_big = big(text);
            if (on_big && text.contains("Seq Scan")) || text.contains("Hash") {
                bad.push(line);
            }
        } else if on_big && text.starts_with("Filter:") {
            bad.push(line);
        }
    }
    bad
}

/// P9 lookup by number stays an index probe: the generic plan of every statement of the
/// lookup path (data key by id, by owner, by bucket; record by id, by data key; the
/// candidates query; index entries by record; ledger entries by range; documents by id,
/// by prefix and the batch shapes) probes an index that binds the statement's selective
/// column — no sequential scan, filter or hash over the vault, ledger or document tables —
/// on never-analyzed empty tables (a new database: the plan is kept as the tables fill),
/// on a bulk import autovacuum has not analyzed, and after ANALYZE. Schema version 4 fails
/// this (on empty tables a data-key lookup by id took `vault_data_keys_bucket` and
/// filtered the tenant's keys); it is what lets the adapter keep PostgreSQL's default
/// plan caching instead of planning every execution.
#[test]
fn lookup_statements_have_index_probe_generic_plans_before_and_after_analyze() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    drop(PostgresStore::connect(&data, &keys).unwrap());
    let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    for t in BIG_TABLES {
        c.batch_execute(&format!("ALTER TABLE {t} SET (autovacuum_enabled = off)")).unwrap();
    }
    // Every statement is checked before failing, so that a failure lists them all.
    let check = |c: &mut postgres::Client, state: &str, skip: &[&str]| {
        let failures: Vec<String> = hot_statements()
            .into_iter()
            .filter(|(name, _)| !skip.contains(name))
            .filter_map(|(name, sql)| {
                let plan = generic_plan(c, sql);
                let bad = full_reads(&plan);
                (!bad.is_empty()).then(|| format!("{name}: {bad:?} in the generic plan:\n{plan}"))
            })
            .collect();
        assert!(failures.is_empty(), "{state}:\n{}", failures.join("\n"));
    };
    check(&mut c, "empty tables", &[]);

    let o = org(9);
    let blob = o.as_bytes().as_slice();
    let ids: Vec<Vec<u8>> = (0..3000u128).map(|i| i.to_be_bytes().to_vec()).collect();
    let n: Vec<i64> = (0..3000).collect();
    let docs: Vec<String> = (0..3000).map(|i| format!("s{i:05}:h")).collect();
    for (sql, params) in [
        (
            "INSERT INTO vault_data_keys
                 (organisation, id, version, subject, class, bucket, kek, wrapped, commitment)
             SELECT $1, x, 1, x, 'my_number', 'open', x, x, x FROM unnest($2::bytea[]) x",
            vec![&blob as &(dyn postgres::types::ToSql + Sync), &ids],
        ),
        (
            "INSERT INTO vault_records
                 (organisation, id, subject, class, table_name, field, data_key, envelope)
             SELECT $1, x, x, 'my_number', 't', 'my_number', x, x FROM unnest($2::bytea[]) x",
            vec![&blob, &ids],
        ),
        (
            "INSERT INTO vault_index (organisation, field, key_version, tag, record)
             SELECT $1, 'my_number', 1, u.t, u.x FROM unnest($2::bytea[], $3::bigint[]) u(x, t)",
            vec![&blob, &ids, &n],
        ),
        (
            "INSERT INTO ledger_entries (organisation, sequence, subject, action, entry, bytes, hash)
             SELECT $1, u.s, u.x, 'access', '{}', u.x, u.x
             FROM unnest($2::bytea[], $3::bigint[]) u(x, s)",
            vec![&blob, &ids, &n],
        ),
        (
            "INSERT INTO ledger_nodes (organisation, level, idx, hash)
             SELECT $1, 0, s, '\\x00' FROM unnest($2::bigint[]) s",
            vec![&blob, &n],
        ),
        (
            "INSERT INTO documents (organisation, collection, id, body)
             SELECT $1, 'holding', x, '{}' FROM unnest($2::text[]) x",
            vec![&blob, &docs],
        ),
    ] {
        c.execute(sql, &params).unwrap();
    }
    check(&mut c, "3 000 rows per table, not analyzed", &[]);
    c.batch_execute("ANALYZE").unwrap();
    // Analyzed, the statistics say that every data key here is in one bucket: reading
    // the bucket is reading the table, and a sequential scan is then the right plan.
    check(&mut c, "analyzed", &["data keys in a bucket"]);
}

/// M13: a data database at schema version 4 holding a tenant's sealed numbers, ledger and
/// documents migrates to version 5 (indexes only) keeping every row, and its numbers are
/// found through the blind index and opened through the rebuilt indexes afterwards.
#[test]
fn a_version_4_database_with_rows_migrates_to_the_current_version() {
    let Some(server) = crate::server_or_skip() else { return };
    // The rows, written by the adapter into a scratch database …
    let (scratch, keys) = server.database_pair();
    let store = PostgresStore::connect(&scratch, &keys).unwrap();
    let (root, entropy, ids) =
        (in_memory_key_provider(5), SeededEntropy::new(5), SequentialIds::new());
    let vault = Vault::new(&root, &entropy, &ids, VaultConfig::default()).unwrap();
    let o = org(5);
    let ctx = |n: u128| RecordContext {
        organisation: o,
        subject: SubjectId::from_uuid(uuid::Uuid::from_u128(0x500 + n)),
        class: DataClass::MyNumber,
        table: "employees".into(),
        field: "my_number".into(),
        record: RecordId::from_uuid(uuid::Uuid::from_u128(0x5100 + n)),
    };
    let verr = |e: hogo_vault::VaultError| Error::Storage(e.to_string());
    run(&store, o, |tx| {
        hogo::store_suite::create_log(tx)?;
        hogo::store_suite::append_entries(tx, 5, 5)?;
        tx.docs.put(o, "holding", "s1:h", "{}")?;
        for n in 1..=20 {
            vault
                .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(n), &synthetic_number(n as u64))
                .map_err(verr)?;
        }
        Ok(())
    })
    .unwrap();
    drop(store);

    // … copied into a database migrated to version 4 only.
    let old = server.create_database("v4");
    let mut c = postgres::Client::connect(&old, postgres::NoTls).unwrap();
    assert_eq!(migrate_with(&mut c, &MIGRATIONS[..4]).unwrap(), 4);
    let mut from = postgres::Client::connect(&scratch, postgres::NoTls).unwrap();
    let tables: Vec<String> = from
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'
             AND tablename <> 'schema_migrations'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for t in &tables {
        for row in from.query(&format!("SELECT t::text FROM \"{t}\" t"), &[]).unwrap() {
            let text: String = row.get(0);
            c.execute(&format!("INSERT INTO \"{t}\" SELECT ($1::text::\"{t}\").*"), &[&text])
                .unwrap();
        }
    }
    let before = dump(&old);
    assert_eq!(before, dump(&scratch), "the copy holds every row");
    assert_eq!(before.iter().filter(|r| r.starts_with("vault_records: ")).count(), 20);
    assert_eq!(versions(&old), vec![1, 2, 3, 4]);

    let store = PostgresStore::connect(&old, &keys).unwrap();
    assert_eq!(versions(&old), (1..=hogo_postgres::db::schema_version()).collect::<Vec<i64>>());
    assert_eq!(dump(&old), before, "the migration keeps every row");
    run(&store, o, |tx| {
        for n in [1u128, 7, 20] {
            let found = vault
                .find_number(&*tx.vault, &*tx.keks, o, "my_number", &synthetic_number(n as u64))
                .map_err(verr)?;
            assert_eq!(found.len(), 1, "number {n} is found after the migration");
            assert_eq!(found[0].record, ctx(n).record);
            let opened = vault.open_number(&*tx.vault, &*tx.keks, ctx(n).record).map_err(verr)?;
            assert!(opened == synthetic_number(n as u64), "number {n} opens");
        }
        assert_eq!(tx.docs.get(o, "holding", "s1:h")?.as_deref(), Some("{}"));
        Ok(())
    })
    .unwrap();
}
