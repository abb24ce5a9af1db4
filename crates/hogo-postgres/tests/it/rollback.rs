//! A failed closure leaves the data database exactly as it was.

use hogo::Error;
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, RecordId, SubjectId};
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{RecordContext, Vault, VaultConfig};

use crate::{dump, org, run};

/// Invariant 1, M5: a closure that writes through every handle and then returns `Err`
/// leaves every row of every table of the data database unchanged (dump before and after).
#[test]
fn failed_closure_leaves_the_data_database_unchanged() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys_url) = server.database_pair();
    let store = hogo_postgres::PostgresStore::connect(&data, &keys_url).unwrap();
    let o = org(1);
    let (keys, entropy, ids) =
        (in_memory_key_provider(1), SeededEntropy::new(1), SequentialIds::new());
    let vault = Vault::new(&keys, &entropy, &ids, VaultConfig::default()).unwrap();
    let ctx = |n: u128| RecordContext {
        organisation: o,
        subject: SubjectId::from_uuid(uuid::Uuid::from_u128(n)),
        class: DataClass::MyNumber,
        table: "employees".into(),
        field: "my_number".into(),
        record: RecordId::from_uuid(uuid::Uuid::from_u128(0x100 + n)),
    };
    let verr = |e: hogo_vault::VaultError| Error::Storage(e.to_string());
    run(&store, o, |tx| {
        hogo::store_suite::create_log(tx)?;
        hogo::store_suite::append_entries(tx, 3, 1)?;
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(1), &synthetic_number(1))
            .map_err(verr)?;
        tx.docs.put(o, "subject", "1", "{}")
    })
    .unwrap();
    let before = dump(&data);
    let out = run(&store, o, |tx| {
        hogo::store_suite::append_entries(tx, 2, 2)?;
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(2), &synthetic_number(2))
            .map_err(verr)?;
        vault
            .shred_bucket(&mut *tx.vault, &mut *tx.keks, o, hogo_vault::Bucket::Open)
            .map_err(verr)?;
        tx.docs.put(o, "subject", "2", "{}")?;
        tx.docs.delete(o, "subject", "1")?;
        tx.auth
            .insert_account(&hogo::store_suite::account(9, "kato.mei", o))
            .map_err(|e| Error::Storage(e.to_string()))?;
        Err::<(), _>(Error::Internal("refused after writing".into()))
    });
    assert!(matches!(out, Err(Error::Internal(_))));
    assert_eq!(dump(&data), before, "nothing of the failed closure remains");
    assert_eq!(store.pending_destructions().unwrap(), 0, "the rolled-back shred destroys nothing");
    let n =
        run(&store, o, |tx| vault.open_number(&*tx.vault, &*tx.keks, ctx(1).record).map_err(verr))
            .unwrap();
    assert!(n == synthetic_number(1), "the bucket survived the rolled-back shred");
}
