//! Organisation scoping beyond what the port's signatures say (for adapters that scope
//! id-keyed calls, as the SQL adapters do): the id-keyed vault calls are limited to the
//! transaction's organisation, and a call naming another organisation is refused.

#![allow(clippy::unwrap_used, reason = "a test suite panics on failure")]

use crate::Error;
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, RecordId, SubjectId};
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{Bucket, RecordContext, Vault, VaultConfig};

use super::{org, run};
use crate::store::Store;

/// M14, invariant 4: a record sealed for organisation A is absent through organisation
/// B's transaction even when B knows its record id and data key id, and B's handles
/// refuse to read or write in A's name.
pub fn another_organisations_rows_are_invisible_and_its_name_is_refused<S: Store>(store: &S) {
    let (a, b) = (org(1), org(2));
    let (keys, entropy, ids) =
        (in_memory_key_provider(1), SeededEntropy::new(1), SequentialIds::new());
    let vault = Vault::new(&keys, &entropy, &ids, VaultConfig::default()).unwrap();
    let ctx = RecordContext {
        organisation: a,
        subject: SubjectId::from_uuid(uuid::Uuid::from_u128(5)),
        class: DataClass::MyNumber,
        table: "employees".into(),
        field: "my_number".into(),
        record: RecordId::from_uuid(uuid::Uuid::from_u128(6)),
    };
    let number = synthetic_number(11);
    let key_id = run(store, a, |tx| {
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx, &number)
            .map_err(|e| Error::Storage(e.to_string()))?;
        tx.docs.put(a, "subject", "s", "{}")?;
        Ok(tx.vault.data_key_for(a, ctx.subject, DataClass::MyNumber).unwrap().unwrap().id)
    })
    .unwrap();
    run(store, b, |tx| {
        assert!(tx.vault.record(ctx.record).unwrap().is_none(), "A's record by id");
        assert!(tx.vault.data_key(key_id).unwrap().is_none(), "A's data key by id");
        assert!(tx.vault.records_under_key(key_id).unwrap().is_empty(), "A's records by key");
        assert!(!tx.vault.delete_record(ctx.record).unwrap(), "B cannot delete A's record");
        assert!(
            tx.vault.index_root().unwrap().is_none(),
            "each organisation has its own index root"
        );
        assert!(
            tx.vault.data_key_for(a, ctx.subject, DataClass::MyNumber).is_err(),
            "naming A is refused"
        );
        assert!(tx.keks.bucket_kek(a, Bucket::Open).is_err(), "naming A is refused");
        assert!(tx.ledger.head(a).is_err(), "naming A is refused");
        assert!(tx.docs.get(a, "subject", "s").is_err(), "naming A is refused");
        assert!(tx.docs.put(a, "subject", "x", "{}").is_err(), "writing in A's name is refused");
        Ok(())
    })
    .unwrap();
    let still = run(store, a, |tx| {
        vault
            .open_number(&*tx.vault, &*tx.keks, ctx.record)
            .map_err(|e| Error::Storage(e.to_string()))
    })
    .unwrap();
    assert!(still == number, "A's record is untouched");
}
