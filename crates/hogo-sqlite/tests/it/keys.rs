//! The key file: KEKs never in the data file or its backups, the two-file protocol's
//! crash windows, rekey and rollback.

use hogo::Error;
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};
use hogo_sqlite::SqliteStore;
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{
    Bucket, KekState, LocalKeyProvider, RecordContext, Vault, VaultConfig, VaultError,
};

use crate::{dump, open_in, org, run, temp_store};

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

fn seal(store: &SqliteStore, vault: &Vault<'_>, o: OrganisationId, n: u128) {
    run(store, o, |tx| {
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(o, n), &synthetic_number(n as u64))
            .map_err(verr)
    })
    .unwrap();
}

fn open(store: &SqliteStore, vault: &Vault<'_>, o: OrganisationId, n: u128) -> Result<bool, Error> {
    run(store, o, |tx| {
        vault
            .open_number(&*tx.vault, &*tx.keks, ctx(o, n).record)
            .map(|m| m == synthetic_number(n as u64))
            .map_err(verr)
    })
}

fn wrapped_open_kek(store: &SqliteStore, o: OrganisationId) -> Vec<u8> {
    run(store, o, |tx| match tx.keks.bucket_kek(o, Bucket::Open).unwrap().unwrap().state {
        KekState::Active(w) => Ok(w.bytes),
        KekState::Destroyed => Err(Error::Internal("destroyed".into())),
    })
    .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap_or_default();
    all.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    all
}

fn key_rows(dir: &std::path::Path) -> Vec<(String, bool)> {
    let conn = rusqlite::Connection::open(dir.join("keys.db")).unwrap();
    let mut stmt =
        conn.prepare("SELECT state, wrapped IS NOT NULL FROM bucket_keks ORDER BY rowid").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

/// M11, P11: a shred whose key-file step did not run (simulated crash right after the
/// main commit) is reported destroyed at once, and the next open overwrites the KEK in
/// the key file and leaves a tombstone; the old bytes are gone from the file and its WAL.
#[test]
fn pending_destruction_left_by_a_crash_is_applied_on_open() {
    let (dir, store) = temp_store();
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
    assert_eq!(store.pending_destructions().unwrap(), 1, "the key-file step did not run");
    assert_eq!(
        key_rows(dir.path()),
        vec![("active".to_owned(), true)],
        "crash window: material still in the key file"
    );
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
    let store = open_in(dir.path());
    assert_eq!(store.pending_destructions().unwrap(), 0, "open applied the pending destruction");
    assert_eq!(key_rows(dir.path()), vec![("destroyed".to_owned(), false)], "a tombstone remains");
    assert!(
        !contains(&file_bytes(&dir.path().join("keys.db")), &wrapped),
        "P11: the KEK bytes are overwritten"
    );
    assert!(matches!(open(&store, &vault, o, 1), Err(Error::Storage(_))));
}

/// M11: without a crash the destruction is applied right after the commit.
#[test]
fn committed_shred_is_applied_to_the_key_file_at_once() {
    let (dir, store) = temp_store();
    let fx = Fixture::new(2);
    let vault = fx.vault();
    let o = org(2);
    seal(&store, &vault, o, 1);
    run(&store, o, |tx| {
        vault.shred_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)
    })
    .unwrap();
    assert_eq!(store.pending_destructions().unwrap(), 0);
    assert_eq!(key_rows(dir.path()), vec![("destroyed".to_owned(), false)]);
}

/// M13: a KEK created by a transaction that then fails is an orphan in the key file that
/// nobody refers to; the bucket is simply created again by the next transaction.
#[test]
fn kek_created_by_a_rolled_back_transaction_is_a_harmless_orphan() {
    let (dir, store) = temp_store();
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
    assert_eq!(
        key_rows(dir.path()).len(),
        1,
        "crash/rollback window: the KEK row was written first"
    );
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
    let (dir, store) = temp_store();
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
    let rows = key_rows(dir.path());
    assert_eq!(
        rows.iter().filter(|r| r.0 == "destroyed").count(),
        1,
        "the replaced KEK is destroyed"
    );
    assert_eq!(
        rows.iter().filter(|r| r.1).count(),
        2,
        "the live KEK and the rolled-back orphan remain"
    );
}

/// M11, P11, M13: a data backup holds no KEK (no key table, no KEK bytes); the key
/// file is a separate 0600 file with its own backup; and a data backup restored next
/// to the current key file cannot revive a shredded bucket.
#[test]
fn data_backup_holds_no_kek_and_cannot_revive_a_shredded_bucket() {
    let (dir, store) = temp_store();
    let fx = Fixture::new(5);
    let vault = fx.vault();
    let o = org(5);
    seal(&store, &vault, o, 1);
    let wrapped = wrapped_open_kek(&store, o);
    let backup = dir.path().join("backup.db");
    store.backup_to(&backup).unwrap();
    let tables = dump(&backup);
    assert!(
        !tables.iter().any(|l| l.starts_with("bucket_keks:")),
        "no KEK table in the data backup"
    );
    assert!(
        !contains(&std::fs::read(&backup).unwrap(), &wrapped),
        "no KEK bytes in the data backup"
    );
    assert!(
        !contains(&file_bytes(&dir.path().join("data.db")), &wrapped),
        "no KEK bytes in the data file"
    );
    let key_backup = dir.path().join("keys-backup.db");
    store.backup_keys_to(&key_backup).unwrap();
    assert!(contains(&std::fs::read(&key_backup).unwrap(), &wrapped), "the key backup has them");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("keys.db")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "M13: the key file is private");
    }
    run(&store, o, |tx| {
        vault.shred_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(verr)
    })
    .unwrap();
    drop(store);
    std::fs::copy(&backup, dir.path().join("restored.db")).unwrap();
    let restored =
        SqliteStore::open(&dir.path().join("restored.db"), &dir.path().join("keys.db")).unwrap();
    let reason = run(&restored, o, |tx| {
        Ok(vault.open_number(&*tx.vault, &*tx.keks, ctx(o, 1).record).err())
    })
    .unwrap();
    assert!(
        matches!(reason, Some(VaultError::BucketDestroyed { .. })),
        "P11: the shredded bucket stays shredded"
    );
}
