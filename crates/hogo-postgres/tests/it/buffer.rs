//! The transaction's caches and write buffer (`hogo_postgres`'s `buffer` module): reads
//! inside a transaction see its buffered writes, a failed closure sends nothing, a batch
//! larger than the buffer flushes on its own, and a ledger row written behind the
//! adapter's back makes the flush — and so the whole transaction — fail instead of
//! forking the chain.

use hogo::Error;
use hogo_ledger::verify_ledger;

use crate::{dump, org, pg_or_skip, run};

/// Invariant 1: puts are visible to `get`, `list` and `list_prefix` of the same
/// transaction before any flush (prefix ranges merge the buffer into the server's rows,
/// a collection listed whole is answered from the cache and still sees later puts and
/// deletes); committed, they are all there in the next transaction.
#[test]
fn reads_see_the_transactions_buffered_writes() {
    let (_server, store) = pg_or_skip!();
    let o = org(1);
    run(&store, o, |tx| {
        tx.docs.put(o, "holding", "s1:a", "1a")?;
        tx.docs.put(o, "holding", "s2:a", "2a")
    })
    .unwrap();
    let seen = run(&store, o, |tx| {
        let mut seen = Vec::new();
        tx.docs.put(o, "holding", "s1:b", "1b")?;
        seen.push(tx.docs.list_prefix(o, "holding", "s1:")?);
        tx.docs.put(o, "holding", "s1:a", "1a'")?;
        seen.push(tx.docs.list_prefix(o, "holding", "s1:")?);
        assert!(tx.docs.delete(o, "holding", "s1:b")?, "a buffered put existed");
        seen.push(tx.docs.list_prefix(o, "holding", "s1:")?);
        seen.push(tx.docs.list(o, "holding")?);
        tx.docs.put(o, "holding", "s3:a", "3a")?;
        assert!(tx.docs.delete(o, "holding", "s2:a")?, "a committed document existed");
        seen.push(tx.docs.list(o, "holding")?);
        assert_eq!(tx.docs.get(o, "holding", "s3:a")?.as_deref(), Some("3a"));
        assert_eq!(tx.docs.get(o, "holding", "s2:a")?, None);
        Ok(seen)
    })
    .unwrap();
    let v = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        seen,
        vec![
            v(&["1a", "1b"]),
            v(&["1a'", "1b"]),
            v(&["1a'"]),
            v(&["1a'", "2a"]),
            v(&["1a'", "3a"]),
        ]
    );
    let after = run(&store, o, |tx| tx.docs.list(o, "holding")).unwrap();
    assert_eq!(after, v(&["1a'", "3a"]));
}

/// Invariant 1, M5: a closure that buffered writes through the documents, the vault and
/// the ledger and then fails sends none of them (the data database is unchanged).
#[test]
fn a_failed_closure_flushes_nothing() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let store = hogo_postgres::PostgresStore::connect(&data, &keys).unwrap();
    let o = org(2);
    run(&store, o, hogo::store_suite::create_log).unwrap();
    let before = dump(&data);
    let out = run(&store, o, |tx| {
        hogo::store_suite::append_entries(tx, 3, 1)?;
        tx.docs.put(o, "subject", "1", "{}")?;
        Err::<(), _>(Error::Internal("refused after writing".into()))
    });
    assert!(matches!(out, Err(Error::Internal(_))));
    assert_eq!(dump(&data), before);
}

/// A transaction that writes more rows than the buffer holds flushes on its own along the
/// way and still reads and commits every row.
#[test]
fn a_batch_larger_than_the_buffer_flushes_along_the_way() {
    let (_server, store) = pg_or_skip!();
    let o = org(3);
    let n = 25_000;
    let listed = run(&store, o, |tx| {
        for i in 0..n {
            tx.docs.put(o, "bulk", &format!("{i:06}"), "{}")?;
        }
        tx.docs.list(o, "bulk").map(|l| l.len())
    })
    .unwrap();
    assert_eq!(listed, n);
    assert_eq!(run(&store, o, |tx| tx.docs.list(o, "bulk")).unwrap().len(), n);
}

/// M5 (the chain never forks): a ledger entry written behind the adapter's back at the
/// sequence a transaction is appending makes that transaction's flush fail; nothing of
/// the transaction is committed (not its documents either) and the ledger still verifies.
#[test]
fn a_foreign_row_at_the_next_sequence_fails_the_whole_transaction() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let store = hogo_postgres::PostgresStore::connect(&data, &keys).unwrap();
    let o = org(4);
    run(&store, o, |tx| {
        hogo::store_suite::create_log(tx)?;
        hogo::store_suite::append_entries(tx, 2, 1)
    })
    .unwrap();
    let out = run(&store, o, |tx| {
        hogo::store_suite::append_entries(tx, 1, 2)?;
        tx.docs.put(o, "subject", "lost", "{}")?;
        // A writer that takes neither the organisation's lock nor the head's row lock.
        let mut rogue = postgres::Client::connect(&data, postgres::NoTls).unwrap();
        rogue
            .execute(
                "INSERT INTO ledger_entries (organisation, sequence, subject, action, entry, bytes, hash)
                 VALUES ($1, 2, NULL, 'access', '{}', '\\x00', '\\x00')",
                &[&o.as_bytes().as_slice()],
            )
            .unwrap();
        Ok(())
    });
    assert!(out.is_err(), "the flush met the foreign row: {out:?}");
    let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    let docs: i64 = c.query_one("SELECT COUNT(*) FROM documents", &[]).unwrap().get(0);
    assert_eq!(docs, 0, "nothing of the failed transaction was committed");
    let size: i64 = c.query_one("SELECT size FROM ledger_heads", &[]).unwrap().get(0);
    assert_eq!(size, 2, "the head did not move");
    c.execute("DELETE FROM ledger_entries WHERE sequence = 2", &[]).unwrap();
    run(&store, o, |tx| verify_ledger(&*tx.ledger, o).map_err(|e| Error::Storage(e.to_string())))
        .unwrap();
}
