//! Checks of writers that compare an adapter's raw rows or run threads: a failed closure
//! leaves every row of the data database as it was (the adapter supplies its own dump),
//! and eight threads writing to one organisation lose nothing. Every SQL adapter runs
//! them (they were copies in the SQLite and PostgreSQL tests).

#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    clippy::cast_possible_truncation,
    reason = "a test suite: panics on failure; thread and round numbers are small"
)]

use std::sync::Arc;

use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, RecordId, SubjectId};
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{RecordContext, Vault, VaultConfig};

use super::{org, run};
use crate::Error;
use crate::store::Store;

/// Invariant 1, M5, M11: a closure that writes through every handle (ledger, vault, a
/// bucket shred, documents, accounts) and then returns `Err` leaves every row of the data
/// database unchanged — `dump` lists them, before and after — and the bucket it
/// shredded still opens. (Callers also check that no KEK destruction is pending.)
pub fn failed_closure_leaves_every_row_unchanged<S: Store>(
    store: &S,
    dump: &dyn Fn() -> Vec<String>,
) {
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
    run(store, o, |tx| {
        super::create_log(tx)?;
        super::append_entries(tx, 3, 1)?;
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(1), &synthetic_number(1))
            .map_err(verr)?;
        tx.docs.put(o, "subject", "1", "{}")
    })
    .unwrap();
    let before = dump();
    let out = run(store, o, |tx| {
        super::append_entries(tx, 2, 2)?;
        vault
            .put_number(&mut *tx.vault, &mut *tx.keks, &ctx(2), &synthetic_number(2))
            .map_err(verr)?;
        vault
            .shred_bucket(&mut *tx.vault, &mut *tx.keks, o, hogo_vault::Bucket::Open)
            .map_err(verr)?;
        tx.docs.put(o, "subject", "2", "{}")?;
        tx.docs.delete(o, "subject", "1")?;
        tx.auth
            .insert_account(&super::account(9, "kato.mei", o))
            .map_err(|e| Error::Storage(e.to_string()))?;
        Err::<(), _>(Error::Internal("refused after writing".into()))
    });
    assert!(matches!(out, Err(Error::Internal(_))));
    assert_eq!(dump(), before, "nothing of the failed closure remains");
    let n =
        run(store, o, |tx| vault.open_number(&*tx.vault, &*tx.keks, ctx(1).record).map_err(verr))
            .unwrap();
    assert!(n == synthetic_number(1), "the bucket survived the rolled-back shred");
}

/// M5, M13: eight threads, each appending ledger entries and documents to the same
/// organisation in many small transactions, lose no write, never see a busy error, and
/// leave a ledger that verifies with dense sequences. (The caller keeps its `Arc` to run
/// its own checks after.)
pub fn eight_writers_lose_nothing<S: Store + 'static>(store: &Arc<S>) {
    let o = org(1);
    run(&**store, o, super::create_log).unwrap();
    const THREADS: usize = 8;
    const ROUNDS: usize = 12;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = Arc::clone(store);
            std::thread::spawn(move || {
                for r in 0..ROUNDS {
                    run(&*store, o, |tx| {
                        super::append_entries(tx, 2, (t * 100 + r) as u64)?;
                        tx.docs.put(o, "subject", &format!("{t}-{r}"), "{}")
                    })
                    .map_err(|e: Error| e.to_string())
                    .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    run(&**store, o, |tx| {
        assert_eq!(tx.docs.list(o, "subject")?.len(), THREADS * ROUNDS, "no document lost");
        let report = hogo_ledger::verify_ledger(&*tx.ledger, o)
            .map_err(|e| Error::Storage(e.to_string()))?;
        assert_eq!(report.entries, (THREADS * ROUNDS * 2) as u64, "no entry lost");
        let seqs: Vec<u64> = tx
            .ledger
            .entries(o, 0, u64::MAX)
            .map_err(|e| Error::Storage(e.to_string()))?
            .iter()
            .map(|e| e.entry.sequence)
            .collect();
        assert_eq!(seqs, (0..(THREADS * ROUNDS * 2) as u64).collect::<Vec<_>>(), "dense sequences");
        Ok(())
    })
    .unwrap();
}
