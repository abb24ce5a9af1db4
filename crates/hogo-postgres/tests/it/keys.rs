//! The two-database KEK protocol on PostgreSQL: crash recovery on connect, destruction
//! applied after commit, harmless orphans, rekeys, and data backups that hold no KEK.

use hogo::Error;
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};
use hogo_postgres::PostgresStore;
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{
    Bucket, KekState, LocalKeyProvider, RecordContext, Vault, VaultConfig, VaultError,
};

use crate::{dump, org, run};

struct Fixture {
    keys: LocalKeyProvider,
    entropy: SeededEntropy,
    ids: SequentialIds,
}

impl Fixture {
    fn new(seed: u64) -> Self {
        Self {
            keys: in_memory_key_provider(seed),
            entropy: SeededEntropy::new(seed),
            ids: SequentialIds::new(),
        }
    }
    fn vault(&self) -> Vault<'_> {
        Vault::new(&self.keys, &self.entropy, &self.ids, VaultConfig::default()).unwrap()
    }
}

fn ctx(o: OrganisationId, n: u128) -> RecordContext {
    RecordContext {
        organisation: o,
        subject: SubjectId::from_uuid(uuid::Uuid::from_u128(n)),
        class: DataClass::MyNumber,
        table: "employees".into(),
        field: "my_number".into(),
        record: RecordId::from_uuid(uuid::Uuid::from_u128(0x100 + n)),
    }
}

fn verr(e: VaultError) -> Error {
    Error::Storage(e.to_string())
}

fn seal(store: &PostgresStore, vault: &Vault<'_>, o: OrganisationId, n: u128) {
    run(store, o, |tx| {
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(o, n), &synthetic_number(n as u64))
            .map_err(verr)
    })
    .unwrap();
}

fn open(
    store: &PostgresStore,
    vault: &Vault<'_>,
    o: OrganisationId,
    n: u128,
) -> Result<bool, Error> {
    run(store, o, |tx| {
        vault
            .open_number(&*tx.vault, &*tx.keks, ctx(o, n).record)
            .map(|m| m == synthetic_number(n as u64))
            .map_err(verr)
    })
}

fn wrapped_open_kek(store: &PostgresStore, o: OrganisationId) -> Vec<u8> {
    run(store, o, |tx| match tx.keks.bucket_kek(o, Bucket::Open).unwrap().unwrap().state {
        KekState::Active(w) => Ok(w.bytes),
        KekState::Destroyed => Err(Error::Internal("destroyed".into())),
    })
    .unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_rows(url: &str) -> Vec<(String, bool)> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query("SELECT state, wrapped IS NOT NULL FROM bucket_keks ORDER BY state, kek", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Whether any row of any table of the database at `url` holds `bytes`.
fn database_holds(url: &str, bytes: &[u8]) -> bool {
    let h = hex(bytes);
    dump(url).iter().any(|l| l.contains(&h))
}

struct Dbs {
    _server: crate::Server,
    data: String,
    keys: String,
}

fn dbs() -> Option<(Dbs, PostgresStore)> {
    let server = crate::server_or_skip()?;
    let (data, keys) = server.database_pair();
    let store = PostgresStore::connect(&data, &keys).unwrap();
    Some((Dbs { _server: server, data, keys }, store))
}

/// M11, P11: a shred whose key-database step did not run (simulated crash right after
/// the data commit) is reported destroyed at once, and the next connect overwrites the
/// KEK in the key database and leaves a tombstone; the old bytes are gone from its rows.
#[test]
fn pending_destruction_left_by_a_crash_is_applied_on_connect() {
    let Some((db, store)) = dbs() else { return };
    let fx = Fixture::new(1);
    let vault = fx.vault();
    let o = org(1);
    seal(&store, &vault, o, 1);
    let wrapped = wrapped_open_kek(&store, o);
    store.simulate_crash_before_key_step(true);
    run(&store, o, |tx| {
        vault.shred_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)
    })
    .unwrap();
    assert_eq!(store.pending_destructions().unwrap(), 1, "the key step did not run");
    assert_eq!(key_rows(&db.keys), vec![("active".to_owned(), true)], "crash window");
    let state =
        run(&store, o, |tx| Ok(tx.keks.bucket_kek(o, Bucket::Open).unwrap().unwrap().state))
            .unwrap();
    assert_eq!(state, KekState::Destroyed, "M11: readers see the pending destruction");
    assert!(
        matches!(
            run(&store, o, |tx| vault
                .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(o, 2), &synthetic_number(2))
                .map_err(verr)),
            Err(Error::Storage(_))
        ),
        "M11: a destroyed bucket takes no new data"
    );
    drop(store);
    let store = PostgresStore::connect(&db.data, &db.keys).unwrap();
    assert_eq!(store.pending_destructions().unwrap(), 0, "connect applied the destruction");
    assert_eq!(key_rows(&db.keys), vec![("destroyed".to_owned(), false)], "a tombstone remains");
    assert!(!database_holds(&db.keys, &wrapped), "P11: the KEK bytes are gone from the rows");
    assert!(matches!(open(&store, &vault, o, 1), Err(Error::Storage(_))));
}

/// M11: without a crash the destruction is applied right after the commit.
#[test]
fn committed_shred_is_applied_to_the_key_database_at_once() {
    let Some((db, store)) = dbs() else { return };
    let fx = Fixture::new(2);
    let vault = fx.vault();
    let o = org(2);
    seal(&store, &vault, o, 1);
    run(&store, o, |tx| {
        vault.shred_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)
    })
    .unwrap();
    assert_eq!(store.pending_destructions().unwrap(), 0);
    assert_eq!(key_rows(&db.keys), vec![("destroyed".to_owned(), false)]);
    // The data database keeps the destruction, marked applied (schema version 6).
    let mut c = postgres::Client::connect(&db.data, postgres::NoTls).unwrap();
    let applied: Vec<Option<String>> = c
        .query("SELECT applied_at FROM kek_pending_destruction", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(applied.len(), 1);
    let at = applied[0].as_deref().expect("marked applied");
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "RFC 3339 UTC text: {at}");
}

/// M11, P11: a shred committed and applied by another process (a second store on the same
/// databases) is seen by this store's next transaction although this store had read the
/// KEK and keeps active KEKs in memory between transactions: the data database remembers
/// the destruction (schema version 6), and the kept KEK is never consulted past it.
#[test]
fn kek_shredded_by_another_process_is_never_served_from_memory() {
    let Some((db, store)) = dbs() else { return };
    let fx = Fixture::new(6);
    let vault = fx.vault();
    let o = org(6);
    seal(&store, &vault, o, 1);
    assert!(open(&store, &vault, o, 1).unwrap(), "this store has read (and kept) the KEK");
    let other = PostgresStore::connect(&db.data, &db.keys).unwrap();
    run(&other, o, |tx| {
        vault.shred_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)
    })
    .unwrap();
    assert_eq!(other.pending_destructions().unwrap(), 0, "applied to the key database");
    assert_eq!(key_rows(&db.keys), vec![("destroyed".to_owned(), false)]);
    let state =
        run(&store, o, |tx| Ok(tx.keks.bucket_kek(o, Bucket::Open).unwrap().unwrap().state))
            .unwrap();
    assert_eq!(state, KekState::Destroyed, "M11: the kept KEK is not served");
    assert!(matches!(open(&store, &vault, o, 1), Err(Error::Storage(_))), "P11");
}

/// P9 (a lookup by number costs a few round trips): an active KEK read from the key
/// database is served from memory to the next transactions (within `KNOWN_KEK_TTL`) —
/// shown by hiding the key database's table after the first read — while a KEK this
/// store has not read yet still needs the key database.
#[test]
fn an_active_kek_is_kept_between_transactions() {
    let Some((db, store)) = dbs() else { return };
    let fx = Fixture::new(7);
    let vault = fx.vault();
    let (o, p) = (org(7), org(8));
    seal(&store, &vault, o, 1);
    seal(&store, &vault, p, 2);
    drop(store);
    let store = PostgresStore::connect(&db.data, &db.keys).unwrap();
    assert!(open(&store, &vault, o, 1).unwrap());
    let mut keys = postgres::Client::connect(&db.keys, postgres::NoTls).unwrap();
    keys.batch_execute("ALTER TABLE bucket_keks RENAME TO bucket_keks_hidden").unwrap();
    let kept = open(&store, &vault, o, 1);
    let unread = open(&store, &vault, p, 2);
    keys.batch_execute("ALTER TABLE bucket_keks_hidden RENAME TO bucket_keks").unwrap();
    assert!(kept.unwrap(), "served from memory");
    assert!(unread.is_err(), "a KEK not read before needs the key database");
    assert!(open(&store, &vault, p, 2).unwrap());
}

/// M13: a KEK created by a transaction that then fails is an orphan in the key database
/// that nobody refers to; the bucket is simply created again by the next transaction.
#[test]
fn kek_created_by_a_rolled_back_transaction_is_a_harmless_orphan() {
    let Some((db, store)) = dbs() else { return };
    let fx = Fixture::new(3);
    let vault = fx.vault();
    let o = org(3);
    let out = run(&store, o, |tx| {
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(o, 1), &synthetic_number(1))
            .map_err(verr)?;
        Err::<(), _>(Error::Internal("fail after sealing".into()))
    });
    assert!(out.is_err());
    assert_eq!(key_rows(&db.keys).len(), 1, "the KEK row was written first");
    assert!(
        run(&store, o, |tx| Ok(tx.keks.bucket_kek(o, Bucket::Open).unwrap())).unwrap().is_none()
    );
    seal(&store, &vault, o, 1);
    assert!(open(&store, &vault, o, 1).unwrap());
}

/// M13: a rekey that rolls back never loses the KEK in use (the new KEK is a new row);
/// a committed rekey destroys the old KEK after the commit.
#[test]
fn rekey_rolled_back_keeps_the_old_kek_and_committed_rekey_destroys_it() {
    let Some((db, store)) = dbs() else { return };
    let fx = Fixture::new(4);
    let vault = fx.vault();
    let o = org(4);
    seal(&store, &vault, o, 1);
    let out = run(&store, o, |tx| {
        vault.rekey_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)?;
        Err::<(), _>(Error::Internal("fail after rekey".into()))
    });
    assert!(out.is_err());
    assert!(open(&store, &vault, o, 1).unwrap(), "the old KEK still opens the data");
    run(&store, o, |tx| {
        vault.rekey_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)
    })
    .unwrap();
    assert!(open(&store, &vault, o, 1).unwrap(), "the new KEK opens the data");
    let rows = key_rows(&db.keys);
    assert_eq!(rows.iter().filter(|r| r.0 == "destroyed").count(), 1, "the replaced KEK");
    assert_eq!(rows.iter().filter(|r| r.1).count(), 2, "the live KEK and the orphan remain");
}

/// M11, P11, M13: the data database holds no KEK (no key table, no KEK bytes), so a copy
/// of it (a backup) restored next to the current key database cannot revive a shredded
/// bucket.
#[test]
fn data_backup_holds_no_kek_and_cannot_revive_a_shredded_bucket() {
    let Some((db, store)) = dbs() else { return };
    let fx = Fixture::new(5);
    let vault = fx.vault();
    let o = org(5);
    seal(&store, &vault, o, 1);
    let wrapped = wrapped_open_kek(&store, o);
    assert!(!dump(&db.data).iter().any(|l| l.starts_with("bucket_keks:")), "no KEK table");
    assert!(!database_holds(&db.data, &wrapped), "no KEK bytes in the data database");
    assert!(database_holds(&db.keys, &wrapped), "the key database has them");
    // The backup: a copy of the data database taken before the shred.
    let backup = snapshot(&db._server, &db.data, store);
    let store = PostgresStore::connect(&db.data, &db.keys).unwrap();
    run(&store, o, |tx| {
        vault.shred_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)
    })
    .unwrap();
    drop(store);
    let restored = PostgresStore::connect(&backup, &db.keys).unwrap();
    let reason = run(&restored, o, |tx| {
        Ok(vault.open_number(&*tx.vault, &*tx.keks, ctx(o, 1).record).err())
    })
    .unwrap();
    assert!(
        matches!(reason, Some(VaultError::BucketDestroyed { .. })),
        "P11: the shredded bucket stays shredded"
    );
}

/// Copies database `url` (closing `store` first: a template must have no connection).
fn snapshot(server: &crate::Server, url: &str, store: PostgresStore) -> String {
    drop(store);
    let name = url.rsplit('/').next().unwrap().to_owned();
    let copy = format!("{name}_copy");
    let mut admin = postgres::Client::connect(&server.url("postgres"), postgres::NoTls).unwrap();
    for attempt in 0.. {
        match admin.batch_execute(&format!("CREATE DATABASE {copy} TEMPLATE {name}")) {
            Ok(()) => break,
            Err(e) if attempt < 50 => {
                let _ = e;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("copy database: {e}"),
        }
    }
    server.url(&copy)
}
