//! The connection pool: a pooled connection the server has closed while it sat idle costs
//! the next transaction nothing but a reconnect (the pool runs no test query per checkout).

use crate::{org, run};

/// P9 (one round trip less per transaction, none lost to a dead connection): every pooled
/// connection is terminated by the server while idle, and the next transactions still
/// run, each on a new connection, with nothing of theirs lost.
#[test]
fn a_connection_closed_while_idle_is_replaced_before_the_transaction_begins() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let store = hogo_postgres::PostgresStore::connect(&data, &keys).unwrap();
    let o = org(40);
    let write = |id: &str| run(&store, o, |tx| tx.docs.put(o, "note", id, "{}"));
    write("before").unwrap();
    let mut admin = postgres::Client::connect(&data, postgres::NoTls).unwrap();
    let killed: i64 = admin
        .query_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(killed >= 1, "the pool's idle connection was terminated");
    // Let the terminations land before the pool hands the dead connections out.
    std::thread::sleep(std::time::Duration::from_millis(200));
    for i in 0..3 {
        write(&format!("after {i}")).unwrap();
    }
    let n: i64 = admin
        .query_one("SELECT COUNT(*) FROM documents WHERE id IN ('before', 'after 0', 'after 1', 'after 2')", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 4);
}

/// P9: the begin round trip's statements are prepared once per session; a session that
/// lost one of them (`DEALLOCATE` by a maintenance checkout) or whose first transaction
/// failed right after preparing them still begins, and reads what was committed.
#[test]
fn the_begin_statements_survive_a_failed_first_transaction_and_a_deallocate() {
    let Some(server) = crate::server_or_skip() else { return };
    let (data, keys) = server.database_pair();
    let store = hogo_postgres::PostgresStore::connect(&data, &keys).unwrap();
    let o = org(41);
    let failed: Result<(), hogo::Error> = run(&store, o, |tx| {
        tx.docs.put(o, "note", "lost", "{}")?;
        Err(hogo::Error::Internal("fail after the first begin".into()))
    });
    assert!(failed.is_err());
    run(&store, o, |tx| tx.docs.put(o, "note", "kept", "{}")).unwrap();
    {
        let mut conn = store.connection().unwrap();
        conn.client().batch_execute("DEALLOCATE hogo_begin_head").unwrap();
    }
    let seen =
        run(&store, o, |tx| Ok((tx.docs.get(o, "note", "kept")?, tx.docs.get(o, "note", "lost")?)))
            .unwrap();
    assert_eq!(seen, (Some("{}".to_owned()), None));
}
