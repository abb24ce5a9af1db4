//! What the lookup path's saved round trips must not change: a session touch is buffered
//! to the flush before `COMMIT` (written at commit, dropped by a rollback, never written
//! over a revocation committed meanwhile), and the ledger head row keeps the next entry
//! sequence and the next node index per level (migration 0003) exactly as the tables say.

use chrono::{DateTime, SecondsFormat, Utc};
use hogo::Error;
use hogo_auth::{RevocationReason, Session};
use hogo_domain::OrganisationId;
use hogo_ledger::verify_ledger;
use hogo_postgres::PostgresStore;

use crate::{org, run};

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_775_000_000 + secs, 0).unwrap()
}

fn auth(e: hogo_auth::StoreError) -> Error {
    Error::Storage(e.to_string())
}

/// An account and a live session of it in `o`, committed.
fn signed_in(store: &PostgresStore, o: OrganisationId) -> Session {
    let account = hogo::store_suite::account(0x91, "kato.jiro", o);
    let session = hogo::store_suite::session(0x5e, account.id, o);
    run(store, o, |tx| {
        tx.auth.insert_account(&account).map_err(auth)?;
        tx.auth.insert_session(&session).map_err(auth)
    })
    .unwrap();
    session
}

/// The session as committed (read in a transaction of its own).
fn committed(store: &PostgresStore, s: &Session) -> Session {
    run(store, s.organisation, |tx| tx.auth.session(&s.token_hash).map_err(auth))
        .unwrap()
        .expect("the session exists")
}

/// M13: a session touch (last seen, idle expiry) is seen by the transaction's own reads
/// at once, is in the database once the transaction committed, and is not there after a
/// rollback.
#[test]
fn a_session_touch_is_written_at_commit_and_dropped_by_a_rollback() {
    let (_server, store) = crate::pg_or_skip!();
    let o = org(41);
    let s = signed_in(&store, o);
    let touched = run(&store, o, |tx| {
        let mut now = tx.auth.session(&s.token_hash).map_err(auth)?.unwrap();
        now.last_seen_at = at(100);
        now.idle_expires_at = at(1900);
        tx.auth.update_session(&now).map_err(auth)?;
        assert_eq!(tx.auth.session(&s.token_hash).map_err(auth)?.as_ref(), Some(&now));
        assert_eq!(tx.auth.sessions_of_account(s.account).map_err(auth)?, vec![now.clone()]);
        Ok(now)
    })
    .unwrap();
    assert_eq!(committed(&store, &s), touched, "the touch committed");

    let out = run(&store, o, |tx| {
        let mut now = tx.auth.session(&s.token_hash).map_err(auth)?.unwrap();
        now.last_seen_at = at(200);
        now.idle_expires_at = at(2000);
        tx.auth.update_session(&now).map_err(auth)?;
        Err::<(), _>(Error::Internal("refused after the touch".into()))
    });
    assert!(matches!(out, Err(Error::Internal(_))));
    assert_eq!(committed(&store, &s), touched, "the rolled-back touch is not there");
}

/// M13: a buffered touch writes the last-seen time and idle expiry only, so a revocation
/// another transaction commits between the touch and this transaction's commit stays;
/// and a full update after a touch in the same transaction supersedes the touch.
#[test]
fn a_buffered_touch_keeps_a_revocation_committed_meanwhile() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let store = PostgresStore::connect(&data, &keys).unwrap();
    let o = org(42);
    let s = signed_in(&store, o);
    let revoked_at = at(50).to_rfc3339_opts(SecondsFormat::AutoSi, true);
    run(&store, o, |tx| {
        let mut now = tx.auth.session(&s.token_hash).map_err(auth)?.unwrap();
        now.last_seen_at = at(100);
        now.idle_expires_at = at(1900);
        tx.auth.update_session(&now).map_err(auth)?;
        // An administrator's revocation from another connection, committed at once.
        let mut admin = postgres::Client::connect(&data, postgres::NoTls).unwrap();
        let n = admin
            .execute(
                "UPDATE auth_sessions SET revoked_at = $2, revoked_reason = 'by_administrator'
                 WHERE token_hash = $1",
                &[&s.token_hash.as_bytes().as_slice(), &revoked_at],
            )
            .unwrap();
        assert_eq!(n, 1);
        Ok(())
    })
    .unwrap();
    let after = committed(&store, &s);
    assert_eq!(after.revoked, Some((at(50), RevocationReason::ByAdministrator)), "kept");
    assert_eq!((after.last_seen_at, after.idle_expires_at), (at(100), at(1900)), "touched");

    let signed_out = run(&store, o, |tx| {
        let mut now = tx.auth.session(&s.token_hash).map_err(auth)?.unwrap();
        now.last_seen_at = at(300);
        now.idle_expires_at = at(2100);
        tx.auth.update_session(&now).map_err(auth)?;
        now.revoked = Some((at(301), RevocationReason::SignedOut));
        tx.auth.update_session(&now).map_err(auth)?;
        Ok(now)
    })
    .unwrap();
    assert_eq!(committed(&store, &s), signed_out, "the full update won");
}

/// The head row's kept positions: `(next sequence, next index per level)`.
fn kept(c: &mut postgres::Client, o: OrganisationId) -> (Option<i64>, Option<Vec<i64>>) {
    let r = c
        .query_one(
            "SELECT next_sequence, next_index FROM ledger_heads WHERE organisation = $1",
            &[&o.as_bytes().as_slice()],
        )
        .unwrap();
    (r.get(0), r.get(1))
}

/// Asserts that the head row's positions are those the tables say: the next sequence,
/// the next index of every level the array covers, and no node at a level past it.
fn assert_positions_match_the_tables(data: &str, o: OrganisationId) {
    let mut c = postgres::Client::connect(data, postgres::NoTls).unwrap();
    let blob = o.as_bytes().as_slice();
    let (seq, idx) = kept(&mut c, o);
    let (seq, idx) = (seq.expect("next sequence kept"), idx.expect("next indexes kept"));
    let entries: i64 = c
        .query_one(
            "SELECT COALESCE(MAX(sequence) + 1, 0) FROM ledger_entries WHERE organisation = $1",
            &[&blob],
        )
        .unwrap()
        .get(0);
    assert_eq!(seq, entries, "next sequence");
    for (level, next) in idx.iter().enumerate() {
        let derived: i64 = c
            .query_one(
                "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_nodes
                 WHERE organisation = $1 AND level = $2",
                &[&blob, &(level as i64)],
            )
            .unwrap()
            .get(0);
        assert_eq!(*next, derived, "next index of level {level}");
    }
    let above: i64 = c
        .query_one(
            "SELECT COUNT(*) FROM ledger_nodes WHERE organisation = $1 AND level >= $2",
            &[&blob, &(idx.len() as i64)],
        )
        .unwrap()
        .get(0);
    assert_eq!(above, 0, "no node past the kept levels");
}

fn verifies(store: &PostgresStore, o: OrganisationId) {
    run(store, o, |tx| verify_ledger(&*tx.ledger, o).map_err(|e| Error::Storage(e.to_string())))
        .unwrap();
}

/// M5: after appends of assorted batch sizes (each in its own transaction) the head row's
/// next sequence and next node index per level equal what `ledger_entries` and
/// `ledger_nodes` say, and the ledger verifies.
#[test]
fn head_positions_equal_those_derived_from_the_tables() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let store = PostgresStore::connect(&data, &keys).unwrap();
    let o = org(43);
    run(&store, o, hogo::store_suite::create_log).unwrap();
    for (i, n) in [1usize, 1, 2, 3, 1, 5, 8, 1, 13, 1, 1, 27].into_iter().enumerate() {
        run(&store, o, |tx| hogo::store_suite::append_entries(tx, n, i as u64)).unwrap();
        assert_positions_match_the_tables(&data, o);
    }
    // Two appends in one transaction.
    run(&store, o, |tx| {
        hogo::store_suite::append_entries(tx, 2, 90)?;
        hogo::store_suite::append_entries(tx, 3, 91)
    })
    .unwrap();
    assert_positions_match_the_tables(&data, o);
    verifies(&store, o);
}

/// M5: migration 0003 backfills the next positions of a log written before it (a version 2
/// database with entries), appends go on from them, and a head row whose positions are
/// unknown (NULL) is read from the tables once and written back by the next append.
#[test]
fn migration_0003_backfills_the_positions_of_an_existing_log() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let o = org(44);
    {
        let store = PostgresStore::connect(&data, &keys).unwrap();
        run(&store, o, hogo::store_suite::create_log).unwrap();
        for (i, n) in [3usize, 1, 7].into_iter().enumerate() {
            run(&store, o, |tx| hogo::store_suite::append_entries(tx, n, i as u64)).unwrap();
        }
    }
    // Back to schema version 2: the log as that version left it (versions 3 and later
    // undone), so reconnecting runs them all over existing rows.
    let mut c = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    c.batch_execute(
        "ALTER TABLE ledger_heads DROP COLUMN next_sequence, DROP COLUMN next_index;
         ALTER TABLE documents DROP CONSTRAINT documents_pkey;
         ALTER TABLE documents ADD CONSTRAINT documents_pkey
             PRIMARY KEY (organisation, collection, id);
         CREATE INDEX documents_collection ON documents (collection, organisation, id);
         ALTER TABLE kek_pending_destruction DROP COLUMN applied_at;
         DELETE FROM schema_migrations WHERE version >= 3;",
    )
    .unwrap();
    let store = PostgresStore::connect(&data, &keys).unwrap();
    assert_positions_match_the_tables(&data, o);
    assert_eq!(kept(&mut c, o).0, Some(11));
    run(&store, o, |tx| hogo::store_suite::append_entries(tx, 4, 7)).unwrap();
    assert_positions_match_the_tables(&data, o);

    c.batch_execute("UPDATE ledger_heads SET next_sequence = NULL, next_index = NULL").unwrap();
    run(&store, o, |tx| hogo::store_suite::append_entries(tx, 2, 8)).unwrap();
    assert_positions_match_the_tables(&data, o);
    assert_eq!(kept(&mut c, o).0, Some(17));
    verifies(&store, o);
}

/// Invariant 1, P9: the settings document and the blind-index root read in the begin
/// round trip (after the organisation's lock is held) are the last committed ones — in
/// the next transaction and in one that starts while another commits a change — and a
/// transaction's own writes replace them for its later reads; another organisation's are
/// never seen.
#[test]
fn prefetched_settings_and_index_root_are_current_and_see_own_writes() {
    use hogo_vault::{IndexRootRecord, KeyVersion, WrappedKey};
    let (_server, store) = crate::pg_or_skip!();
    let (o, other) = (org(45), org(46));
    let (collection, id) = (hogo::docs::ORGANISATIONS.0, "settings");
    let root = |v: u32| IndexRootRecord {
        version: v,
        bits: 16,
        wrapped: WrappedKey { version: KeyVersion(1), bytes: vec![0xa5; 60] },
    };
    let vault = |e: hogo_vault::StoreError| Error::Storage(e.to_string());
    let seen = |store: &PostgresStore, o: OrganisationId| {
        run(store, o, |tx| {
            Ok((tx.docs.get(o, collection, id)?, tx.vault.index_root().map_err(vault)?))
        })
        .unwrap()
    };
    assert_eq!(seen(&store, o), (None, None), "nothing yet");
    run(&store, o, |tx| {
        tx.docs.put(o, collection, id, "{\"v\":1}")?;
        tx.vault.put_index_root(root(1)).map_err(vault)?;
        assert_eq!(tx.docs.get(o, collection, id)?.as_deref(), Some("{\"v\":1}"));
        assert_eq!(tx.vault.index_root().map_err(vault)?, Some(root(1)));
        Ok(())
    })
    .unwrap();
    assert_eq!(seen(&store, o), (Some("{\"v\":1}".to_owned()), Some(root(1))));
    assert_eq!(seen(&store, other), (None, None), "scoped to the organisation");

    // A transaction that begins while another holds the lock and commits a change reads
    // the change: its begin round trip waits for the lock, then reads.
    std::thread::scope(|s| {
        let (locked_tx, locked_rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let store = &store;
        let writer = s.spawn(move || {
            run(store, o, |tx| {
                tx.docs.put(o, collection, id, "{\"v\":2}")?;
                tx.vault.put_index_root(root(2)).map_err(vault)?;
                let _ = locked_tx.send(());
                let _ = go_rx.recv_timeout(std::time::Duration::from_secs(5));
                Ok(())
            })
            .unwrap();
        });
        locked_rx.recv().unwrap();
        let reader = s.spawn(move || seen(store, o));
        std::thread::sleep(std::time::Duration::from_millis(200));
        go_tx.send(()).unwrap();
        writer.join().unwrap();
        assert_eq!(reader.join().unwrap(), (Some("{\"v\":2}".to_owned()), Some(root(2))));
    });
}
