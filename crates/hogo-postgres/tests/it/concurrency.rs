//! Eight threads writing to one organisation at once.

use std::sync::Arc;

use hogo::Error;

use crate::{org, run};

/// M5, M13: eight threads, each appending ledger entries and documents to the same
/// organisation in many small transactions, lose no write, never see "database is
/// locked", and leave a ledger that verifies with dense sequences.
#[test]
fn eight_writers_lose_nothing_and_never_see_locked() {
    let (_server, store) = crate::pg_or_skip!();
    let store = Arc::new(store);
    let o = org(1);
    run(&*store, o, hogo::store_suite::create_log).unwrap();
    const THREADS: usize = 8;
    const ROUNDS: usize = 12;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for r in 0..ROUNDS {
                    run(&*store, o, |tx| {
                        hogo::store_suite::append_entries(tx, 2, (t * 100 + r) as u64)?;
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
    run(&*store, o, |tx| {
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
